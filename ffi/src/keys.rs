//! Key loading: HMAC secrets, public keys (RSA, EC P-256/P-384, Ed25519 as PEM, DER, JWK or
//! an RSA modulus and exponent) and JWKS documents, each key bound to one algorithm when it is
//! loaded (the core's `KeyRing`): `_add_hmac`, `_add_key_pem`, `_add_key_der` and
//! `_add_rsa_components` take the algorithm as a `JWTGUARD_ALG_*` code.

#[cfg(feature = "jwk")]
use jwtguard_core::Error;
use jwtguard_core::KeyRing;

use crate::algorithm::algorithm;
#[cfg(feature = "jwk")]
use crate::c_write;
use crate::capacity::JWTGUARD_MAX_KEYS;
#[cfg(feature = "jwk")]
use crate::status::jwtguard_status::*;
use crate::status::jwtguard_status::{self};
use crate::verifier::jwtguard_verifier;
use crate::{c_bytes, c_kid, configure, guard};

/// The body of every `(alg, kid, data)` key loader: take the verifier, the algorithm, the
/// optional kid and the key bytes from C (in that order, so the first bad argument is the one
/// reported), then run `$load` on the key ring.
macro_rules! load_key {
    ($verifier:expr, $alg:expr, ($kid:expr, $kid_len:expr), ($data:expr, $len:expr), $load:expr) => {
        guard(|| {
            let v = configure!($verifier)?;
            let alg = $alg;
            let kid = c_kid!($kid, $kid_len)?;
            let data = c_bytes!($data, $len)?;
            let load = $load;
            load(v.core.keys_mut(), alg, kid, data).map_err(jwtguard_status::from)
        })
    };
}

#[cfg(feature = "pem")]
/// Load a public key bound to `alg` (a `JWTGUARD_ALG_*` code) from PEM: "PUBLIC KEY" (SPKI of
/// an RSA, EC P-256/P-384 or Ed25519 key) or "RSA PUBLIC KEY". The key must fit the algorithm
/// (RSA for RS*/PS*, P-256 for ES256, P-384 for ES384, Ed25519 for EdDSA), else
/// `JWTGUARD_KEY_TYPE_MISMATCH`; an unknown code is `JWTGUARD_INVALID_ARGUMENT` and one this
/// build leaves out `JWTGUARD_UNSUPPORTED_ALGORITHM`. A `kid_len` of 0 loads a key without an id.
///
/// # Safety
/// `verifier` must be valid and not in use by another thread; `(kid, kid_len)` and
/// `(data, len)` must be readable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_verifier_add_key_pem(
    verifier: *mut jwtguard_verifier,
    alg: u32,
    kid: *const u8,
    kid_len: usize,
    data: *const u8,
    len: usize,
) -> jwtguard_status {
    load_key!(
        verifier,
        algorithm(alg)?,
        (kid, kid_len),
        (data, len),
        |ring: &mut KeyRing<JWTGUARD_MAX_KEYS>, alg, kid, data| { ring.add_pem(alg, kid, data) }
    )
}

#[cfg(feature = "der")]
/// `jwtguard_verifier_add_key_pem` from DER (SPKI, or PKCS#1 for RSA).
///
/// # Safety
/// `verifier` must be valid and not in use by another thread; `(kid, kid_len)` and
/// `(data, len)` must be readable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_verifier_add_key_der(
    verifier: *mut jwtguard_verifier,
    alg: u32,
    kid: *const u8,
    kid_len: usize,
    data: *const u8,
    len: usize,
) -> jwtguard_status {
    load_key!(
        verifier,
        algorithm(alg)?,
        (kid, kid_len),
        (data, len),
        |ring: &mut KeyRing<JWTGUARD_MAX_KEYS>, alg, kid, data| { ring.add_der(alg, kid, data) }
    )
}

/// Load an HMAC secret bound to `alg` (`JWTGUARD_ALG_HS256`, `_HS384` or `_HS512`), at least
/// as long as the hash output (32, 48 or 64 bytes, else `JWTGUARD_KEY_TOO_SHORT`). A public-key
/// algorithm is `JWTGUARD_KEY_TYPE_MISMATCH`. A `kid_len` of 0 loads a key without an id.
///
/// # Safety
/// `verifier` must be valid and not in use by another thread; `(kid, kid_len)` and
/// `(data, len)` must be readable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_verifier_add_hmac(
    verifier: *mut jwtguard_verifier,
    alg: u32,
    kid: *const u8,
    kid_len: usize,
    data: *const u8,
    len: usize,
) -> jwtguard_status {
    load_key!(
        verifier,
        algorithm(alg)?,
        (kid, kid_len),
        (data, len),
        |ring: &mut KeyRing<JWTGUARD_MAX_KEYS>, alg, kid, data| { ring.add_hmac(alg, kid, data) }
    )
}

/// Load an RSA public key bound to `alg` (`JWTGUARD_ALG_RS256` to `_PS512`) from its big-endian
/// modulus `(n, n_len)` and exponent `(e, e_len)` (leading zero bytes allowed): no key-format
/// parser involved, for firmware that keeps `n` and `e` as bytes. 2048 to 4096 bits (2048 in
/// builds without `rsa-4096`), n odd, e odd from 3 to 2^32-1. A `kid_len` of 0 loads a key
/// without an id.
///
/// # Safety
/// `verifier` must be valid and not in use by another thread; `(kid, kid_len)`, `(n, n_len)`
/// and `(e, e_len)` must be readable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_verifier_add_rsa_components(
    verifier: *mut jwtguard_verifier,
    alg: u32,
    kid: *const u8,
    kid_len: usize,
    n: *const u8,
    n_len: usize,
    e: *const u8,
    e_len: usize,
) -> jwtguard_status {
    guard(|| {
        let v = configure!(verifier)?;
        let alg = algorithm(alg)?;
        let kid = c_kid!(kid, kid_len)?;
        let n = c_bytes!(n, n_len)?;
        let e = c_bytes!(e, e_len)?;
        v.core
            .keys_mut()
            .add_rsa_components(alg, kid, n, e)
            .map_err(Into::into)
    })
}

/// Load an EC public key bound to `alg` (JWTGUARD_ALG_ES256 or _ES384) from its SEC 1 point
/// (`04 || x || y`, or compressed): no key-format parser involved, for firmware that keeps the
/// point as bytes. The point is validated (on the curve, not the identity:
/// `JWTGUARD_INVALID_PUBLIC_KEY`, also for a point of the other curve). A `kid_len` of 0 loads
/// a key without an id. Builds with ES256 or ES384 only (features es256, es384, ecdsa).
///
/// # Safety
/// `verifier` must be valid and not in use by another thread; `(kid, kid_len)` and
/// `(point, point_len)` must be readable.
#[cfg(any(feature = "es256", feature = "es384"))]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_verifier_add_ec_point(
    verifier: *mut jwtguard_verifier,
    alg: u32,
    kid: *const u8,
    kid_len: usize,
    point: *const u8,
    point_len: usize,
) -> jwtguard_status {
    guard(|| {
        let v = configure!(verifier)?;
        let alg = algorithm(alg)?;
        let kid = c_kid!(kid, kid_len)?;
        let point = c_bytes!(point, point_len)?;
        v.core
            .keys_mut()
            .add_ec_point(alg, kid, point)
            .map_err(Into::into)
    })
}

#[cfg(feature = "jwk")]
/// Load one JWK (RSA, oct, EC P-256/P-384, OKP Ed25519), bound to its "alg" or to its type's
/// default (RS256, HS256, the curve's ES256/ES384, EdDSA); its own "kid" is used.
///
/// # Safety
/// `verifier` must be valid and not in use by another thread; `(jwk, len)` must be readable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_verifier_add_jwk(
    verifier: *mut jwtguard_verifier,
    jwk: *const u8,
    len: usize,
) -> jwtguard_status {
    guard(|| {
        let v = configure!(verifier)?;
        let jwk = c_bytes!(jwk, len)?;
        v.core.keys_mut().add_jwk(jwk).map_err(Into::into)
    })
}

#[cfg(feature = "jwk")]
/// Load every usable signing key of a JWKS document. `loaded` and `skipped` (either may be
/// NULL) receive how many keys were loaded and how many were not: skipped, rejected, or left
/// out because the verifier was full. `jwtguard_verifier_add_jwks_report` tells these apart
/// and gives the first rejection's reason; when no key loads, the status is that reason.
///
/// # Safety
/// `verifier` must be valid and not in use by another thread; `(jwks, len)` must be readable;
/// non-NULL `loaded` / `skipped` must be writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_verifier_add_jwks(
    verifier: *mut jwtguard_verifier,
    jwks: *const u8,
    len: usize,
    loaded: *mut usize,
    skipped: *mut usize,
) -> jwtguard_status {
    guard(|| {
        let v = configure!(verifier)?;
        let jwks = c_bytes!(jwks, len)?;
        let report = v.core.keys_mut().add_jwks(jwks)?;
        if !loaded.is_null() {
            c_write!(loaded, report.loaded)?;
        }
        if !skipped.is_null() {
            c_write!(skipped, report.skipped + report.rejected + report.left_out)?;
        }
        Ok(())
    })
}

#[cfg(feature = "jwk")]
/// What `jwtguard_verifier_add_jwks_report` did with a key set.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct jwtguard_jwks_report {
    /// Keys loaded.
    pub loaded: usize,
    /// Keys not for us: another `kty`, `use` other than `sig`, `key_ops` without `verify`, or
    /// an `alg` this library does not verify.
    pub skipped: usize,
    /// Keys meant for us that could not be admitted (too small, malformed, a private key, an
    /// empty or over-long kid).
    pub rejected: usize,
    /// Usable keys left out because the verifier's key capacity (`JWTGUARD_MAX_KEYS`) was
    /// reached: the keys that fit are loaded, and the caller decides whether that will do.
    pub left_out: usize,
    /// Why the first rejected key was rejected, as a `jwtguard_status` (0 if none was).
    pub first_rejection: u32,
    /// `oct` (HMAC secret) keys passed over by `jwtguard_verifier_add_jwks_public`; always 0
    /// from `jwtguard_verifier_add_jwks_report`.
    pub secrets_skipped: usize,
}

#[cfg(feature = "jwk")]
impl From<jwtguard_core::JwksReport> for jwtguard_jwks_report {
    fn from(r: jwtguard_core::JwksReport) -> Self {
        Self {
            loaded: r.loaded,
            skipped: r.skipped,
            rejected: r.rejected,
            left_out: r.left_out,
            first_rejection: r
                .first_rejection
                .map_or(0, |e| jwtguard_status::from(e) as u32),
            secrets_skipped: r.secrets_skipped,
        }
    }
}

#[cfg(feature = "jwk")]
/// Load every usable signing key of a JWKS, as `jwtguard_verifier_add_jwks`, and fill
/// `*report` (written on success only). When no key loads, the status says why: the first
/// rejected key's reason (say `JWTGUARD_RSA_MODULUS_TOO_SMALL` or `JWTGUARD_PRIVATE_KEY`),
/// else `JWTGUARD_KEY_RING_FULL`, else `JWTGUARD_NO_USABLE_KEYS`. For a key set the operator
/// installed (a file): it may hold HMAC secrets (`oct`). A key set fetched from an identity
/// provider goes through `jwtguard_verifier_add_jwks_public`.
///
/// # Safety
/// `verifier` must be valid and not in use by another thread; `(jwks, len)` readable;
/// `report` writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_verifier_add_jwks_report(
    verifier: *mut jwtguard_verifier,
    jwks: *const u8,
    len: usize,
    report: *mut jwtguard_jwks_report,
) -> jwtguard_status {
    guard(|| {
        // Checked first: a set loaded without its report would be reported as a failure.
        if report.is_null() {
            return Err(JWTGUARD_NULL_ARGUMENT);
        }
        let loaded = load_jwks(
            configure!(verifier)?,
            c_bytes!(jwks, len)?,
            KeyRing::add_jwks,
        );
        c_write!(report, loaded?)
    })
}

#[cfg(feature = "jwk")]
/// `jwtguard_verifier_add_jwks_report` for a key set fetched over the network (an identity
/// provider's JWKS URL): public keys only. Each `oct` key is passed over and counted in
/// `report->secrets_skipped`, its secret never decoded: a JWKS is a public document, so anyone
/// who can fetch it could sign tokens with a secret it holds. A set with nothing but secrets is
/// `JWTGUARD_NO_USABLE_KEYS`.
///
/// # Safety
/// `verifier` must be valid and not in use by another thread; `(jwks, len)` readable;
/// `report` writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_verifier_add_jwks_public(
    verifier: *mut jwtguard_verifier,
    jwks: *const u8,
    len: usize,
    report: *mut jwtguard_jwks_report,
) -> jwtguard_status {
    guard(|| {
        // Checked first: a set loaded without its report would be reported as a failure.
        if report.is_null() {
            return Err(JWTGUARD_NULL_ARGUMENT);
        }
        let loaded = load_jwks(
            configure!(verifier)?,
            c_bytes!(jwks, len)?,
            KeyRing::add_public_jwks,
        );
        c_write!(report, loaded?)
    })
}

#[cfg(feature = "jwk")]
/// The body of both JWKS loaders with a report.
fn load_jwks(
    v: &mut jwtguard_verifier,
    jwks: &[u8],
    load: fn(&mut KeyRing<JWTGUARD_MAX_KEYS>, &[u8]) -> Result<jwtguard_core::JwksReport, Error>,
) -> Result<jwtguard_jwks_report, jwtguard_status> {
    Ok(load(v.core.keys_mut(), jwks)?.into())
}
