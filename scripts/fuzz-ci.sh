#!/usr/bin/env bash
# CI fuzzing (the last step of the full tier of scripts/test.sh): build every cargo-fuzz target
# and run each for FUZZ_SECONDS (default 15), two at a time, from the committed minimized corpus
# (fuzz/corpus/<target>) plus seeds made from the test vectors (fuzz/seeds/<target>). Fails on any crash, leak or timeout. Needs the nightly toolchain and cargo-fuzz 0.13.2
# (.ci/run installs both; elsewhere a missing one is a skip, see scripts/lib.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
missing=()
rustup toolchain list | grep -q '^nightly' || missing+=("the nightly toolchain (rustup toolchain install nightly)")
[ "$(cargo fuzz --version 2>/dev/null)" = "cargo-fuzz 0.13.2" ] ||
    missing+=("cargo-fuzz 0.13.2 (cargo install --locked cargo-fuzz --version 0.13.2)")
skip_or_fail "fuzzing" ${missing[@]+"${missing[@]}"}
cd fuzz
seconds=${FUZZ_SECONDS:-15}
./make-corpus.sh
cargo +nightly fuzz build
mkdir -p logs
status=0
run() {
    local t=$1
    mkdir -p "corpus/$t" "seeds/$t"
    if cargo +nightly fuzz run "$t" "corpus/$t" "seeds/$t" -- -dict=jwt.dict -max_len=4096 -max_total_time="$seconds" \
        -artifact_prefix="logs/$t-" >"logs/ci-$t.log" 2>&1; then
        echo "fuzz $t: ok, $(grep -E '^#[0-9]+' "logs/ci-$t.log" | tail -1 | sed -E 's/^#([0-9]+).*(cov: [0-9]+).*/\1 runs, \2/')"
    else
        echo "fuzz $t: FAILED (log: fuzz/logs/ci-$t.log)"
        tail -30 "logs/ci-$t.log"
        return 1
    fi
}
export -f run
export seconds
cargo +nightly fuzz list | xargs -P 2 -I{} bash -c 'run {}' || status=1
exit $status
