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

use crate::alg::{Algorithm, HmacKey, KeyMaterial, RsaKey};
use crate::error::Error;
use crate::json::Str;
use crate::keydoc;
#[cfg(feature = "der")]
use crate::keyfmt;
use crate::limits::{DEFAULT_KIDLESS_LIMIT, MAX_KID_LEN};

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

    /// Load an HMAC secret bound to `alg` (HS256, HS384 or HS512), at least as long as the
    /// hash output (32, 48 or 64 bytes, RFC 7518 §3.2). A public-key algorithm is
    /// [`Error::KeyTypeMismatch`].
    pub fn add_hmac(
        &mut self,
        alg: Algorithm,
        kid: Option<&str>,
        secret: &[u8],
    ) -> Result<(), Error> {
        self.push(kid, KeyMaterial::Hmac(hmac_secret(alg, secret)?))
    }

    /// Load a public key bound to `alg` from DER: SPKI (RSA, EC P-256/P-384, Ed25519) or
    /// PKCS#1 `RSAPublicKey`. The key must fit the algorithm: an RSA key for RS256/384/512 or
    /// PS256/384/512, a P-256 key for ES256, a P-384 key for ES384, an Ed25519 key for EdDSA;
    /// anything else is [`Error::KeyTypeMismatch`]. An algorithm the build leaves out is
    /// [`Error::UnsupportedAlgorithm`].
    #[cfg(feature = "der")]
    pub fn add_der(&mut self, alg: Algorithm, kid: Option<&str>, der: &[u8]) -> Result<(), Error> {
        self.push(kid, keyfmt::material_from_der(alg, der)?)
    }

    /// [`KeyRing::add_der`] from PEM (`BEGIN PUBLIC KEY`, or `BEGIN RSA PUBLIC KEY`).
    #[cfg(feature = "pem")]
    pub fn add_pem(&mut self, alg: Algorithm, kid: Option<&str>, pem: &[u8]) -> Result<(), Error> {
        self.push(kid, keyfmt::material_from_pem(alg, pem)?)
    }

    /// Load an RSA public key bound to `alg` (RS256/384/512 or PS256/384/512) from its
    /// big-endian modulus and exponent: no key-format parser involved, for devices that keep
    /// `n` and `e` as bytes. The key's checks are [`RsaKey::from_components`]'s.
    pub fn add_rsa_components(
        &mut self,
        alg: Algorithm,
        kid: Option<&str>,
        n: &[u8],
        e: &[u8],
    ) -> Result<(), Error> {
        let key = RsaKey::from_components(n, e)?.for_algorithm(alg)?;
        self.push(kid, KeyMaterial::Rsa(key))
    }

    /// Load an EC public key bound to `alg` (ES256 or ES384) from its SEC 1 point (`04 || x ||
    /// y`, or compressed): no key-format parser involved, for devices that keep the point as
    /// bytes. The point is validated here (on the curve, not the identity:
    /// [`Error::InvalidPublicKey`]); a point of the other curve is [`Error::InvalidPublicKey`]
    /// too, and an algorithm that is not ECDSA [`Error::KeyTypeMismatch`].
    #[cfg(any(feature = "es256", feature = "es384"))]
    pub fn add_ec_point(
        &mut self,
        alg: Algorithm,
        kid: Option<&str>,
        point: &[u8],
    ) -> Result<(), Error> {
        if !alg.is_built() {
            return Err(Error::UnsupportedAlgorithm);
        }
        let key = crate::alg::EcKey::from_sec1(alg, point)?;
        self.push(kid, KeyMaterial::Ec(key))
    }

    /// What identifies the ring in a verify cache's fingerprint: every key with its id, in
    /// order, and the rules for tokens without `kid`.
    pub(crate) fn identity(&self, feed: &mut dyn FnMut(&[u8])) {
        feed(&[u8::from(self.require_kid), self.kidless_limit]);
        feed(
            &u64::try_from(self.keys.len())
                .unwrap_or(u64::MAX)
                .to_be_bytes(),
        );
        for key in &self.keys {
            match &key.kid {
                Some(kid) => crate::alg::feed_field(feed, kid),
                None => feed(&[0xff]),
            }
            key.material.identity(feed);
        }
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
        self.iter_with_ids().map(|(_, m)| m)
    }

    /// [`Candidates::iter`], each key with its `kid`.
    pub(crate) fn iter_with_ids(
        &self,
    ) -> impl Iterator<Item = (Option<&'s [u8]>, &'s KeyMaterial)> + '_ {
        self.keys
            .iter()
            .filter(|k| k.material.algorithm() == self.alg)
            .take(self.limit)
            .map(|k| (k.kid.as_deref(), &k.material))
    }
}

/// An HMAC secret for `alg` ([`HmacKey::for_algorithm`]), refused with [`Error::SecretIsKey`]
/// when it is a key document ([`keydoc::is_key_document`]): the loaders' check, above the
/// primitive, which takes any bytes.
pub(crate) fn hmac_secret(alg: Algorithm, secret: &[u8]) -> Result<HmacKey, Error> {
    let key = HmacKey::for_algorithm(alg, secret)?;
    if keydoc::is_key_document(secret) {
        return Err(Error::SecretIsKey);
    }
    Ok(key)
}
