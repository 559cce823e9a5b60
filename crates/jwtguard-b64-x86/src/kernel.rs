//! The vector loops: 32 characters per AVX2 step, 16 per SSSE3 step.
//!
//! Each step works in three stages, on every byte lane at once:
//! 1. **Classify.** A byte is in the alphabet when it is in `A-Z`, `a-z` or `0-9` (two signed
//!    compares each: bytes from 0x80 up are negative as `i8`, so they fall below every lower
//!    bound), or equal to `-` or `_`. If any lane is in none of the five classes, the step
//!    stops and nothing of its block is written.
//! 2. **Translate.** Each class maps to its 6-bit value by one offset (RFC 4648 Table 2, URL
//!    alphabet of §5): `A`=65 -> 0 (-65), `a`=97 -> 26 (-71), `0`=48 -> 52 (+4), `-`=45 -> 62
//!    (+17), `_`=95 -> 63 (-32). The classes are disjoint, so the offsets can be OR-ed.
//! 3. **Pack.** Each group of four values `a b c d` becomes the 24-bit `a<<18 | b<<12 | c<<6 |
//!    d`: `pmaddubsw` with multipliers (64, 1) makes `a<<6 | b` and `c<<6 | d` (at most 4095, so
//!    it never saturates), `pmaddwd` with (4096, 1) joins them in a 32-bit lane, and `pshufb`
//!    takes bytes 2, 1, 0 of each lane, the big-endian order of the decoded bytes. AVX2 shuffles
//!    within 128-bit halves, so `vpermd` then closes the gap between the halves' 12 bytes.
//!
//! SAFETY, shared by the blocks below. The `#[target_feature]` functions are called only with a
//! [`Simd`] in hand, whose private field is set only after CPUID reported the feature (and, for
//! AVX2, SSSE3 as well, which the AVX2 loop's last 16-character step uses). The loads and
//! stores are unaligned (`loadu`, `storeu`, `storel`), so any address is valid; each one names
//! the slice it touches, whose length the loop's `chunks_exact` or `split_at` fixed.

use core::arch::x86_64::*;

use crate::Simd;

/// Decodes 32-character blocks, then one 16-character block if 16 to 31 characters remain.
#[inline]
pub(crate) fn decode_avx2(simd: Simd, input: &[u8], out: &mut [u8]) -> usize {
    let _ = simd;
    #[allow(unsafe_code)] // the crate denies it outside this module's blocks
    // SAFETY: `simd` proves AVX2 and SSSE3 (module comment).
    unsafe {
        avx2_loop(input, out)
    }
}

/// Decodes 16-character blocks.
#[inline]
pub(crate) fn decode_ssse3(simd: Simd, input: &[u8], out: &mut [u8]) -> usize {
    let _ = simd;
    #[allow(unsafe_code)]
    // SAFETY: `simd` proves SSSE3 (module comment).
    unsafe {
        ssse3_loop(input, out)
    }
}

#[target_feature(enable = "avx2,ssse3")]
fn avx2_loop(input: &[u8], out: &mut [u8]) -> usize {
    let mut consumed = 0;
    for (src, dst) in input.chunks_exact(32).zip(out.chunks_exact_mut(24)) {
        #[allow(unsafe_code)]
        // SAFETY: `src` is 32 bytes (`chunks_exact(32)`), the width of one unaligned load.
        let chars = unsafe { _mm256_loadu_si256(src.as_ptr().cast()) };
        let Some(values) = values_256(chars) else {
            return consumed + ssse3_loop(&input[consumed..], &mut out[consumed / 4 * 3..]);
        };
        let packed = pack_256(values);
        let (first, rest) = dst.split_at_mut(16);
        #[allow(unsafe_code)]
        // SAFETY: `first` is 16 bytes (`split_at_mut(16)` of a 24-byte chunk), one 128-bit
        // unaligned store.
        unsafe {
            _mm_storeu_si128(first.as_mut_ptr().cast(), _mm256_castsi256_si128(packed))
        };
        #[allow(unsafe_code)]
        // SAFETY: `rest` is the chunk's other 8 bytes; `storel_epi64` writes the low 8 bytes of
        // its operand, unaligned.
        unsafe {
            _mm_storel_epi64(
                rest.as_mut_ptr().cast(),
                _mm256_extracti128_si256::<1>(packed),
            )
        };
        consumed += 32;
    }
    // At most one 16-character block is left for the narrower step (or a block that did not
    // fit in `out`, which that step refuses too).
    consumed + ssse3_loop(&input[consumed..], &mut out[consumed / 4 * 3..])
}

#[target_feature(enable = "ssse3")]
fn ssse3_loop(input: &[u8], out: &mut [u8]) -> usize {
    let mut consumed = 0;
    for (src, dst) in input.chunks_exact(16).zip(out.chunks_exact_mut(12)) {
        #[allow(unsafe_code)]
        // SAFETY: `src` is 16 bytes (`chunks_exact(16)`), the width of one unaligned load.
        let chars = unsafe { _mm_loadu_si128(src.as_ptr().cast()) };
        let Some(values) = values_128(chars) else {
            break;
        };
        let packed = pack_128(values);
        let (first, rest) = dst.split_at_mut(8);
        #[allow(unsafe_code)]
        // SAFETY: `first` is 8 bytes (`split_at_mut(8)` of a 12-byte chunk); `storel_epi64`
        // writes the low 8 bytes of its operand, unaligned.
        unsafe {
            _mm_storel_epi64(first.as_mut_ptr().cast(), packed)
        };
        let tail = _mm_cvtsi128_si32(_mm_srli_si128::<8>(packed)).to_le_bytes();
        rest.copy_from_slice(&tail);
        consumed += 16;
    }
    consumed
}

/// Lanes of `c` in `lo..=hi` (all ones), for bounds below 0x80.
#[target_feature(enable = "avx2")]
fn in_range_256(c: __m256i, lo: u8, hi: u8) -> __m256i {
    let above = _mm256_cmpgt_epi8(c, _mm256_set1_epi8((lo - 1) as i8));
    let below = _mm256_cmpgt_epi8(_mm256_set1_epi8((hi + 1) as i8), c);
    _mm256_and_si256(above, below)
}

/// The 6-bit value of each character, or `None` if any is outside the alphabet.
#[target_feature(enable = "avx2")]
fn values_256(c: __m256i) -> Option<__m256i> {
    let upper = in_range_256(c, b'A', b'Z');
    let lower = in_range_256(c, b'a', b'z');
    let digit = in_range_256(c, b'0', b'9');
    let dash = _mm256_cmpeq_epi8(c, _mm256_set1_epi8(b'-' as i8));
    let under = _mm256_cmpeq_epi8(c, _mm256_set1_epi8(b'_' as i8));
    let valid = _mm256_or_si256(
        _mm256_or_si256(upper, lower),
        _mm256_or_si256(digit, _mm256_or_si256(dash, under)),
    );
    if _mm256_movemask_epi8(valid) != -1 {
        return None;
    }
    let offset = _mm256_or_si256(
        _mm256_or_si256(
            _mm256_and_si256(upper, _mm256_set1_epi8(-65)),
            _mm256_and_si256(lower, _mm256_set1_epi8(-71)),
        ),
        _mm256_or_si256(
            _mm256_and_si256(digit, _mm256_set1_epi8(4)),
            _mm256_or_si256(
                _mm256_and_si256(dash, _mm256_set1_epi8(17)),
                _mm256_and_si256(under, _mm256_set1_epi8(-32)),
            ),
        ),
    );
    Some(_mm256_add_epi8(c, offset))
}

/// 32 six-bit values to 24 bytes in the low 24 bytes of the result.
#[target_feature(enable = "avx2")]
fn pack_256(v: __m256i) -> __m256i {
    let pairs = _mm256_maddubs_epi16(v, _mm256_set1_epi32(0x0140_0140));
    let quads = _mm256_madd_epi16(pairs, _mm256_set1_epi32(0x0001_1000));
    let bytes = _mm256_shuffle_epi8(
        quads,
        _mm256_setr_epi8(
            2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1, //
            2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1,
        ),
    );
    _mm256_permutevar8x32_epi32(bytes, _mm256_setr_epi32(0, 1, 2, 4, 5, 6, 3, 7))
}

/// Lanes of `c` in `lo..=hi` (all ones), for bounds below 0x80.
#[target_feature(enable = "ssse3")]
fn in_range_128(c: __m128i, lo: u8, hi: u8) -> __m128i {
    let above = _mm_cmpgt_epi8(c, _mm_set1_epi8((lo - 1) as i8));
    let below = _mm_cmpgt_epi8(_mm_set1_epi8((hi + 1) as i8), c);
    _mm_and_si128(above, below)
}

/// The 6-bit value of each character, or `None` if any is outside the alphabet.
#[target_feature(enable = "ssse3")]
fn values_128(c: __m128i) -> Option<__m128i> {
    let upper = in_range_128(c, b'A', b'Z');
    let lower = in_range_128(c, b'a', b'z');
    let digit = in_range_128(c, b'0', b'9');
    let dash = _mm_cmpeq_epi8(c, _mm_set1_epi8(b'-' as i8));
    let under = _mm_cmpeq_epi8(c, _mm_set1_epi8(b'_' as i8));
    let valid = _mm_or_si128(
        _mm_or_si128(upper, lower),
        _mm_or_si128(digit, _mm_or_si128(dash, under)),
    );
    if _mm_movemask_epi8(valid) != 0xffff {
        return None;
    }
    let offset = _mm_or_si128(
        _mm_or_si128(
            _mm_and_si128(upper, _mm_set1_epi8(-65)),
            _mm_and_si128(lower, _mm_set1_epi8(-71)),
        ),
        _mm_or_si128(
            _mm_and_si128(digit, _mm_set1_epi8(4)),
            _mm_or_si128(
                _mm_and_si128(dash, _mm_set1_epi8(17)),
                _mm_and_si128(under, _mm_set1_epi8(-32)),
            ),
        ),
    );
    Some(_mm_add_epi8(c, offset))
}

/// 16 six-bit values to 12 bytes in the low 12 bytes of the result.
#[target_feature(enable = "ssse3")]
fn pack_128(v: __m128i) -> __m128i {
    let pairs = _mm_maddubs_epi16(v, _mm_set1_epi32(0x0140_0140));
    let quads = _mm_madd_epi16(pairs, _mm_set1_epi32(0x0001_1000));
    _mm_shuffle_epi8(
        quads,
        _mm_setr_epi8(2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1),
    )
}
