//! Canonical unpadded base64url (RFC 7515 §2, RFC 4648 §5), decoded into caller buffers.
//!
//! Token segments are public, so they go through the `base64` crate's table-driven decoder,
//! which is not constant-time but several times faster than `base64ct` on a token's payload.
//! Secret key material (an `oct` JWK's `k`) is decoded with `base64ct` instead, where timing
//! must not depend on the bytes.
//!
//! Strictness comes from the engine configuration: padding is an error, `+` `/` and whitespace
//! are invalid bytes, a length of 1 mod 4 is invalid, and the unused low bits of the last
//! symbol must be zero (RFC 4648 §3.5), so each byte string has exactly one accepted encoding.
//!
//! With the `simd` feature on x86-64, `jwtguard-b64-x86` decodes the segment's whole 16- and
//! 32-character blocks first (SSSE3/AVX2, detected at run time). It stops before any block with
//! a byte outside the alphabet and never touches the last partial quantum, so the engine above
//! still sees every error and every unused-bits check: the accepted set is the same, which the
//! differential test below and the `base64url` fuzz target hold it to.

use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

use crate::error::Error;

const STRICT_URL: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::RequireNone)
        .with_decode_allow_trailing_bits(false),
);

/// Exact decoded length of `n` base64url characters, or `None` for an impossible length.
pub(crate) const fn decoded_len(n: usize) -> Option<usize> {
    // Each full quantum of 4 characters is 3 bytes; a tail of 2 or 3 characters is 1 or 2.
    let tail = match n % 4 {
        0 => 0,
        2 => 1,
        3 => 2,
        _ => return None,
    };
    match (n / 4).checked_mul(3) {
        Some(full) => full.checked_add(tail),
        None => None,
    }
}

/// Decode `input` into the front of `out`, returning the decoded bytes.
pub(crate) fn decode<'o>(input: &[u8], out: &'o mut [u8]) -> Result<&'o mut [u8], Error> {
    let n = decoded_len(input.len()).ok_or(Error::Base64)?;
    let dst = out.get_mut(..n).ok_or(Error::Base64)?;
    // Whole blocks by vector code where there is some: `consumed` characters are a multiple of
    // 4, all in the alphabet, and became exactly `consumed / 4 * 3` bytes.
    let consumed = vector_prefix(input, dst);
    let head = (consumed / 4).saturating_mul(3);
    let (rest_in, rest_out) = input
        .get(consumed..)
        .zip(dst.get_mut(head..))
        .ok_or(Error::Base64)?;
    let written = STRICT_URL
        .decode_slice(rest_in, rest_out)
        .map_err(|_| Error::Base64)?;
    dst.get_mut(..head.saturating_add(written))
        .ok_or(Error::Base64)
}

/// The characters the vector decoder took from the front of `input` (0 without one).
#[inline]
fn vector_prefix(input: &[u8], out: &mut [u8]) -> usize {
    #[cfg(all(feature = "simd", target_arch = "x86_64"))]
    if let Some(simd) = jwtguard_b64_x86::Simd::detect() {
        return simd.decode_prefix(input, out);
    }
    let _ = (input, out);
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Result<heapless::Vec<u8, 64>, Error> {
        let mut buf = [0u8; 64];
        decode(s.as_bytes(), &mut buf).map(|b| heapless::Vec::from_slice(b).unwrap())
    }

    #[test]
    fn canonical_only() {
        assert_eq!(dec("").unwrap().as_slice(), b"");
        assert_eq!(dec("Zg").unwrap().as_slice(), b"f");
        assert_eq!(dec("Zm8").unwrap().as_slice(), b"fo");
        assert_eq!(dec("Zm9v").unwrap().as_slice(), b"foo");
        assert_eq!(dec("-_8").unwrap().as_slice(), &[0xfb, 0xff]);
        for bad in [
            "Zg==", "Zm8=", "+/8", "Zm9v\n", " Zm9v", "Zm9vY", "Zh", "Zm9", "Zm-", "Z.8",
        ] {
            assert_eq!(dec(bad), Err(Error::Base64), "{bad}");
        }
    }

    /// The whole decoder, vector prefix included, against the engine alone: the same bytes for
    /// valid segments and the same refusal for invalid ones, at lengths that cross the 16- and
    /// 32-character blocks, with faults at every kind of place.
    #[test]
    // Under Miri there is no vector code (the kernel crate compiles it out), so this would
    // compare the engine with itself, at seconds per round.
    #[cfg_attr(miri, ignore)]
    fn agrees_with_the_scalar_engine() {
        use rand::{Rng, SeedableRng};
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(64);
        let mut out = [0u8; 512];
        let mut reference = [0u8; 512];
        for round in 0..20_000 {
            let len = rng.gen_range(0..600);
            let mut input = [0u8; 600];
            for b in &mut input[..len] {
                *b = ALPHABET[rng.gen_range(0..64)];
            }
            if round % 2 == 1 && len > 0 {
                input[rng.gen_range(0..len)] = rng.r#gen();
            }
            let input = &input[..len];
            let ours = decode(input, &mut out).map(|b| b.len());
            let theirs = decoded_len(len).ok_or(()).and_then(|n| {
                STRICT_URL
                    .decode_slice(input, &mut reference[..n])
                    .map_err(|_| ())
            });
            match (ours, theirs) {
                (Ok(a), Ok(b)) => {
                    assert_eq!(a, b);
                    assert_eq!(out[..a], reference[..b]);
                }
                (Err(e), Err(())) => assert_eq!(e, Error::Base64),
                (ours, theirs) => panic!("{input:?}: ours {ours:?}, engine {theirs:?}"),
            }
        }
    }

    /// With the feature on a CPU that has the instructions, the vector code does take the
    /// blocks (the agreement above would also hold if it never ran).
    #[test]
    #[cfg(all(feature = "simd", target_arch = "x86_64", not(miri)))]
    fn the_vector_prefix_runs() {
        let input = [b'Q'; 70];
        let mut out = [0u8; 52];
        let expected = if jwtguard_b64_x86::Simd::detect().is_some() {
            64
        } else {
            0
        };
        assert_eq!(vector_prefix(&input, &mut out), expected);
        assert_eq!(
            decode(&input[..68], &mut out).unwrap(),
            &[0x41, 0x04, 0x10].repeat(17)[..]
        );
    }

    #[test]
    fn output_must_fit() {
        let mut buf = [0u8; 2];
        assert_eq!(decode(b"Zm9v", &mut buf).err(), Some(Error::Base64));
    }
}
