#!/usr/bin/env bash
# Seeds from the project's test vectors and sample data: fuzz/seeds/<target>/ (not committed;
# rebuilt on every run). The committed, minimized corpora are fuzz/corpus/<target>/: every run
# reads both and adds what it finds to the corpus; fuzz/campaign.sh minimizes it again.
set -euo pipefail
cd "$(dirname "$0")"
data=../examples/data
keys=../crates/jwtguard/tests/data
rm -rf seeds && mkdir -p seeds
seed() { # target name content-file-or-string
    mkdir -p "seeds/$1"
    if [ -f "$3" ]; then cp "$3" "seeds/$1/$2"; else printf '%s' "$3" > "seeds/$1/$2"; fi
}
i=0
while IFS= read -r line; do
    case "$line" in '#'*|'') continue ;; esac
    i=$((i + 1))
    for t in parse_token verify_hs256 verify_rs256; do seed $t "sample$i" "$line"; done
    seed bearer "sample$i" "Bearer $line"
done < "$data/tokens.txt"
a1='eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'
for t in parse_token verify_hs256 verify_rs256; do seed $t rfc7515-a1 "$a1"; done
seed bearer basic "Basic dXNlcjpwYXNz"
seed bearer tab "Bearer	abc"
seed jwk_import jwks "$data/jwks.json"
seed jwk_import jwk "$data/rsa-2024.jwk.json"
seed jwk_import oct '{"kty":"oct","k":"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"}'
for f in "$keys"/*.pub.pem "$keys"/*.der "$keys"/rsa2048.pkcs1.pem; do seed key_import "$(basename "$f")" "$f"; done
# Issue 17: whole tokens of every algorithm (a first byte with the high bit set selects the
# whole-token mode of verify_algorithms), and public keys of every type.
i=0
while IFS= read -r line; do
    i=$((i + 1))
    mkdir -p seeds/verify_algorithms
    printf '\x80%s' "$line" > "seeds/verify_algorithms/alg$i"
    seed parse_token "alg$i" "$line"
done < "$data/algs.tokens.txt"
for f in "$data"/es256.pub.pem "$data"/ed25519.pub.pem "$keys"/rsa2048.pub.pem "$keys"/rsa2048.spki.der "$keys"/rsa2048.pkcs1.der; do
    seed key_import_any "$(basename "$f")" "$f"
done
seed jwk_import algs "$data/algs.jwks.json"
# Issue 28: jwt_differential builds and signs its tokens; a seed per algorithm (the first byte)
# with a typ and claims valid until 2100 for both verifiers.
extra=',"typ":"JWT"'
claims='{"iss":"https://issuer.example","sub":"user_24601","aud":"api.example","exp":4102444800,"iat":1700000000,"nbf":1700000000}'
mkdir -p seeds/jwt_differential
for a in $(seq 0 11); do
    printf "\\x$(printf %02x "$a")\\x$(printf %02x ${#extra})%s\\x$(printf %02x ${#claims})%s" "$extra" "$claims" \
        > "seeds/jwt_differential/alg$a"
done
seed c_abi empty ""
seed claims_structured empty ""
seed rs256_differential empty ""
seed mont_kernel empty ""
# base64url: a first byte (the output room; an even one, B, means all of it), then a segment: the RFC
# 7515 A.1 token's payload, and the same with a '+' (outside the alphabet) in its second block.
seed base64url rfc7515-a1 "B$(echo "$a1" | cut -d. -f2)"
seed base64url plus "B$(echo "$a1" | cut -d. -f2 | sed 's/^\(.\{20\}\)./\1+/')"
echo "seeded $(find seeds -type f | wc -l) files for $(ls seeds | wc -l) targets"
