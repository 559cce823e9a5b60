-- Loaded by `lua-load` in haproxy.cfg: the verifier is built once, at start-up (a key or policy
-- that cannot take effect stops HAProxy with the option named), and the actions registered.
-- @NAME@ is filled in by the test (bindings/haproxy/t/run.py); use your own paths.
package.cpath = "@MODULE_DIR@/?.so;" .. package.cpath
local jwtguard = require "jwtguard"

local api = assert(jwtguard.new {
    jwks_file = "@KEYS@/jwks.json",
    issuers = { "https://issuer.example" },
    audiences = { "api.example" },
    authorized_parties = { "https://app.example" },
    leeway = 30,
})
-- http-request lua.jwtguard_api: txn.jwtguard_status, txn.jwtguard_http,
-- txn.jwtguard_message, and txn.jwt_sub, txn.jwt_name, txn.jwt_permissions on success.
jwtguard.register_action("jwtguard_api", api, {
    claims = { sub = "sub", name = "user_data.name", permissions = "permissions" },
})
