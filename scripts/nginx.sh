#!/usr/bin/env bash
# The nginx module's tests (nginx/README.md): build it against Debian's nginx-dev and run the
# tables of nginx/tests/cases/ against Debian's nginx on loopback (nginx/tests/run.py reads
# them), the wrk load runs included unless --no-load.
#
# Usage: scripts/nginx.sh [--no-load] [--only NAME]     (called by scripts/test.sh)
# Needs: nginx, nginx-dev, wrk, openssl, python3 (Debian). If one is missing it says which
# and skips; under CI=true that is a failure (scripts/lib.sh), since .ci/run installs them.
# JWTGUARD_NGINX_PORT picks the first of 16 loopback ports (default 18480); WRK_SECONDS the load
# duration (default 10).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

missing=()
have nginx || [ -x /usr/sbin/nginx ] || missing+=("nginx (apt-get install nginx)")
[ -f /usr/share/nginx/src/configure ] || missing+=("nginx-dev (apt-get install nginx-dev)")
have wrk || missing+=("wrk (apt-get install wrk)")
have openssl || missing+=("openssl (apt-get install openssl)")
have python3 || missing+=("python3 (apt-get install python3)")
skip_or_fail "the nginx module tests" ${missing[@]+"${missing[@]}"}
exec python3 nginx/tests/run.py "$@"
