#!/usr/bin/env bash
# Regenerate include/jwtguard.h with the pinned cbindgen. `--check` writes to a temporary file
# and fails if the committed header differs (the drift check in scripts/test.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
CBINDGEN_VERSION=0.29.4
if [ "$(cbindgen --version 2>/dev/null)" != "cbindgen $CBINDGEN_VERSION" ]; then
    hint="cbindgen $CBINDGEN_VERSION (cargo install --locked cbindgen --version $CBINDGEN_VERSION)"
    # Regenerating needs the pinned generator; the drift check follows the missing-tool policy.
    [ "${1:-}" = "--check" ] || { echo "needs $hint" >&2; exit 1; }
    skip_or_fail "the header drift check" "$hint"
fi
out=include/jwtguard.h
if [ "${1:-}" = "--check" ]; then
    out=$(mktemp)
    trap 'rm -f "$out"' EXIT
fi
cbindgen --quiet --config ffi/cbindgen.toml --crate jwtguard-ffi --output "$out" ffi
if [ "${1:-}" = "--check" ]; then
    if ! diff -u include/jwtguard.h "$out"; then
        echo "include/jwtguard.h is stale: run scripts/gen-header.sh and commit it" >&2
        exit 1
    fi
    echo "include/jwtguard.h matches the ffi crate"
fi
