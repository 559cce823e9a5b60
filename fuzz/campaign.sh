#!/usr/bin/env bash
# A fuzzing campaign: every target for SECONDS each (default 400), JOBS at a time (default 2),
# logs in fuzz/logs/, then one summary line per target (executions, coverage, crashes).
set -uo pipefail
cd "$(dirname "$0")"
seconds=${1:-400}
jobs=${JOBS:-2}
mkdir -p logs artifacts
[ -d corpus ] || ./make-corpus.sh
cargo +nightly fuzz build >/dev/null 2>&1 || { echo "fuzz build failed" >&2; exit 1; }
run() {
    local t=$1
    mkdir -p "corpus/$t" "artifacts/$t"
    cargo +nightly fuzz run "$t" "corpus/$t" -- -dict=jwt.dict -max_len=4096 -max_total_time="$seconds" \
        -artifact_prefix="artifacts/$t/" -print_final_stats=1 >"logs/$t.log" 2>&1
    echo "$t exit=$?"
}
export -f run
export seconds
cargo +nightly fuzz list | xargs -P "$jobs" -I{} bash -c 'run {}'
summary() {
    for log in logs/*.log; do
        t=$(basename "$log" .log)
        execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
        last=$(grep -E '^#[0-9]+' "$log" | tail -1)
        cov=$(grep -o 'cov: [0-9]*' <<<"$last" | grep -o '[0-9]*')
        ft=$(grep -o 'ft: [0-9]*' <<<"$last" | grep -o '[0-9]*')
        crashes=$(find "artifacts/$t" -type f 2>/dev/null | wc -l)
        printf '| %s | %s | %s | %s | %s |\n' "$t" "${execs:-?}" "${cov:-?}" "${ft:-?}" "$crashes"
    done
}
echo "| target | executions | coverage (edges) | features | crash artifacts |"
echo "|---|---:|---:|---:|---:|"
summary
