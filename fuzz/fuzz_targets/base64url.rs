//! The vector base64url decoder (`jwtguard-b64-x86`) against the `base64` crate's strict
//! URL-safe engine, which is the core's scalar decoder: on every path this CPU has (AVX2,
//! SSSE3), the fuzzed bytes, with a fuzzed amount of output room, must give a prefix of whole
//! blocks whose bytes the engine agrees with, nothing written past it, and a stop only at the
//! end, at a full output, or before a block with a byte outside the alphabet. Any difference
//! is a crash. On a CPU with neither path the target does nothing.
#![no_main]
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jwtguard_b64_x86::Simd;
use libfuzzer_sys::fuzz_target;

const SENTINEL: u8 = 0xa5;

fn in_alphabet(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
}

fn check(simd: Simd, input: &[u8], room: usize) {
    let mut out = vec![SENTINEL; room];
    let consumed = simd.decode_prefix(input, &mut out);
    assert_eq!(consumed % 16, 0);
    let written = consumed / 4 * 3;
    let expected = URL_SAFE_NO_PAD
        .decode(&input[..consumed])
        .expect("a valid prefix");
    assert_eq!(&out[..written], expected.as_slice());
    assert!(out[written..].iter().all(|&b| b == SENTINEL));
    if input.len() - consumed >= 16 && room - written >= 12 {
        assert!(
            input[consumed..consumed + 16]
                .iter()
                .any(|&b| !in_alphabet(b))
        );
    }
}

fuzz_target!(|data: &[u8]| {
    // The first byte picks the output room: all of it, or up to 255 bytes less.
    let Some((&cut, input)) = data.split_first() else {
        return;
    };
    let room = (input.len() / 4 * 3).saturating_sub(usize::from(cut) * usize::from(cut & 1));
    for simd in [Simd::avx2(), Simd::ssse3()].into_iter().flatten() {
        check(simd, input, room);
    }
});
