# Shared by the scripts in scripts/ (sourced, not run).
#
# One policy for missing tools: on a developer's machine a step whose tool is missing prints
# what to install and is skipped; in CI (CI=true) the same is a failure, because .ci/run
# installs everything the full tier needs, so a missing tool there means the install step broke.

# have NAME: whether a command is on PATH. Usage, at the top of a script:
#   missing=()
#   have arm-none-eabi-gcc || missing+=("arm-none-eabi-gcc (apt-get install gcc-arm-none-eabi)")
#   skip_or_fail "the firmware example" "${missing[@]}"   # returns 0 to go on, exits otherwise
have() { command -v "$1" >/dev/null 2>&1; }

# skip_or_fail STEP [MISSING...]: nothing missing -> return 0. Otherwise print the list; exit 1
# under CI=true, exit 0 (skipped) elsewhere. Call it at the top of a script, before any work.
skip_or_fail() {
    local step=$1
    shift
    [ $# -eq 0 ] && return 0
    if [ "${CI:-}" = true ]; then
        echo "FAILED: $step needs, and CI must have (.ci/run installs them):" >&2
        printf '  - %s\n' "$@" >&2
        exit 1
    fi
    echo "SKIPPED: $step needs:" >&2
    printf '  - %s\n' "$@" >&2
    exit 0
}

# filtered PATTERN CMD...: run CMD with its output (stdout and stderr) minus the lines matching
# the extended regex PATTERN, and return CMD's own exit status. The output goes to a file first,
# so neither the filter's status nor an empty filter result can stand in for the command's
# (`cmd | grep -v x || true` passes whenever grep prints nothing, whatever cmd returned).
filtered() {
    local pattern=$1 log status=0
    shift
    log=$(mktemp)
    "$@" >"$log" 2>&1 || status=$?
    grep -Ev "$pattern" "$log" || :
    rm -f "$log"
    return "$status"
}

# rustc's note for the C ABI crate on bare-metal targets, where a cdylib cannot be built; the
# staticlib and rlib are what firmware uses.
CDYLIB_NOTE='dropping unsupported crate type|generated 1 warning'

# reclaim DIR...: under CI (CI=true, or JWTGUARD_RECLAIM=1 to try it elsewhere), delete build
# directories that no later step reads, and say how much that freed. A CI machine's disk can be
# small (stop 35's run died of "No space left on device" in the aarch64 link), and the tier's
# build trees together are far larger than any one step needs. A developer keeps them: they
# are the next run's cache.
reclaim() {
    [ "${CI:-}" = true ] || [ "${JWTGUARD_RECLAIM:-}" = 1 ] || return 0
    local d size
    for d in "$@"; do
        [ -e "$d" ] || continue
        size=$(du -sm "$d" | cut -f1)
        rm -rf "$d"
        echo "reclaimed ${size} MB: $d"
    done
}

# disk_free: free space on the build's file system, for the step headers of scripts/test.sh.
disk_free() { df -Pm . | awk 'NR == 2 { printf "%.1f GB free", $4 / 1024 }'; }
