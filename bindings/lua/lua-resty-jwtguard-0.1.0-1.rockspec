package = "lua-resty-jwtguard"
version = "0.1.0-1"
source = {
   url = "git+https://github.com/jwtguard/jwtguard.git",
   dir = "jwtguard/bindings/lua",
}
description = {
   summary = "JWT verification for OpenResty, Kong and APISIX, on the jwtguard C library",
   detailed = [[
      Verifies compact JWS tokens (HS*, RS*, PS*, ES256/384, EdDSA) through LuaJIT's FFI with
      libjwtguard: strict parsing, keys bound to their algorithm, a claims policy in one call,
      RFC 6750 responses for access_by_lua. The library itself (libjwtguard.so) is built from
      the jwtguard repository (cargo build --release -p jwtguard-ffi) and found through
      JWTGUARD_LIB or the system's library path.
   ]],
   license = "Apache-2.0 OR MIT",
}
dependencies = {
   "lua >= 5.1",
}
build = {
   type = "builtin",
   modules = {
      ["resty.jwtguard"] = "lib/resty/jwtguard.lua",
      ["resty.jwtguard.cdef"] = "lib/resty/jwtguard/cdef.lua",
   },
}
