//! Signature algorithms (RFC 7518 §3.1, RFC 8037 §3.1). A key is bound to exactly one at load
//! time; the header's `alg` only has to agree with it.

#[cfg(any(feature = "es256", feature = "es384"))]
mod ecdsa;
#[cfg(feature = "eddsa")]
mod eddsa;
mod hash;
mod hmac;
mod mont;
#[cfg(feature = "rsa-pss")]
mod pss;
mod rsa;

#[cfg(any(feature = "es256", feature = "es384"))]
pub use ecdsa::EcKey;
#[cfg(feature = "eddsa")]
pub use eddsa::Ed25519Key;
pub(crate) use hash::Hash;
pub use hmac::HmacKey;
#[cfg(feature = "jwk")]
pub(crate) use rsa::MAX_LEN as RSA_MAX_LEN;
pub use rsa::RsaKey;

use crate::error::Error;

/// The JWS algorithms jwtguard knows. Which of them a build verifies depends on its features
/// (HS256 and RS256 always; see [`Algorithm::from_name`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Algorithm {
    /// HMAC with SHA-256 (RFC 7518 §3.2).
    HS256,
    /// HMAC with SHA-384 (RFC 7518 §3.2; feature `hmac-sha512`).
    HS384,
    /// HMAC with SHA-512 (RFC 7518 §3.2; feature `hmac-sha512`).
    HS512,
    /// RSASSA-PKCS1-v1_5 with SHA-256 (RFC 7518 §3.3).
    RS256,
    /// RSASSA-PKCS1-v1_5 with SHA-384 (RFC 7518 §3.3; feature `rsa-sha512`).
    RS384,
    /// RSASSA-PKCS1-v1_5 with SHA-512 (RFC 7518 §3.3; feature `rsa-sha512`).
    RS512,
    /// RSASSA-PSS with SHA-256, MGF1 with SHA-256, 32-byte salt (RFC 7518 §3.5; `rsa-pss`).
    PS256,
    /// RSASSA-PSS with SHA-384, MGF1 with SHA-384, 48-byte salt (RFC 7518 §3.5; `rsa-pss`).
    PS384,
    /// RSASSA-PSS with SHA-512, MGF1 with SHA-512, 64-byte salt (RFC 7518 §3.5; `rsa-pss`).
    PS512,
    /// ECDSA on P-256 with SHA-256 (RFC 7518 §3.4; feature `ecdsa`).
    ES256,
    /// ECDSA on P-384 with SHA-384 (RFC 7518 §3.4; feature `ecdsa`).
    ES384,
    /// EdDSA; jwtguard verifies its Ed25519 curve (RFC 8037 §3.1; feature `eddsa`).
    EdDSA,
}

impl Algorithm {
    /// Every algorithm, built or not.
    pub const ALL: &'static [Algorithm] = &[
        Algorithm::HS256,
        Algorithm::HS384,
        Algorithm::HS512,
        Algorithm::RS256,
        Algorithm::RS384,
        Algorithm::RS512,
        Algorithm::PS256,
        Algorithm::PS384,
        Algorithm::PS512,
        Algorithm::ES256,
        Algorithm::ES384,
        Algorithm::EdDSA,
    ];

    /// The `alg` header value, exactly as RFC 7518 §3.1 and RFC 8037 §3.1 spell it.
    pub const fn name(self) -> &'static str {
        match self {
            Algorithm::HS256 => "HS256",
            Algorithm::HS384 => "HS384",
            Algorithm::HS512 => "HS512",
            Algorithm::RS256 => "RS256",
            Algorithm::RS384 => "RS384",
            Algorithm::RS512 => "RS512",
            Algorithm::PS256 => "PS256",
            Algorithm::PS384 => "PS384",
            Algorithm::PS512 => "PS512",
            Algorithm::ES256 => "ES256",
            Algorithm::ES384 => "ES384",
            Algorithm::EdDSA => "EdDSA",
        }
    }

    /// Whether this build verifies the algorithm (its family's feature is on).
    pub const fn is_built(self) -> bool {
        match self {
            Algorithm::HS256 | Algorithm::RS256 => true,
            Algorithm::HS384 | Algorithm::HS512 => cfg!(feature = "hmac-sha512"),
            Algorithm::RS384 | Algorithm::RS512 => cfg!(feature = "rsa-sha512"),
            Algorithm::PS256 | Algorithm::PS384 | Algorithm::PS512 => cfg!(feature = "rsa-pss"),
            Algorithm::ES256 => cfg!(feature = "es256"),
            Algorithm::ES384 => cfg!(feature = "es384"),
            Algorithm::EdDSA => cfg!(feature = "eddsa"),
        }
    }

    /// Parse an `alg` value this build verifies. Names are case-sensitive (RFC 7515 §4.1.1):
    /// `hs256` and `none` (in any casing) are not algorithms we accept, and neither is one
    /// whose family this build leaves out.
    pub fn from_name(name: &[u8]) -> Option<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|a| a.name().as_bytes() == name && a.is_built())
    }

    /// The hash the algorithm signs with (EdDSA hashes inside the scheme: SHA-512).
    #[allow(dead_code)] // which algorithms use it depends on the features
    pub(crate) const fn hash(self) -> Hash {
        match self {
            Algorithm::HS256 | Algorithm::RS256 | Algorithm::PS256 | Algorithm::ES256 => {
                Hash::Sha256
            }
            Algorithm::HS384 | Algorithm::RS384 | Algorithm::PS384 | Algorithm::ES384 => {
                Hash::Sha384
            }
            Algorithm::HS512 | Algorithm::RS512 | Algorithm::PS512 | Algorithm::EdDSA => {
                Hash::Sha512
            }
        }
    }
}

/// Feed `bytes` to a fingerprint with their length in front, so that consecutive fields cannot
/// run into each other (`"ab" "c"` and `"a" "bc"` hash differently).
pub(crate) fn feed_field(feed: &mut dyn FnMut(&[u8]), bytes: &[u8]) {
    feed(&u64::try_from(bytes.len()).unwrap_or(u64::MAX).to_be_bytes());
    feed(bytes);
}

/// One slot's key. Sized for the largest RSA modulus (see the `rsa-4096` feature).
#[derive(Debug, Clone)]
#[allow(clippy::large_enum_variant)]
pub(crate) enum KeyMaterial {
    Hmac(HmacKey),
    Rsa(RsaKey),
    #[cfg(any(feature = "es256", feature = "es384"))]
    Ec(EcKey),
    #[cfg(feature = "eddsa")]
    Ed25519(Ed25519Key),
}

impl KeyMaterial {
    /// The one algorithm the key answers to.
    pub(crate) fn algorithm(&self) -> Algorithm {
        match self {
            KeyMaterial::Hmac(k) => k.algorithm(),
            KeyMaterial::Rsa(k) => k.algorithm(),
            #[cfg(any(feature = "es256", feature = "es384"))]
            KeyMaterial::Ec(k) => k.algorithm(),
            #[cfg(feature = "eddsa")]
            KeyMaterial::Ed25519(k) => k.algorithm(),
        }
    }

    /// What identifies the key in a verify cache's fingerprint: its algorithm, then the key
    /// (an HMAC key by a MAC under it, public keys by their values).
    pub(crate) fn identity(&self, feed: &mut dyn FnMut(&[u8])) {
        feed(self.algorithm().name().as_bytes());
        match self {
            KeyMaterial::Hmac(k) => k.identity(feed),
            KeyMaterial::Rsa(k) => k.identity(feed),
            #[cfg(any(feature = "es256", feature = "es384"))]
            KeyMaterial::Ec(k) => k.identity(feed),
            #[cfg(feature = "eddsa")]
            KeyMaterial::Ed25519(k) => k.identity(feed),
        }
    }

    /// Check `signature` over `message` with the key's algorithm.
    pub(crate) fn verify(&self, message: &[u8], signature: &[u8]) -> Result<(), Error> {
        match self {
            KeyMaterial::Hmac(k) => k.verify(message, signature),
            KeyMaterial::Rsa(k) => k.verify(message, signature),
            #[cfg(any(feature = "es256", feature = "es384"))]
            KeyMaterial::Ec(k) => k.verify(message, signature),
            #[cfg(feature = "eddsa")]
            KeyMaterial::Ed25519(k) => k.verify(message, signature),
        }
    }
}
