#!/usr/bin/env bash
# The one test command (README "Test"): everything CI checks, in order of speed.
# Usage: scripts/test.sh   (needs: rustup with rustfmt, clippy and thumbv7em-none-eabihf; cbindgen
# 0.29.4; a C99 and a C++17 compiler, make, pkg-config. .ci/run installs what is missing.)
set -euo pipefail
cd "$(dirname "$0")/.."

EMBEDDED_TARGET=thumbv7em-none-eabihf
step() { printf '\n==> %s\n' "$*"; }

step "format"
cargo fmt --all --check
(cd crates/nostd-check && cargo fmt --check)

step "clippy (all targets, all features, warnings are errors)"
cargo clippy --workspace --all-targets --all-features --locked -- -D warnings

step "docs (warnings are errors)"
RUSTDOCFLAGS=-Dwarnings cargo doc --workspace --no-deps --all-features --locked

step "tests (default features, then std)"
cargo test --workspace --locked
cargo test -p jwtguard --features std --locked --lib
step "tests without default features (2048-bit RSA only, the firmware configuration)"
cargo test -p jwtguard --no-default-features --locked --lib --test rs256 --test wycheproof_rsa
cargo clippy -p jwtguard --no-default-features --locked -- -D warnings
if rustup target list --installed 2>/dev/null | grep -qx "$EMBEDDED_TARGET"; then
    # The C ABI's firmware configuration (no_std, small capacities, panic handler).
    cargo clippy -p jwtguard-ffi --target "$EMBEDDED_TARGET" --no-default-features --features firmware \
        --locked -- -D warnings 2>&1 | grep -v "dropping unsupported crate type\|generated 1 warning" || true
    test "${PIPESTATUS[0]}" = 0
fi

step "C ABI: header drift, sample data drift"
scripts/gen-header.sh --check
sample_dir=$(mktemp -d)
trap 'rm -rf "$sample_dir"' EXIT
cargo run -q --locked -p jwtguard-ffi --example make_sample_data "$sample_dir" 2>/dev/null
for f in "$sample_dir"/*; do
    cmp -s "$f" "examples/data/$(basename "$f")" || { echo "examples/data/$(basename "$f") is stale: cargo run -p jwtguard-ffi --example make_sample_data" >&2; exit 1; }
done
echo "examples/data matches its generator"

step "C and C++ tests, jwtguard-verify tests, install with pkg-config"
make --no-print-directory c-test

step "the README's run command"
make --no-print-directory run

step "Miri on the core's unit tests (the mont differential test is skipped: minutes under Miri)"
if cargo +nightly miri --version >/dev/null 2>&1; then
    MIRIFLAGS=-Zmiri-strict-provenance cargo +nightly miri test -q -p jwtguard --lib -- --skip alg::mont
else
    echo "Miri is not installed for nightly: rustup +nightly component add miri rust-src" >&2
    exit 1
fi

step "no-allocator gate: no_std binary without a global allocator, for $EMBEDDED_TARGET"
if ! rustup target list --installed 2>/dev/null | grep -qx "$EMBEDDED_TARGET"; then
    echo "The Rust target $EMBEDDED_TARGET is not installed, and the no-allocator gate needs it." >&2
    echo "Install it with: rustup target add $EMBEDDED_TARGET" >&2
    exit 1
fi
(cd crates/nostd-check && cargo build --release --locked --target "$EMBEDDED_TARGET" &&
    cargo clippy -q --release --locked --target "$EMBEDDED_TARGET" -- -D warnings)
size_line=$(size crates/nostd-check/target/$EMBEDDED_TARGET/release/nostd-check 2>/dev/null | tail -1 || true)
echo "nostd-check linked with no allocator${size_line:+ (text data bss: $(echo "$size_line" | awk '{print $1, $2, $3}'))}"

step "firmware example under qemu: C on the no_std C ABI, Cortex-M4F (mps2-an386)"
scripts/embedded.sh

step "nginx module: build against nginx-dev, loopback tests, nginx -t, wrk load"
scripts/nginx.sh

step "all checks passed"
