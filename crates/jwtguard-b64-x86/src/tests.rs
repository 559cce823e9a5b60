//! Differential tests against the `base64` crate's strict URL-safe engine, on every path this
//! CPU has (a CPU without one skips it and says so).

extern crate std;

use std::vec::Vec;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::Simd;

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const SENTINEL: u8 = 0xa5;

fn paths() -> Vec<Simd> {
    let paths: Vec<Simd> = [Simd::avx2(), Simd::ssse3()]
        .into_iter()
        .flatten()
        .collect();
    if paths.len() < 2 {
        std::eprintln!("note: this CPU lacks a path; tested: {paths:?}");
    }
    paths
}

/// Runs one path over `input` with `out_len` bytes of room and checks everything the contract
/// promises: the prefix length, the bytes, the untouched rest, and that it stopped for a reason.
fn check(simd: Simd, input: &[u8], out_len: usize) -> usize {
    let mut out = std::vec![SENTINEL; out_len];
    let consumed = simd.decode_prefix(input, &mut out);
    assert_eq!(consumed % 16, 0, "{simd:?}: consumed {consumed}");
    assert!(consumed <= input.len());
    let written = consumed / 4 * 3;
    assert!(written <= out_len);
    let expected = URL_SAFE_NO_PAD
        .decode(&input[..consumed])
        .expect("the consumed prefix is valid base64url");
    assert_eq!(&out[..written], expected.as_slice(), "{simd:?}");
    assert!(
        out[written..].iter().all(|&b| b == SENTINEL),
        "{simd:?} wrote past its prefix"
    );
    // It stops only at the end, at a full output, or at a block with a byte outside the
    // alphabet.
    if input.len() - consumed >= 16 && out_len - written >= 12 {
        let next = &input[consumed..consumed + 16];
        assert!(
            next.iter().any(|b| !ALPHABET.contains(b)),
            "{simd:?} stopped before a valid block at {consumed}"
        );
    }
    consumed
}

#[test]
fn every_byte_value_at_every_position() {
    for simd in paths() {
        let width = simd.block_chars();
        let valid: Vec<u8> = (0..width).map(|i| ALPHABET[(i * 7 + 3) % 64]).collect();
        for pos in 0..width {
            for byte in 0..=255u8 {
                let mut input = valid.clone();
                input[pos] = byte;
                let consumed = check(simd, &input, width / 4 * 3);
                let in_alphabet = ALPHABET.contains(&byte);
                if in_alphabet {
                    assert_eq!(consumed, width, "{simd:?}: {byte:#04x} at {pos}");
                } else if width == 16 || pos < 16 {
                    assert_eq!(consumed, 0, "{simd:?}: {byte:#04x} at {pos}");
                } else {
                    // AVX2 falls back to a 16-character step for the block's valid first half.
                    assert_eq!(consumed, 16, "{simd:?}: {byte:#04x} at {pos}");
                }
            }
        }
    }
}

#[test]
fn every_symbol_in_every_lane() {
    for simd in paths() {
        for shift in 0..64 {
            let input: Vec<u8> = (0..64).map(|i| ALPHABET[(i + shift) % 64]).collect();
            assert_eq!(check(simd, &input, 48), 64);
        }
    }
}

#[test]
fn random_segments_with_and_without_faults() {
    let mut rng = ChaCha8Rng::seed_from_u64(0x6236_3478_3836);
    for simd in paths() {
        for round in 0..20_000 {
            let len = rng.gen_range(0..300);
            let mut input: Vec<u8> = (0..len).map(|_| ALPHABET[rng.gen_range(0..64)]).collect();
            if round % 2 == 1 && len > 0 {
                let at = rng.gen_range(0..len);
                input[at] = rng.r#gen();
            }
            // Room for all of it, or a random amount less.
            let full = len / 4 * 3 + 3;
            let out_len = if round % 3 == 0 {
                rng.gen_range(0..=full)
            } else {
                full
            };
            check(simd, &input, out_len);
        }
    }
}

#[test]
fn avx2_takes_whole_blocks_then_one_narrow_step() {
    let Some(simd) = Simd::avx2() else {
        std::eprintln!("note: no AVX2 on this CPU");
        return;
    };
    let input: Vec<u8> = (0..100).map(|i| ALPHABET[i % 64]).collect();
    // 100 = 3 * 32 + 4: three wide steps; 4 left is less than a narrow one.
    assert_eq!(check(simd, &input, 75), 96);
    // 60 = 32 + 16 + 12.
    assert_eq!(check(simd, &input[..60], 45), 48);
    // Room for 36 bytes: one wide step (24) and one narrow (12).
    assert_eq!(check(simd, &input, 36), 48);
}
