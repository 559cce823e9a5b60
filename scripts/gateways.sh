#!/usr/bin/env bash
# The gateway bindings' tests: lua-resty-jwtguard under LuaJIT and OpenResty (Debian's nginx
# with libnginx-mod-http-lua), and the HAProxy Lua C module under Debian's haproxy, each with
# the conformance file (tests/conformance) and a wrk run unless --no-load.
#
# Usage: scripts/gateways.sh [--no-load]     (called by scripts/test.sh)
# Needs: luajit, luarocks, nginx with the Lua module, haproxy, Lua 5.3 headers, wrk, python3
# (Debian). If one is missing it says which and skips; under CI=true that is a failure
# (scripts/lib.sh), since .ci/run installs them.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

missing=()
have luajit || missing+=("luajit (apt-get install luajit)")
have luarocks || missing+=("luarocks (apt-get install luarocks)")
have nginx || [ -x /usr/sbin/nginx ] || missing+=("nginx (apt-get install nginx)")
[ -f /usr/lib/nginx/modules/ngx_http_lua_module.so ] ||
    missing+=("the nginx Lua module (apt-get install libnginx-mod-http-lua)")
have haproxy || [ -x /usr/sbin/haproxy ] || missing+=("haproxy (apt-get install haproxy)")
[ -f /usr/include/lua5.3/lua.h ] || missing+=("Lua 5.3 headers (apt-get install liblua5.3-dev)")
have wrk || missing+=("wrk (apt-get install wrk)")
have python3 || missing+=("python3 (apt-get install python3)")
skip_or_fail "the gateway bindings' tests" ${missing[@]+"${missing[@]}"}
python3 bindings/lua/t/run.py "$@"
python3 bindings/haproxy/t/run.py "$@"
