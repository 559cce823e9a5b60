#!/usr/bin/env bash
# The C peers beside jwtguard's C ABI (benches/c/peers.c): libjwt and OpenSSL's bare
# EVP_DigestVerify / HMAC floors, on the Rust benches' fixtures, interleaved in one process.
#
#   benches/c/peers.sh [ROUNDS]      from anywhere; prints a Markdown table
#
# Needs a C compiler, pkg-config, libjwt (Debian: libjwt-dev) and libcrypto (libssl-dev); when
# one is missing it says which and exits 0 (a bench, not a gate). benches/tests/c_peers.rs runs
# it as a test, where missing libraries fail under CI=true.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
missing=()
command -v "${CC:-cc}" >/dev/null || missing+=("a C compiler (apt-get install build-essential)")
command -v pkg-config >/dev/null || missing+=("pkg-config (apt-get install pkg-config)")
if command -v pkg-config >/dev/null; then
    pkg-config --exists libjwt || missing+=("libjwt (apt-get install libjwt-dev)")
    pkg-config --exists libcrypto || missing+=("libcrypto (apt-get install libssl-dev)")
fi
if [ ${#missing[@]} -gt 0 ]; then
    echo "C peers SKIPPED: missing ${missing[*]}"
    [ "${CI:-}" = true ] && exit 1
    exit 0
fi
out="$here/../target/c-peers"
mkdir -p "$out"
(cd "$root" && cargo build -q --release --locked -p jwtguard-ffi)
# Fixtures are data: the dev profile (dependencies at opt-level 3, see Cargo.toml) reuses the
# build that `cargo test` made instead of a second, release build of the peers.
(cd "$here/.." && cargo run -q --locked --bin fixtures "$out/fixtures")
"${CC:-cc}" -std=c11 -O2 -Wall -Wextra -Werror -I"$root/include" "$here/peers.c" \
    "$root/target/release/libjwtguard.a" $(pkg-config --cflags --libs libjwt libcrypto) \
    -lpthread -ldl -lm -o "$out/peers"
"$out/peers" "$out/fixtures" "${1:-300}"
