//! Byte searches eight bytes at a time (SWAR: SIMD within a register), in safe, portable code.
//!
//! Two searches dominate the work on a token's public bytes before and after the signature
//! check: the dots between its segments, and the bytes inside JSON strings that end them or need
//! a closer look (`"`, `\` and control characters). A byte-at-a-time loop costs about a cycle per
//! byte; testing a whole machine word per step costs a few instructions per word. Over the
//! 1.3 KB payload of a 2000-character token that was a measurable part of an HS256 verify.
//!
//! The zero-byte test is the classic `(v - 0x01..01) & !v & 0x80..80` (Hacker's Delight §6-1):
//! its lowest set bit marks exactly the first zero byte of `v` (a borrow can only start at a zero
//! byte, and only propagates upwards), though bits above it may be false alarms. Every function
//! here therefore reports only the lowest flagged byte, which is exact.

// Offsets are bounded by the slice length (at most 32 KiB here, see `json::MAX_DOC_LEN`), so
// the additions cannot overflow; word arithmetic is explicitly wrapping.
#![allow(clippy::arithmetic_side_effects)]

/// The word: the machine's (8 bytes on x86-64 and aarch64, 4 on Cortex-M, where emulating a
/// u64 would double the code for nothing).
pub(crate) type Word = usize;
pub(crate) const WORD: usize = core::mem::size_of::<Word>();
const LO: Word = Word::MAX / 0xff;
const HI: Word = LO << 7;

/// High bit set in each byte of `x` that is zero (exact for the lowest one, see above).
#[inline(always)]
const fn zero_bytes(x: Word) -> Word {
    x.wrapping_sub(LO) & !x & HI
}

/// High bit set in each byte of `x` that is `"`, `\` or below 0x20 (exact for the lowest one:
/// a byte >= 0x80 never flags the control test, and a borrow starts only at a flagged byte).
#[inline(always)]
const fn string_special(x: Word) -> Word {
    let quote = zero_bytes(x ^ (LO * b'"' as Word));
    let backslash = zero_bytes(x ^ (LO * b'\\' as Word));
    let control = x.wrapping_sub(LO * 0x20) & !x & HI;
    quote | backslash | control
}

/// The first index at or after `from` whose byte `flag` marks, with `slow` deciding the bytes
/// of a tail shorter than two words; `hay.len()` when there is none. Two words per step: the
/// common case (no hit) then costs one branch per 16 bytes on 64-bit targets.
#[inline(always)]
fn first(hay: &[u8], from: usize, flag: impl Fn(Word) -> Word, slow: impl Fn(u8) -> bool) -> usize {
    let Some(rest) = hay.get(from..) else {
        return hay.len();
    };
    let word = |bytes: &[u8]| {
        let mut w = [0u8; WORD];
        w.copy_from_slice(bytes);
        Word::from_le_bytes(w)
    };
    let mut pairs = rest.chunks_exact(2 * WORD);
    let mut at = from;
    for pair in &mut pairs {
        let (lo, hi) = pair.split_at(WORD);
        let (fa, fb) = (flag(word(lo)), flag(word(hi)));
        if fa | fb != 0 {
            return if fa != 0 {
                at + (fa.trailing_zeros() / 8) as usize
            } else {
                at + WORD + (fb.trailing_zeros() / 8) as usize
            };
        }
        at += 2 * WORD;
    }
    match pairs.remainder().iter().position(|&b| slow(b)) {
        Some(i) => at + i,
        None => hay.len(),
    }
}

/// Set byte `i` of a little-endian array of words (which was 0) to `byte`.
#[inline(always)]
pub(crate) fn put_byte(words: &mut [Word], i: usize, byte: u8) {
    if let Some(w) = words.get_mut(i / WORD) {
        *w |= Word::from(byte) << (8 * (i % WORD));
    }
}

/// High bit set in each of the first `n` bytes of `word` (little-endian byte order) that is
/// `tag` or 0: every such byte is flagged, and bytes above a flagged one may be flagged too
/// (see the module comment), so callers check each flagged byte. Bytes from `n` on are not
/// flagged.
#[inline(always)]
pub(crate) fn tag_bytes(word: Word, tag: u8, n: usize) -> Word {
    let hits = zero_bytes(word ^ (LO * Word::from(tag))) | zero_bytes(word);
    if n < WORD {
        hits & ((1 << (8 * n)) - 1)
    } else {
        hits
    }
}

/// Index of the first `byte` at or after `from`, if any.
pub(crate) fn find_byte(hay: &[u8], from: usize, byte: u8) -> Option<usize> {
    let pattern = LO.wrapping_mul(Word::from(byte));
    let i = first(hay, from, |x| zero_bytes(x ^ pattern), |b| b == byte);
    (i < hay.len()).then_some(i)
}

/// Index of the last `byte` in `hay`, if any, a word at a time from the end: the last dot of
/// a token, found across the signature (342 characters for RS256-2048, 683 for 4096), which
/// a byte-wise search crossed at about a cycle per byte, on every verify and cache hit.
/// Searching backwards needs the exact zero-byte test (Hacker's Delight §6-1, the variant
/// without false alarms): a borrow-based one may flag bytes above a true zero, and the
/// highest flagged byte is the one taken here.
///
/// 64-bit targets only: on a Cortex-M the signature's bytes are nothing next to its modexp,
/// and this loop's 104 B of flash did not fit the firmware's budget; there, a plain `rposition`.
#[cfg(target_pointer_width = "64")]
pub(crate) fn rfind_byte(hay: &[u8], byte: u8) -> Option<usize> {
    let pattern = LO.wrapping_mul(Word::from(byte));
    let low7 = LO.wrapping_mul(0x7f);
    let mut words = hay.rchunks_exact(WORD);
    let mut end = hay.len();
    for chunk in &mut words {
        let mut w = [0u8; WORD];
        w.copy_from_slice(chunk);
        let x = Word::from_le_bytes(w) ^ pattern;
        // High bit set exactly in the bytes of `x` that are zero.
        let zero = !(((x & low7).wrapping_add(low7)) | x | low7);
        end -= WORD;
        if zero != 0 {
            let top = (WORD - 1) - (zero.leading_zeros() / 8) as usize;
            return Some(end + top);
        }
    }
    words.remainder().iter().rposition(|&b| b == byte)
}

/// Index of the last `byte` in `hay`, if any (the 64-bit version's comment says why this one
/// is byte-wise).
#[cfg(not(target_pointer_width = "64"))]
pub(crate) fn rfind_byte(hay: &[u8], byte: u8) -> Option<usize> {
    hay.iter().rposition(|&b| b == byte)
}

/// Whether `hay` holds `byte`. Slices of up to two words (claim paths, member names) are
/// tested as two possibly overlapping words, with no loop: a byte seen twice changes nothing
/// for "is it there". Longer ones as [`find_byte`].
#[inline]
pub(crate) fn contains(hay: &[u8], byte: u8) -> bool {
    let pattern = LO.wrapping_mul(Word::from(byte));
    match short_words(hay) {
        Some((lo, hi)) => zero_bytes(lo ^ pattern) | zero_bytes(hi ^ pattern) != 0,
        None => !hay.is_empty() && find_byte(hay, 0, byte).is_some(),
    }
}

/// Two words that together hold every byte of `hay` and no other, when it is 1 to `2 * WORD`
/// bytes long: its first and its last word, overlapping when it is shorter than two; for
/// one shorter than a word, a word built from a first and a last half (or, under four bytes,
/// from its first, middle and last bytes), the rest filled with repeats of them.
#[inline(always)]
fn short_words(hay: &[u8]) -> Option<(Word, Word)> {
    let word = |bytes: Option<&[u8]>| -> Option<Word> {
        Some(Word::from_le_bytes(bytes?.try_into().ok()?))
    };
    let n = hay.len();
    if n > 2 * WORD || n == 0 {
        return None;
    }
    if n >= WORD {
        return Some((word(hay.get(..WORD))?, word(hay.get(n - WORD..))?));
    }
    let mut w = [*hay.first()?; WORD];
    if n >= 4 {
        // Only on 64-bit targets: a word is 8 bytes, so two 4-byte halves fill it.
        w.get_mut(..4)?.copy_from_slice(hay.get(..4)?);
        w.get_mut(WORD - 4..)?.copy_from_slice(hay.get(n - 4..)?);
    } else {
        *w.get_mut(1)? = *hay.get(n / 2)?;
        *w.get_mut(2)? = *hay.get(n - 1)?;
    }
    let w = Word::from_le_bytes(w);
    Some((w, w))
}

/// Index of the first `"`, `\`, control character or byte of 0x80 and up at or after `from`,
/// or `hay.len()`. The validator checks UTF-8 at the last kind, a character at a time, in the
/// strings that have any (most tokens have none), instead of a pass over the whole document
/// first; the walker of validated documents steps over them. A byte flagged by `x & HI` is
/// exact, so the lowest flagged byte still is (see the module comment).
pub(crate) fn string_stop(hay: &[u8], from: usize) -> usize {
    first(
        hay,
        from,
        |x| string_special(x) | (x & HI),
        |b| b == b'"' || b == b'\\' || !(0x20..0x80).contains(&b),
    )
}

/// `a == b`, inline: member and claim names are a few bytes long, where a call to the C
/// library's `memcmp` costs more than the comparison does.
#[inline]
pub(crate) fn bytes_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    // Of one length, both are cut into the same two words from the same positions, which
    // cover every byte: the words are equal exactly when the bytes are.
    if let (Some(x), Some(y)) = (short_words(a), short_words(b)) {
        return x == y;
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
    extern crate std;
    use super::*;

    /// Every position and every byte value, against the obvious loop: the SWAR tests must find
    /// the first hit exactly, including when false alarms sit above it in the same word.
    #[test]
    fn matches_bytewise_search() {
        let special = |b: u8| b == b'"' || b == b'\\' || !(0x20..0x80).contains(&b);
        // Under Miri (which looks for undefined behaviour, not wrong answers) a sample of the
        // lengths and byte values: the whole set takes over half an hour there.
        let (values, lens): (std::vec::Vec<u8>, std::vec::Vec<usize>) = if cfg!(miri) {
            ([b'"', 0xff].into(), [0, 8, 17].into())
        } else {
            ((0..=255u8).collect(), (0..20).collect())
        };
        for len in lens {
            for hit in 0..len {
                for &b in &values {
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
                        let prefix = &hay[..from];
                        let want = prefix.iter().rposition(|&x| x == b);
                        assert_eq!(rfind_byte(prefix, b), want, "rfind {b:#x} in {prefix:?}");
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

    /// `bytes_eq` at every length through the short path's edges and past them, with one byte
    /// changed at each position: any difference anywhere must be seen.
    #[test]
    fn bytes_eq_sees_every_position() {
        // Under Miri the lengths at the short path's edges only (the whole set took 5 s).
        let lens: std::vec::Vec<usize> = if cfg!(miri) {
            [0, 1, 3, 4, WORD, 2 * WORD, 2 * WORD + 1].into()
        } else {
            (0..=3 * WORD).collect()
        };
        for len in lens {
            let a: std::vec::Vec<u8> = (0..len as u8).map(|i| i.wrapping_mul(37)).collect();
            assert!(bytes_eq(&a, &a.clone()));
            for at in 0..len {
                for flip in [1u8, 0x80, 0xff] {
                    let mut b = a.clone();
                    b[at] ^= flip;
                    assert!(!bytes_eq(&a, &b), "{a:?} {b:?}");
                }
            }
            assert!(!bytes_eq(&a, &a[..len.saturating_sub(1)]) || len == 0);
        }
    }

    /// `contains` against the obvious loop, at every length around the short path's edges
    /// (0 to three words) and every position, with the other bytes all equal to one value.
    #[test]
    fn contains_matches_bytewise() {
        // Under Miri (which looks for undefined behaviour, not wrong answers) the lengths at
        // the short path's edges, a few bytes and one fill: the whole set took 13 s there.
        let (values, lens, fills): (std::vec::Vec<u8>, std::vec::Vec<usize>, &[u8]) = if cfg!(miri)
        {
            (
                [0, b'.', 0xff].into(),
                [0, 1, 3, 4, WORD - 1, WORD, 2 * WORD, 2 * WORD + 1].into(),
                b"a",
            )
        } else {
            (
                (0..=255u8).collect(),
                (0..=3 * WORD).collect(),
                &[0u8, b'a', 0xff],
            )
        };
        for len in lens {
            for &b in &values {
                for &fill in fills {
                    let mut hay = std::vec![fill; len];
                    assert_eq!(contains(&hay, b), fill == b && len > 0, "{b} in {hay:?}");
                    for hit in 0..len {
                        hay.fill(if fill == b { fill ^ 1 } else { fill });
                        hay[hit] = b;
                        assert!(contains(&hay, b), "{b} at {hit} in {hay:?}");
                        hay[hit] = b ^ 0x80;
                        assert!(!contains(&hay, b), "{b} not in {hay:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn tag_bytes_flags_every_match_and_nothing_past_the_slice() {
        let word = |b: &[u8; WORD]| Word::from_le_bytes(*b);
        for len in 1..=WORD {
            for hit in 0..len {
                for tag in [1u8, 0x7f, 0x80, 0xff] {
                    let other = if tag == 0xff { 2 } else { tag + 1 };
                    let mut bytes = [other; WORD];
                    bytes[hit] = tag;
                    let flags = tag_bytes(word(&bytes), tag, len);
                    assert_ne!(flags & (0x80 << (8 * hit)), 0, "{len} {hit} {tag}");
                    // The lowest flag is exact, and nothing from `len` on is flagged.
                    assert_eq!((flags.trailing_zeros() / 8) as usize, hit);
                    if len < WORD {
                        assert_eq!(flags >> (8 * len), 0);
                    }
                    // A zero (escaped name) is always flagged too.
                    bytes[hit] = 0;
                    assert_ne!(tag_bytes(word(&bytes), tag, len) & (0x80 << (8 * hit)), 0);
                }
            }
        }
    }
}
