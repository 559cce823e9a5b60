//! Byte searches eight bytes at a time (SWAR: SIMD within a register), in safe, portable code.
//!
//! Two searches dominate the work on a token's public bytes before and after the signature
//! check: the dots between its segments, and the bytes inside JSON strings that end them or need
//! a closer look (`"`, `\` and control characters). A byte-at-a-time loop costs about a cycle per
//! byte; testing a whole `u64` word per step costs a few instructions per eight bytes. Over the
//! 1.3 KB payload of a 2000-character token that was a measurable part of an HS256 verify.
//!
//! The zero-byte test is the classic `(v - 0x01..01) & !v & 0x80..80` (Hacker's Delight §6-1):
//! its lowest set bit marks exactly the first zero byte of `v` (a borrow can only start at a zero
//! byte, and only propagates upwards), though bits above it may be false alarms. Every function
//! here therefore reports only the lowest flagged byte, which is exact.

// Offsets are bounded by the slice length (at most 32 KiB here, see `json::MAX_DOC_LEN`), so
// the additions cannot overflow; word arithmetic is explicitly wrapping.
#![allow(clippy::arithmetic_side_effects)]

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;

/// High bit set in each byte of `x` that is zero (exact for the lowest one, see above).
#[inline(always)]
const fn zero_bytes(x: u64) -> u64 {
    x.wrapping_sub(LO) & !x & HI
}

/// High bit set in each byte of `x` that is `"`, `\` or below 0x20 (exact for the lowest one:
/// a byte >= 0x80 never flags the control test, and a borrow starts only at a flagged byte).
#[inline(always)]
const fn string_special(x: u64) -> u64 {
    let quote = zero_bytes(x ^ (LO * b'"' as u64));
    let backslash = zero_bytes(x ^ (LO * b'\\' as u64));
    let control = x.wrapping_sub(LO * 0x20) & !x & HI;
    quote | backslash | control
}

/// The first index at or after `from` whose byte `flag` marks, with `slow` deciding the bytes
/// of a tail shorter than a word; `hay.len()` when there is none. Two words per step: the
/// common case (no hit in 16 bytes) then costs one branch.
#[inline(always)]
fn first(hay: &[u8], from: usize, flag: impl Fn(u64) -> u64, slow: impl Fn(u8) -> bool) -> usize {
    let Some(rest) = hay.get(from..) else {
        return hay.len();
    };
    let (pairs, tail) = rest.as_chunks::<16>();
    let mut at = from;
    for pair in pairs {
        let (lo, hi) = pair.split_at(8);
        let mut a = [0u8; 8];
        let mut b = [0u8; 8];
        a.copy_from_slice(lo);
        b.copy_from_slice(hi);
        let (fa, fb) = (flag(u64::from_le_bytes(a)), flag(u64::from_le_bytes(b)));
        if fa | fb != 0 {
            return if fa != 0 {
                at + (fa.trailing_zeros() / 8) as usize
            } else {
                at + 8 + (fb.trailing_zeros() / 8) as usize
            };
        }
        at += 16;
    }
    match tail.iter().position(|&b| slow(b)) {
        Some(i) => at + i,
        None => hay.len(),
    }
}

/// Index of the first `byte` at or after `from`, if any.
#[inline]
pub(crate) fn find_byte(hay: &[u8], from: usize, byte: u8) -> Option<usize> {
    let pattern = LO.wrapping_mul(u64::from(byte));
    let i = first(hay, from, |x| zero_bytes(x ^ pattern), |b| b == byte);
    (i < hay.len()).then_some(i)
}

/// Index of the first `"`, `\` or control character at or after `from`, or `hay.len()`.
#[inline]
pub(crate) fn string_stop(hay: &[u8], from: usize) -> usize {
    first(hay, from, string_special, |b| {
        b == b'"' || b == b'\\' || b < 0x20
    })
}

/// `a == b`, inline: member and claim names are a few bytes long, where a call to the C
/// library's `memcmp` costs more than the comparison (it was 4-6% of an HS256 verify).
#[inline]
pub(crate) fn bytes_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let (mut wa, mut wb) = (a.chunks_exact(8), b.chunks_exact(8));
    for (x, y) in (&mut wa).zip(&mut wb) {
        if x != y {
            return false;
        }
    }
    wa.remainder()
        .iter()
        .zip(wb.remainder())
        .all(|(x, y)| x == y)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every position and every byte value, against the obvious loop: the SWAR tests must find
    /// the first hit exactly, including when false alarms sit above it in the same word.
    #[test]
    fn matches_bytewise_search() {
        let special = |b: u8| b == b'"' || b == b'\\' || b < 0x20;
        for len in 0..20usize {
            for hit in 0..len {
                for b in 0..=255u8 {
                    // Background bytes that stress the borrow: 0x01 after a zero, 0xff, etc.
                    let mut hay = [0x61u8; 20];
                    for (i, x) in hay.iter_mut().enumerate() {
                        *x = [0x61, 0x01 + 0x20, 0xff, 0x80, 0x2f][i % 5];
                    }
                    hay[hit] = b;
                    hay[(hit + 1) % 20] = 0x01;
                    let hay = &hay[..len];
                    for from in 0..=len {
                        let want = hay[from..].iter().position(|&x| x == b).map(|p| p + from);
                        assert_eq!(find_byte(hay, from, b), want, "find {b:#x} in {hay:?}");
                        let want = hay[from..]
                            .iter()
                            .position(|&x| special(x))
                            .map_or(len, |p| p + from);
                        assert_eq!(string_stop(hay, from), want, "stop in {hay:?} from {from}");
                    }
                }
            }
        }
        assert_eq!(find_byte(b"abc", 7, b'a'), None);
        let words = [
            &b""[..],
            b"a",
            b"ab",
            b"iss",
            b"isx",
            b"abcdefgh",
            b"abcdefgi",
            b"abcdefghi",
        ];
        for x in words {
            for y in words {
                assert_eq!(bytes_eq(x, y), x == y, "{x:?} {y:?}");
            }
        }
        assert_eq!(string_stop(b"abc", 7), 3);
    }
}
