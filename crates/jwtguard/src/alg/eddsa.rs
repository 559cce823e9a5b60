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
//! about 16% of a verify here. The same verdicts cost a comparison: the key's order is checked
//! once at load, and `R`, which must be canonical to match the recomputed point's encoding, is
//! of small order exactly when it is one of the eight encodings of the 8-torsion points.

use ed25519_dalek::Verifier as _;

use super::Algorithm;
use crate::Error;

/// The canonical encodings of the eight points of order dividing 8 (the 8-torsion subgroup),
/// as `CompressedEdwardsY`; the unit test recomputes them from curve25519-dalek's own table.
const SMALL_ORDER: [[u8; 32]; 8] = {
    const fn point(low: [u8; 16], high: [u8; 16]) -> [u8; 32] {
        let mut p = [0u8; 32];
        let mut i = 0;
        while i < 16 {
            p[i] = low[i];
            p[i + 16] = high[i];
            i += 1;
        }
        p
    }
    const Z: [u8; 16] = [0; 16];
    const A_LO: [u8; 16] = [
        0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67,
        0x0f,
    ];
    const A_HI: [u8; 16] = [
        0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac, 0x03,
        0x7a,
    ];
    const B_LO: [u8; 16] = [
        0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98,
        0xf0,
    ];
    const B_HI: [u8; 16] = [
        0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53, 0xfc,
        0x05,
    ];
    const fn with_last(mut h: [u8; 16], last: u8) -> [u8; 16] {
        h[15] = last;
        h
    }
    const fn with_first(mut l: [u8; 16], first: u8) -> [u8; 16] {
        l[0] = first;
        l
    }
    const ONES: [u8; 16] = [0xff; 16];
    [
        point(with_first(Z, 1), Z),
        point(A_LO, A_HI),
        point(Z, with_last(Z, 0x80)),
        point(B_LO, B_HI),
        point(with_first(ONES, 0xec), with_last(ONES, 0x7f)),
        point(B_LO, with_last(B_HI, 0x85)),
        point(Z, Z),
        point(A_LO, with_last(A_HI, 0xfa)),
    ]
};

/// An Ed25519 public key, bound to EdDSA.
#[derive(Clone, Debug)]
pub struct Ed25519Key {
    key: ed25519_dalek::VerifyingKey,
}

impl Ed25519Key {
    /// A key from its 32-byte encoding (RFC 8032 §5.1.5).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        let bytes: &[u8; 32] = bytes.try_into().map_err(|_| Error::KeyFormat)?;
        let key =
            ed25519_dalek::VerifyingKey::from_bytes(bytes).map_err(|_| Error::InvalidPublicKey)?;
        if key.is_weak() {
            return Err(Error::WeakKey);
        }
        Ok(Self { key })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_order_table_is_the_8_torsion() {
        let theirs = curve25519_dalek::constants::EIGHT_TORSION;
        assert_eq!(theirs.len(), SMALL_ORDER.len());
        for (ours, theirs) in SMALL_ORDER.iter().zip(theirs.iter()) {
            assert_eq!(ours, theirs.compress().as_bytes());
        }
    }
}
