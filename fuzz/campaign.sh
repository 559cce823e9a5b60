#!/usr/bin/env bash
# A fuzzing campaign: every target for SECONDS each (default 400), JOBS at a time (default 2),
# from the committed corpus (corpus/<target>) and the seeds (seeds/<target>, made from the test
# vectors); logs in fuzz/logs/, then one summary line per target (executions, coverage,
# crashes). Last, each corpus is minimized in place (`cargo fuzz cmin`): commit corpus/ so the
# next campaign, and CI, start where this one ended.
set -uo pipefail
cd "$(dirname "$0")"
seconds=${1:-400}
jobs=${JOBS:-2}
mkdir -p logs artifacts
./make-corpus.sh
cargo +nightly fuzz build >/dev/null 2>&1 || { echo "fuzz build failed" >&2; exit 1; }
run() {
    local t=$1
    mkdir -p "corpus/$t" "artifacts/$t" "seeds/$t"
    cargo +nightly fuzz run "$t" "corpus/$t" "seeds/$t" -- -dict=jwt.dict -max_len=4096 -max_total_time="$seconds" \
        -artifact_prefix="artifacts/$t/" -print_final_stats=1 >"logs/$t.log" 2>&1
    echo "$t exit=$?"
}
export -f run
export seconds
cargo +nightly fuzz list | xargs -P "$jobs" -I{} bash -c 'run {}'
summary() {
    for log in logs/*.log; do
        case $(basename "$log") in cmin-*) continue ;; esac
        t=$(basename "$log" .log)
        execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
        last=$(grep -E '^#[0-9]+' "$log" | tail -1)
        cov=$(grep -o 'cov: [0-9]*' <<<"$last" | grep -o '[0-9]*')
        ft=$(grep -o 'ft: [0-9]*' <<<"$last" | grep -o '[0-9]*')
        crashes=$(find "artifacts/$t" -type f 2>/dev/null | wc -l)
        printf '| %s | %s | %s | %s | %s |\n' "$t" "${execs:-?}" "${cov:-?}" "${ft:-?}" "$crashes"
    done
}
minimize() {
    local t=$1 before after
    before=$(find "corpus/$t" -type f | wc -l)
    cargo +nightly fuzz cmin "$t" "corpus/$t" -- -max_len=4096 >"logs/cmin-$t.log" 2>&1 ||
        { echo "cmin $t failed (logs/cmin-$t.log)" >&2; return 1; }
    after=$(find "corpus/$t" -type f | wc -l)
    echo "cmin $t: $before -> $after files"
}
for t in $(cargo +nightly fuzz list); do minimize "$t"; done
echo "| target | executions | coverage (edges) | features | crash artifacts |"
echo "|---|---:|---:|---:|---:|"
summary
