#!/usr/bin/env bash
# Every C function of include/jwtguard.h has a caller in include/jwtguard.hpp (issue 28): a new
# C entry point without a C++ method fails the test command, unless it is listed below with the
# reason it makes no sense in C++.
set -euo pipefail
cd "$(dirname "$0")/../../.."

# Not wrapped, on purpose:
excluded=(
    # Caller storage for firmware without malloc; the C++ Verifier owns a heap verifier.
    jwtguard_verifier_init
    jwtguard_verifier_deinit
    # Superseded by jwtguard_verifier_add_jwks_report, which add_jwks() calls (same loading,
    # with the counts and the first rejection's reason).
    jwtguard_verifier_add_jwks
)

missing=0
for f in $(grep -oE '\bjwtguard_[a-z0-9_]+\(' include/jwtguard.h | tr -d '(' | sort -u); do
    case " ${excluded[*]} " in *" $f "*) continue ;; esac
    if ! grep -qw "$f" include/jwtguard.hpp; then
        echo "include/jwtguard.hpp has no caller of $f (add a method, or exclude it with a reason in $0)" >&2
        missing=$((missing + 1))
    fi
done
for f in "${excluded[@]}"; do
    grep -q "\b$f(" include/jwtguard.h || { echo "$0 excludes $f, which include/jwtguard.h no longer has" >&2; missing=$((missing + 1)); }
done
[ "$missing" = 0 ] || exit 1
echo "every C function has a C++ caller ($(grep -oE '\bjwtguard_[a-z0-9_]+\(' include/jwtguard.h | sort -u | wc -l) functions, ${#excluded[@]} excluded with a reason)"
