//! ES256 and ES384: ECDSA on P-256 with SHA-256 and on P-384 with SHA-384 (RFC 7518 §3.4,
//! FIPS 186-5), verified by RustCrypto's `p256`/`p384`.
//!
//! - The signature is the JOSE form only: `R || S`, each the curve's field size big-endian
//!   (64 or 96 bytes, RFC 7518 §3.4). A DER `ECDSA-Sig-Value` has another length and is
//!   [`Error::SignatureLength`]; it is never decoded.
//! - `r` and `s` must be in `1..n`: zero, or the order or more, is [`Error::InvalidSignature`]
//!   before any arithmetic (CVE-2022-21449, "psychic signatures", accepted `r = s = 0`).
//! - High and low `s` are both accepted, as RFC 7518 does not restrict `s`.
//! - The public point is validated when the key is loaded: on the curve and not the identity
//!   (SEC 1 §3.2.2.1), else [`Error::InvalidPublicKey`].

#[cfg(feature = "es256")]
use p256::ecdsa::signature::Verifier as _;
#[cfg(all(feature = "es384", not(feature = "es256")))]
use p384::ecdsa::signature::Verifier as _;

use super::Algorithm;
use crate::error::Error;

#[derive(Clone, Debug)]
enum Curve {
    #[cfg(feature = "es256")]
    P256(p256::ecdsa::VerifyingKey),
    #[cfg(feature = "es384")]
    P384(p384::ecdsa::VerifyingKey),
}

/// An EC public key on P-256 (bound to ES256) or P-384 (bound to ES384).
#[derive(Clone, Debug)]
pub struct EcKey {
    curve: Curve,
}

impl EcKey {
    /// A key from its SEC 1 point encoding (`04 || x || y`, or compressed), for `alg`, which
    /// must be its curve's algorithm ([`Error::KeyTypeMismatch`] otherwise).
    pub fn from_sec1(alg: Algorithm, point: &[u8]) -> Result<Self, Error> {
        let curve = match alg {
            #[cfg(feature = "es256")]
            Algorithm::ES256 => p256::ecdsa::VerifyingKey::from_sec1_bytes(point)
                .map(Curve::P256)
                .map_err(|_| Error::InvalidPublicKey)?,
            #[cfg(feature = "es384")]
            Algorithm::ES384 => p384::ecdsa::VerifyingKey::from_sec1_bytes(point)
                .map(Curve::P384)
                .map_err(|_| Error::InvalidPublicKey)?,
            _ => return Err(Error::KeyTypeMismatch),
        };
        Ok(Self { curve })
    }

    /// The algorithm the key is bound to.
    pub fn algorithm(&self) -> Algorithm {
        match self.curve {
            #[cfg(feature = "es256")]
            Curve::P256(_) => Algorithm::ES256,
            #[cfg(feature = "es384")]
            Curve::P384(_) => Algorithm::ES384,
        }
    }

    /// What identifies the key in a verify cache's fingerprint: its uncompressed point.
    pub(crate) fn identity(&self, feed: &mut dyn FnMut(&[u8])) {
        match &self.curve {
            #[cfg(feature = "es256")]
            Curve::P256(key) => feed(key.to_sec1_point(false).as_bytes()),
            #[cfg(feature = "es384")]
            Curve::P384(key) => feed(key.to_sec1_point(false).as_bytes()),
        }
    }

    /// Check a JOSE `R || S` signature over `message`.
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> Result<(), Error> {
        match &self.curve {
            #[cfg(feature = "es256")]
            Curve::P256(key) => {
                if signature.len() != 64 {
                    return Err(Error::SignatureLength);
                }
                let sig = p256::ecdsa::Signature::from_slice(signature)
                    .map_err(|_| Error::InvalidSignature)?;
                key.verify(message, &sig)
                    .map_err(|_| Error::InvalidSignature)
            }
            #[cfg(feature = "es384")]
            Curve::P384(key) => {
                if signature.len() != 96 {
                    return Err(Error::SignatureLength);
                }
                let sig = p384::ecdsa::Signature::from_slice(signature)
                    .map_err(|_| Error::InvalidSignature)?;
                key.verify(message, &sig)
                    .map_err(|_| Error::InvalidSignature)
            }
        }
    }
}
