//! JSON Web Keys (RFC 7517) and key sets, loaded into a [`KeyRing`] without allocation.
//!
//! A JWK is usable here when (RFC 7517 §4, RFC 7518 §6, RFC 8037 §2):
//! - `kty` is `RSA` (`n`, `e`, RFC 7518 §6.3.1), `oct` (`k`, §6.4.1), `EC` with `crv` `P-256`
//!   or `P-384` (`x`, `y` at the full coordinate length, §6.2.1), or `OKP` with `crv`
//!   `Ed25519` (`x`, RFC 8037 §2);
//! - `use`, if present, is `sig` (§4.2); `key_ops`, if present, contains `verify` (§4.3);
//! - `alg`, if present, is a signature algorithm of the key's type, and the key is bound to it.
//!   Without `alg` the binding is the type's default: RS256 for `RSA`, HS256 for `oct`, the
//!   curve's (ES256 for P-256, ES384 for P-384) for `EC`, EdDSA for `Ed25519`.
//!
//! A key of another type or curve, for another use, or for an algorithm this build leaves out,
//! is not for us: [`KeyRing::add_jwks`] skips and counts it. A key whose `alg` belongs to
//! another key type is malformed ([`Error::KeyTypeMismatch`]).
//!
//! The `k` of an `oct` key is secret, so it is decoded with `base64ct`, whose timing does not
//! depend on the data; public values (`n`, `e`) use the faster table decoder.

use base64ct::{Base64UrlUnpadded, Encoding};
use zeroize::Zeroize;

use crate::alg::{Algorithm, KeyMaterial, RsaKey};
use crate::b64;
use crate::error::Error;
use crate::json::{self, Object, Str};
use crate::keys::KeyRing;
use crate::limits::{MAX_JWK_SECRET_LEN, MAX_KID_LEN};

/// What [`KeyRing::add_jwks`] did with a key set. Non-exhaustive: later versions may count
/// more.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct JwksReport {
    /// Keys loaded into the ring.
    pub loaded: usize,
    /// Keys that are not for us: another `kty`, `use` other than `sig`, `key_ops` without
    /// `verify`, or an `alg` we do not verify.
    pub skipped: usize,
    /// Keys meant for RS256/HS256 signatures that could not be admitted (too small, malformed,
    /// a private key, an empty or over-long `kid`).
    pub rejected: usize,
    /// Why the first rejected key was rejected.
    pub first_rejection: Option<Error>,
    /// Usable keys left out because the ring was full (its capacity is `KeyRing<N>`'s `N`):
    /// the set loaded as far as it fit, and the caller decides whether that is enough.
    pub left_out: usize,
    /// `oct` keys passed over by [`KeyRing::add_public_jwks`]: a secret published in a
    /// document anyone can fetch is no secret, so a fetched set never supplies one.
    pub secrets_skipped: usize,
}

/// Which keys a JWK Set may supply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    /// A document the operator installed (a file): HMAC secrets (`oct`) included.
    Configured,
    /// A document fetched from somewhere (an identity provider's JWKS URL): public keys only.
    Published,
}

fn text<'a>(obj: &Object<'a>, name: &str) -> Result<Option<Str<'a>>, Error> {
    match obj.get(name) {
        None => Ok(None),
        Some(v) => v.as_str().map(Some).ok_or(Error::KeyFormat),
    }
}

/// Base64url members never need JSON escapes; one that has them is malformed.
fn b64_member<'a>(obj: &Object<'a>, name: &str) -> Result<&'a [u8], Error> {
    let s = text(obj, name)?.ok_or(Error::KeyFormat)?;
    s.as_str().map(str::as_bytes).map_err(|_| Error::KeyFormat)
}

/// The algorithm the JWK is for, given its type's algorithms (`family`, the first being the
/// default): `Ok(None)` when `use`, `key_ops` or `alg` say it is not a signature key for us
/// (or its algorithm is not built); `Err` for malformed members.
fn binding(obj: &Object<'_>, family: &[Algorithm]) -> Result<Option<Algorithm>, Error> {
    if text(obj, "use")?.is_some_and(|u| u != "sig") {
        return Ok(None);
    }
    if let Some(ops) = obj.get("key_ops") {
        let ops = ops.as_array().ok_or(Error::KeyFormat)?;
        let mut verify = false;
        for op in ops.iter() {
            let op = op.as_str().ok_or(Error::KeyFormat)?;
            verify |= op == "verify";
        }
        if !verify {
            return Ok(None);
        }
    }
    let alg = match text(obj, "alg")? {
        None => family.first().copied(),
        Some(name) => match Algorithm::ALL.iter().copied().find(|a| name == a.name()) {
            // Not a JWS signature algorithm we know (`RSA-OAEP`, `ES512`, ...): not for us.
            None => return Ok(None),
            Some(a) if !family.contains(&a) => return Err(Error::KeyTypeMismatch),
            Some(a) => Some(a),
        },
    };
    Ok(alg.filter(|a| a.is_built()))
}

/// A parsed JWK, or why it is not for us.
#[allow(clippy::large_enum_variant)] // no heap to box into; it lives for one call
enum Parsed {
    Key(KeyMaterial),
    NotForUs,
    /// An `oct` key in a published set, passed over without decoding its `k`.
    Secret,
}

/// A fixed-length base64url member (EC coordinates, Ed25519 keys) decoded into `out`.
#[cfg(any(feature = "es256", feature = "es384", feature = "eddsa"))]
fn fixed<'o>(obj: &Object<'_>, name: &str, out: &'o mut [u8]) -> Result<&'o [u8], Error> {
    let want = out.len();
    let got = b64::decode(b64_member(obj, name)?, out).map_err(|_| Error::KeyFormat)?;
    if got.len() != want {
        return Err(Error::KeyFormat);
    }
    Ok(got)
}

fn parse(obj: &Object<'_>, source: Source) -> Result<Parsed, Error> {
    use Algorithm::*;
    let kty = text(obj, "kty")?.ok_or(Error::KeyFormat)?;
    if kty == "RSA" {
        let Some(alg) = binding(obj, &[RS256, RS384, RS512, PS256, PS384, PS512])? else {
            return Ok(Parsed::NotForUs);
        };
        // RFC 7518 §6.3.2: `d` (and the CRT members) make it a private key. Verifying needs
        // only `n` and `e`, and a gateway given the signing key should be told.
        if obj.get("d").is_some() {
            return Err(Error::PrivateKey);
        }
        let mut n = [0u8; crate::alg::RSA_MAX_LEN];
        let mut e = [0u8; 8];
        let n = b64::decode(b64_member(obj, "n")?, &mut n).map_err(|_| Error::KeyFormat)?;
        let e = b64::decode(b64_member(obj, "e")?, &mut e).map_err(|_| Error::KeyFormat)?;
        // RFC 7518 §6.3.1.1-2: both are minimal big-endian octet strings ("MUST utilize the
        // minimum number of octets"), so a leading zero octet is malformed.
        if n.first() == Some(&0) || e.first() == Some(&0) {
            return Err(Error::KeyFormat);
        }
        let key = RsaKey::from_components(n, e)?.for_algorithm(alg)?;
        return Ok(Parsed::Key(KeyMaterial::Rsa(key)));
    }
    if kty == "oct" {
        // Before anything else about it: whatever its members say, a secret from a public
        // document must not verify anything (RFC 8725 §3.1, and jose's remote key sets).
        if source == Source::Published {
            return Ok(Parsed::Secret);
        }
        let Some(alg) = binding(obj, &[HS256, HS384, HS512])? else {
            return Ok(Parsed::NotForUs);
        };
        let mut k = [0u8; MAX_JWK_SECRET_LEN];
        let result = Base64UrlUnpadded::decode(b64_member(obj, "k")?, &mut k)
            .map_err(|_| Error::KeyFormat)
            .and_then(|secret| crate::keys::hmac_secret(alg, secret));
        k.zeroize();
        return Ok(Parsed::Key(KeyMaterial::Hmac(result?)));
    }
    if kty == "EC" {
        let crv = text(obj, "crv")?.ok_or(Error::KeyFormat)?;
        // The coordinate size, and the SEC 1 uncompressed point's: 04 || x || y.
        let (family, size, point_len) = if crv == "P-256" {
            (ES256, 32, 65)
        } else if crv == "P-384" {
            (ES384, 48, 97)
        } else {
            // P-521 (ES512), secp256k1 (ES256K) and others: not for us.
            return Ok(Parsed::NotForUs);
        };
        let Some(_alg) = binding(obj, &[family])? else {
            return Ok(Parsed::NotForUs);
        };
        if obj.get("d").is_some() {
            return Err(Error::PrivateKey);
        }
        #[cfg(any(feature = "es256", feature = "es384"))]
        {
            // SEC 1 uncompressed: 04 || x || y, each the full coordinate length (RFC 7518
            // §6.2.1.2-3).
            let mut point = [0u8; 1 + 2 * 48];
            let (tag, xy) = point.split_at_mut(1);
            tag.copy_from_slice(&[0x04]);
            let (x, rest) = xy.split_at_mut(size);
            fixed(obj, "x", x)?;
            fixed(obj, "y", rest.get_mut(..size).ok_or(Error::KeyFormat)?)?;
            let point = point.get(..point_len).ok_or(Error::KeyFormat)?;
            let key = crate::alg::EcKey::from_sec1(_alg, point)?;
            return Ok(Parsed::Key(KeyMaterial::Ec(key)));
        }
        #[cfg(not(any(feature = "es256", feature = "es384")))]
        {
            let _ = (size, point_len);
            return Ok(Parsed::NotForUs);
        }
    }
    if kty == "OKP" {
        if text(obj, "crv")?.is_none_or(|c| c != "Ed25519") {
            // Ed448, X25519, X448: not for us (RFC 8037 §2).
            return Ok(Parsed::NotForUs);
        }
        let Some(_alg) = binding(obj, &[EdDSA])? else {
            return Ok(Parsed::NotForUs);
        };
        if obj.get("d").is_some() {
            return Err(Error::PrivateKey);
        }
        #[cfg(feature = "eddsa")]
        {
            let mut x = [0u8; 32];
            fixed(obj, "x", &mut x)?;
            let key = crate::alg::Ed25519Key::from_bytes(&x)?;
            return Ok(Parsed::Key(KeyMaterial::Ed25519(key)));
        }
    }
    Ok(Parsed::NotForUs)
}

/// What became of one key of a set.
enum Loaded {
    Key,
    NotForUs,
    Secret,
}

fn kid_of<'b>(obj: &Object<'_>, buf: &'b mut [u8; MAX_KID_LEN]) -> Result<Option<&'b str>, Error> {
    match text(obj, "kid")? {
        None => Ok(None),
        Some(k) => k
            .unescape_into(buf)
            .map(Some)
            .map_err(|_| Error::InvalidKeyId),
    }
}

fn validated(doc: &[u8]) -> Result<Object<'_>, Error> {
    let mut keys = [0u32; crate::limits::MAX_JSON_MEMBERS];
    json::validate(doc, &mut keys).map_err(|_| Error::KeyFormat)?;
    Object::from_validated(doc).ok_or(Error::KeyFormat)
}

impl<const N: usize> KeyRing<N> {
    /// Load one JWK (`RSA` for RS256 or `oct` for HS256), with its `kid` if it has one.
    ///
    /// A key whose `kty`, `use`, `key_ops` or `alg` rule out RS256/HS256 verification is
    /// [`Error::UnsupportedKeyType`].
    pub fn add_jwk(&mut self, jwk: &[u8]) -> Result<(), Error> {
        let obj = validated(jwk)?;
        match parse(&obj, Source::Configured)? {
            Parsed::Key(material) => {
                let mut kid = [0u8; MAX_KID_LEN];
                let kid = kid_of(&obj, &mut kid)?;
                self.push(kid, material)
            }
            Parsed::NotForUs | Parsed::Secret => Err(Error::UnsupportedKeyType),
        }
    }

    /// Load every usable signing key of a JWK Set (`{"keys":[...]}`, RFC 7517 §5).
    ///
    /// Keys that are not for us are skipped and counted; keys meant for us that cannot be
    /// admitted are counted as rejected, with the first reason. When the ring fills up, the
    /// keys that fit stay loaded and the rest are counted in [`JwksReport::left_out`]: nothing
    /// is dropped silently, and the caller decides whether a partial set will do.
    ///
    /// When nothing loads, the error says why: the first rejected key's reason (say
    /// [`Error::RsaModulusTooSmall`] or [`Error::PrivateKey`]); else [`Error::KeyRingFull`] if
    /// the ring was full before the first key; else [`Error::NoUsableKeys`] (no key in the set
    /// is for RS256/HS256 verification). On error the ring keeps the keys loaded before it.
    pub fn add_jwks(&mut self, jwks: &[u8]) -> Result<JwksReport, Error> {
        self.add_key_set(jwks, Source::Configured)
    }

    /// [`KeyRing::add_jwks`] for a key set fetched from an identity provider: public keys only.
    /// An `oct` key is passed over (counted in [`JwksReport::secrets_skipped`], its `k` never
    /// decoded): a JWKS is a public document, so anyone who can read it could mint tokens with
    /// a secret it holds. A set of nothing but secrets is [`Error::NoUsableKeys`].
    pub fn add_public_jwks(&mut self, jwks: &[u8]) -> Result<JwksReport, Error> {
        self.add_key_set(jwks, Source::Published)
    }

    fn add_key_set(&mut self, jwks: &[u8], source: Source) -> Result<JwksReport, Error> {
        let obj = validated(jwks)?;
        let keys = obj
            .get("keys")
            .and_then(|v| v.as_array())
            .ok_or(Error::KeyFormat)?;
        let mut report = JwksReport::default();
        for key in keys.iter() {
            let key = key.as_object().ok_or(Error::KeyFormat)?;
            let mut kid = [0u8; MAX_KID_LEN];
            // One key an identity provider publishes badly (an empty or over-long `kid`, a
            // malformed modulus) must not stop a gateway from loading the others: it is
            // counted as rejected, like a key that is too small.
            let loaded = parse(&key, source).and_then(|parsed| match parsed {
                Parsed::Key(material) => {
                    let kid = kid_of(&key, &mut kid)?;
                    self.push(kid, material).map(|()| Loaded::Key)
                }
                Parsed::NotForUs => Ok(Loaded::NotForUs),
                Parsed::Secret => Ok(Loaded::Secret),
            });
            match loaded {
                Ok(Loaded::Key) => report.loaded = report.loaded.saturating_add(1),
                Ok(Loaded::NotForUs) => report.skipped = report.skipped.saturating_add(1),
                Ok(Loaded::Secret) => {
                    report.secrets_skipped = report.secrets_skipped.saturating_add(1);
                }
                Err(Error::KeyRingFull) => report.left_out = report.left_out.saturating_add(1),
                Err(e) => {
                    report.rejected = report.rejected.saturating_add(1);
                    report.first_rejection = report.first_rejection.or(Some(e));
                }
            }
        }
        if report.loaded == 0 {
            return Err(match report.first_rejection {
                Some(reason) => reason,
                None if report.left_out > 0 => Error::KeyRingFull,
                None => Error::NoUsableKeys,
            });
        }
        Ok(report)
    }
}
