#!/usr/bin/env bash
# The nginx module (examples/nginx): build it against Debian's nginx-dev, load it into Debian's
# nginx on loopback with a temporary prefix, check every response class over HTTP, check that
# `nginx -t` rejects bad configurations, then run wrk against it (examples/nginx/README.md).
#
# Usage: scripts/nginx.sh [--no-load]      (called by scripts/test.sh)
# Needs: nginx, nginx-dev, curl, wrk (Debian). If one is missing it says which and skips; under
# CI=true that is a failure (scripts/lib.sh), since .ci/run installs them. JWTGUARD_NGINX_PORT picks the port (default 18480; the next
# two are the test upstream and a second server). WRK_SECONDS sets the load duration (default 10).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
. scripts/lib.sh

missing=()
have nginx || [ -x /usr/sbin/nginx ] || missing+=("nginx (apt-get install nginx)")
[ -f /usr/share/nginx/src/configure ] || missing+=("nginx-dev (apt-get install nginx-dev)")
have curl || missing+=("curl (apt-get install curl)")
have wrk || missing+=("wrk (apt-get install wrk)")
skip_or_fail "the nginx module tests" ${missing[@]+"${missing[@]}"}
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
LOAD=1
[ "${1:-}" = "--no-load" ] && LOAD=0

OUT=$ROOT/target/nginx
mkdir -p "$OUT"

echo "==> building libjwtguard.a and the token minting tool"
cargo build -q --release --locked -p jwtguard-ffi
cargo build -q --release --locked -p jwtguard-ffi --example mint_token
MINT=$ROOT/target/release/examples/mint_token

echo "==> building the module against $(dpkg-query -W -f='nginx-dev ${Version}' nginx-dev 2>/dev/null || echo nginx-dev)"
rm -rf "$OUT/src"
cp -r /usr/share/nginx/src "$OUT/src"
(
    cd "$OUT/src"
    # shellcheck disable=SC1091 # Debian's file: the flags the packaged nginx was built with
    . ./conf_flags
    ./configure "${NGX_CONF_FLAGS[@]}" --add-dynamic-module="$ROOT/examples/nginx" >"$OUT/configure.log" 2>&1 ||
        { tail -20 "$OUT/configure.log"; exit 1; }
    make -f objs/Makefile modules >"$OUT/make.log" 2>&1 || { tail -30 "$OUT/make.log"; exit 1; }
)
MODULE=$OUT/src/objs/ngx_http_auth_jwtguard_module.so
echo "built $MODULE"

PORT=${JWTGUARD_NGINX_PORT:-18480}
UPSTREAM=$((PORT + 1))
SPARSE=$((PORT + 2))
PREFIX=$(mktemp -d "$OUT/prefix.XXXXXX")
chmod 755 "$PREFIX"
mkdir -p "$PREFIX"/{conf,logs,tmp,html/load,html/open}
echo ok >"$PREFIX/html/load/index.txt"
echo ok >"$PREFIX/html/open/index.txt"
cp examples/data/jwks.json examples/data/hs256.secret "$PREFIX/conf/"
cp crates/jwtguard/tests/data/rsa2048.pub.pem "$PREFIX/conf/"
for i in 1 2 3; do echo "decoy-secret-$i-0123456789-abcdefghijklmnop" >"$PREFIX/conf/decoy$i.secret"; done
cleanup() {
    if [ -f "$PREFIX/logs/nginx.pid" ]; then
        kill "$(cat "$PREFIX/logs/nginx.pid")" 2>/dev/null || true
        sleep 0.5
    fi
    rm -rf "$PREFIX"
}
trap cleanup EXIT

# The common head of every configuration: the module, a temporary prefix, loopback only.
head_conf() {
    cat <<EOF
load_module $MODULE;
worker_processes 2;
pid $PREFIX/logs/nginx.pid;
error_log $PREFIX/logs/error.log info;
events { worker_connections 1024; }
EOF
}
http_paths="access_log off;
    client_body_temp_path $PREFIX/tmp/body; proxy_temp_path $PREFIX/tmp/proxy;
    fastcgi_temp_path $PREFIX/tmp/fastcgi; uwsgi_temp_path $PREFIX/tmp/uwsgi;
    scgi_temp_path $PREFIX/tmp/scgi;"

{
    head_conf
    cat <<EOF
http {
    $http_paths
    # Header names with underscores reach the module (and the upstream): a forged X_Jwt_Sub
    # must be stripped like X-Jwt-Sub.
    underscores_in_headers on;
    # A 16 KiB token does not fit nginx's default 8 KiB header buffers (here, and in the
    # upstream the Authorization header is passed to).
    large_client_header_buffers 4 32k;

    # Policy for every server below (keys are per server here).
    auth_jwtguard_issuer https://issuer.example;
    auth_jwtguard_audience api.example;
    auth_jwtguard_authorized_party https://app.example;
    auth_jwtguard_leeway 30s;
    auth_jwtguard_realm "jwtguard-test";
    # The verdict of each request, by status name (issue 20): never the token.
    log_format verdict '\$status \$jwtguard_error';

    # Identity providers, each issuer bound to its own keys (issue 20): a location naming them
    # checks a token with the policy of the provider whose key verified it.
    auth_jwtguard_provider alpha {
        auth_jwtguard_hs256 - hs256.secret;
        auth_jwtguard_issuer https://a.example;
        auth_jwtguard_audience a-api;
    }
    auth_jwtguard_provider beta {
        auth_jwtguard_key_pem rsa-2024 rsa2048.pub.pem;
        auth_jwtguard_issuer https://b.example;
        auth_jwtguard_audience b-api;
        auth_jwtguard_leeway 120s;
        auth_jwtguard_require_kid on;
    }
    # Three kid-less HS256 secrets that sign nothing we send: a kid-less token tries them first.
    auth_jwtguard_provider decoys {
        auth_jwtguard_hs256 - decoy1.secret;
        auth_jwtguard_hs256 - decoy2.secret;
        auth_jwtguard_hs256 - decoy3.secret;
        auth_jwtguard_issuer https://decoy.example;
        auth_jwtguard_audience a-api;
    }

    # The upstream: echoes the headers the module passed.
    server {
        listen 127.0.0.1:$UPSTREAM;
        location / {
            return 200 "sub=[\$http_x_jwt_sub] name=[\$http_x_jwt_name] email=[\$http_x_jwt_email] vars=[\$http_x_vars]\n";
        }
    }

    server {
        listen 127.0.0.1:$PORT;
        root $PREFIX/html;
        # Keys: loaded once, at start-up.
        auth_jwtguard_jwks jwks.json;
        auth_jwtguard_hs256 hmac-file hs256.secret;
        auth_jwtguard_key_pem rsa-pem rsa2048.pub.pem;
        auth_jwtguard on;
        auth_jwtguard_claim_header X-Jwt-Sub sub;
        auth_jwtguard_claim_header X-Jwt-Name user_data.name;
        auth_jwtguard_claim_header X-Jwt-Email email;

        location /api/ {
            proxy_set_header X-Vars "\$jwt_sub|\$jwt_claim_iss|\$jwt_claim_azp";
            proxy_pass http://127.0.0.1:$UPSTREAM;
        }
        location /admin/ {
            auth_jwtguard_require_permission leagues:write;
            proxy_pass http://127.0.0.1:$UPSTREAM;
        }
        location /partner/ {
            # Its own audience: this level gets its own verifier.
            auth_jwtguard_audience partner.example;
            proxy_pass http://127.0.0.1:$UPSTREAM;
        }
        location /public/ {
            auth_jwtguard off;
            proxy_pass http://127.0.0.1:$UPSTREAM;
        }
        location /any/ {
            # Either a token or a loopback client: the module's 401 does not end the request.
            satisfy any;
            allow 127.0.0.1;
            deny all;
            proxy_pass http://127.0.0.1:$UPSTREAM;
        }
        # The token from a session cookie or a query argument instead of the Authorization
        # header (issue 20).
        location /cookie/ {
            auth_jwtguard_token \$cookie_session;
            proxy_pass http://127.0.0.1:$UPSTREAM;
        }
        location /query/ {
            auth_jwtguard_token \$arg_access_token;
            proxy_pass http://127.0.0.1:$UPSTREAM;
        }
        # Claim requirements (all must hold), and an array claim passed as a header, by JSON
        # Pointer because the claim's name is a URL (issue 20).
        location /roles/ {
            auth_jwtguard_require_claim /https:~1~1example.com~1roles admin ops;
            auth_jwtguard_require_claim org acme;
            auth_jwtguard_claim_header X-Vars /https:~1~1example.com~1roles;
            proxy_pass http://127.0.0.1:$UPSTREAM;
        }
        location /logged/ {
            access_log $PREFIX/logs/verdicts.log verdict;
            proxy_pass http://127.0.0.1:$UPSTREAM;
        }
        # Keycloak-sized tokens (issue 20): 16 KiB here, 2048 bytes everywhere else.
        location /large/ {
            auth_jwtguard_max_token_size 16k;
            proxy_pass http://127.0.0.1:$UPSTREAM;
        }
        location /large-providers/ {
            auth_jwtguard_max_token_size 16k;
            auth_jwtguard_providers alpha;
            proxy_set_header X-Vars \$jwtguard_provider;
            proxy_pass http://127.0.0.1:$UPSTREAM;
        }
        # Providers replace the server's keys and the http level's policy here.
        location /providers/ {
            auth_jwtguard_providers alpha beta;
            proxy_set_header X-Vars \$jwtguard_provider;
            proxy_pass http://127.0.0.1:$UPSTREAM;
        }
        # A kid-less token may try 4 keys in all by default: the decoys' 3 and alpha's.
        location /providers-default-limit/ {
            auth_jwtguard_providers decoys alpha;
            proxy_set_header X-Vars \$jwtguard_provider;
            proxy_pass http://127.0.0.1:$UPSTREAM;
        }
        location /providers-limit-3/ {
            auth_jwtguard_providers decoys alpha kidless_limit=3;
            proxy_pass http://127.0.0.1:$UPSTREAM;
        }
        location /load/ { }
        location /open/ { auth_jwtguard off; }
    }

    # On for the whole server, keys in one location only: that is valid configuration, and a
    # request that matches no location (so has no key) must be refused, not let through.
    server {
        listen 127.0.0.1:$SPARSE;
        root $PREFIX/html;
        auth_jwtguard on;
        location /load/ { auth_jwtguard_jwks jwks.json; }
    }
}
EOF
} >"$PREFIX/conf/nginx.conf"

echo "==> nginx -t accepts the test configuration"
"$NGINX" -p "$PREFIX" -c conf/nginx.conf -t 2>&1 | sed 's/^/    /'

echo "==> nginx -t rejects bad configurations"
bad_conf() { # NAME EXPECTED-MESSAGE HTTP-BODY
    {
        head_conf
        printf 'http {\n    %s\n    %s\n    server { listen 127.0.0.1:%s; location / { } }\n}\n' "$http_paths" "$3" "$PORT"
    } >"$PREFIX/conf/bad.conf"
    local out
    if out=$("$NGINX" -p "$PREFIX" -c conf/bad.conf -t 2>&1); then
        echo "FAIL: nginx -t accepted $1" >&2
        exit 1
    fi
    if ! grep -qF -- "$2" <<<"$out"; then
        echo "FAIL: nginx -t rejected $1, but without \"$2\":" >&2
        printf '%s\n' "$out" >&2
        exit 1
    fi
    echo "    ok  $1: $(grep -F -- "$2" <<<"$out" | head -1 | sed 's/^nginx: //')"
}
printf 'not a key\n' >"$PREFIX/conf/garbage.pem"
printf 'short\n' >"$PREFIX/conf/short.secret"
printf '{"keys":[]}\n' >"$PREFIX/conf/empty.jwks"
printf '{"keys":[{"kty":"RSA","n":"AQAB"' >"$PREFIX/conf/broken.jwks"
bad_conf "a PEM file that is not a key" 'cannot load a key from' \
    'auth_jwtguard_key_pem k1 garbage.pem;'
bad_conf "an HS256 secret under 32 bytes" 'cannot load a key from' \
    'auth_jwtguard_hs256 k1 short.secret;'
bad_conf "a JWKS with no keys" 'No usable key in the key set' \
    'auth_jwtguard_jwks empty.jwks;'
bad_conf "a truncated JWKS" 'cannot load a key from' \
    'auth_jwtguard_jwks broken.jwks;'
bad_conf "a missing key file" 'missing.pem' \
    'auth_jwtguard_key_pem k1 missing.pem;'
bad_conf "auth_jwtguard on without keys (inherited by a location)" 'no key is configured' \
    'auth_jwtguard on;'
bad_conf "a realm with a quote" 'auth_jwtguard_realm must not contain' \
    'auth_jwtguard_jwks jwks.json; auth_jwtguard_realm "a\"b";'
bad_conf "an empty issuer" '"auth_jwtguard_issuer" must be' \
    'auth_jwtguard_jwks jwks.json; auth_jwtguard_issuer "";'
bad_conf "a permission that is not a scope token" 'is not a scope token' \
    'auth_jwtguard_jwks jwks.json; auth_jwtguard_require_permission "read all";'
bad_conf "an invalid claim header name" 'invalid header name' \
    'auth_jwtguard_jwks jwks.json; auth_jwtguard_claim_header "X Bad" sub;'
bad_conf "keys but no issuer (fail-safe default)" 'No issuer is configured' \
    'auth_jwtguard_jwks jwks.json; auth_jwtguard_audience api.example;'
bad_conf "keys but no audience (fail-safe default)" 'auth_jwtguard_audience (or auth_jwtguard_allow_no_audience on)' \
    'auth_jwtguard_jwks jwks.json; auth_jwtguard_issuer https://issuer.example;'
# Providers (issue 20): each must list its issuers, and locations name defined ones.
bad_conf "a provider without an issuer" 'needs a key and auth_jwtguard_issuer' \
    'auth_jwtguard_provider p { auth_jwtguard_jwks jwks.json; auth_jwtguard_audience a; }'
bad_conf "a provider that waives the issuer check" 'is not allowed in auth_jwtguard_provider' \
    'auth_jwtguard_provider p { auth_jwtguard_jwks jwks.json; auth_jwtguard_allow_any_issuer on; }'
bad_conf "a provider with a location directive" 'is not allowed in auth_jwtguard_provider' \
    'auth_jwtguard_provider p { auth_jwtguard_jwks jwks.json; auth_jwtguard_issuer i; auth_jwtguard_audience a; auth_jwtguard on; }'
bad_conf "a provider without an audience (fail-safe default)" 'No audience is configured' \
    'auth_jwtguard_provider p { auth_jwtguard_jwks jwks.json; auth_jwtguard_issuer i; }'
bad_conf "a provider defined twice" 'is defined twice' \
    'auth_jwtguard_provider p { auth_jwtguard_jwks jwks.json; auth_jwtguard_issuer i; auth_jwtguard_audience a; }
    auth_jwtguard_provider p { auth_jwtguard_jwks jwks.json; auth_jwtguard_issuer j; auth_jwtguard_audience a; }'
bad_conf "an unknown provider" 'no auth_jwtguard_provider "q"' \
    'auth_jwtguard_provider p { auth_jwtguard_jwks jwks.json; auth_jwtguard_issuer i; auth_jwtguard_audience a; }
    auth_jwtguard on; auth_jwtguard_providers p q;'
bad_conf "providers and keys at one level" 'cannot be combined with auth_jwtguard_providers at the same level' \
    'auth_jwtguard_provider p { auth_jwtguard_jwks jwks.json; auth_jwtguard_issuer i; auth_jwtguard_audience a; }
    auth_jwtguard_providers p; auth_jwtguard_jwks jwks.json;'
bad_conf "a token size over the capacity" 'auth_jwtguard_max_token_size must be 1 to 16384' \
    'auth_jwtguard_jwks jwks.json; auth_jwtguard_issuer i; auth_jwtguard_audience a; auth_jwtguard_max_token_size 17k;'
bad_conf "a kidless_limit out of range" 'kidless_limit must be 1 to 255' \
    'auth_jwtguard_provider p { auth_jwtguard_jwks jwks.json; auth_jwtguard_issuer i; auth_jwtguard_audience a; }
    auth_jwtguard_providers p kidless_limit=0;'
{
    head_conf
    printf 'http {\n    %s\n    auth_jwtguard_jwks jwks.json; auth_jwtguard_allow_any_issuer on; auth_jwtguard_allow_no_audience on;\n    server { listen 127.0.0.1:%s; location / { } }\n}\n' "$http_paths" "$PORT"
} >"$PREFIX/conf/waived.conf"
if "$NGINX" -p "$PREFIX" -c conf/waived.conf -t >/dev/null 2>&1; then
    echo "    ok  explicit waivers (allow_any_issuer, allow_no_audience) pass nginx -t"
else
    echo "FAIL: nginx -t rejected a configuration with explicit waivers" >&2
    "$NGINX" -p "$PREFIX" -c conf/waived.conf -t >&2 || true
    exit 1
fi
bad_conf "a claim path with an empty segment" 'has an empty segment' \
    'auth_jwtguard_jwks jwks.json; auth_jwtguard_claim_header X-A user_data..name;'
bad_conf "a claim path ending in a dot" 'has an empty segment' \
    'auth_jwtguard_jwks jwks.json; auth_jwtguard_claim_header X-A user_data.;'
bad_conf "a claim requirement without a value" 'invalid number of arguments' \
    'auth_jwtguard_jwks jwks.json; auth_jwtguard_require_claim org;'

echo "==> starting nginx on 127.0.0.1:$PORT"
"$NGINX" -p "$PREFIX" -c conf/nginx.conf
for _ in $(seq 50); do
    curl -s -o /dev/null "http://127.0.0.1:$PORT/open/index.txt" && break
    sleep 0.1
done

now=$(date +%s)
claims() { # EXTRA-MEMBERS [EXP]
    printf '{"iss":"https://issuer.example","sub":"user_24601","aud":"api.example","azp":"https://app.example","exp":%s,"nbf":%s,"iat":%s,"email":"jv@example.org","user_data":{"name":"Jean Valjean"}%s}' \
        "${2:-$((now + 3600))}" "$((now - 60))" "$((now - 60))" "$1"
}
RS='{"alg":"RS256","typ":"JWT","kid":"rsa-2024"}'
valid=$("$MINT" "$RS" "$(claims ',"permissions":["leagues:read"]')")
admin=$("$MINT" "$RS" "$(claims ',"permissions":["leagues:read","leagues:write"]')")
expired=$("$MINT" "$RS" "$(claims '' $((now - 3600)))")
in_leeway=$("$MINT" "$RS" "$(claims '' $((now - 10)))")
wrong_aud=$("$MINT" "$RS" "$(claims '' | sed 's/"aud":"api.example"/"aud":"other.example"/')")
partner=$("$MINT" "$RS" "$(claims '' | sed 's/"aud":"api.example"/"aud":"partner.example"/')")
wrong_azp=$("$MINT" "$RS" "$(claims '' | sed 's|"azp":"https://app.example"|"azp":"https://evil.example"|')")
unknown_kid=$("$MINT" '{"alg":"RS256","kid":"rsa-1999"}' "$(claims '')")
alg_none=$("$MINT" '{"alg":"none"}' "$(claims '')")
hs256_jwks=$("$MINT" '{"alg":"HS256","typ":"JWT","kid":"hmac-1"}' "$(claims '')")
hs256_file=$("$MINT" '{"alg":"HS256","typ":"JWT","kid":"hmac-file"}' "$(claims '')")
rs256_pem=$("$MINT" '{"alg":"RS256","typ":"JWT","kid":"rsa-pem"}' "$(claims '')")
rs3072=$("$MINT" '{"alg":"RS256","typ":"JWT","kid":"rsa-2025"}' "$(claims '')")
newline=$("$MINT" "$RS" "$(claims '' | sed 's/Jean Valjean/Jean\\r\\nX-Injected: 1/')")
tampered="${valid%%.*}.$(printf '%s' "$(claims ',"permissions":["leagues:read","leagues:write"]')" | base64 -w0 | tr '+/' '-_' | tr -d '=').${valid##*.}"

# The worker processes of the running nginx (children of the master), from /proc: pgrep is in
# procps, which a minimal Debian does not have.
workers() {
    local master st
    master=$(cat "$PREFIX/logs/nginx.pid")
    for st in /proc/[0-9]*/status; do
        awk -v m="$master" '/^PPid:/ { if ($2 == m) { split(FILENAME, p, "/"); print p[3] } }' "$st" 2>/dev/null || true
    done | sort
}

pass=0
fail=0
check() { # NAME EXPECTED-STATUS PATH AUTH [EXPECTED-IN-HEADERS] [EXPECTED-IN-BODY] [CURL-ARGS...]
    local name=$1 want=$2 path=$3 auth=$4 want_h=${5:-} want_b=${6:-} url
    url=$path
    [[ $url == http* ]] || url="http://127.0.0.1:$PORT$path"
    shift 6 || shift $#
    local args=(-s -D "$PREFIX/h" -o "$PREFIX/b" -w '%{http_code}')
    [ -n "$auth" ] && args+=(-H "Authorization: $auth")
    local got
    got=$(curl "${args[@]}" "$@" "$url")
    local ok=1
    [ "$got" = "$want" ] || ok=0
    if [ -n "$want_h" ] && ! grep -qiF -- "$want_h" "$PREFIX/h"; then ok=0; fi
    if [ -n "$want_b" ] && ! grep -qF -- "$want_b" "$PREFIX/b"; then ok=0; fi
    if [ $ok = 1 ]; then
        pass=$((pass + 1))
        echo "    ok  $name: $got"
    else
        fail=$((fail + 1))
        echo "    FAIL $name: got $got, want $want${want_h:+ with header \"$want_h\"}${want_b:+ and body \"$want_b\"}"
        sed 's/^/        /' "$PREFIX/h" "$PREFIX/b"
    fi
}

echo "==> responses"
check "valid RS256: upstream sees the claim headers" 200 /api/x "Bearer $valid" "" \
    'sub=[user_24601] name=[Jean Valjean] email=[jv@example.org]'
check "variables \$jwt_sub and \$jwt_claim_<name>" 200 /api/x "Bearer $valid" "" \
    'vars=[user_24601|https://issuer.example|https://app.example]'
check "client-sent claim headers are replaced, not passed" 200 /api/x "Bearer $valid" "" \
    'sub=[user_24601] name=[Jean Valjean]' -H "X-Jwt-Sub: admin" -H "X-Jwt-Name: Javert"
check "a claim with CR LF is not passed (and the forged header is gone)" 200 /api/x "Bearer $newline" "" \
    'name=[]' -H "X-Jwt-Name: forged"
check "valid HS256 from the JWKS" 200 /api/x "Bearer $hs256_jwks" "" 'sub=[user_24601]'
check "valid HS256 from auth_jwtguard_hs256" 200 /api/x "Bearer $hs256_file" "" 'sub=[user_24601]'
check "valid RS256 from auth_jwtguard_key_pem" 200 /api/x "Bearer $rs256_pem" "" 'sub=[user_24601]'
check "valid RS256-3072 from the JWKS" 200 /api/x "Bearer $rs3072" "" 'sub=[user_24601]'
check "expired 10 s ago, within the 30 s leeway" 200 /api/x "Bearer $in_leeway"
check "no Authorization header" 401 /api/x "" 'WWW-Authenticate: Bearer realm="jwtguard-test"'
check "no Authorization header: no error code (RFC 6750 3.1)" 401 /api/x "" '' ''
grep -qi 'error=' "$PREFIX/h" && { echo "    FAIL the challenge without credentials carries an error code"; fail=$((fail + 1)); }
check "another scheme (Basic)" 401 /api/x "Basic dXNlcjpwYXNz" 'WWW-Authenticate: Bearer realm="jwtguard-test"'
check "Bearer with two tokens" 400 /api/x "Bearer a b" 'error="invalid_request"'
check "two Authorization headers (nginx refuses them itself)" 400 /api/x "Bearer $valid" "" "" \
    -H "Authorization: Bearer $admin"
check "Bearer with no token" 400 /api/x "Bearer" 'error="invalid_request"'
check "expired" 401 /api/x "Bearer $expired" \
    'WWW-Authenticate: Bearer realm="jwtguard-test", error="invalid_token", error_description="Token has expired"'
check "wrong audience" 401 /api/x "Bearer $wrong_aud" 'error_description="Invalid audience."'
check "wrong authorized party" 401 /api/x "Bearer $wrong_azp" 'error_description="Invalid authorized party."'
check "payload changed after signing" 401 /api/x "Bearer $tampered" 'error="invalid_token"'
check "unknown kid" 401 /api/x "Bearer $unknown_kid" 'error="invalid_token"'
check "alg none" 401 /api/x "Bearer $alg_none" 'error="invalid_token"'
check "not a JWT" 401 /api/x "Bearer abc.def" 'error="invalid_token"'
check "missing permission" 403 /admin/x "Bearer $valid" \
    'error="insufficient_scope", error_description="Insufficient permissions", scope="leagues:write"'
check "with the permission" 200 /admin/x "Bearer $admin" "" 'sub=[user_24601]'
check "location with its own audience rejects api.example" 401 /partner/x "Bearer $valid" 'error_description="Invalid audience."'
check "location with its own audience accepts partner.example" 200 /partner/x "Bearer $partner" "" 'sub=[user_24601]'

echo "==> Keycloak-sized tokens (issue 20)"
groups=$(for i in $(seq 0 330); do printf '"/acme/department-%03d/team-%04d",' $((i / 9)) "$i"; done)
large=$("$MINT" "$RS" "$(claims ",\"groups\":[${groups%,}]")")
large_a=$("$MINT" '{"alg":"HS256","typ":"JWT"}' \
    "$(printf '{"iss":"https://a.example","sub":"u","aud":"a-api","exp":%s,"groups":[%s]}' $((now + 3600)) "${groups%,}")")
echo "    tokens of ${#large} and ${#large_a} bytes"
check "a 16 KB token where the limit is 16k" 200 /large/x "Bearer $large" "" 'sub=[user_24601]'
check "a 16 KB token at the default limit" 401 /api/x "Bearer $large" 'error_description="Token is too long"'
check "a 16 KB token through providers with the limit at 16k" 200 /large-providers/x "Bearer $large_a" "" 'vars=[alpha]'
check "a 16 KB token through providers at the default limit" 401 /providers/x "Bearer $large_a" 'error_description="Token is too long"'

echo "==> providers: each issuer bound to its own keys (issue 20)"
pclaims() { # ISS AUD [EXP]
    printf '{"iss":"%s","sub":"user_24601","aud":"%s","exp":%s,"iat":%s}' "$1" "$2" "${3:-$((now + 3600))}" "$now"
}
HSP='{"alg":"HS256","typ":"JWT"}'
RSP='{"alg":"RS256","typ":"JWT","kid":"rsa-2024"}'
check "provider alpha's key and issuer" 200 /providers/x "Bearer $("$MINT" "$HSP" "$(pclaims https://a.example a-api)")" "" \
    'sub=[user_24601] name=[] email=[] vars=[alpha]'
check "provider beta's key and issuer" 200 /providers/x "Bearer $("$MINT" "$RSP" "$(pclaims https://b.example b-api)")" "" 'vars=[beta]'
check "alpha's key, beta's issuer" 401 /providers/x "Bearer $("$MINT" "$HSP" "$(pclaims https://b.example b-api)")" \
    "error_description=\"Issuer is not the signing key's provider\""
check "beta's key, alpha's issuer" 401 /providers/x "Bearer $("$MINT" "$RSP" "$(pclaims https://a.example a-api)")" \
    "error_description=\"Issuer is not the signing key's provider\""
check "alpha's token for beta's audience" 401 /providers/x "Bearer $("$MINT" "$HSP" "$(pclaims https://a.example b-api)")" \
    'error_description="Invalid audience."'
check "beta's leeway (120 s) is beta's only" 200 /providers/x \
    "Bearer $("$MINT" "$RSP" "$(pclaims https://b.example b-api $((now - 60)))")" "" 'vars=[beta]'
check "alpha has no leeway (the server's 30 s does not apply)" 401 /providers/x \
    "Bearer $("$MINT" "$HSP" "$(pclaims https://a.example a-api $((now - 10)))")" 'error_description="Token has expired"'
check "the server's own issuer does not pass here" 401 /providers/x "Bearer $valid" 'error="invalid_token"'
check "beta requires a kid" 401 /providers/x "Bearer $("$MINT" '{"alg":"RS256","typ":"JWT"}' "$(pclaims https://b.example b-api)")" \
    'error="invalid_token"'
kidless=$("$MINT" "$HSP" "$(pclaims https://a.example a-api)")
check "a kid-less token tries 4 keys in all: decoys' 3, then alpha's" 200 /providers-default-limit/x "Bearer $kidless" "" 'vars=[alpha]'
check "kidless_limit=3: alpha's key is never tried" 401 /providers-limit-3/x "Bearer $kidless" 'error_description="Invalid signature"'
check "auth_jwtguard off" 200 /public/x "" "" 'sub=[]'
check "auth_jwtguard off: client-sent claim headers are still removed" 200 /public/x "" "" 'sub=[]' -H "X-Jwt-Sub: forged"
check "auth_jwtguard off: other client headers untouched" 200 /public/x "" "" 'vars=[kept]' -H "X-Vars: kept"
# Issue 14: under satisfy any, a request the module refused still reaches the upstream (the
# allow rule grants it): forged claim headers must be gone on that path too.
check "satisfy any, no token: forged claim header removed" 200 /any/x "" "" 'sub=[] name=[]' \
    -H "X-Jwt-Sub: admin" -H "X-Jwt-Name: Javert"
check "satisfy any, bad token: forged claim header removed" 200 /any/x "Bearer x.y.z" "" 'sub=[]' \
    -H "X-Jwt-Sub: admin"
check "satisfy any, underscore spelling removed" 200 /any/x "" "" 'sub=[]' -H "X_Jwt_Sub: admin"
check "satisfy any, valid token: verified claims passed" 200 /any/x "Bearer $valid" "" 'sub=[user_24601]' \
    -H "X-Jwt-Sub: admin"
check "valid token: a forged X_Jwt_Sub (underscores) does not survive" 200 /api/x "Bearer $valid" "" \
    'sub=[user_24601]' -H "X_Jwt_Sub: admin"
check "static file behind the module" 200 /load/index.txt "Bearer $valid" "" ok
check "server-wide on, keys in a location: verified there" 200 "http://127.0.0.1:$SPARSE/load/index.txt" "Bearer $valid" "" ok
check "server-wide on, keys in a location: no token there" 401 "http://127.0.0.1:$SPARSE/load/index.txt" "" 'Bearer realm="jwtguard-test"'
check "server-wide on, no key for this request: refused, not passed" 500 "http://127.0.0.1:$SPARSE/open/index.txt" "Bearer $valid"
echo "==> claim requirements and array claims as headers (issue 20)"
roles_ok=$("$MINT" "$RS" "$(claims ',"https://example.com/roles":["ops","dev"],"org":"acme"')")
roles_bad=$("$MINT" "$RS" "$(claims ',"https://example.com/roles":["dev"],"org":"acme"')")
org_bad=$("$MINT" "$RS" "$(claims ',"https://example.com/roles":["admin"],"org":"other"')")
check "require_claim: an array holding one value, and an equal string" 200 /roles/x "Bearer $roles_ok" "" \
    'vars=[ops, dev]'
check "require_claim: the array holds none of the values" 403 /roles/x "Bearer $roles_bad" \
    'error="insufficient_scope"'
check "require_claim: every requirement must hold" 403 /roles/x "Bearer $org_bad" 'error="insufficient_scope"'
check "require_claim: a token without the claims" 403 /roles/x "Bearer $valid" 'error="insufficient_scope"'

echo "==> token sources and \$jwtguard_error (issue 20)"
check "token from a cookie" 200 /cookie/x "" "" 'sub=[user_24601]' -H "Cookie: other=1; session=$valid"
check "cookie source: no cookie is no credentials" 401 /cookie/x "" 'WWW-Authenticate: Bearer realm="jwtguard-test"'
check "cookie source: the Authorization header is not read" 401 /cookie/x "Bearer $valid"
check "cookie source: an expired token" 401 /cookie/x "" 'error_description="Token has expired"' '' \
    -H "Cookie: session=$expired"
check "token from a query argument" 200 "/query/x?access_token=$valid" "" "" 'sub=[user_24601]'
check "query source: a wrong audience" 401 "/query/x?access_token=$wrong_aud" "" 'error_description="Invalid audience."'
: >"$PREFIX/logs/verdicts.log"
check "logged: valid" 200 /logged/x "Bearer $valid"
check "logged: expired" 401 /logged/x "Bearer $expired"
check "logged: no token" 401 /logged/x ""
check "logged: an unknown kid" 401 /logged/x "Bearer $unknown_kid"
sleep 0.2
want_log=$'200 JWTGUARD_OK\n401 JWTGUARD_EXPIRED\n401 JWTGUARD_MISSING_BEARER_TOKEN\n401 JWTGUARD_UNKNOWN_KEY'
if [ "$(cat "$PREFIX/logs/verdicts.log")" = "$want_log" ] && ! grep -qF "${valid%%.*}" "$PREFIX/logs/verdicts.log"; then
    pass=$((pass + 1))
    echo "    ok  \$jwtguard_error in the access log: one status name per request, no token"
else
    fail=$((fail + 1))
    echo "    FAIL \$jwtguard_error in the access log:"
    sed 's/^/        /' "$PREFIX/logs/verdicts.log"
fi

echo "==> key rotation: a new JWKS takes effect on reload (nginx -s reload), old keys stop working"
cp "$PREFIX/conf/jwks.json" "$PREFIX/conf/jwks.json.orig"
# The rotated set keeps only the 3072-bit key and the HMAC key; rsa-2024 is retired.
grep -v '"kid":"rsa-2024"' "$PREFIX/conf/jwks.json.orig" >"$PREFIX/conf/jwks.json"
old_workers=$(workers | tr '\n' ' ')
"$NGINX" -p "$PREFIX" -c conf/nginx.conf -s reload 2>&1 | sed "s/^/    /"
for _ in $(seq 100); do
    new_workers=$(workers | tr '\n' ' ')
    # Old workers exit once idle; wait until none of them is left.
    gone=1
    for w in $old_workers; do case " $new_workers " in *" $w "*) gone=0 ;; esac; done
    [ "$gone" = 1 ] && [ -n "$new_workers" ] && break
    sleep 0.1
done
check "after rotation: a token of the retired key" 401 /api/x "Bearer $valid" 'error_description="Unknown signing key"'
check "after rotation: a token of a kept key" 200 /api/x "Bearer $rs3072" "" 'sub=[user_24601]'
cp "$PREFIX/conf/jwks.json.orig" "$PREFIX/conf/jwks.json"
"$NGINX" -p "$PREFIX" -c conf/nginx.conf -s reload 2>&1 | sed "s/^/    /"
for _ in $(seq 100); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $valid" "http://127.0.0.1:$PORT/load/index.txt")" = 200 ] && break
    sleep 0.1
done
check "after restoring the key set" 200 /api/x "Bearer $valid" "" 'sub=[user_24601]'

# Issue 14: the HS256 secret file's bytes are wiped once the verifiers are built; no worker's
# memory holds them (the verifier keeps HMAC midstates, not the secret).
secret=$(head -1 "$PREFIX/conf/hs256.secret")
for w in $(workers); do
    copies=$(python3 - "$w" "$secret" <<'PY'
import sys
pid, needle = int(sys.argv[1]), sys.argv[2].encode()
found = 0
with open(f"/proc/{pid}/maps") as maps, open(f"/proc/{pid}/mem", "rb", 0) as mem:
    for line in maps:
        fields = line.split()
        if "r" not in fields[1] or (len(fields) > 5 and fields[5] in ("[vvar]", "[vsyscall]")):
            continue
        lo, hi = (int(x, 16) for x in fields[0].split("-"))
        try:
            mem.seek(lo)
            found += mem.read(hi - lo).count(needle)
        except (OSError, ValueError, OverflowError):
            pass
print(found)
PY
)
    if [ "$copies" = 0 ]; then
        pass=$((pass + 1))
        echo "    ok  worker $w holds no copy of the HS256 secret"
    else
        fail=$((fail + 1))
        echo "    FAIL worker $w holds $copies copies of the HS256 secret"
    fi
done

echo "==> keys fetched by subrequest and rotated without a reload (issue 18), one worker"
# A second nginx with one worker, so which worker's key set answers is not left to chance: a
# local identity provider serves a JWKS file the test rewrites, and the gateway fetches it
# through an internal location with proxy_pass, as a user points it at the IdP.
ROT=$((PORT + 3))
IDP=$((PORT + 4))
RP=$PREFIX/rot
mkdir -p "$RP"/{conf,logs,tmp,idp} "$RP"/html/{rotating,combined,never-loaded,garbage-keys}
for d in rotating combined never-loaded garbage-keys; do echo ok >"$RP/html/$d/x"; done
jwk_line() { grep "\"kid\":\"$1\"" examples/data/jwks.json | sed 's/,$//'; }
idp_keys() { # KID... -> the IdP's JWKS
    local list="" k
    for k in "$@"; do list="$list${list:+,}$(jwk_line "$k")"; done
    printf '{"keys":[%s]}\n' "$list" >"$RP/idp/jwks.tmp" && mv "$RP/idp/jwks.tmp" "$RP/idp/jwks.json"
}
idp_hits() { grep -c 'GET /jwks.json' "$RP/logs/idp.log" 2>/dev/null || true; }
idp_keys rsa-2024
cat >"$RP/conf/nginx.conf" <<EOF
load_module $MODULE;
worker_processes 1;
pid $RP/logs/nginx.pid;
error_log $RP/logs/error.log info;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $RP/tmp/body; proxy_temp_path $RP/tmp/proxy;
    fastcgi_temp_path $RP/tmp/fastcgi; uwsgi_temp_path $RP/tmp/uwsgi; scgi_temp_path $RP/tmp/scgi;
    auth_jwtguard_issuer https://issuer.example;
    auth_jwtguard_audience api.example;
    # The identity provider.
    server {
        listen 127.0.0.1:$IDP;
        access_log $RP/logs/idp.log;
        location = /jwks.json { root $RP/idp; default_type application/json; }
        location = /fail { return 500; }
        location = /garbage { return 200 "this is not a key set"; }
    }
    server {
        listen 127.0.0.1:$ROT;
        root $RP/html;
        auth_jwtguard on;
        # (\`return\` would answer before the access phase: static files show what passed.)
        add_header X-Sub \$jwt_sub always;
        location = /_jwks { internal; auth_jwtguard off; proxy_pass http://127.0.0.1:$IDP/jwks.json; subrequest_output_buffer_size 64k; }
        location = /_jwks_fail { internal; auth_jwtguard off; proxy_pass http://127.0.0.1:$IDP/fail; }
        location = /_jwks_garbage { internal; auth_jwtguard off; proxy_pass http://127.0.0.1:$IDP/garbage; }
        location /rotating/ {
            auth_jwtguard_key_request /_jwks;
            auth_jwtguard_key_cache 3s;
            auth_jwtguard_key_refresh_min 1s;
        }
        # Fetched keys combined with a static one: the HS256 secret of the bundled samples.
        location /combined/ {
            auth_jwtguard_key_request /_jwks;
            auth_jwtguard_hs256 hmac-1 $PREFIX/conf/hs256.secret;
        }
        location /never-loaded/ { auth_jwtguard_key_request /_jwks_fail; }
        location /garbage-keys/ { auth_jwtguard_key_request /_jwks_garbage; }
    }
}
EOF
"$NGINX" -p "$RP" -c conf/nginx.conf -t 2>&1 | sed 's/^/    /'
"$NGINX" -p "$RP" -c conf/nginx.conf
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$IDP/jwks.json" && break; sleep 0.1; done
rot_stop() { if [ -f "$RP/logs/nginx.pid" ]; then kill "$(cat "$RP/logs/nginx.pid")" 2>/dev/null || true; sleep 0.3; fi; }
trap 'rot_stop; cleanup' EXIT
R="http://127.0.0.1:$ROT"
t2024=$("$MINT" "$RS" "$(claims '')")
t2025=$("$MINT" '{"alg":"RS256","typ":"JWT","kid":"rsa-2025"}' "$(claims '')")
check "the first request fetches the JWKS and verifies" 200 "$R/rotating/x" "Bearer $t2024" "X-Sub: user_24601" 'ok'
check "a kid the IdP does not have yet" 401 "$R/rotating/x" "Bearer $t2025" 'error="invalid_token"'
idp_keys rsa-2024 rsa-2025
sleep 1.2
check "the IdP adds a key: its tokens pass, no reload (unknown kid refetches)" 200 "$R/rotating/x" "Bearer $t2025" "X-Sub: user_24601" 'ok'
idp_keys rsa-2025
check "the IdP drops a key: its tokens pass until the cache time is over" 200 "$R/rotating/x" "Bearer $t2024" "X-Sub: user_24601" 'ok'
sleep 3.2
check "after the cache time, the dropped key's tokens stop" 401 "$R/rotating/x" "Bearer $t2024" 'error="invalid_token"'
check "and the kept key's still pass" 200 "$R/rotating/x" "Bearer $t2025" "X-Sub: user_24601" 'ok'
# A flood of unknown kids refetches at most once per auth_jwtguard_key_refresh_min (1 s).
sleep 1.2
floods=()
for i in $(seq 30); do floods+=("$("$MINT" "{\"alg\":\"RS256\",\"kid\":\"random-$i-$RANDOM\"}" "$(claims '')")"); done
before=$(idp_hits)
start=$(date +%s%N)
for t in "${floods[@]}"; do curl -s -o /dev/null -H "Authorization: Bearer $t" "$R/rotating/x"; done
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
hits=$(( $(idp_hits) - before ))
allowed=$(( elapsed_ms / 1000 + 1 ))
if [ "$hits" -ge 1 ] && [ "$hits" -le "$allowed" ]; then
    pass=$((pass + 1)); echo "    ok  30 unknown kids in ${elapsed_ms} ms: $hits fetch(es) of the JWKS (at most $allowed)"
else
    fail=$((fail + 1)); echo "    FAIL 30 unknown kids in ${elapsed_ms} ms: $hits fetches, want 1 to $allowed"
fi
# The IdP fails: the last good key set keeps serving, with a warning.
printf 'garbage' >"$RP/idp/jwks.json"
sleep 3.2
check "the IdP serves garbage: the last good key set still serves" 200 "$R/rotating/x" "Bearer $t2025" "X-Sub: user_24601" 'ok'
if grep -q 'key request "/_jwks" failed: the response is not a usable JWKS.*keeping the last key set' "$RP/logs/error.log"; then
    pass=$((pass + 1)); echo "    ok  the failed refetch is logged as a warning"
else
    fail=$((fail + 1)); echo "    FAIL no warning for the failed refetch"; tail -5 "$RP/logs/error.log"
fi
idp_keys rsa-2025
check "no key set ever loaded (the IdP answers 500): 500, never a pass" 500 "$R/never-loaded/x" "Bearer $t2025"
check "no key set ever loaded (the IdP answers garbage): 500" 500 "$R/garbage-keys/x" "Bearer $t2025"
fails_before=$(grep -c 'GET /fail' "$RP/logs/idp.log" || true)
for _ in 1 2 3 4 5; do curl -s -o /dev/null -H "Authorization: Bearer $t2025" "$R/never-loaded/x"; done
fails=$(( $(grep -c 'GET /fail' "$RP/logs/idp.log" || true) - fails_before ))
if [ "$fails" -le 1 ]; then
    pass=$((pass + 1)); echo "    ok  an IdP that is down is asked at most once per refresh time ($fails for 5 requests)"
else
    fail=$((fail + 1)); echo "    FAIL an IdP that is down was asked $fails times for 5 requests"
fi
check "fetched and static keys combined: a fetched key" 200 "$R/combined/x" "Bearer $t2025" "X-Sub: user_24601" 'ok'
check "fetched and static keys combined: the static HS256 key" 200 "$R/combined/x" "Bearer $hs256_jwks" "X-Sub: user_24601" 'ok'
if [ "$LOAD" = 1 ]; then
    # wrk with refetches during the run (the cache time is 3 s), and the worker's memory.
    rot_worker() {
        local m st
        m=$(cat "$RP/logs/nginx.pid")
        for st in /proc/[0-9]*/status; do
            awk -v m="$m" '/^PPid:/ { if ($2 == m) { split(FILENAME, p, "/"); print p[3] } }' "$st" 2>/dev/null || true
        done | head -1
    }
    rot_rss() { awk '/^VmRSS:/ {print $2}' "/proc/$(rot_worker)/status"; }
    wrk -t1 -c4 -d1s -H "Authorization: Bearer $t2025" "$R/rotating/x" >/dev/null
    rss0=$(rot_rss)
    before=$(idp_hits)
    secs=$(( ${WRK_SECONDS:-10} > 7 ? ${WRK_SECONDS:-10} : 7 ))
    out=$(wrk -t2 -c16 -d"${secs}s" -H "Authorization: Bearer $t2025" "$R/rotating/x")
    rss1=$(rot_rss)
    non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' <<<"$out")
    fetched=$(( $(idp_hits) - before ))
    if [ "${non2xx:-0}" = 0 ] && [ "$fetched" -ge 2 ] && [ $((rss1 - rss0)) -le 2048 ]; then
        pass=$((pass + 1)); echo "    ok  wrk ${secs} s: $(awk '/^Requests\/sec:/ {print $2}' <<<"$out") requests/s, 0 errors, $fetched refetches during the run, worker RSS $rss0 -> $rss1 KiB"
    else
        fail=$((fail + 1)); echo "    FAIL wrk: ${non2xx:-0} errors, $fetched refetches, RSS $rss0 -> $rss1 KiB"; printf '%s\n' "$out" | sed 's/^/        /'
    fi
fi
rot_stop

echo "responses: $pass passed, $fail failed"
if ! grep -q 'auth_jwtguard: invalid_token: Token has expired (JWTGUARD_EXPIRED)' "$PREFIX/logs/error.log"; then
    echo "FAIL: the error log does not give the rejection reason" >&2
    fail=$((fail + 1))
fi
[ "$fail" = 0 ] || exit 1

[ "$LOAD" = 1 ] || exit 0

workers_rss() { # total VmRSS of the worker processes, in KiB
    local total=0 kb
    for pid in $(workers); do
        kb=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
        total=$((total + kb))
    done
    echo "$total"
}
wrk_run() { # PATH -> "rps errors" ; errors = non-2xx/3xx responses + socket errors
    local out rps non2xx sock
    out=$(wrk -t2 -c32 -d"${WRK_SECONDS:-10}"s -H "Authorization: Bearer $valid" "http://127.0.0.1:$PORT$1")
    printf '%s\n' "$out" | sed 's/^/        /' >&2
    rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
    non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' <<<"$out")
    sock=$(sed -n 's/.*Socket errors: connect \([0-9]*\), read \([0-9]*\), write \([0-9]*\), timeout \([0-9]*\).*/\1 \2 \3 \4/p' <<<"$out" |
        awk '{print $1 + $2 + $3 + $4}')
    echo "$rps $(( ${non2xx:-0} + ${sock:-0} ))"
}

echo "==> load: wrk -t2 -c32 -d${WRK_SECONDS:-10}s, RS256-2048 token, 2 workers, static 3-byte file"
# Warm up both paths so the "before" figure is of workers that have served requests.
wrk -t1 -c4 -d1s -H "Authorization: Bearer $valid" "http://127.0.0.1:$PORT/load/index.txt" >/dev/null
wrk -t1 -c4 -d1s "http://127.0.0.1:$PORT/open/index.txt" >/dev/null
rss_before=$(workers_rss)
echo "    module on (/load/, auth_jwtguard on):" >&2
read -r rps_on err_on < <(wrk_run /load/index.txt)
rss_after=$(workers_rss)
echo "    module off (/open/, auth_jwtguard off):" >&2
read -r rps_off err_off < <(wrk_run /open/index.txt)
rss_after2=$(workers_rss)

cat <<EOF | tee "$OUT/load-figures.txt"

nginx module load figures ($(date -u +%Y-%m-%d), nginx $("$NGINX" -v 2>&1 | sed 's/.*nginx\///'), 2 workers, wrk -t2 -c32 -d${WRK_SECONDS:-10}s on loopback, $(nproc) cores shared by wrk and nginx):
  auth_jwtguard on  (RS256-2048 verify per request): $rps_on requests/s, errors $err_on
  auth_jwtguard off (same file, no verification):    $rps_off requests/s, errors $err_off
  worker RSS: $rss_before KiB before, $rss_after KiB after the verified run, $rss_after2 KiB after both
EOF
[ "$err_on" = 0 ] && [ "$err_off" = 0 ] || { echo "FAIL: errors under load" >&2; exit 1; }
# Memory: a leak of even one result (1.6 KB) per request would add ~100 MB over the run.
[ $((rss_after - rss_before)) -le 2048 ] || { echo "FAIL: worker RSS grew by more than 2 MiB under load" >&2; exit 1; }
echo "load: no errors, no memory growth beyond 2 MiB"
