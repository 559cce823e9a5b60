//! EdDSA with Ed25519 (RFC 8037 §3.1, RFC 8032 §5.1.7), verified by `ed25519-dalek` in its
//! strict mode:
//! - a public key that does not decode to a curve point is [`Error::InvalidPublicKey`], and one
//!   of small order (which would accept forgeries for many messages) is [`Error::WeakKey`],
//!   both when the key is loaded;
//! - a signature whose `S` is not reduced (`S >= L`, RFC 8032 §5.1.7 step 1) or whose `R` is
//!   of small order is [`Error::InvalidSignature`] (`verify_strict`).

use super::Algorithm;
use crate::Error;

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
        let sig = ed25519_dalek::Signature::from_bytes(sig);
        self.key
            .verify_strict(message, &sig)
            .map_err(|_| Error::InvalidSignature)
    }
}
