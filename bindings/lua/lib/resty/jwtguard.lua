-- lua-resty-jwtguard: JWT verification for OpenResty (and Kong, APISIX) on the jwtguard C ABI,
-- through LuaJIT's FFI.
--
--   local jwtguard = require "resty.jwtguard"
--   local v = assert(jwtguard.new{ issuers = {"https://issuer.example"},
--                                   audiences = {"api.example"}, jwks = jwks_text })
--   local claims, err, code = v:verify(token)          -- now: ngx.time()
--   if not claims then ... end                          -- err: "Token has expired",
--   claims:get("sub"), claims:get("user_data.name")     -- code: "JWTGUARD_EXPIRED"
--
-- Build a verifier once per worker (init_worker_by_lua*): keys and policy are loaded and
-- checked there, and a configuration that cannot take effect is an error there, not a 500 per
-- request. Per request, verify() allocates one result (1.9 KiB, 12.4 KiB for tokens over 2048
-- bytes); pass a previous claims object as `into` to reuse its result instead.
--
-- The library is found by ffi.load: jwtguard.load(path) names it, else the JWTGUARD_LIB
-- environment variable (`env JWTGUARD_LIB;` in nginx.conf passes it to workers), else
-- "jwtguard" on the system's library path.

local ffi = require "ffi"
local defs = require "resty.jwtguard.cdef"

local ffi_new, ffi_string, ffi_gc = ffi.new, ffi.string, ffi.gc
local type, tostring, setmetatable, select = type, tostring, setmetatable, select

ffi.cdef(defs.cdef)

local _M = { _VERSION = "0.1.0", constants = defs.constants }

local C

--- Load the library from `path` (a file name or a path for ffi.load). Called by the first
--- new() if not before.
function _M.load(path)
    C = ffi.load(path or os.getenv("JWTGUARD_LIB") or "jwtguard")
    return true
end

local function lib()
    if not C then
        _M.load()
    end
    return C
end

local function now_default()
    if ngx and ngx.time then
        return ngx.time()
    end
    return os.time()
end

--- The status name of code `s` ("JWTGUARD_EXPIRED").
function _M.status_name(s)
    local p = lib().jwtguard_error_name(s)
    return p ~= nil and ffi_string(p) or "JWTGUARD_UNKNOWN_ERROR"
end

--- The message of code `s` ("Token has expired").
function _M.status_message(s)
    local p = lib().jwtguard_error_message(s)
    return p ~= nil and ffi_string(p) or "Unknown error"
end

-- nil, message, name for a failed call.
local function failure(s)
    return nil, _M.status_message(s), _M.status_name(s)
end

--- The token in an Authorization header value ("Bearer <token>", the scheme in any case,
--- RFC 6750 §2.1): the token, or nil, message, code (JWTGUARD_NOT_BEARER for another scheme,
--- JWTGUARD_MISSING_BEARER_TOKEN for none, JWTGUARD_MALFORMED_AUTHORIZATION).
function _M.bearer(header)
    local lib = lib()
    if type(header) ~= "string" or header == "" then
        return failure(lib.JWTGUARD_MISSING_BEARER_TOKEN)
    end
    local tok = ffi_new("const uint8_t *[1]")
    local len = ffi_new("size_t[1]")
    local s = lib.jwtguard_bearer_token(header, #header, tok, len)
    if s ~= 0 then
        return failure(s)
    end
    return ffi_string(tok[0], len[0])
end

-- ---- claims --------------------------------------------------------------------------------

local Claims = {}
Claims.__index = Claims

-- A value read through `call(out, cap, out_len)` into the verifier's scratch buffer, grown and
-- read again when it was too small (no yield happens in between); nil when the call fails.
local function fetch(self, call)
    local v = self.verifier
    local s = call(v.scratch, v.scratch_len, v.len)
    if s == C.JWTGUARD_BUFFER_TOO_SMALL then
        v:grow(tonumber(v.len[0]))
        s = call(v.scratch, v.scratch_len, v.len)
    end
    if s ~= 0 then
        return nil
    end
    return ffi_string(v.scratch, v.len[0])
end

--- A claim as text: a string claim's unescaped text, anything else compact JSON; nil if
--- absent. `path` is a name, a dot path ("user_data.name") or a JSON Pointer ("/roles/0").
--- The text may hold control characters (a signed "\r\n"): refuse or encode them before
--- putting it in a header.
function Claims:get(path)
    return fetch(self, function(out, cap, len)
        return C.jwtguard_result_claim(self.ptr, path, #path, out, cap, len)
    end)
end

--- A member of the protected header ("kid", "alg", "typ"), as get() renders a claim.
function Claims:header(name)
    return fetch(self, function(out, cap, len)
        return C.jwtguard_result_header(self.ptr, name, #name, out, cap, len)
    end)
end

--- The whole claims set as compact JSON.
function Claims:payload()
    return fetch(self, function(out, cap, len)
        return C.jwtguard_result_payload(self.ptr, out, cap, len)
    end)
end

--- Whether the claim at `path` equals `value` or, for an array, holds it.
function Claims:matches(path, value)
    return C.jwtguard_result_claim_matches(self.ptr, path, #path, value, #value) == 0
end

--- The registered claims' shortcuts.
function Claims:sub() return self:get("sub") end
function Claims:iss() return self:get("iss") end
function Claims:exp()
    local e = ffi_new("uint64_t[1]")
    if C.jwtguard_result_exp(self.ptr, e) ~= 0 then
        return nil
    end
    return tonumber(e[0])
end

--- How many signature checks the verify cost (keys tried).
function Claims:keys_tried()
    return tonumber(C.jwtguard_result_keys_tried(self.ptr))
end

-- ---- verifiers ------------------------------------------------------------------------------

local Verifier = {}
Verifier.__index = Verifier

function Verifier:grow(n)
    if n > self.scratch_len then
        self.scratch = ffi_new("uint8_t[?]", n)
        self.scratch_len = n
    end
end

-- Each option: how it is applied, in this order (the profile before the permissions claim,
-- which it sets to "scope" unless one is named).
local function apply(v, o)
    local lib = C
    local function check(s, what)
        if s ~= 0 then
            error({ what = what, status = s }, 0)
        end
    end
    local function list(value, name)
        if value == nil then return {} end
        if type(value) == "string" then return { value } end
        if type(value) ~= "table" then error({ what = name, status = lib.JWTGUARD_INVALID_ARGUMENT }, 0) end
        return value
    end
    if o.jwks then
        check(lib.jwtguard_verifier_add_jwks(v, o.jwks, #o.jwks, nil, nil), "jwks")
    end
    for _, k in ipairs(o.keys or {}) do
        local alg = ffi_new("uint32_t[1]")
        check(lib.jwtguard_algorithm_from_name(k.alg or "", #(k.alg or ""), alg), "keys.alg")
        local kid = k.kid or ""
        if k.secret then
            check(lib.jwtguard_verifier_add_hmac(v, alg[0], kid, #kid, k.secret, #k.secret), "keys.secret")
        else
            check(lib.jwtguard_verifier_add_key_pem(v, alg[0], kid, #kid, k.pem or "", #(k.pem or "")), "keys.pem")
        end
    end
    for _, s in ipairs(list(o.issuers or o.issuer, "issuers")) do
        check(lib.jwtguard_verifier_add_issuer(v, s, #s), "issuers")
    end
    for _, s in ipairs(list(o.audiences or o.audience, "audiences")) do
        check(lib.jwtguard_verifier_add_audience(v, s, #s), "audiences")
    end
    for _, s in ipairs(list(o.authorized_parties, "authorized_parties")) do
        check(lib.jwtguard_verifier_add_authorized_party(v, s, #s), "authorized_parties")
    end
    if o.access_token then
        check(lib.jwtguard_verifier_set_access_token_profile(v, 1), "access_token")
    end
    if o.permissions_claim then
        check(lib.jwtguard_verifier_set_permissions_claim(v, o.permissions_claim, #o.permissions_claim),
              "permissions_claim")
    end
    for _, s in ipairs(list(o.permissions, "permissions")) do
        check(lib.jwtguard_verifier_add_required_permission(v, s, #s), "permissions")
    end
    if o.leeway then check(lib.jwtguard_verifier_set_leeway(v, o.leeway), "leeway") end
    if o.max_age then
        if o.max_age < 1 then error({ what = "max_age", status = lib.JWTGUARD_INVALID_ARGUMENT }, 0) end
        check(lib.jwtguard_verifier_set_max_age(v, o.max_age), "max_age")
    end
    if o.require_exp ~= nil then check(lib.jwtguard_verifier_set_require_exp(v, o.require_exp and 1 or 0), "require_exp") end
    if o.require_sub ~= nil then check(lib.jwtguard_verifier_set_require_sub(v, o.require_sub and 1 or 0), "require_sub") end
    if o.require_kid then check(lib.jwtguard_verifier_set_require_kid(v, 1), "require_kid") end
    if o.allow_any_issuer then check(lib.jwtguard_verifier_allow_any_issuer(v), "allow_any_issuer") end
    if o.allow_no_audience then check(lib.jwtguard_verifier_allow_no_audience(v), "allow_no_audience") end
    if o.max_token_size then
        check(lib.jwtguard_verifier_set_max_token_size(v, o.max_token_size), "max_token_size")
    end
    -- Fail-safe defaults: keys without an issuer (or audience) to check are an error here.
    check(lib.jwtguard_verifier_check(v), "issuers/audiences")
end

local KNOWN = {
    jwks = true, keys = true, issuers = true, issuer = true, audiences = true, audience = true,
    authorized_parties = true, access_token = true, permissions_claim = true, permissions = true,
    leeway = true, max_age = true, require_exp = true, require_sub = true, require_kid = true,
    allow_any_issuer = true, allow_no_audience = true, max_token_size = true,
}

--- A verifier from options (all optional but keys, issuers and audiences, which the library
--- requires or needs waived):
---   jwks = "<JWKS document>", keys = { {alg="ES256", pem="...", kid="k1"}, {alg="HS256",
---   secret="...", kid="s1"} }, issuers = {...}, audiences = {...}, authorized_parties = {...},
---   permissions = {...} (required of every token), permissions_claim = "scp",
---   access_token = true (RFC 9068), leeway = 30, max_age = 3600, require_exp = true,
---   require_sub = true, require_kid = false, allow_any_issuer, allow_no_audience,
---   max_token_size = 2048.
--- Returns the verifier, or nil, message, code (the message names the option).
function _M.new(opts)
    local lib = lib()
    opts = opts or {}
    for k in pairs(opts) do
        if not KNOWN[k] then
            return nil, "unknown option " .. tostring(k), "JWTGUARD_INVALID_ARGUMENT"
        end
    end
    local v = lib.jwtguard_verifier_new()
    if v == nil then
        return nil, "out of memory", "JWTGUARD_STORAGE_TOO_SMALL"
    end
    v = ffi_gc(v, lib.jwtguard_verifier_free)
    local ok, e = pcall(apply, v, opts)
    if not ok then
        if type(e) == "table" then
            return nil, e.what .. ": " .. _M.status_message(e.status), _M.status_name(e.status)
        end
        return nil, tostring(e), "JWTGUARD_INVALID_ARGUMENT"
    end
    local large = (opts.max_token_size or 0) > defs.constants.DEFAULT_MAX_TOKEN_SIZE
    return setmetatable({
        v = v,
        large = large,
        scratch = ffi_new("uint8_t[?]", 1024),
        scratch_len = 1024,
        len = ffi_new("size_t[1]"),
        required = ffi_new("jwtguard_str[?]", defs.constants.MAX_CALL_PERMISSIONS),
    }, Verifier)
end

-- The body of Verifier:verify and Providers:verify: the call's permissions as jwtguard_str
-- (referenced only during the call), a result (`into`'s, or a new one), then `small` or
-- `large` on `target`.
local function run_verify(self, token, now, required, into, small, large, target)
    if type(token) ~= "string" then
        return failure(C.JWTGUARD_MISSING_BEARER_TOKEN)
    end
    now = now or now_default()
    local n = required and #required or 0
    if n > defs.constants.MAX_CALL_PERMISSIONS then
        return failure(C.JWTGUARD_CAPACITY_EXCEEDED)
    end
    for i = 1, n do
        self.required[i - 1].ptr = required[i]
        self.required[i - 1].len = #required[i]
    end
    local claims = into
    if not claims or claims.verifier ~= self then
        local raw = ffi_new(self.large and "jwtguard_large_result" or "jwtguard_result")
        local ptr = self.large and C.jwtguard_large_result_get(raw) or raw
        claims = setmetatable({ verifier = self, raw = raw, ptr = ptr }, Claims)
    end
    local req = n > 0 and self.required or nil
    local s = (self.large and large or small)(target, token, #token, now, req, n, claims.raw)
    for i = 1, n do
        self.required[i - 1].ptr = nil
    end
    if s ~= 0 then
        return nil, _M.status_message(s), _M.status_name(s), claims
    end
    return claims
end

--- Verify `token` at `now` (unix seconds; default ngx.time() or os.time()), with the
--- verifier's policy and the permissions in `required` (a list, optional). Returns a claims
--- object, or nil, message, code ("Token has expired", "JWTGUARD_EXPIRED"). `into`: a claims
--- object of this verifier whose result to reuse (no allocation).
function Verifier:verify(token, now, required, into)
    return run_verify(self, token, now, required, into, C.jwtguard_verify, C.jwtguard_verify_large, self.v)
end

-- ---- several identity providers -------------------------------------------------------------

local Providers = {}
Providers.__index = Providers

--- A set of verifiers, one per identity provider (RFC 8725 §3.8): a token is checked by the
--- policy of the provider whose key verified it, and its iss must be one of that provider's
--- (JWTGUARD_ISSUER_KEY_MISMATCH when another provider lists it). `kidless_limit`: keys a
--- token without kid may try in all providers together (default 4). Returns the set, or nil,
--- message, code.
function _M.providers(list, opts)
    local lib = lib()
    opts = opts or {}
    local set = ffi_new("jwtguard_providers")
    local s = lib.jwtguard_providers_init(set, ffi.sizeof(set))
    local large = false
    for i = 1, #list do
        if s == 0 then
            s = lib.jwtguard_providers_add(set, list[i].v)
            large = large or list[i].large
        end
    end
    if s == 0 and opts.kidless_limit then
        s = lib.jwtguard_providers_set_kidless_limit(set, opts.kidless_limit)
    end
    if s == 0 and large then
        s = lib.jwtguard_providers_set_max_token_size(set, defs.constants.MAX_TOKEN_CAPACITY)
    end
    if s == 0 then
        s = lib.jwtguard_providers_check(set)
    end
    if s ~= 0 then
        return failure(s)
    end
    -- The set points at the verifiers: keep them alive with it.
    return setmetatable({ set = set, members = list, large = large,
                          scratch = ffi_new("uint8_t[?]", 1024), scratch_len = 1024,
                          len = ffi_new("size_t[1]"),
                          required = ffi_new("jwtguard_str[?]", defs.constants.MAX_CALL_PERMISSIONS) },
                        Providers)
end

Providers.grow = Verifier.grow

--- As Verifier:verify; claims:provider() is the index (from 1) of the provider that verified.
function Providers:verify(token, now, required, into)
    return run_verify(self, token, now, required, into, C.jwtguard_providers_verify,
                      C.jwtguard_providers_verify_large, self.set)
end

--- For a providers set's result: which provider verified the token (from 1), or nil.
function Claims:provider()
    local i = C.jwtguard_result_provider(self.ptr)
    return i >= 0 and i + 1 or nil
end

--- Every check a verify runs on `token`, in order: { verdict = "JWTGUARD_EXPIRED", checks =
--- { {check = "exp", code = "JWTGUARD_EXPIRED"}, {check = "key", kid = "k1", alg = "RS256",
--- code = "JWTGUARD_OK"}, ... } }. It verifies the token twice: for debugging.
function Verifier:explain(token, now)
    now = now or now_default()
    local max = defs.constants.EXPLAIN_MAX_STEPS
    local steps = ffi_new("jwtguard_check[?]", max)
    local n = ffi_new("size_t[1]")
    local s = C.jwtguard_explain(self.v, token, #token, now, nil, 0, steps, max, n)
    local out = { verdict = _M.status_name(s), checks = {} }
    for i = 0, math.min(tonumber(n[0]), max) - 1 do
        local st = steps[i]
        local name = C.jwtguard_check_name(st.check)
        local step = { check = name ~= nil and ffi_string(name) or "?", code = _M.status_name(st.status) }
        if st.kid.ptr ~= nil then step.kid = ffi_string(st.kid.ptr, st.kid.len) end
        if st.algorithm ~= 0 then step.alg = ffi_string(C.jwtguard_algorithm_name(st.algorithm)) end
        out.checks[#out.checks + 1] = step
    end
    return out
end

--- The HTTP answer RFC 6750 §3 gives a failed verify's code: 403 for missing permissions, 500
--- for a setup error, else 401.
function _M.http_status(code)
    if code == "JWTGUARD_INSUFFICIENT_PERMISSIONS" then
        return 403
    end
    local s = ffi_new("enum jwtguard_status", code)
    local n = tonumber(s)
    if (n >= 1 and n < 100) or n >= 900 then
        return 500
    end
    return 401
end

--- The access phase for OpenResty (`access_by_lua_block { jwtguard.access(v, opts) }`), as
--- the nginx module does it:
--- - client-sent headers named like a claim header are removed first, whatever follows, so an
---   upstream never sees a forged one;
--- - the token is `opts.token` if given (a cookie: `ngx.var.cookie_session`), else the
---   Authorization header's bearer token;
--- - no token: 401 with `WWW-Authenticate: Bearer realm="..."` (RFC 6750 §3.1, no error code);
---   a malformed header: 400 `invalid_request`; a bad token: 401 `invalid_token` with the
---   library's message; missing permissions (`opts.required`): 403 `insufficient_scope`; a
---   setup error: 500, logged;
--- - on success the claims named in `opts.claim_headers` ({ ["X-User-Id"] = "sub" }) are set
---   as request headers (a claim with control characters is not), and the claims returned.
--- `ngx.ctx.jwtguard_error` is the status name, for a log_by_lua or a header.
function _M.access(v, opts)
    opts = opts or {}
    local realm = opts.realm or "api"
    local headers = opts.claim_headers or {}
    for name in pairs(headers) do
        ngx.req.clear_header(name)
        ngx.req.clear_header((name:gsub("-", "_")))
    end
    local token, err, code
    if opts.token ~= nil and opts.token ~= "" then
        token = opts.token
    else
        token, err, code = _M.bearer(ngx.var.http_authorization)
    end
    local challenge = 'Bearer realm="' .. realm .. '"'
    if not token then
        ngx.ctx.jwtguard_error = code
        if code == "JWTGUARD_MALFORMED_AUTHORIZATION" then
            ngx.header["WWW-Authenticate"] = challenge .. ', error="invalid_request", error_description="' .. err .. '"'
            return ngx.exit(400)
        end
        ngx.header["WWW-Authenticate"] = challenge
        return ngx.exit(401)
    end
    local claims
    claims, err, code = v:verify(token, nil, opts.required)
    ngx.ctx.jwtguard_error = claims and "JWTGUARD_OK" or code
    if not claims then
        local status = _M.http_status(code)
        if status == 500 then
            ngx.log(ngx.ERR, "jwtguard: ", err, " (", code, ")")
            return ngx.exit(500)
        end
        ngx.header["WWW-Authenticate"] = challenge .. ', error="'
            .. (status == 403 and "insufficient_scope" or "invalid_token")
            .. '", error_description="' .. err .. '"'
        return ngx.exit(status)
    end
    for name, path in pairs(headers) do
        local value = claims:get(path)
        if value and not value:find("%c") then
            ngx.req.set_header(name, value)
        end
    end
    return claims
end

return _M
