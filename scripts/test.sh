#!/usr/bin/env bash
# The one test command (README "Test"): everything CI checks, in order of speed.
# Usage: scripts/test.sh            (needs: rustup with rustfmt, clippy, thumbv7em-none-eabihf)
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

step "no-allocator gate: no_std binary without a global allocator, for $EMBEDDED_TARGET"
if ! rustup target list --installed 2>/dev/null | grep -qx "$EMBEDDED_TARGET"; then
    echo "The Rust target $EMBEDDED_TARGET is not installed, and the no-allocator gate needs it." >&2
    echo "Install it with: rustup target add $EMBEDDED_TARGET" >&2
    exit 1
fi
(cd crates/nostd-check && cargo build --release --locked --target "$EMBEDDED_TARGET")
size_line=$(size crates/nostd-check/target/$EMBEDDED_TARGET/release/nostd-check 2>/dev/null | tail -1 || true)
echo "nostd-check linked with no allocator${size_line:+ (text data bss: $(echo "$size_line" | awk '{print $1, $2, $3}'))}"

step "all checks passed"
