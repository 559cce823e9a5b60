#!/usr/bin/env bash
# The CMake package: install into a fresh prefix, build examples/cmake (the C CLI and the C++
# example, each against jwtguard::jwtguard_static and jwtguard::jwtguard_shared) with
# find_package(jwtguard), then run every program: the static ones must not need the .so, the
# shared ones must load the installed one. Called by scripts/test.sh; needs cmake (Debian).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

missing=()
have cmake || missing+=("cmake (apt-get install cmake)")
skip_or_fail "the CMake package test" ${missing[@]+"${missing[@]}"}

out=$PWD/target/cmake
rm -rf "$out"
make --no-print-directory install PREFIX="$out/prefix" >/dev/null
cmake -S examples/cmake -B "$out/build" -DCMAKE_PREFIX_PATH="$out/prefix" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$out/build" -j 2 >/dev/null
# The version file: a request this version does not satisfy (1.0) must be refused.
mkdir -p "$out/wrong-version"
printf 'cmake_minimum_required(VERSION 3.16)\nproject(v LANGUAGES C)\nfind_package(jwtguard 1.0 REQUIRED)\n' \
    >"$out/wrong-version/CMakeLists.txt"
if cmake -S "$out/wrong-version" -B "$out/wrong-version/build" -DCMAKE_PREFIX_PATH="$out/prefix" >/dev/null 2>&1; then
    echo "find_package(jwtguard 1.0) accepted version 0.x" >&2
    exit 1
fi
for kind in static shared; do
    bin=$out/build/jwtguard-verify-$kind
    if [ $kind = static ]; then
        ! ldd "$bin" | grep -q libjwtguard || { echo "$bin links libjwtguard.so" >&2; exit 1; }
    else
        ldd "$bin" | grep -q "$out/prefix/lib/libjwtguard.so" || { echo "$bin does not load the installed libjwtguard.so" >&2; ldd "$bin" >&2; exit 1; }
    fi
    # The bundled samples: some verify, some are rejected (exit 1), none is a usage error.
    status=0
    "$bin" >/dev/null || status=$?
    [ $status = 1 ] || { echo "$bin on the bundled samples exited $status (want 1)" >&2; exit 1; }
    "$out/build/verify-cpp-$kind" >/dev/null
    echo "cmake: jwtguard::jwtguard_$kind builds and runs (C CLI and C++ example)"
done
