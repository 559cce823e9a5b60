//! EdDSA with Ed25519 (RFC 8037 §3.1, RFC 8032 §5.1.7), verified by `ed25519-dalek`, with the
//! checks of its strict mode:
//! - a public key that does not decode to a curve point is [`Error::InvalidPublicKey`], and one
//!   of small order (which would accept forgeries for many messages) is [`Error::WeakKey`],
//!   both when the key is loaded, not on every token;
//! - a signature whose `S` is not reduced (`S >= L`, RFC 8032 §5.1.7 step 1), whose `R` is not
//!   the canonical encoding of the recomputed point, or whose `R` is of small order is
//!   [`Error::InvalidSignature`].
//!
//! `verify_strict` decompresses `R` and multiplies both points by the cofactor on every call,
//! a sizeable part of a verify. The same verdicts cost a comparison: the key's order is checked
//! once at load, and `R`, which must be canonical to match the recomputed point's encoding, is
//! of small order exactly when it is one of the eight encodings of the 8-torsion points.

use ed25519_dalek::Verifier as _;

use super::Algorithm;
use crate::error::Error;

/// The canonical encodings of the eight points of order dividing 8 (the 8-torsion subgroup),
/// as `CompressedEdwardsY`; the unit test recomputes them from curve25519-dalek's own table.
const SMALL_ORDER: [[u8; 32]; 8] = [
    [
        0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00,
    ],
    [
        0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67,
        0x0f, 0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac,
        0x03, 0x7a,
    ],
    [
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x80,
    ],
    [
        0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98,
        0xf0, 0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53,
        0xfc, 0x05,
    ],
    [
        0xec, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0x7f,
    ],
    [
        0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98,
        0xf0, 0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53,
        0xfc, 0x85,
    ],
    [
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00,
    ],
    [
        0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67,
        0x0f, 0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac,
        0x03, 0xfa,
    ],
];

/// An Ed25519 public key, bound to EdDSA.
#[derive(Clone, Debug)]
pub struct Ed25519Key {
    key: ed25519_dalek::VerifyingKey,
}

impl Ed25519Key {
    /// A key from its 32-byte encoding (RFC 8032 §5.1.5). An encoding RFC 8032 §5.1.3 says
    /// does not decode (its `y` not below p, or `x = 0` with the sign bit set) is
    /// [`Error::InvalidPublicKey`]; a point of small order is [`Error::WeakKey`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        let bytes: &[u8; 32] = bytes.try_into().map_err(|_| Error::KeyFormat)?;
        if !decodes(bytes) {
            return Err(Error::InvalidPublicKey);
        }
        let key =
            ed25519_dalek::VerifyingKey::from_bytes(bytes).map_err(|_| Error::InvalidPublicKey)?;
        if key.is_weak() {
            return Err(Error::WeakKey);
        }
        Ok(Self { key })
    }

    /// What identifies the key in a verify cache's fingerprint: its 32-byte encoding.
    pub(crate) fn identity(&self, feed: &mut dyn FnMut(&[u8])) {
        feed(self.key.as_bytes());
    }

    /// The algorithm the key is bound to.
    pub fn algorithm(&self) -> Algorithm {
        Algorithm::EdDSA
    }

    /// Check a 64-byte Ed25519 signature over `message`.
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> Result<(), Error> {
        let sig: &[u8; 64] = signature.try_into().map_err(|_| Error::SignatureLength)?;
        if SMALL_ORDER.iter().any(|p| sig.starts_with(p)) {
            return Err(Error::InvalidSignature);
        }
        let sig = ed25519_dalek::Signature::from_bytes(sig);
        self.key
            .verify(message, &sig)
            .map_err(|_| Error::InvalidSignature)
    }
}

/// Whether an encoded point passes RFC 8032 §5.1.3's checks before any arithmetic: `y` (the
/// 255 low bits, little-endian) is below p = 2^255 - 19 (step 1: "If the y-coordinate is >= p,
/// decoding fails"), and the sign bit is clear when `x` is 0 (step 4), which is when y^2 = 1:
/// y = 1 or y = p - 1. ed25519-dalek reduces y mod p instead, so y = p + 1 would decode as the
/// identity (y = 1).
fn decodes(bytes: &[u8; 32]) -> bool {
    let (low, high) = (bytes[0], bytes[31] & 0x7f);
    let middle_all = |b: u8| bytes[1..31].iter().all(|&x| x == b);
    // y >= p: 0x7f, then 0xff in bytes 30..1, then a low byte of at least 0xed.
    if high == 0x7f && middle_all(0xff) && low >= 0xed {
        return false;
    }
    let sign = bytes[31] & 0x80 != 0;
    let y_is_one = low == 1 && high == 0 && middle_all(0);
    let y_is_p_minus_one = low == 0xec && high == 0x7f && middle_all(0xff);
    !(sign && (y_is_one || y_is_p_minus_one))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 8032 §5.1.3: every y from p to 2^255 - 1 fails to decode, with either sign; x = 0
    /// with the sign bit set fails; the canonical encodings of the same small-order points are
    /// weak keys, not undecodable ones.
    #[test]
    fn non_canonical_encodings_do_not_decode() {
        let p_plus = |k: u8, sign: bool| {
            let mut b = [0xffu8; 32];
            b[0] = 0xed_u8.wrapping_add(k); // p + k, for k in 0..=18
            b[31] = if sign { 0xff } else { 0x7f };
            b
        };
        for k in 0..=18 {
            for sign in [false, true] {
                assert_eq!(
                    Ed25519Key::from_bytes(&p_plus(k, sign)).err(),
                    Some(Error::InvalidPublicKey),
                    "p + {k}, sign {sign}"
                );
            }
        }
        // y = 1 and y = p - 1 (x = 0) with the sign bit: undecodable; without it: the identity
        // and the point of order 2, weak keys.
        let mut one = [0u8; 32];
        one[0] = 1;
        assert_eq!(Ed25519Key::from_bytes(&one).err(), Some(Error::WeakKey));
        one[31] = 0x80;
        assert_eq!(
            Ed25519Key::from_bytes(&one).err(),
            Some(Error::InvalidPublicKey)
        );
        let mut minus_one = [0xffu8; 32];
        minus_one[0] = 0xec;
        minus_one[31] = 0x7f;
        assert_eq!(
            Ed25519Key::from_bytes(&minus_one).err(),
            Some(Error::WeakKey)
        );
        minus_one[31] = 0xff;
        assert_eq!(
            Ed25519Key::from_bytes(&minus_one).err(),
            Some(Error::InvalidPublicKey)
        );
        // The largest canonical y (p - 1 is taken above; p - 2 decodes or not as the curve
        // says, but never as a reduced value): nothing below p is refused by the encoding check.
        let mut below = [0xffu8; 32];
        below[0] = 0xeb;
        below[31] = 0x7f;
        assert!(decodes(&below));
    }

    #[test]
    fn small_order_table_is_the_8_torsion() {
        let theirs = curve25519_dalek::constants::EIGHT_TORSION;
        assert_eq!(theirs.len(), SMALL_ORDER.len());
        for (ours, theirs) in SMALL_ORDER.iter().zip(theirs.iter()) {
            assert_eq!(ours, theirs.compress().as_bytes());
        }
    }
}
