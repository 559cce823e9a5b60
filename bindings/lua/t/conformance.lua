-- The conformance file (tests/conformance/cases.txt) through lua-resty-jwtguard: one verifier
-- per @policy line, every token verified against the clock, its status compared with the
-- file's. Used by t/unit.lua (plain LuaJIT) and by the OpenResty test's /conformance location.
local jwtguard = require "resty.jwtguard"

local _M = {}

local function read(path)
    local f = assert(io.open(path, "rb"))
    local text = f:read("*a")
    f:close()
    return text
end

--- The verifiers of the file's policies, by name.
function _M.verifiers(dir)
    local jwks = read(dir .. "/keys.jwks.json")
    local out = {}
    for line in read(dir .. "/cases.txt"):gmatch("[^\n]+") do
        local name, settings = line:match("^@policy (%S+) (.*)$")
        if name then
            local o = { jwks = jwks, issuers = {}, audiences = {}, authorized_parties = {}, permissions = {} }
            for k, v in settings:gmatch("([%w_]+)=(%S+)") do
                if k == "keys" then o.jwks = read(dir .. "/" .. v)
                elseif k == "iss" then o.issuers[#o.issuers + 1] = v
                elseif k == "aud" then o.audiences[#o.audiences + 1] = v
                elseif k == "azp" then o.authorized_parties[#o.authorized_parties + 1] = v
                elseif k == "permission" then o.permissions[#o.permissions + 1] = v
                elseif k == "max_age" then o.max_age = tonumber(v)
                elseif k == "access_token" then o.access_token = v == "on"
                elseif k == "require_kid" then o.require_kid = v == "on"
                else error("unknown setting " .. k) end
            end
            out[name] = assert(jwtguard.new(o))
        end
        local set, members = line:match("^@providers (%S+) (.*)$")
        if set then
            local list = {}
            for m in members:gmatch("%S+") do
                list[#list + 1] = assert(out[m], m)
            end
            out[set] = assert(jwtguard.providers(list))
        end
    end
    return out
end

--- Every case: { name, policy, want, token }.
function _M.cases(dir)
    local out = {}
    for line in read(dir .. "/cases.txt"):gmatch("[^\n]+") do
        if not line:match("^[#@]") then
            local name, policy, want, token = line:match("^(.-) | (%S+) | (%S+) | (%S*)$")
            out[#out + 1] = { name = name, policy = policy, want = want, token = token }
        end
    end
    return out
end

--- The status the binding gives `token` under `v`.
function _M.status(v, token)
    local claims, _, code = v:verify(token)
    return claims and "JWTGUARD_OK" or code
end

return _M
