-- The conformance file through the HAProxy module: one verifier per @policy line of
-- tests/conformance/cases.txt, each registered as the action jwtguard_conformance_POLICY, the
-- token read from the X-Token header. @NAME@ is filled in by bindings/haproxy/t/run.py.
package.cpath = "@MODULE_DIR@/?.so;" .. package.cpath
local jwtguard = require "jwtguard"
local dir = "@CONFORMANCE@"

local f = assert(io.open(dir .. "/cases.txt"))
local text = f:read("a")
f:close()
local verifiers = {}
for line in text:gmatch("[^\n]+") do
    local name, settings = line:match("^@policy (%S+) (.*)$")
    if name then
        local o = { jwks_file = dir .. "/keys.jwks.json", issuers = {}, audiences = {},
                    authorized_parties = {}, permissions = {} }
        for k, v in settings:gmatch("([%w_]+)=(%S+)") do
            if k == "keys" then o.jwks_file = dir .. "/" .. v
            elseif k == "iss" then o.issuers[#o.issuers + 1] = v
            elseif k == "aud" then o.audiences[#o.audiences + 1] = v
            elseif k == "azp" then o.authorized_parties[#o.authorized_parties + 1] = v
            elseif k == "permission" then o.permissions[#o.permissions + 1] = v
            elseif k == "max_age" then o.max_age = math.tointeger(tonumber(v))
            elseif k == "access_token" then o.access_token = v == "on"
            elseif k == "require_kid" then o.require_kid = v == "on"
            else error("unknown setting " .. k) end
        end
        verifiers[name] = assert(jwtguard.new(o))
        jwtguard.register_action("jwtguard_conformance_" .. name, verifiers[name],
            { token_header = "x-token" })
    end
    local set, members = line:match("^@providers (%S+) (.*)$")
    if set then
        local list = {}
        for m in members:gmatch("%S+") do
            list[#list + 1] = assert(verifiers[m], m)
        end
        jwtguard.register_action("jwtguard_conformance_" .. set, assert(jwtguard.providers(list)),
            { token_header = "x-token" })
    end
end
