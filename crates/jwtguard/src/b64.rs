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
    let written = STRICT_URL
        .decode_slice(input, dst)
        .map_err(|_| Error::Base64)?;
    dst.get_mut(..written).ok_or(Error::Base64)
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

    #[test]
    fn output_must_fit() {
        let mut buf = [0u8; 2];
        assert_eq!(decode(b"Zm9v", &mut buf).err(), Some(Error::Base64));
    }
}
