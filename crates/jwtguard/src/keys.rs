//! Preloaded verification keys, each bound to one algorithm and optionally to a key id.
//!
//! Selection (RFC 7515 §4.1.4, RFC 8725 §3.1):
//! - A token with a `kid` uses the key with that id and the header's `alg`, the id compared
//!   byte for byte after JSON unescaping. RFC 7517 §4.5 lets keys of different types share a
//!   `kid` ("equivalent alternatives"), so a ring holds one key per (`kid`, algorithm): the
//!   header's `alg` chooses among the keys of that `kid` only. No key with that id is
//!   [`Error::UnknownKey`], and keys with that id bound to other algorithms are
//!   [`Error::AlgorithmMismatch`]: there is no fallback, and a key loaded without an id never
//!   stands in for a named one.
//! - A token without a `kid` tries, in load order, every key bound to the header's `alg`
//!   (rotating secrets: a backend accepting up to three signing keys).
//! - The header never chooses how a key is used: a key answers only to the algorithm it was
//!   loaded for, otherwise [`Error::AlgorithmMismatch`].

use heapless::Vec;

use crate::Error;
use crate::alg::Algorithm;
#[cfg(feature = "ecdsa")]
use crate::alg::ecdsa::EcKey;
#[cfg(feature = "eddsa")]
use crate::alg::eddsa::Ed25519Key;
use crate::alg::hmac::{self, HmacKey};
use crate::alg::rsa::RsaKey;
use crate::json::Str;
use crate::keyfmt;

/// Longest key id accepted at load time, in bytes. Ids seen from identity providers are 20-50.
pub const MAX_KID_LEN: usize = 64;

/// One slot's key. Sized for the largest RSA modulus (see the `rsa-4096` feature).
#[derive(Debug, Clone)]
#[allow(clippy::large_enum_variant)]
pub(crate) enum KeyMaterial {
    Hmac(HmacKey),
    Rsa(RsaKey),
    #[cfg(feature = "ecdsa")]
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
            #[cfg(feature = "ecdsa")]
            KeyMaterial::Ec(k) => k.algorithm(),
            #[cfg(feature = "eddsa")]
            KeyMaterial::Ed25519(k) => k.algorithm(),
        }
    }

    /// Check `signature` over `message` with the key's algorithm.
    pub(crate) fn verify(&self, message: &[u8], signature: &[u8]) -> Result<(), Error> {
        match self {
            KeyMaterial::Hmac(k) => k.verify(message, signature),
            KeyMaterial::Rsa(k) => k.verify(message, signature),
            #[cfg(feature = "ecdsa")]
            KeyMaterial::Ec(k) => k.verify(message, signature),
            #[cfg(feature = "eddsa")]
            KeyMaterial::Ed25519(k) => k.verify(message, signature),
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Key {
    kid: Option<Vec<u8, MAX_KID_LEN>>,
    pub(crate) material: KeyMaterial,
}

/// A fixed-capacity set of verification keys; `N` is chosen by the user at compile time.
///
/// Keys are loaded once and then only read, so a `&KeyRing` can be shared between threads.
/// Secret material is zeroized when the ring is dropped.
#[derive(Debug, Clone)]
pub struct KeyRing<const N: usize> {
    keys: Vec<Key, N>,
    require_kid: bool,
    /// At most this many keys are tried for a token without `kid`.
    kidless_limit: u8,
}

/// How many keys of its algorithm a token without `kid` is tried against by default: enough for
/// a backend rotating a few signing secrets, few enough that a kid-less token cannot make a
/// gateway run an RSA check against every key of a large set (RFC 8725 §3.1's "do not trust
/// the header" applied to cost).
pub const DEFAULT_KIDLESS_LIMIT: u8 = 4;

impl<const N: usize> Default for KeyRing<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> KeyRing<N> {
    /// An empty ring.
    pub const fn new() -> Self {
        Self {
            keys: Vec::new(),
            require_kid: false,
            kidless_limit: DEFAULT_KIDLESS_LIMIT,
        }
    }

    /// Whether a token must name its key (`kid`). By default a token without `kid` is tried
    /// against the keys of its algorithm, in load order, up to [`KeyRing::kidless_limit`];
    /// with this set it is [`Error::MissingKeyId`].
    pub fn require_kid(&mut self, required: bool) {
        self.require_kid = required;
    }

    /// At most `limit` keys (default [`DEFAULT_KIDLESS_LIMIT`]) are tried for a token without
    /// `kid`, the first ones of its algorithm in load order: the cost a kid-less token can cause
    /// is bounded whatever the size of the set. Keys with a `kid` count too, since a kid-less
    /// token is tried against them. ([`KeyRing::require_kid`] refuses kid-less tokens.)
    pub fn kidless_limit(&mut self, limit: core::num::NonZeroU8) {
        self.kidless_limit = limit.get();
    }

    /// How many keys are loaded.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether no key is loaded.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Load an HS256 secret of at least 32 bytes (RFC 7518 §3.2), with an optional key id.
    pub fn add_hs256(&mut self, kid: Option<&str>, secret: &[u8]) -> Result<(), Error> {
        self.add_hmac(Algorithm::HS256, kid, secret)
    }

    /// Load an HS256 secret that must also have the form custom-JWT backends accept for
    /// configured signing keys: 32 to 512 characters of `[A-Za-z0-9_-]`.
    pub fn add_hs256_configured(&mut self, kid: Option<&str>, secret: &str) -> Result<(), Error> {
        if !hmac::is_configurable_secret(secret.as_bytes()) {
            return Err(Error::InvalidSecretFormat);
        }
        self.add_hs256(kid, secret.as_bytes())
    }

    /// Load an RSA public key for RS256 from DER: SPKI (`PUBLIC KEY`) or PKCS#1
    /// (`RSA PUBLIC KEY`).
    pub fn add_rs256_der(&mut self, kid: Option<&str>, der: &[u8]) -> Result<(), Error> {
        self.push(kid, KeyMaterial::Rsa(keyfmt::from_der(der)?))
    }

    /// Load an RSA public key for RS256 from PEM (`BEGIN PUBLIC KEY` or
    /// `BEGIN RSA PUBLIC KEY`).
    pub fn add_rs256_pem(&mut self, kid: Option<&str>, pem: &[u8]) -> Result<(), Error> {
        self.push(kid, KeyMaterial::Rsa(keyfmt::from_pem(pem)?))
    }

    /// Load an HMAC secret bound to `alg` (HS256, HS384 or HS512), at least as long as the
    /// hash output (32, 48 or 64 bytes, RFC 7518 §3.2). A public-key algorithm is
    /// [`Error::KeyTypeMismatch`].
    pub fn add_hmac(
        &mut self,
        alg: Algorithm,
        kid: Option<&str>,
        secret: &[u8],
    ) -> Result<(), Error> {
        self.push(kid, KeyMaterial::Hmac(HmacKey::for_algorithm(alg, secret)?))
    }

    /// Load a public key bound to `alg` from DER: SPKI (RSA, EC P-256/P-384, Ed25519) or
    /// PKCS#1 `RSAPublicKey`. The key must fit the algorithm: an RSA key for RS256/384/512 or
    /// PS256/384/512, a P-256 key for ES256, a P-384 key for ES384, an Ed25519 key for EdDSA;
    /// anything else is [`Error::KeyTypeMismatch`]. An algorithm the build leaves out is
    /// [`Error::UnsupportedAlgorithm`].
    pub fn add_der(&mut self, alg: Algorithm, kid: Option<&str>, der: &[u8]) -> Result<(), Error> {
        self.push(kid, keyfmt::material_from_der(alg, der)?)
    }

    /// [`KeyRing::add_der`] from PEM (`BEGIN PUBLIC KEY`, or `BEGIN RSA PUBLIC KEY`).
    pub fn add_pem(&mut self, alg: Algorithm, kid: Option<&str>, pem: &[u8]) -> Result<(), Error> {
        self.push(kid, keyfmt::material_from_pem(alg, pem)?)
    }

    /// Load an RSA public key for RS256 from its big-endian modulus and exponent.
    pub fn add_rs256_components(
        &mut self,
        kid: Option<&str>,
        n: &[u8],
        e: &[u8],
    ) -> Result<(), Error> {
        self.push(kid, KeyMaterial::Rsa(RsaKey::from_components(n, e)?))
    }

    pub(crate) fn push(&mut self, kid: Option<&str>, material: KeyMaterial) -> Result<(), Error> {
        let kid = match kid {
            None => None,
            Some("") => return Err(Error::InvalidKeyId),
            Some(k) => Some(Vec::from_slice(k.as_bytes()).map_err(|_| Error::InvalidKeyId)?),
        };
        // One key per (kid, algorithm): a second key of one kid and one algorithm could not
        // be told apart from the first by any token.
        let alg = material.algorithm();
        if kid.is_some()
            && self
                .keys
                .iter()
                .any(|k| k.kid == kid && k.material.algorithm() == alg)
        {
            return Err(Error::DuplicateKeyId);
        }
        self.keys
            .push(Key { kid, material })
            .map_err(|_| Error::KeyRingFull)
    }

    /// How many keys a token of `alg` without `kid` is tried against, at most `cap`: 0 when the
    /// ring requires a `kid`.
    pub(crate) fn kidless_candidates(&self, alg: Algorithm, cap: usize) -> usize {
        self.select(alg, None, cap).map_or(0, |c| c.iter().count())
    }

    /// The keys a token may be checked against, per the rules in the module docs; a token
    /// without `kid` gets at most `kidless_cap` of them on top of the ring's own limit.
    pub(crate) fn select<'s>(
        &'s self,
        alg: Algorithm,
        kid: Option<Str<'_>>,
        kidless_cap: usize,
    ) -> Result<Candidates<'s>, Error> {
        match kid {
            Some(kid) => {
                let mut named = self.keys.iter().filter(|k| {
                    k.kid
                        .as_deref()
                        .is_some_and(|id| kid.bytes().eq(id.iter().copied()))
                });
                let first = named.next().ok_or(Error::UnknownKey)?;
                let key = core::iter::once(first)
                    .chain(named)
                    .find(|k| k.material.algorithm() == alg)
                    .ok_or(Error::AlgorithmMismatch)?;
                Ok(Candidates {
                    keys: core::slice::from_ref(key),
                    alg,
                    limit: 1,
                })
            }
            None if self.require_kid => Err(Error::MissingKeyId),
            None => {
                if !self.keys.iter().any(|k| k.material.algorithm() == alg) {
                    return Err(if self.keys.is_empty() {
                        Error::UnknownKey
                    } else {
                        Error::AlgorithmMismatch
                    });
                }
                Ok(Candidates {
                    keys: &self.keys,
                    alg,
                    limit: usize::from(self.kidless_limit).min(kidless_cap),
                })
            }
        }
    }
}

/// Keys to try for one token, all bound to its algorithm.
pub(crate) struct Candidates<'s> {
    keys: &'s [Key],
    alg: Algorithm,
    /// How many of them may be tried.
    limit: usize,
}

impl<'s> Candidates<'s> {
    pub(crate) fn iter(&self) -> impl Iterator<Item = &'s KeyMaterial> + '_ {
        self.keys
            .iter()
            .map(|k| &k.material)
            .filter(|m| m.algorithm() == self.alg)
            .take(self.limit)
    }
}
