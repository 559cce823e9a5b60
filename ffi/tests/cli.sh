#!/usr/bin/env bash
# Tests of jwtguard-verify (path in $1): the bundled run against examples/data/expected.jsonl,
# then every option at least once. Prints "N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
tool=$1
data=examples/data
keys=crates/jwtguard/tests/data
now=1700000000
pass=0
fail=0
token() { grep -v '^#' "$data/tokens.txt" | sed -n "${1}p"; }
policy=(--iss https://issuer.example --aud api.example --azp https://app.example --now $now)

# case NAME WANT_STATUS PATTERN [--stdin TEXT] -- ARGS...
case_() {
    local name=$1 want=$2 pattern=$3 input=""
    shift 3
    if [ "$1" = "--stdin" ]; then input=$2; shift 2; fi
    shift # --
    local out status
    out=$(printf '%s' "$input" | "$tool" "$@" 2>&1)
    status=$?
    if [ "$status" = "$want" ] && grep -q -- "$pattern" <<<"$out"; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL: $name: status $status (want $want), output:" >&2
        echo "$out" | head -5 >&2
    fi
}

# The bundled run, byte for byte.
"$tool" >"${TMPDIR:-/tmp}/jwtguard-cli.out" 2>&1
status=$?
if [ $status = 1 ] && diff -u "$data/expected.jsonl" "${TMPDIR:-/tmp}/jwtguard-cli.out"; then
    pass=$((pass + 1))
else
    fail=$((fail + 1))
    echo "FAIL: bundled run (status $status) differs from $data/expected.jsonl" >&2
fi

# The same verdicts from explicit options and stdin.
case_ "options equal policy.args" 1 '"code":"JWTGUARD_MISSING_METADATA_FIELD","error":"Missing required metadata field","field":0' \
    --stdin "$(cat "$data/tokens.txt")" -- --jwks "$data/jwks.json" "${policy[@]}" --require leagues:read \
    --field 'user_data.name:name!' --field user_data.aliases

hs=$(token 3)
case_ "--hs256" 0 '"ok":true' -- --hs256 "hmac-1=$(head -1 "$data/hs256.secret")" "${policy[@]}" "$hs"
case_ "--hs256 without kid is no wildcard" 1 JWTGUARD_UNKNOWN_KEY -- --hs256 "=$(head -1 "$data/hs256.secret")" "${policy[@]}" "$hs"
case_ "--hs256-file" 0 '"sub":"user_24601"' -- --hs256-file "hmac-1=$data/hs256.secret" "${policy[@]}" "$hs"
case_ "--hs256 short secret" 2 "Key is too short" -- --hs256 k=short "$hs"

rs=$(token 1)
case_ "--rsa-pem" 0 '"ok":true' -- --rsa-pem "rsa-2024=$keys/rsa2048.pub.pem" "${policy[@]}" "$rs"
case_ "--rsa-pem PKCS#1" 0 '"ok":true' -- --rsa-pem "rsa-2024=$keys/rsa2048.pkcs1.pem" "${policy[@]}" "$rs"
case_ "--rsa-der" 0 '"ok":true' -- --rsa-der "rsa-2024=$keys/rsa2048.spki.der" "${policy[@]}" "$rs"
case_ "--jwk" 0 '"ok":true' -- --jwk "$data/rsa-2024.jwk.json" "${policy[@]}" "$rs"
case_ "--jwk wrong key for kid" 1 JWTGUARD_UNKNOWN_KEY -- --jwk "$data/rsa-2024.jwk.json" "${policy[@]}" "$(token 2)"
case_ "--field with name" 0 '"metadata":{"who":"Jean Valjean"}' -- --jwks "$data/jwks.json" "${policy[@]}" --field 'user_data.name:who' "$rs"
case_ "--require" 1 JWTGUARD_INSUFFICIENT_PERMISSIONS -- --jwks "$data/jwks.json" "${policy[@]}" --require admin "$rs"
case_ "--iss" 1 '"error":"Invalid issuer."' -- --jwks "$data/jwks.json" --iss https://other.example --aud api.example --now $now "$rs"
case_ "--aud" 1 '"error":"Invalid audience."' -- --jwks "$data/jwks.json" --any-iss --aud other --now $now "$rs"
case_ "--azp" 1 '"error":"Invalid authorized party."' -- --jwks "$data/jwks.json" --any-iss --aud api.example --azp https://x.example --now $now "$rs"
# Fail-safe defaults (issue 19): no issuer or no audience is a setup error, unless waived.
case_ "no --iss is a setup error" 2 'JWTGUARD_ISSUER_NOT_CONFIGURED): give --iss ISSUER, or --any-iss' -- --jwks "$data/jwks.json" --aud api.example --now $now "$rs"
case_ "no --aud is a setup error" 2 'JWTGUARD_AUDIENCE_NOT_CONFIGURED): give --aud AUDIENCE, or --no-aud' -- --jwks "$data/jwks.json" --iss https://issuer.example --now $now "$rs"
case_ "--any-iss" 0 '"ok":true' -- --jwks "$data/jwks.json" --any-iss --aud api.example --azp https://app.example --now $now "$rs"
case_ "--no-aud still refuses a token with aud" 1 '"error":"Invalid audience."' -- --jwks "$data/jwks.json" --iss https://issuer.example --no-aud --now $now "$rs"
# A kid-less token ({"alg":"HS256"}): refused before any key is tried.
case_ "--require-kid" 1 JWTGUARD_MISSING_KEY_ID -- --hs256 "=$(head -1 "$data/hs256.secret")" "${policy[@]}" --require-kid \
    eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
case_ "a private key" 2 JWTGUARD_PRIVATE_KEY -- --rsa-pem "k=$keys/rsa2048.key.pem" "${policy[@]}" "$rs"
case_ "a token with a trailing newline" 1 JWTGUARD_TOKEN_WHITESPACE -- --jwks "$data/jwks.json" "${policy[@]}" "$rs
"

expired=$(token 4)
case_ "expired" 1 '"error":"Token has expired"' -- --jwks "$data/jwks.json" "${policy[@]}" "$expired"
case_ "--leeway" 0 '"ok":true' -- --jwks "$data/jwks.json" "${policy[@]}" --leeway 10 "$expired"
case_ "--now defaults to the clock" 1 JWTGUARD_EXPIRED -- --jwks "$data/jwks.json" --any-iss --aud api.example "$rs"

at=$(cat "$data/access-token.txt")
case_ "--access-token" 0 '"client_id":"cli-app"' -- --jwks "$data/jwks.json" "${policy[@]}" --access-token --require openid "$at"
case_ "at+jwt without the profile" 1 JWTGUARD_UNEXPECTED_TYPE -- --jwks "$data/jwks.json" "${policy[@]}" "$at"
case_ "--permissions-claim" 0 '"ok":true' -- --jwks "$data/jwks.json" "${policy[@]}" --access-token --permissions-claim scope --require leagues:read "$at"
case_ "--permissions-claim other" 1 JWTGUARD_INSUFFICIENT_PERMISSIONS -- --jwks "$data/jwks.json" "${policy[@]}" --permissions-claim roles --require x "$rs"

case_ "--bearer" 0 '"ok":true' --stdin "Bearer $rs" -- --bearer --jwks "$data/jwks.json" "${policy[@]}"
case_ "--bearer other scheme" 1 JWTGUARD_NOT_BEARER --stdin "Basic dXNlcg==" -- --bearer --jwks "$data/jwks.json" "${policy[@]}"

case_ "unknown option" 2 "unknown option" -- --frobnicate
case_ "missing value" 2 "missing value" -- --jwks
case_ "unreadable file" 2 "cannot read" -- --jwks /nonexistent.json
case_ "bad leeway" 2 "not a number" -- --leeway -5
# Fail-closed number parsing (issue 14): strtoull read " -1" as 2^64-1, a leeway that accepted
# any expired token with exit 0.
case_ "leeway with a space and a sign" 2 "not a number" -- --jwks "$data/jwks.json" "${policy[@]}" --leeway ' -1' "$expired"
case_ "leeway with a plus" 2 "not a number" -- --leeway +5 "$expired"
case_ "leeway over 2^64-1" 2 "not a number" -- --leeway 18446744073709551616 "$expired"
case_ "leeway 2^64-1 is a number" 0 '"ok":true' -- --jwks "$data/jwks.json" "${policy[@]}" --leeway 18446744073709551615 "$expired"
case_ "now with a space" 2 "not a unix time" -- --now ' 5' "$rs"
case_ "now in hex" 2 "not a unix time" -- --now 0x10 "$rs"
# No token at all is a usage error, not a pass.
case_ "no token on stdin" 2 "no token given" --stdin "" -- --jwks "$data/jwks.json" "${policy[@]}"
case_ "only comments on stdin" 2 "no token given" --stdin "# nothing" -- --jwks "$data/jwks.json" "${policy[@]}"
# A line longer than the token limit plus a margin is rejected without being kept; the next
# line is still read.
long_line=$(head -c 3000000 /dev/zero | tr '\0' 'a')
case_ "over-long stdin line" 1 '"code":"JWTGUARD_TOKEN_TOO_LONG","error":"Line is longer than 16640 bytes"' \
    --stdin "$long_line
$rs" -- --jwks "$data/jwks.json" "${policy[@]}"
case_ "the line after an over-long one" 1 '"ok":true' --stdin "$long_line
$rs" -- --jwks "$data/jwks.json" "${policy[@]}"
# An RSA public key given as an HMAC secret is refused (RS/HS confusion).
case_ "public key as HS256 secret" 2 JWTGUARD_SECRET_IS_KEY -- --hs256-file "k=$keys/rsa2048.pub.pem" "$hs"
# Every algorithm (issue 17): one token of each from a JWKS of one key per algorithm, in
# Algorithm order; then keys given as PEM and an HMAC secret file, each bound to its algorithm.
alg_token() { sed -n "${1}p" "$data/algs.tokens.txt"; }
algs=(HS256 HS384 HS512 RS256 RS384 RS512 PS256 PS384 PS512 ES256 ES384 EdDSA)
for i in "${!algs[@]}"; do
    case_ "${algs[$i]} from the JWKS" 0 '"sub":"user_24601"' -- --jwks "$data/algs.jwks.json" "${policy[@]}" "$(alg_token $((i + 1)))"
done
case_ "all twelve on stdin" 0 '"ok":true' --stdin "$(cat "$data/algs.tokens.txt")" -- --jwks "$data/algs.jwks.json" "${policy[@]}"
case_ "--key-pem ES256" 0 '"ok":true' -- --key-pem "ES256:es256-key=$data/es256.pub.pem" "${policy[@]}" "$(alg_token 10)"
case_ "--key-pem EdDSA" 0 '"ok":true' -- --key-pem "EdDSA:eddsa-key=$data/ed25519.pub.pem" "${policy[@]}" "$(alg_token 12)"
case_ "--key-pem PS256 (RSA SPKI)" 0 '"ok":true' -- --key-pem "PS256:ps256-key=$keys/rsa2048.pub.pem" "${policy[@]}" "$(alg_token 7)"
case_ "--key-der RS512 (PKCS#1)" 0 '"ok":true' -- --key-der "RS512:rs512-key=$keys/rsa2048.pkcs1.der" "${policy[@]}" "$(alg_token 6)"
case_ "--hmac-file HS512" 0 '"ok":true' -- --hmac-file "HS512:hs512-key=$data/hs512.secret" "${policy[@]}" "$(alg_token 3)"
# A key is bound to the algorithm it was loaded for: the RSA key for PS256 does not answer an
# RS256 token of the same kid, and an EC key cannot be loaded for RS256.
case_ "PS256 key, RS256 token" 1 JWTGUARD_ALGORITHM_MISMATCH -- --key-pem "PS256:rs256-key=$keys/rsa2048.pub.pem" "${policy[@]}" "$(alg_token 4)"
case_ "EC key for RS256" 2 JWTGUARD_KEY_TYPE_MISMATCH -- --key-pem "RS256:k=$data/es256.pub.pem" "$(alg_token 4)"
case_ "ES256 key for ES384" 2 JWTGUARD_KEY_TYPE_MISMATCH -- --key-pem "ES384:k=$data/es256.pub.pem" "$(alg_token 11)"
case_ "unknown algorithm name" 2 "unknown or unsupported algorithm" -- --key-pem "ES512:k=$data/es256.pub.pem" "$(alg_token 10)"
case_ "--key-pem without ALG" 2 "expected ALG:KID=PATH" -- --key-pem "k=$data/es256.pub.pem" "$(alg_token 10)"
case_ "--help lists --key-pem" 0 "key-pem ALG:KID=PATH" -- --help
# A kid-less HS256 token is tried against at most --kidless-limit keys (issue 20).
case_ "--kidless-limit 2" 0 '"ok":true' -- --kidless-limit 2 --hs256 "hmac-1=$(head -1 "$data/hs256.secret")" "${policy[@]}" "$hs"
case_ "--kidless-limit 0" 2 JWTGUARD_INVALID_ARGUMENT -- --kidless-limit 0 --hs256 "=$(head -1 "$data/hs256.secret")" "${policy[@]}" "$hs"
# Two providers (issue 20, §1): each sample of providers.tokens.txt gets its expected code,
# and a passing one names the provider whose key and policy accepted it.
providers=(--hmac-file "HS256:=$data/hs256.secret" --iss https://a.example --aud a-api
    --provider --jwk "$data/rsa-2024.jwk.json" --iss https://b.example --aud b-api --leeway 120 --now $now)
while read -r name want provider tok; do
    case "$name" in '#'*) continue ;; esac
    if [ "$want" = OK ]; then
        case_ "providers: $name" 0 "\"ok\":true,\"provider\":$provider," -- "${providers[@]}" "$tok"
    else
        case_ "providers: $name" 1 "\"code\":\"JWTGUARD_$want\"" -- "${providers[@]}" "$tok"
    fi
done <"$data/providers.tokens.txt"
a_ok=$(awk '$1 == "a-ok" { print $4 }' "$data/providers.tokens.txt")
# The same key pooled into one verifier accepts the cross-issuer token: what binding prevents.
cross=$(awk '$1 == "a-key-b-issuer" { print $4 }' "$data/providers.tokens.txt")
case_ "pooled keys accept the cross-issuer token" 0 '"ok":true' -- --hmac-file "HS256:=$data/hs256.secret" \
    --jwk "$data/rsa-2024.jwk.json" --iss https://a.example --iss https://b.example --aud a-api --aud b-api --now $now "$cross"
case_ "--provider without issuers" 2 JWTGUARD_ISSUER_NOT_CONFIGURED -- "${providers[@]}" --provider --any-iss --no-aud "$a_ok"
case_ "--providers-kidless-limit 0" 2 "not a number of keys" -- "${providers[@]}" --providers-kidless-limit 0 "$a_ok"
case_ "--providers-kidless-limit 1" 0 '"provider":0' -- "${providers[@]}" --providers-kidless-limit 1 "$a_ok"
case_ "--help lists --provider" 0 "start the next identity provider" -- --help
case_ "--help lists --max-token-size" 0 "max-token-size N" -- --help
# A Keycloak-sized token (issue 20): too long by default, verified with --max-token-size.
large=$(cat "$data/large-token.txt")
big=(--jwks "$data/jwks.json" "${policy[@]}")
case_ "16 KB token, default limit" 1 JWTGUARD_TOKEN_TOO_LONG -- "${big[@]}" "$large"
case_ "16 KB token, --max-token-size 16384" 0 '"ok":true' -- "${big[@]}" --max-token-size 16384 "$large"
case_ "16 KB token on stdin" 0 '"ok":true' --stdin "$large" -- "${big[@]}" --max-token-size 16384
case_ "--max-token-size over the capacity" 2 "not a token size" -- "${big[@]}" --max-token-size 16385 "$large"
case_ "--max-token-size with providers" 0 '"provider":2' -- "${providers[@]}" --provider --jwks "$data/jwks.json" \
    --iss https://issuer.example --aud api.example --max-token-size 16384 "$large"
# JSON Pointer fields, whose paths hold colons (issue 20, §3).
ptr_tok=$(awk '$1 == "a-ok" { print $4 }' "$data/providers.tokens.txt")
a_only=(--hmac-file "HS256:=$data/hs256.secret" --iss https://a.example --aud a-api --now $now)
case_ "--field with a JSON Pointer and a name" 0 '"metadata":{"who":"user_24601"}' -- "${a_only[@]}" --field '/sub:who' "$ptr_tok"
case_ "--field with a JSON Pointer holding a colon" 0 '"metadata":{"iss":"https://a.example"}' -- "${a_only[@]}" --field '/iss:iss' "$ptr_tok"
case_ "--field with an escaped pointer and no name" 2 JWTGUARD_INVALID_METADATA_FIELD -- "${a_only[@]}" --field '/https:~1~1x' "$ptr_tok"
case_ "--field with an escaped pointer and a name" 0 '"ok":true' -- "${a_only[@]}" --field '/https:~1~1x:roles' "$ptr_tok"
# --explain over the shared table (examples/data/explain.cases.txt, the C tests read it too):
# the verdict, then the failing checks in order, keys left out; nothing after a failed
# signature.
bundled=(--jwks "$data/jwks.json" "${policy[@]}" --require leagues:read --field 'user_data.name:name!')
while IFS='|' read -r ways verdict failing tok; do
    case "$ways" in '#'*) continue ;; esac
    ways=$(echo $ways); verdict=$(echo $verdict); failing=$(echo $failing); tok=$(echo $tok)
    want_status=1
    [ "$verdict" = JWTGUARD_OK ] && want_status=0
    out=$("$tool" "${bundled[@]}" --explain "$tok" 2>&1)
    status=$?
    got=$(python3 -c 'import json,sys; d=json.loads(sys.stdin.read()); f=[c["check"] for c in d["checks"] if c["check"]!="key" and c["code"]!="JWTGUARD_OK"]; s=[i for i,c in enumerate(d["checks"]) if c["check"]=="signature" and c["code"]!="JWTGUARD_OK"]; print(d["code"]+"|"+(",".join(f) or "-")+"|"+("read-after" if s and s[0]!=len(d["checks"])-1 else "ok"))' <<<"$out")
    if [ "$status" = "$want_status" ] && [ "$got" = "$verdict|$failing|ok" ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL: --explain, $ways: status $status, got $got, want $verdict|$failing|ok" >&2
    fi
done <"$data/explain.cases.txt"
case_ "--explain names the key tried" 1 '{"check":"key","kid":"rsa-2024","alg":"RS256","code":"JWTGUARD_OK"}' -- \
    "${bundled[@]}" --explain "$(token 4)"
case_ "--explain with several providers" 2 "takes one provider" -- "${bundled[@]}" --provider --jwks "$data/jwks.json" \
    --iss https://issuer.example --aud api.example --explain "$(token 4)"
# The conformance file (tests/conformance/cases.txt), every case through the tool, with the
# real clock: its @policy lines become options.
conf=tests/conformance
declare -A policy_args
while read -r tag name settings; do
    keys=keys.jwks.json
    args=()
    for kv in $settings; do
        k=${kv%%=*} v=${kv#*=}
        case $k in
        keys) keys=$v ;;
        iss | aud | azp) args+=("--$k" "$v") ;;
        permission) args+=(--require "$v") ;;
        max_age) args+=(--max-age "$v") ;;
        access_token) [ "$v" = on ] && args+=(--access-token) ;;
        require_kid) [ "$v" = on ] && args+=(--require-kid) ;;
        esac
    done
    policy_args[$name]="--jwks $conf/$keys ${args[*]}"
done < <(grep '^@policy ' "$conf/cases.txt")
# A set of providers: each one's options, separated by --provider.
while read -r tag name members; do
    joined=""
    for m in $members; do
        joined="$joined${joined:+ --provider }${policy_args[$m]}"
    done
    policy_args[$name]=$joined
done < <(grep '^@providers ' "$conf/cases.txt")
conformance_fail=0
while IFS='|' read -r name pol want tok; do
    case "$name" in '#'* | @*) continue ;; esac
    pol=$(echo $pol) want=$(echo $want) tok=$(echo $tok)
    # shellcheck disable=SC2086 # the policy's options, split on spaces (none holds one)
    out=$("$tool" ${policy_args[$pol]} "$tok" 2>&1)
    got=$(sed -n 's/.*"code":"\([A-Z0-9_]*\)".*/\1/p' <<<"$out")
    grep -q '"ok":true' <<<"$out" && got=JWTGUARD_OK
    if [ "$got" != "$want" ]; then
        conformance_fail=$((conformance_fail + 1))
        echo "FAIL: conformance: $name: $got, want $want: $(head -c 300 <<<"$out")" >&2
    fi
done <"$conf/cases.txt"
if [ "$conformance_fail" = 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
case_ "--max-age 0" 2 "at least 1" -- "${bundled[@]}" --max-age 0 "$(token 4)"
case_ "--help" 0 "usage:" -- --help
case_ "--help states the number rules" 0 "digits only" -- --help

echo "cli: $pass passed, $fail failed"
[ "$fail" = 0 ]
