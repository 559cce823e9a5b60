#!/usr/bin/env bash
# The test command (README "Try it, test it"; CONTRIBUTING.md "Test tiers").
#
#   scripts/test.sh --quick   the inner loop: fmt, clippy and the tests of the core and the C ABI
#   scripts/test.sh --pr      the lane for a change (at most 10 minutes warm): the quick tier,
#                             then the C and C++ tests, the nginx module's and the gateway
#                             bindings' tests without wrk,
#                             and a 5-second smoke run of every fuzz target
#   scripts/test.sh           the full tier, what CI runs (.ci/run installs its tools first):
#                             the quick tier, then docs, feature variants, MSRV, 32-bit and
#                             aarch64 hosts, the peers' tests, header and data drift, C/C++/CLI,
#                             CMake and pkg-config installs, Miri, the no-allocator gate, the
#                             firmware under qemu, the nginx module, the Lua and HAProxy
#                             bindings, and the fuzz targets.
#
# A step whose tool is missing is skipped with the install command on a developer's machine and
# fails under CI=true (scripts/lib.sh). Every step fails the run on its first error.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

tier=full
case "${1:-}" in
"") ;;
--quick) tier=quick ;;
--pr) tier=pr ;;
*)
    echo "usage: scripts/test.sh [--quick | --pr]" >&2
    exit 2
    ;;
esac

EMBEDDED_TARGET=thumbv7em-none-eabihf
MSRV=1.89
started=$SECONDS
step() { printf '\n==> [%ss, %s] %s\n' "$((SECONDS - started))" "$(disk_free)" "$*"; }
target_installed() { rustup target list --installed 2>/dev/null | grep -qx "$1"; }

# ---- quick tier -------------------------------------------------------------------------------

step "format"
cargo fmt --all --check
(cd crates/nostd-check && cargo fmt --check)
(cd benches && cargo fmt --check)

step "clippy: core and C ABI (all targets, all features, warnings are errors)"
cargo clippy --workspace --all-targets --all-features --locked -- -D warnings

step "tests: core and C ABI (default features)"
# The x86-64 kernels' own tests run where the CPU has their instructions and say "skipped"
# (hidden by the test harness) where it does not: name what this CPU has, so a log shows which
# ran. The IFMA engine's algorithm is also tested through its emulation, on every x86-64 CPU.
if [ "$(uname -m)" = x86_64 ]; then
    has() { grep -qw "$1" /proc/cpuinfo && echo yes || echo "no (its kernel's tests skip)"; }
    echo "x86-64 kernels on this CPU: ADX and BMI2 $(has adx), AVX-512 IFMA $(has avx512ifma)"
fi
cargo test --workspace --locked

if [ "$tier" = quick ]; then
    step "quick tier passed"
    exit 0
fi

# ---- pr lane ----------------------------------------------------------------------------------

if [ "$tier" = pr ]; then
    step "C and C++ tests, jwtguard-verify tests"
    make --no-print-directory c-test
    step "nginx module: build against nginx-dev, loopback tests, nginx -t (no wrk)"
    scripts/nginx.sh --no-load
    step "gateway bindings: Lua (LuaJIT, OpenResty) and HAProxy, with the conformance file (no wrk)"
    scripts/gateways.sh --no-load
    step "fuzz targets, each for 5 s from the committed corpora"
    FUZZ_SECONDS=5 scripts/fuzz-ci.sh
    step "pr lane passed"
    exit 0
fi

# ---- full tier --------------------------------------------------------------------------------

step "docs (warnings are errors)"
RUSTDOCFLAGS=-Dwarnings cargo doc --workspace --no-deps --all-features --locked

step "tests: std and serde features; no default features (2048-bit RSA only, the firmware configuration)"
cargo test -p jwtguard --features std --locked --lib
# Typed claims through serde (the `serde` feature): its tests and its doctest.
cargo test -p jwtguard --features serde --locked --test serde_claims
cargo test -p jwtguard --features serde --locked --doc
cargo test -p jwtguard --no-default-features --features key-formats,permissions,metadata --locked --lib --test rs256 --test wycheproof_rsa
# The device configuration: no key formats (HMAC secrets and RSA (n, e) components only).
cargo test -p jwtguard --no-default-features --locked --lib
# The portable Montgomery code at every RSA width, with the x86-64 kernel compiled out (`asm` is
# a default feature): the fallback must stay correct on its own (Wycheproof, the rsa-crate
# differential at 2048/3072/4096 bits).
cargo test -p jwtguard --no-default-features --features rsa-4096,key-formats,permissions,metadata --locked --lib --test rs256 \
    --test wycheproof_rsa --test rs256_differential
cargo clippy -p jwtguard --no-default-features --locked -- -D warnings
# The C ABI with no optional feature (a device's configuration, on the host): what it leaves
# out is refused, not ignored (JWTGUARD_NOT_IN_BUILD).
cargo test -p jwtguard-ffi --no-default-features --features std --locked --lib
missing=()
target_installed "$EMBEDDED_TARGET" || missing+=("rust target $EMBEDDED_TARGET (rustup target add $EMBEDDED_TARGET)")
(skip_or_fail "clippy of the firmware C ABI" ${missing[@]+"${missing[@]}"} &&
    filtered "$CDYLIB_NOTE" cargo clippy -p jwtguard-ffi --target "$EMBEDDED_TARGET" \
        --no-default-features --features firmware --locked -- -D warnings)

step "MSRV: Rust $MSRV checks the core and the C ABI (the benches need 1.89, the fuzzers nightly)"
missing=()
rustup run "$MSRV" cargo --version >/dev/null 2>&1 || missing+=("Rust $MSRV (rustup toolchain install $MSRV --profile minimal)")
rustup +"$MSRV" target list --installed 2>/dev/null | grep -qx "$EMBEDDED_TARGET" ||
    missing+=("$EMBEDDED_TARGET for Rust $MSRV (rustup target add --toolchain $MSRV $EMBEDDED_TARGET)")
# The firmware configuration of the C ABI is no_std with its own panic handler: it only builds
# for the embedded target.
# Its own target directory, which CI reclaims after the step (scripts/lib.sh).
(skip_or_fail "the MSRV check" ${missing[@]+"${missing[@]}"} &&
    export CARGO_TARGET_DIR=target/msrv &&
    cargo "+$MSRV" check --locked -p jwtguard -p jwtguard-ffi &&
    cargo "+$MSRV" check --locked -p jwtguard --no-default-features &&
    filtered "$CDYLIB_NOTE" cargo "+$MSRV" check --locked -p jwtguard-ffi --target "$EMBEDDED_TARGET" \
        --no-default-features --features firmware)
reclaim target/msrv

step "tests on other hosts: i686 (32-bit limbs, native) and aarch64 (under qemu-user)"
scripts/cross-test.sh
# The host's debug tree holds every feature variant's tests above (1.3 GB); the C steps below
# rebuild the part they read (the C ABI's library, the sample-data generator), so under CI it
# goes before the benches build their own 1.4 GB tree, the tier's largest.
reclaim target/debug

step "benches crate: every peer verifies and rejects; jwtguard allocates nothing (own workspace)"
(cd benches && cargo clippy --all-targets --locked -- -D warnings && cargo test --locked)
# Every algorithm family against jsonwebtoken: both accept each token (3 timing rounds only;
# the real bench runs 300: benches/README).
(cd benches && cargo run -q --locked --bin algorithms -- --rounds 3 >/dev/null)
# The C peers' harness (libjwt, OpenSSL floors): built, and every candidate accepts the token
# and rejects a tampered copy, with 3 timing rounds (the real bench runs 300: benches/README).
benches/c/peers.sh 3
reclaim benches/target

step "C ABI: header drift, sample data drift"
scripts/gen-header.sh --check
sample_dir=$(mktemp -d)
conformance_dir=$(mktemp -d)
trap 'rm -rf "$sample_dir" "$conformance_dir"' EXIT
cargo run -q --locked -p jwtguard-ffi --example make_sample_data "$sample_dir" "$conformance_dir" 2>/dev/null
for f in "$sample_dir"/* "$conformance_dir"/*; do
    case $f in "$sample_dir"/*) dir=examples/data ;; *) dir=tests/conformance ;; esac
    cmp -s "$f" "$dir/$(basename "$f")" || {
        echo "$dir/$(basename "$f") is stale: cargo run -p jwtguard-ffi --example make_sample_data" >&2
        exit 1
    }
done
echo "examples/data and tests/conformance match their generator"

step "C and C++ tests, jwtguard-verify tests, install with pkg-config and CMake"
make --no-print-directory c-test
scripts/cmake-test.sh

step "C++: a verifier replaced under load (issue 18), under ThreadSanitizer and AddressSanitizer"
missing=()
cargo +nightly --version >/dev/null 2>&1 || missing+=("Rust nightly (rustup toolchain install nightly), for -Zsanitizer=address")
echo 'int main(void){return 0;}' | ${CXX:-c++} -fsanitize=thread -x c++ - -o /dev/null 2>/dev/null ||
    missing+=("ThreadSanitizer for ${CXX:-c++} (apt-get install g++)")
(skip_or_fail "the C++ swap test" ${missing[@]+"${missing[@]}"} &&
    make --no-print-directory cpp-swap-test)
reclaim target/asan

step "the README's run command"
make --no-print-directory run
# No later step reads the debug build (Miri, the firmware, nginx and the bindings have their
# own): under CI it goes.
reclaim target/debug

step "Miri on the core's unit tests (the mont differential test is skipped: minutes under Miri) and the C ABI's boundary tests"
missing=()
cargo +nightly miri --version >/dev/null 2>&1 || missing+=("Miri (rustup +nightly component add miri rust-src)")
(skip_or_fail "Miri" ${missing[@]+"${missing[@]}"} &&
    export MIRIFLAGS=-Zmiri-strict-provenance &&
    # The C ABI's unsafe code (every boundary conversion, the output cursor, the result's
    # in-place zeroing, the providers set) run by its Rust-side tests under Miri, beside the
    # core's run (Miri is single-threaded: two cores, two runs; its own target directory, so
    # the two cargo runs do not wait on one lock).
    { CARGO_TARGET_DIR=target/miri-ffi cargo +nightly miri test -q -p jwtguard-ffi --test boundary \
        >target/miri-ffi.log 2>&1 &
      ffi=$!; } &&
    cargo +nightly miri test -q -p jwtguard --lib -- --skip alg::mont &&
    { wait "$ffi" || { cat target/miri-ffi.log; exit 1; }; } &&
    tail -3 target/miri-ffi.log)
reclaim target/miri target/miri-ffi

step "no-allocator gate: no_std binary without a global allocator, for $EMBEDDED_TARGET"
missing=()
target_installed "$EMBEDDED_TARGET" || missing+=("rust target $EMBEDDED_TARGET (rustup target add $EMBEDDED_TARGET)")
(skip_or_fail "the no-allocator gate" ${missing[@]+"${missing[@]}"} &&
    cd crates/nostd-check &&
    rm -f "target/$EMBEDDED_TARGET/release/nostd-check" &&
    cargo build --release --locked --target "$EMBEDDED_TARGET" &&
    cargo clippy -q --release --locked --target "$EMBEDDED_TARGET" -- -D warnings &&
    echo "nostd-check linked with no allocator")

step "firmware example under qemu: C on the no_std C ABI, Cortex-M4F (mps2-an386)"
scripts/embedded.sh

step "nginx module: build against nginx-dev, loopback tests, nginx -t, wrk load"
scripts/nginx.sh

step "gateway bindings: Lua (LuaJIT, OpenResty) and HAProxy, the conformance file, wrk load"
scripts/gateways.sh

step "fuzz targets, each for ${FUZZ_SECONDS:-15} s from the committed corpora"
scripts/fuzz-ci.sh

step "full tier passed"
