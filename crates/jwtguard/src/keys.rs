//! Preloaded verification keys, each bound to one algorithm and optionally to a key id.
//!
//! Selection (RFC 7515 §4.1.4, RFC 8725 §3.1):
//! - A token with a `kid` uses the key with that id, compared byte for byte after JSON
//!   unescaping. No such key is [`Error::UnknownKey`]: there is no fallback, and a key loaded
//!   without an id never stands in for a named one.
//! - A token without a `kid` tries, in load order, every key bound to the header's `alg`
//!   (rotating secrets: a backend accepting up to three signing keys).
//! - The header never chooses how a key is used: a key answers only to the algorithm it was
//!   loaded for, otherwise [`Error::AlgorithmMismatch`].

use heapless::Vec;

use crate::Error;
use crate::alg::Algorithm;
use crate::alg::hs256::{self, Hs256Key};
use crate::alg::rs256::Rs256Key;
use crate::json::Str;
use crate::keyfmt;

/// Longest key id accepted at load time, in bytes. Ids seen from identity providers are 20-50.
pub const MAX_KID_LEN: usize = 64;

/// One slot's key. Sized for the largest RSA modulus (see the `rsa-4096` feature).
#[derive(Debug, Clone)]
#[allow(clippy::large_enum_variant)]
pub(crate) enum KeyMaterial {
    Hs256(Hs256Key),
    Rs256(Rs256Key),
}

impl KeyMaterial {
    pub(crate) fn algorithm(&self) -> Algorithm {
        match self {
            KeyMaterial::Hs256(_) => Algorithm::HS256,
            KeyMaterial::Rs256(_) => Algorithm::RS256,
        }
    }
}

/// One loaded key.
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
}

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
        }
    }

    /// Whether a token must name its key (`kid`). By default a token without `kid` is tried
    /// against every key of its algorithm, in load order; with this set it is
    /// [`Error::MissingKeyId`], so a kid-less token cannot make the verifier run an RSA check
    /// against each key.
    pub fn require_kid(&mut self, required: bool) {
        self.require_kid = required;
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
        let material = KeyMaterial::Hs256(Hs256Key::new(secret)?);
        self.push(kid, material)
    }

    /// Load an HS256 secret that must also have the form custom-JWT backends accept for
    /// configured signing keys: 32 to 512 characters of `[A-Za-z0-9_-]`.
    pub fn add_hs256_configured(&mut self, kid: Option<&str>, secret: &str) -> Result<(), Error> {
        if !hs256::is_configurable_secret(secret.as_bytes()) {
            return Err(Error::InvalidSecretFormat);
        }
        self.add_hs256(kid, secret.as_bytes())
    }

    /// Load an RSA public key for RS256 from DER: SPKI (`PUBLIC KEY`) or PKCS#1
    /// (`RSA PUBLIC KEY`).
    pub fn add_rs256_der(&mut self, kid: Option<&str>, der: &[u8]) -> Result<(), Error> {
        self.push(kid, KeyMaterial::Rs256(keyfmt::from_der(der)?))
    }

    /// Load an RSA public key for RS256 from PEM (`BEGIN PUBLIC KEY` or
    /// `BEGIN RSA PUBLIC KEY`).
    pub fn add_rs256_pem(&mut self, kid: Option<&str>, pem: &[u8]) -> Result<(), Error> {
        self.push(kid, KeyMaterial::Rs256(keyfmt::from_pem(pem)?))
    }

    /// Load an RSA public key for RS256 from its big-endian modulus and exponent.
    pub fn add_rs256_components(
        &mut self,
        kid: Option<&str>,
        n: &[u8],
        e: &[u8],
    ) -> Result<(), Error> {
        self.push(kid, KeyMaterial::Rs256(Rs256Key::from_components(n, e)?))
    }

    pub(crate) fn push(&mut self, kid: Option<&str>, material: KeyMaterial) -> Result<(), Error> {
        let kid = match kid {
            None => None,
            Some("") => return Err(Error::InvalidKeyId),
            Some(k) => Some(Vec::from_slice(k.as_bytes()).map_err(|_| Error::InvalidKeyId)?),
        };
        if kid.is_some() && self.keys.iter().any(|k| k.kid == kid) {
            return Err(Error::DuplicateKeyId);
        }
        self.keys
            .push(Key { kid, material })
            .map_err(|_| Error::KeyRingFull)
    }

    /// The keys a token may be checked against, per the rules in the module docs.
    pub(crate) fn select<'s>(
        &'s self,
        alg: Algorithm,
        kid: Option<Str<'_>>,
    ) -> Result<Candidates<'s>, Error> {
        match kid {
            Some(kid) => {
                let key = self
                    .keys
                    .iter()
                    .find(|k| {
                        k.kid
                            .as_deref()
                            .is_some_and(|id| kid.bytes().eq(id.iter().copied()))
                    })
                    .ok_or(Error::UnknownKey)?;
                if key.material.algorithm() != alg {
                    return Err(Error::AlgorithmMismatch);
                }
                Ok(Candidates {
                    keys: core::slice::from_ref(key),
                    alg,
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
                })
            }
        }
    }
}

/// Keys to try for one token, all bound to its algorithm.
pub(crate) struct Candidates<'s> {
    keys: &'s [Key],
    alg: Algorithm,
}

impl<'s> Candidates<'s> {
    pub(crate) fn iter(&self) -> impl Iterator<Item = &'s KeyMaterial> + '_ {
        self.keys
            .iter()
            .map(|k| &k.material)
            .filter(|m| m.algorithm() == self.alg)
    }
}
