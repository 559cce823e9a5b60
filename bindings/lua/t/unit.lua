-- lua-resty-jwtguard under plain LuaJIT (no nginx): the API, then the conformance file.
--   LUA_PATH="bindings/lua/lib/?.lua;bindings/lua/t/?.lua;;" JWTGUARD_LIB=target/release/libjwtguard.so \
--     luajit bindings/lua/t/unit.lua tests/conformance
local jwtguard = require "resty.jwtguard"
local conformance = require "conformance"

local dir = arg[1] or "tests/conformance"
local passed, failed = 0, 0
local function check(ok, what)
    if ok then
        passed = passed + 1
    else
        failed = failed + 1
        io.stderr:write("FAIL: " .. what .. "\n")
    end
end

-- bearer()
check(jwtguard.bearer("Bearer a.b.c") == "a.b.c", "bearer: Bearer")
check(jwtguard.bearer("bEaReR a.b.c") == "a.b.c", "bearer: any case")
check(select(3, jwtguard.bearer("Basic dXNlcg==")) == "JWTGUARD_NOT_BEARER", "bearer: another scheme")
check(select(3, jwtguard.bearer(nil)) == "JWTGUARD_MISSING_BEARER_TOKEN", "bearer: no header")
check(select(3, jwtguard.bearer("Bearer a b")) == "JWTGUARD_MALFORMED_AUTHORIZATION", "bearer: two words")

-- new(): settings that cannot take effect are errors, naming the option.
local v, err, code = jwtguard.new { jwks = "{\"keys\":[]}", issuers = { "https://i" }, audiences = { "a" } }
check(v == nil and code == "JWTGUARD_NO_USABLE_KEYS" and err:match("^jwks"), "new: an empty JWKS")
v, err, code = jwtguard.new { issuers = { "https://i" } }
check(v == nil and code == "JWTGUARD_AUDIENCE_NOT_CONFIGURED", "new: no audience")
v, err, code = jwtguard.new { issuers = { "https://i" }, audiences = { "a" }, max_age = 0 }
check(v == nil and code == "JWTGUARD_INVALID_ARGUMENT" and err:match("^max_age"), "new: max_age 0")
v, err, code = jwtguard.new { isuers = { "https://i" } }
check(v == nil and err:match("unknown option isuers"), "new: a misspelt option")
v, err, code = jwtguard.new { issuers = { "https://i" }, audiences = { "a" }, permissions_claim = "a..b" }
check(v == nil and err:match("^permissions_claim"), "new: a bad permissions claim path")

-- verify() and the claims getters, on the conformance keys and policy.
local verifiers = conformance.verifiers(dir)
local cases = conformance.cases(dir)
local valid
for _, c in ipairs(cases) do
    if c.name == "valid ES256" then valid = c.token end
end
local claims = assert(verifiers.base:verify(valid))
check(claims:sub() == "user_1", "claims: sub")
check(claims:get("iss") == "https://issuer.example", "claims: get")
check(claims:get("permissions") == '["read"]', "claims: an array as compact JSON")
check(claims:get("nope") == nil, "claims: absent")
check(claims:header("kid") == "es256-key" and claims:header("alg") == "ES256", "claims: header")
check(claims:payload():match('^{"iss":"https://issuer.example","sub":"user_1"'), "claims: payload")
check(claims:exp() == 4102444800, "claims: exp")
-- A scratch buffer too small for a value grows, and the value is read again whole.
verifiers.base.scratch_len = 4
check(claims:get("iss") == "https://issuer.example" and verifiers.base.scratch_len >= 22, "claims: the buffer grows")
check(claims:matches("permissions", "read") and not claims:matches("permissions", "write"), "claims: matches")
check(claims:keys_tried() == 1, "claims: keys tried")
local again = assert(verifiers.base:verify(valid, nil, nil, claims))
check(again == claims, "verify: into reuses the result")
local none, err2, code2 = verifiers.base:verify(valid, nil, { "admin" })
check(none == nil and code2 == "JWTGUARD_INSUFFICIENT_PERMISSIONS" and err2 == "Insufficient permissions",
    "verify: the call's permissions")
check(jwtguard.http_status(code2) == 403 and jwtguard.http_status("JWTGUARD_EXPIRED") == 401
    and jwtguard.http_status("JWTGUARD_ISSUER_NOT_CONFIGURED") == 500, "http_status")
local e = verifiers.base:explain(valid, nil)
check(e.verdict == "JWTGUARD_OK" and e.checks[3].check == "key" and e.checks[3].kid == "es256-key", "explain")

-- A providers set: the claims say which provider verified the token.
for _, c in ipairs(cases) do
    if c.name == "provider B's key and issuer" then
        local pc = verifiers.ab:verify(c.token)
        check(pc and pc:provider() == 2 and pc:iss() == "https://b.example", "providers: provider()")
    end
end

-- The conformance file.
local wrong = 0
for _, c in ipairs(cases) do
    local got = conformance.status(verifiers[c.policy], c.token)
    if got ~= c.want then
        wrong = wrong + 1
        io.stderr:write(("conformance: %s: %s, want %s\n"):format(c.name, tostring(got), c.want))
    end
end
check(wrong == 0 and #cases >= 50, ("conformance: %d cases"):format(#cases))

print(("lua unit: %d passed, %d failed"):format(passed, failed))
os.exit(failed == 0 and 0 or 1)
