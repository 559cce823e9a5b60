#!/usr/bin/env bash
# The core's whole test suite (unit and integration: Wycheproof RSA, the `rsa` and crypto-bigint
# differentials, everything but doctests, which cargo does not cross-run) on two hosts other
# than x86-64:
# - i686-unknown-linux-gnu: 32-bit limbs, so the FIOS Montgomery path that Cortex-M runs is
#   tested natively, not only by the two firmware runs under qemu;
# - aarch64-unknown-linux-gnu, under Debian's qemu-user: 64-bit, but not x86-64 (ARM servers);
# - thumbv7neon-unknown-linux-gnueabihf, under qemu-arm: the Thumb-2 instructions of a
#   Cortex-M4, so the `umaal` kernel (crates/jwtguard-mont-arm) runs its differential tests
#   against crypto-bigint at every size it accepts, and the core's arithmetic tests (the
#   kernel's exponentiation against mont.rs and crypto-bigint) and RSA suites run on it. The
#   rest of the core's suite is the i686 run's: the same 32-bit code, natively.
# Both link statically with Debian's cross gcc (gcc-i686-linux-gnu, gcc-aarch64-linux-gnu): no
# multilib, which Debian does not let coexist with the aarch64 cross compiler, and no loader
# path to set for qemu.
#
# Usage: scripts/cross-test.sh [i686|aarch64|armv7]...   (default all; called by scripts/test.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

hosts=("$@")
[ ${#hosts[@]} -gt 0 ] || hosts=(i686 aarch64 armv7)

for host in "${hosts[@]}"; do
    case "$host" in
    i686) triple=i686-unknown-linux-gnu cc=i686-linux-gnu-gcc pkg=gcc-i686-linux-gnu runner="" ;;
    aarch64) triple=aarch64-unknown-linux-gnu cc=aarch64-linux-gnu-gcc pkg=gcc-aarch64-linux-gnu runner=qemu-aarch64 ;;
    armv7) triple=thumbv7neon-unknown-linux-gnueabihf cc=arm-linux-gnueabihf-gcc pkg=gcc-arm-linux-gnueabihf runner=qemu-arm ;;
    *)
        echo "unknown host $host (i686, aarch64 or armv7)" >&2
        exit 2
        ;;
    esac
    missing=()
    rustup target list --installed 2>/dev/null | grep -qx "$triple" ||
        missing+=("rust target $triple (rustup target add $triple)")
    have "$cc" || missing+=("$cc (apt-get install $pkg)")
    [ -z "$runner" ] || have "$runner" || missing+=("$runner (apt-get install qemu-user)")
    (
        skip_or_fail "the $host tests" ${missing[@]+"${missing[@]}"}
        var=$(echo "$triple" | tr 'a-z-' 'A-Z_')
        export "CARGO_TARGET_${var}_LINKER=$cc"
        export "CARGO_TARGET_${var}_RUSTFLAGS=-C target-feature=+crt-static"
        [ -z "$runner" ] || export "CARGO_TARGET_${var}_RUNNER=$runner"
        echo "--- $triple${runner:+ (runner: $runner)}"
        # Under qemu, four slow suites are left to the native hosts, where they run too:
        # - the Wycheproof RS384/RS512 and PSS vectors: the RSA arithmetic they reach is the
        #   RS256 vectors', which run here;
        # - the Wycheproof ECDSA vectors: architecture-sensitive only inside the curve crates,
        #   whose own CI covers aarch64;
        # - the differential against the `rsa` crate: it exercises the portable 64-bit
        #   Montgomery code, which the x86-64 run without `asm` (scripts/test.sh) covers.
        # Together they took about 210 s of the full tier under qemu.
        skip=()
        [ -z "$runner" ] || skip=(-- --skip rsa_sha384_and_sha512
            --skip rsa_pss_same_hash_mgf1_salt_of_hash_length --skip ecdsa_p256_and_p384_p1363
            --skip agrees_with_rsa_crate)
        if [ "$host" = armv7 ]; then
            cargo test -q --locked -p jwtguard --target "$triple" --lib --test rs256 \
                --test wycheproof_rsa -- alg:: rs256 rsa
        else
            cargo test -q --locked -p jwtguard --target "$triple" --lib --tests ${skip[@]+"${skip[@]}"}
        fi
        if [ "$host" = armv7 ]; then
            # The kernel must be there: a build that silently fell back to the portable code
            # would pass every test without testing it.
            JWTGUARD_REQUIRE_UMAAL=1 cargo test -q --locked -p jwtguard-mont-arm --target "$triple"
        fi
    )
    # Each host's build tree is 1-2 GB; under CI it goes before the next host's (scripts/lib.sh).
    reclaim "target/$triple"
done
