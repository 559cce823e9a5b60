#!/usr/bin/env bash
# Install into a fresh prefix (not a system path, so nothing is found by accident), then build
# and *run* programs through pkg-config the way the README says: the quick start and the CLI
# against the static library (jwtguard-static: no libjwtguard.so needed at run time) and against
# the shared one (jwtguard, with an rpath to the custom prefix). Called by `make c-test`.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
missing=()
have pkg-config || missing+=("pkg-config (apt-get install pkg-config)")
skip_or_fail "the install test" ${missing[@]+"${missing[@]}"}

# Nothing found through the environment: the programs must find the library on their own.
unset LD_LIBRARY_PATH
out=$PWD/target/c/install
rm -rf "$out"
make --no-print-directory install PREFIX="$out/prefix" >/dev/null
export PKG_CONFIG_PATH=$out/prefix/lib/pkgconfig
lib=$out/prefix/lib
# What is installed carries no debug information (the release build keeps line tables).
for f in "$lib/libjwtguard.so" "$lib/libjwtguard.a"; do
    if readelf -S "$f" 2>/dev/null | grep -q '\.debug_'; then
        echo "$f is installed with debug sections" >&2
        exit 1
    fi
done
CC=${CC:-cc}
WARN=(-std=c99 -Wall -Wextra -Werror)
data=examples/data
valid=$(grep -v '^#' $data/tokens.txt | sed -n 1p)
no_perm=$(grep -v '^#' $data/tokens.txt | sed -n 10p)
expired=$(grep -v '^#' $data/tokens.txt | sed -n 4p)

run_quickstart() { # BINARY
    local bin=$1 got
    got=$("$bin" $data/jwks.json "Bearer $valid" 1700000000) || { echo "$bin: valid token refused: $got" >&2; return 1; }
    [ "$got" = "200 hello Jean Valjean" ] || { echo "$bin: got \"$got\"" >&2; return 1; }
    got=$("$bin" $data/jwks.json "Bearer $expired" 1700000000 || true)
    [ "$got" = "401 Token has expired" ] || { echo "$bin: expired: got \"$got\"" >&2; return 1; }
    got=$("$bin" $data/jwks.json "Bearer $no_perm" 1700000000 || true)
    [ "$got" = "403 Insufficient permissions" ] || { echo "$bin: no permission: got \"$got\"" >&2; return 1; }
}

# Static: the archive itself is named, so the .so installed beside it is not picked up.
"$CC" "${WARN[@]}" $(pkg-config --cflags jwtguard-static) examples/c/quickstart.c \
    $(pkg-config --libs jwtguard-static) -o "$out/quickstart-static"
"$CC" "${WARN[@]}" $(pkg-config --cflags jwtguard-static) -DJWTGUARD_DATA_DIR="\"$PWD/$data\"" \
    examples/c/jwtguard-verify.c $(pkg-config --libs jwtguard-static) -o "$out/verify-static"
if ldd "$out/quickstart-static" | grep -q libjwtguard; then
    echo "the static build links libjwtguard.so" >&2
    exit 1
fi
"$out/verify-static" --help >/dev/null
run_quickstart "$out/quickstart-static"
strip -o "$out/quickstart-static.stripped" "$out/quickstart-static"
echo "static: quick start and CLI run with no libjwtguard.so ($(stat -c %s "$out/quickstart-static.stripped") B stripped)"

# Shared: a custom prefix is not on the loader's path, so the program carries an rpath to it.
"$CC" "${WARN[@]}" $(pkg-config --cflags jwtguard) examples/c/quickstart.c \
    $(pkg-config --libs jwtguard) -Wl,-rpath,"$(pkg-config --variable=libdir jwtguard)" -o "$out/quickstart-shared"
ldd "$out/quickstart-shared" | grep -q "$lib/libjwtguard.so" ||
    { echo "the shared build does not load $lib/libjwtguard.so" >&2; ldd "$out/quickstart-shared" >&2; exit 1; }
run_quickstart "$out/quickstart-shared"
echo "shared: quick start runs against $lib/libjwtguard.so ($(stat -c %s "$lib/libjwtguard.so") B)," \
    "libjwtguard.a is $(stat -c %s "$lib/libjwtguard.a") B"

# C++: the quick start against the static library.
CXX=${CXX:-c++}
"$CXX" -std=c++17 -Wall -Wextra -Werror $(pkg-config --cflags jwtguard-static) examples/cpp/quickstart.cpp \
    $(pkg-config --libs jwtguard-static) -o "$out/quickstart-cpp"
run_quickstart "$out/quickstart-cpp"
echo "C++: quick start runs"

# The README shows the part of each quick start between its README markers, line for line.
readme_matches() { # MARKER-COMMENT-STYLE FILE
    python3 - README.md "$2" "$1" <<'PY'
import sys
readme, src, style = open(sys.argv[1]).read(), open(sys.argv[2]).read(), sys.argv[3]
begin, end = ("/* README: begin */", "/* README: end */") if style == "c" else ("// README: begin", "// README: end")
part = src.split(begin + "\n", 1)[1].split(end, 1)[0]
part = part.rsplit("\n", 1)[0] + "\n"
indent = len(part) - len(part.lstrip(" "))
part = "".join(l[indent:] if l.startswith(" " * indent) else l for l in part.splitlines(True))
lang = "c" if style == "c" else "cpp"
block = readme.split("<!-- " + sys.argv[2] + " -->", 1)[1].split("```" + lang + "\n", 1)[1].split("```", 1)[0]
sys.exit(0 if block == part else 1)
PY
}
for pair in c:examples/c/quickstart.c cpp:examples/cpp/quickstart.cpp; do
    if ! readme_matches "${pair%%:*}" "${pair#*:}"; then
        echo "README.md's quick start differs from ${pair#*:} (between its README markers)" >&2
        exit 1
    fi
done
echo "README quick starts = examples/c/quickstart.c, examples/cpp/quickstart.cpp"
