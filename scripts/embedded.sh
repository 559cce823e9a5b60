#!/usr/bin/env bash
# The firmware example (examples/embedded) on an emulated Cortex-M4F: build the no_std C ABI for
# thumbv7em-none-eabihf, link three C firmware images against it with Debian's
# gcc-arm-none-eabi, run them under qemu-system-arm (mps2-an386), check every result line, and
# report flash, stack, RAM and instruction counts (examples/embedded/README.md). Then run the Rust
# example, crates/nostd-check (cortex-m-rt), on the same board.
#
# Usage: scripts/embedded.sh            (called by scripts/test.sh)
# Needs: rustup target thumbv7em-none-eabihf, arm-none-eabi-gcc, qemu-system-arm. If one is
# missing it says which and how to install it, and skips; under CI=true that is a failure
# (scripts/lib.sh), since .ci/run installs them.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

TARGET=thumbv7em-none-eabihf
OUT=target/embedded
missing=()
rustup target list --installed 2>/dev/null | grep -qx "$TARGET" || missing+=("rust target $TARGET (rustup target add $TARGET)")
have arm-none-eabi-gcc || missing+=("arm-none-eabi-gcc (apt-get install gcc-arm-none-eabi)")
have qemu-system-arm || missing+=("qemu-system-arm (apt-get install qemu-system-arm)")
skip_or_fail "the firmware example" ${missing[@]+"${missing[@]}"}

# The library: no std, firmware capacities, panic handler; 2048-bit RSA slots; and the
# features the example calls (permissions, metadata fields). Every build goes through
# build_lib, which removes the old archive first (a failed build cannot leave a stale one to
# measure) and copies the new one to $OUT/<name>.a.
#
# Built with `cargo rustc --crate-type staticlib`, not `cargo build`: the package's crate types
# include `rlib` (for the Rust-side tests), and Cargo then compiles it without `-C lto`, with no
# warning, so `lto = "fat"` in [profile.firmware] would never apply. This is the line the
# README and examples/embedded/README.md give; build_lib fails if LTO did not run.
BASE_FEATURES="firmware permissions metadata"
CARGO_LIB=target/$TARGET/firmware/libjwtguard.a
mkdir -p "$OUT"
build_lib() { # NAME FEATURES -> $OUT/NAME.a
    local name=$1 features=$2
    rm -f "$CARGO_LIB" "$OUT/$name.a"
    cargo rustc -q --locked -p jwtguard-ffi --profile firmware --target "$TARGET" \
        --no-default-features --features "$features" --crate-type staticlib
    # The LTO gate: with fat LTO the archive holds one object of Rust code (the whole crate
    # graph, merged) beside compiler_builtins; without it, one object per dependency.
    local rust_objects
    rust_objects=$(arm-none-eabi-ar t "$CARGO_LIB" | grep '\.rcgu\.o$' | grep -v '^compiler_builtins' | sed 's/-[0-9a-f]*\..*//' | sort -u)
    if [ "$(wc -l <<<"$rust_objects")" != 1 ]; then
        echo "LTO was not applied to $CARGO_LIB ($features): it holds the objects of $(wc -l <<<"$rust_objects") crates:" $rust_objects >&2
        exit 1
    fi
    cp "$CARGO_LIB" "$OUT/$name.a"
}
build_lib base "$BASE_FEATURES ${JWTGUARD_FIRMWARE_FEATURES:-}"
echo "LTO applied: $CARGO_LIB holds one Rust object beside compiler_builtins"
LIB=$OUT/base.a

mkdir -p "$OUT"
CFLAGS=(-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16 -Os -g -std=c99
    -Wall -Wextra -Werror -ffreestanding -ffunction-sections -fdata-sections
    -DJWTGUARD_SMALL -Iinclude -Iexamples/data -Iexamples/embedded)
# No C library at all (-nostdlib): if anything wanted malloc, the link would fail.
LDFLAGS=(-nostdlib -Wl,--gc-sections -Wl,--no-warn-execstack -T examples/embedded/link.ld)
SRC=(examples/embedded/main.c examples/embedded/startup.c examples/embedded/board.c)

run() { # ELF [QEMU-ARGS...] -> the firmware's semihosting output; fails if qemu or the firmware does
    # qemu writes semihosting output (SYS_WRITE0, and the ":tt" file cortex-m-semihosting uses)
    # to its own stdout and stderr, so both are the firmware's output.
    local elf=$1 status=0 log
    shift
    log=$OUT/$(basename "${elf%.elf}").out
    timeout 300 qemu-system-arm -M mps2-an386 -nographic -monitor none -serial none \
        -semihosting-config enable=on,target=native "$@" -kernel "$elf" >"$log" 2>&1 || status=$?
    cat "$log"
    return $status
}

# Link the example against a library, run it, and check it passed: the image's flash in
# ${text[NAME]}, its output in $fw_out. NAME LIB [CFLAGS...]
declare -A text
firmware() {
    local name=$1 lib=$2 elf=$OUT/$1.elf
    shift 2
    arm-none-eabi-gcc "${CFLAGS[@]}" "$@" "${LDFLAGS[@]}" -Wl,-Map="$OUT/$name.map" "${SRC[@]}" \
        "$lib" -lgcc -o "$elf"
    text[$name]=$(arm-none-eabi-size -A "$elf" | awk '$1 == ".text" || $1 == ".ARM.exidx" || $1 == ".data" {s += $2} END {print s}')
    if ! fw_out=$(run "$elf" -icount shift=0,align=off,sleep=off); then
        printf '%s\n' "$fw_out"
        echo "$name failed under qemu" >&2
        exit 1
    fi
    grep -qx 'all checks passed' <<<"$fw_out" || { printf '%s\n' "$fw_out"; echo "$name: no 'all checks passed'" >&2; exit 1; }
    if grep -q '^FAIL' <<<"$fw_out"; then
        printf '%s\n' "$fw_out"
        echo "$name reported a failure" >&2
        exit 1
    fi
}
for level in 0 1 2; do
    firmware "firmware-$level" "$LIB" -DJWTGUARD_EX_LEVEL=$level
    text[$level]=${text[firmware-$level]}
done
full_out=$fw_out
printf '%s\n' "$full_out"

# Every expected result line, so a firmware that silently skips a check fails here.
for line in \
    "ok   instruction counter calibrated (1 ns per instruction)" \
    "ok   HS256 token verified: JWTGUARD_OK" \
    "ok   RS256-2048 token verified: JWTGUARD_OK" \
    "ok   tampered token rejected: JWTGUARD_INVALID_SIGNATURE" \
    "ok   expired token rejected: JWTGUARD_EXPIRED" \
    "ok   second verifier holds 4 RSA-2048 keys" \
    "ok   RS256-2048 token verified by the 4-key verifier: JWTGUARD_OK"; do
    grep -qxF "$line" <<<"$full_out" || { echo "missing from the firmware output: $line" >&2; exit 1; }
done
if grep -q '^FAIL' <<<"$full_out"; then
    echo "the firmware reported a failure" >&2
    exit 1
fi

# The Rust example: crates/nostd-check (cortex-m-rt, no allocator) on the same board.
(cd crates/nostd-check && cargo build -q --release --locked --target "$TARGET")
rust_elf=crates/nostd-check/target/$TARGET/release/nostd-check
if ! rust_out=$(run "$rust_elf"); then
    printf '%s\n' "$rust_out" >&2
    echo "the Rust firmware (crates/nostd-check) failed under qemu" >&2
    exit 1
fi
printf '%s\n' "$rust_out"
for line in "ok   HS256, RFC 7515 A.1 (Bearer header, policy, metadata)" "ok   RS256, RFC 7515 A.2 (key from a JWK)"; do
    grep -qxF "$line" <<<"$rust_out" || { echo "missing from the Rust firmware's output: $line" >&2; exit 1; }
done

figure() { sed -n "s/^measure $1: \([0-9]*\).*/\1/p" <<<"$full_out"; }
stack_hs=$(figure "stack: HS256 verify")
stack_rs=$(figure "stack: RS256 verify")
ram=$(figure "ram: jwtguard_verifier_storage")
instr_rs=$(figure "instructions: RS256 verify")
instr_hs=$(figure "instructions: HS256 verify")
instr_load=$(figure "instructions: RSA-2048 key load")
flash_lib=$((text[2] - text[0]))
flash_verify=$((text[2] - text[1]))

cat <<EOF

Firmware figures (thumbv7em-none-eabihf, library profile "firmware", C at -Os, qemu mps2-an386):
  flash: image without jwtguard ${text[0]} B, with key loading ${text[1]} B, with verify ${text[2]} B
         jwtguard in all $flash_lib B; the verify calls add $flash_verify B
  stack: HS256 verify $stack_hs B, RS256-2048 verify $stack_rs B (painted stack, peak below the caller)
  RAM:   verifier with 4 RSA-2048 keys: $ram B (jwtguard_verifier_storage, JWTGUARD_SMALL)
  instructions: RS256-2048 verify $instr_rs, HS256 verify $instr_hs, RSA-2048 key load $instr_load (-icount shift=0, SysTick)
         at 100 MHz and 1 instruction per cycle: RS256 $((instr_rs / 100000)).$(( (instr_rs / 10000) % 10 )) ms, HS256 $((instr_hs / 100)) us
EOF

# What each feature costs a device that calls it, in flash, with LTO: the example built
# against a library with one feature more (and calling it), or one fewer (and not calling it),
# against the base image. Each variant runs under qemu too, so every figure is of a firmware
# that works.
declare -A cost
feature_cost() { # FEATURE +|- [CFLAGS...]
    local feature=$1 sign=$2 features
    shift 2
    if [ "$sign" = + ]; then
        features="$BASE_FEATURES $feature"
    else
        features=${BASE_FEATURES/ $feature/}
    fi
    build_lib "lib-$feature" "$features"
    firmware "feature-$feature" "$OUT/lib-$feature.a" "$@"
    if [ "$sign" = + ]; then
        cost[$feature]=$((text[feature-$feature] - text[2]))
    else
        cost[$feature]=$((text[2] - text[feature-$feature]))
    fi
}
feature_cost der + -DEX_USE_DER
feature_cost pem + -DEX_USE_PEM
feature_cost jwk + -DEX_USE_JWK
feature_cost messages + -DEX_USE_MESSAGES
feature_cost status-names + -DEX_USE_STATUS_NAMES
feature_cost permissions - -DEX_NO_PERMISSIONS
feature_cost metadata - -DEX_NO_METADATA
# The time floor is in every build; its variant replays an old token after a clock reset.
firmware time-floor "$LIB" -DEX_USE_TIME_FLOOR
for line in "ok   time floor: the set-back clock alone accepts a replayed old token" \
    "ok   time floor: the floor refuses it: JWTGUARD_EXPIRED"; do
    grep -qxF "$line" <<<"$fw_out" || { printf '%s\n' "$fw_out"; echo "missing from the time-floor firmware's output: $line" >&2; exit 1; }
done
echo "time floor: a replayed old token fails after a clock reset (firmware run)"

# ES256 on the device: the base features plus es256 (P-256 from RustCrypto's p256, no heap, no
# precomputed tables), the key loaded from its SEC 1 point.
build_lib es256 "$BASE_FEATURES es256"
firmware es256 "$OUT/es256.a" -DEX_USE_ES256
grep -qxF "ok   ES256 token verified: JWTGUARD_OK" <<<"$fw_out" || { printf '%s\n' "$fw_out"; echo "the ES256 firmware did not verify its token" >&2; exit 1; }
es_flash=$((text[es256] - text[0]))
es_stack=$(sed -n "s/^measure stack: ES256 verify: \([0-9]*\).*/\1/p" <<<"$fw_out")
es_instr=$(sed -n "s/^measure instructions: ES256 verify: \([0-9]*\).*/\1/p" <<<"$fw_out")
echo "  ES256 build (HS256 + RS256 + ES256): jwtguard in all $es_flash B of flash; ES256 verify: stack $es_stack B, $es_instr instructions"
echo "  flash per feature, when the firmware calls it (LTO): der ${cost[der]} B, pem ${cost[pem]} B, jwk ${cost[jwk]} B, messages ${cost[messages]} B, status-names ${cost[status-names]} B, permissions ${cost[permissions]} B, metadata ${cost[metadata]} B"

# The same example on two other cores, each with its figures:
# - Cortex-M0+ (thumbv6m-none-eabi) on qemu's microbit, 16 KiB of RAM: one verifier
#   (EX_SMALL_RAM), no kernel (Armv6-M has no umaal; mont.rs builds its products from 16-bit
#   halves there). Budget: RS256-2048 <= 5.5 M instructions;
# - RV32 (riscv32imc-unknown-none-elf) on qemu's virt, C built with Debian's
#   gcc-riscv64-unknown-elf, instret as the instruction counter.
other_core() { # NAME RUST-TARGET QEMU MACHINE CC [CFLAGS...] -- files: $SRC_OTHER
    local name=$1 rtarget=$2 qemu=$3 machine=$4 cc=$5
    shift 5
    local lib=target/$rtarget/firmware/libjwtguard.a
    rm -f "$lib"
    cargo rustc -q --locked -p jwtguard-ffi --profile firmware --target "$rtarget" \
        --no-default-features --features "$BASE_FEATURES" --crate-type staticlib
    local objects
    objects=$(ar t "$lib" | grep '\.rcgu\.o$' | grep -v '^compiler_builtins' | sed 's/-[0-9a-f]*\..*//' | sort -u | wc -l)
    [ "$objects" = 1 ] || { echo "LTO was not applied to $lib" >&2; exit 1; }
    local level elf out
    for level in 0 2; do
        elf=$OUT/$name-$level.elf
        "$cc" "$@" -DJWTGUARD_EX_LEVEL=$level -o "$elf" "${SRC_OTHER[@]}" "$lib" -lgcc
        size_of[$name-$level]=$("${cc%gcc}size" -A "$elf" | awk '$1 == ".text" || $1 == ".ARM.exidx" || $1 == ".data" {s += $2} END {print s}')
    done
    if ! out=$(timeout 300 "$qemu" -M "$machine" -nographic -monitor none -serial none \
        -semihosting-config enable=on,target=native -icount shift=0,align=off,sleep=off \
        ${QEMU_EXTRA:-} -kernel "$OUT/$name-2.elf" 2>&1); then
        printf '%s\n' "$out"
        echo "the $name firmware failed under qemu" >&2
        exit 1
    fi
    grep -qx 'all checks passed' <<<"$out" && ! grep -q '^FAIL' <<<"$out" || { printf '%s\n' "$out"; echo "$name: the firmware's checks did not pass" >&2; exit 1; }
    for line in "ok   HS256 token verified: JWTGUARD_OK" "ok   RS256-2048 token verified: JWTGUARD_OK" \
        "ok   tampered token rejected: JWTGUARD_INVALID_SIGNATURE" "ok   expired token rejected: JWTGUARD_EXPIRED"; do
        grep -qxF "$line" <<<"$out" || { echo "missing from the $name firmware's output: $line" >&2; exit 1; }
    done
    local f
    f() { sed -n "s/^measure $1: \([0-9]*\).*/\1/p" <<<"$out"; }
    other_flash[$name]=$((size_of[$name-2] - size_of[$name-0]))
    other_stack_hs[$name]=$(f "stack: HS256 verify")
    other_stack_rs[$name]=$(f "stack: RS256 verify")
    other_instr_hs[$name]=$(f "instructions: HS256 verify")
    other_instr_rs[$name]=$(f "instructions: RS256 verify")
    echo "  $name: jwtguard in all ${other_flash[$name]} B of flash; stack HS256 ${other_stack_hs[$name]} B, RS256 ${other_stack_rs[$name]} B; instructions HS256 ${other_instr_hs[$name]}, RS256-2048 ${other_instr_rs[$name]}"
}
declare -A size_of other_flash other_stack_hs other_stack_rs other_instr_hs other_instr_rs
COMMON_CFLAGS=(-Os -g -std=c99 -Wall -Wextra -Werror -ffreestanding -ffunction-sections -fdata-sections
    -DJWTGUARD_SMALL -Iinclude -Iexamples/data -Iexamples/embedded -nostdlib -Wl,--gc-sections)
missing=()
for t in thumbv6m-none-eabi riscv32imc-unknown-none-elf; do
    rustup target list --installed 2>/dev/null | grep -qx "$t" || missing+=("rust target $t (rustup target add $t)")
done
have riscv64-unknown-elf-gcc || missing+=("riscv64-unknown-elf-gcc (apt-get install gcc-riscv64-unknown-elf)")
have qemu-system-riscv32 || missing+=("qemu-system-riscv32 (apt-get install qemu-system-misc)")
if [ ${#missing[@]} -gt 0 ]; then
    # Skips with the install lines on a developer's machine; under CI=true, fails.
    (skip_or_fail "the Cortex-M0+ and RV32 firmwares" "${missing[@]}") || exit 1
else
    SRC_OTHER=(examples/embedded/main.c examples/embedded/startup.c examples/embedded/board.c)
    other_core cortex-m0plus thumbv6m-none-eabi qemu-system-arm microbit arm-none-eabi-gcc \
        -mcpu=cortex-m0plus -mthumb "${COMMON_CFLAGS[@]}" -Wl,--no-warn-execstack \
        -T examples/embedded/link_microbit.ld -DEX_SMALL_RAM -DBOARD_CPU_HZ=16000000u \
        '-DBOARD_NAME="Cortex-M0+ (qemu microbit)"'
    SRC_OTHER=(examples/embedded/startup_rv32.S examples/embedded/main.c examples/embedded/board_rv32.c)
    QEMU_EXTRA="-bios none" other_core rv32imc riscv32imc-unknown-none-elf qemu-system-riscv32 virt \
        riscv64-unknown-elf-gcc -march=rv32imc_zicsr -mabi=ilp32 "${COMMON_CFLAGS[@]}" \
        -T examples/embedded/link_rv32.ld -DBOARD_CPU_HZ=1000000000u '-DBOARD_NAME="RV32IMC (qemu virt)"'
fi

# Budgets (issue 30), for the example with the base features. Sizes and instruction counts
# are deterministic for a toolchain under qemu's -icount, so these are not timing asserts.
fail=0
[ "$flash_lib" -le 40960 ] || { echo "over budget: jwtguard (key loading and verify) is more than 40 KiB of flash: $flash_lib B" >&2; fail=1; }
[ "$stack_hs" -le 2560 ] && [ "$stack_rs" -le 2560 ] || { echo "over budget: peak stack above 2.5 KiB (HS256 $stack_hs B, RS256 $stack_rs B)" >&2; fail=1; }
[ "$instr_rs" -le 500000 ] || { echo "over budget: RS256-2048 verify above 0.5 M instructions: $instr_rs" >&2; fail=1; }
[ "$instr_hs" -le 59560 ] || { echo "over budget: HS256 verify above 59,560 instructions: $instr_hs" >&2; fail=1; }
[ "$ram" -le 6144 ] || { echo "over budget: verifier with 4 RSA-2048 keys above 6 KiB" >&2; fail=1; }
[ "$es_flash" -le 65536 ] || { echo "over budget: the ES256 build is more than 64 KiB of flash: $es_flash B" >&2; fail=1; }
if [ -n "${other_instr_rs[cortex-m0plus]:-}" ]; then
    [ "${other_instr_rs[cortex-m0plus]}" -le 5500000 ] || { echo "over budget: RS256-2048 on the Cortex-M0+ above 5.5 M instructions" >&2; fail=1; }
fi
[ "$fail" = 0 ] && echo "within budget: flash <= 40 KiB (ES256 build <= 64 KiB), stack <= 2.5 KiB, RS256 <= 0.5 M and HS256 <= 59,560 instructions, verifier RAM <= 6 KiB, no heap (no C library linked)"
exit $fail
