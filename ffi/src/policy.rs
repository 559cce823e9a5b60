//! The verifier's policy setters: issuers, audiences, parties, permissions, metadata fields,
//! time rules and profile switches. Each runs on a verifier that no other thread uses.

use heapless::{String, Vec};
use jwtguard_core::check_fields;

use crate::capacity::Text;
use crate::status::jwtguard_status::{self, *};
use crate::verifier::{Field, jwtguard_verifier};
use crate::{c_text, configure, flag, guard, shared};

fn push_text<const N: usize>(list: &mut Vec<Text, N>, s: &str) -> Result<(), jwtguard_status> {
    let t = Text::try_from(s).map_err(|_| JWTGUARD_INVALID_ARGUMENT)?;
    list.push(t).map_err(|_| JWTGUARD_CAPACITY_EXCEEDED)
}

/// Shared body of the list setters: a non-empty UTF-8 entry appended to `list`.
fn add_text<const N: usize>(list: &mut Vec<Text, N>, s: &str) -> Result<(), jwtguard_status> {
    if s.is_empty() {
        return Err(JWTGUARD_INVALID_ARGUMENT);
    }
    push_text(list, s)
}

/// Accept this `iss` (repeatable; none configured: iss is not checked).
///
/// # Safety
/// `verifier` must be valid and not in use by another thread; `(value, len)` readable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_verifier_add_issuer(
    verifier: *mut jwtguard_verifier,
    value: *const u8,
    len: usize,
) -> jwtguard_status {
    guard(|| add_text(&mut configure!(verifier)?.issuers, c_text!(value, len)?))
}

/// Accept tokens whose `aud` contains this (repeatable). A token with an `aud` is rejected
/// when no audience is configured (RFC 7519 §4.1.3).
///
/// # Safety
/// `verifier` must be valid and not in use by another thread; `(value, len)` readable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_verifier_add_audience(
    verifier: *mut jwtguard_verifier,
    value: *const u8,
    len: usize,
) -> jwtguard_status {
    guard(|| add_text(&mut configure!(verifier)?.audiences, c_text!(value, len)?))
}

/// Require `azp` to be one of these (repeatable).
///
/// # Safety
/// `verifier` must be valid and not in use by another thread; `(value, len)` readable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_verifier_add_authorized_party(
    verifier: *mut jwtguard_verifier,
    value: *const u8,
    len: usize,
) -> jwtguard_status {
    guard(|| add_text(&mut configure!(verifier)?.parties, c_text!(value, len)?))
}

/// Require this permission of every token (repeatable; calls may add more).
///
/// # Safety
/// `verifier` must be valid and not in use by another thread; `(value, len)` readable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_verifier_add_required_permission(
    verifier: *mut jwtguard_verifier,
    value: *const u8,
    len: usize,
) -> jwtguard_status {
    guard(|| add_text(&mut configure!(verifier)?.permissions, c_text!(value, len)?))
}

/// The claim holding permissions: "permissions" by default, "scope" or "scp" for OAuth.
///
/// # Safety
/// `verifier` must be valid and not in use by another thread; `(name, len)` readable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_verifier_set_permissions_claim(
    verifier: *mut jwtguard_verifier,
    name: *const u8,
    len: usize,
) -> jwtguard_status {
    guard(|| {
        let v = configure!(verifier)?;
        let s = c_text!(name, len)?;
        if s.is_empty() {
            return Err(JWTGUARD_INVALID_ARGUMENT);
        }
        v.permissions_claim = Some(String::try_from(s).map_err(|_| JWTGUARD_INVALID_ARGUMENT)?);
        Ok(())
    })
}

/// Copy the claim at dot `path` into the metadata document as `name` (NULL/0: the path's last
/// segment). `required` (0 or 1): reject tokens without it. A path with an empty segment
/// (`a..b`, `.a`, `a.`) is `JWTGUARD_INVALID_METADATA_FIELD`.
///
/// # Safety
/// `verifier` must be valid and not in use by another thread; the pairs readable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_verifier_add_metadata_field(
    verifier: *mut jwtguard_verifier,
    path: *const u8,
    path_len: usize,
    name: *const u8,
    name_len: usize,
    required: u32,
) -> jwtguard_status {
    guard(|| {
        let required = flag(required)?;
        let v = configure!(verifier)?;
        let path = c_text!(path, path_len)?;
        let name = c_text!(name, name_len)?;
        let field = Field {
            path: Text::try_from(path).map_err(|_| JWTGUARD_INVALID_ARGUMENT)?,
            name: String::try_from(name).map_err(|_| JWTGUARD_INVALID_METADATA_FIELD)?,
            required,
        };
        v.fields
            .push(field)
            .map_err(|_| JWTGUARD_CAPACITY_EXCEEDED)?;
        // Check the whole list now, so a bad field fails configuration, not the first token.
        let checked = v.with_policy(|p| check_fields(p.metadata_fields()));
        if let Err(r) = checked {
            v.fields.pop();
            return Err(r.error.into());
        }
        Ok(())
    })
}

/// Clock skew allowed on exp, nbf, iat and max age, in seconds (default 0).
///
/// # Safety
/// `verifier` must be valid and not in use by another thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_verifier_set_leeway(
    verifier: *mut jwtguard_verifier,
    seconds: u64,
) -> jwtguard_status {
    guard(|| configure!(verifier).map(|v| v.leeway = seconds))
}

/// Reject tokens issued more than `seconds` ago (0: no limit; default). Makes iat required.
///
/// # Safety
/// `verifier` must be valid and not in use by another thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_verifier_set_max_age(
    verifier: *mut jwtguard_verifier,
    seconds: u64,
) -> jwtguard_status {
    guard(|| {
        let v = configure!(verifier)?;
        v.max_age = (seconds > 0).then_some(seconds);
        Ok(())
    })
}

/// Whether exp must be present: 1 (the default) or 0; any other value is
/// `JWTGUARD_INVALID_ARGUMENT`.
///
/// # Safety
/// `verifier` must be valid and not in use by another thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_verifier_set_require_exp(
    verifier: *mut jwtguard_verifier,
    required: u32,
) -> jwtguard_status {
    guard(|| {
        let required = flag(required)?;
        configure!(verifier).map(|v| v.require_exp = required)
    })
}

/// Whether sub must be a non-empty string: 1 (the default) or 0; any other value is
/// `JWTGUARD_INVALID_ARGUMENT`.
///
/// # Safety
/// `verifier` must be valid and not in use by another thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_verifier_set_require_sub(
    verifier: *mut jwtguard_verifier,
    required: u32,
) -> jwtguard_status {
    guard(|| {
        let required = flag(required)?;
        configure!(verifier).map(|v| v.require_sub = required)
    })
}

/// The OAuth 2.0 JWT access-token profile (RFC 9068), `enabled` 1 or 0: typ at+jwt required;
/// iss, aud, client_id, iat and jti required; permissions read from "scope" (unless a
/// permissions claim was set). Any other value is `JWTGUARD_INVALID_ARGUMENT`.
///
/// # Safety
/// `verifier` must be valid and not in use by another thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_verifier_set_access_token_profile(
    verifier: *mut jwtguard_verifier,
    enabled: u32,
) -> jwtguard_status {
    guard(|| {
        let enabled = flag(enabled)?;
        configure!(verifier).map(|v| v.access_token = enabled)
    })
}

/// Waive the issuer check explicitly: with no `jwtguard_verifier_add_issuer`, tokens of any
/// `iss` (or none) are accepted. Without an issuer and without this call, `jwtguard_verify`
/// answers `JWTGUARD_ISSUER_NOT_CONFIGURED` (RFC 8725 §3.8 asks verifiers to validate `iss`; a
/// forgotten line must not waive it silently).
///
/// # Safety
/// `verifier` must be valid and not in use by another thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_verifier_allow_any_issuer(
    verifier: *mut jwtguard_verifier,
) -> jwtguard_status {
    guard(|| configure!(verifier).map(|v| v.any_issuer = true))
}

/// Declare that tokens carry no `aud`: with no `jwtguard_verifier_add_audience`, a token
/// without `aud` is accepted (one with `aud` is still rejected, RFC 7519 §4.1.3). Without an
/// audience and without this call, `jwtguard_verify` answers `JWTGUARD_AUDIENCE_NOT_CONFIGURED`.
///
/// # Safety
/// `verifier` must be valid and not in use by another thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_verifier_allow_no_audience(
    verifier: *mut jwtguard_verifier,
) -> jwtguard_status {
    guard(|| configure!(verifier).map(|v| v.without_audience = true))
}

/// Whether a token must carry a `kid`: 1 or 0 (the default). By default a token without `kid`
/// is tried against every key of its algorithm; with 1 it is `JWTGUARD_MISSING_KEY_ID`, so a
/// kid-less token cannot make the verifier run an RSA check against each key. Any other value
/// is `JWTGUARD_INVALID_ARGUMENT`.
///
/// # Safety
/// `verifier` must be valid and not in use by another thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_verifier_set_require_kid(
    verifier: *mut jwtguard_verifier,
    required: u32,
) -> jwtguard_status {
    guard(|| {
        let required = flag(required)?;
        configure!(verifier).map(|v| v.keys.require_kid(required))
    })
}

/// The first setup error of a configured verifier, or `JWTGUARD_OK`: call it once at start-up
/// to fail there rather than on the first token. Today that is `JWTGUARD_ISSUER_NOT_CONFIGURED`
/// or `JWTGUARD_AUDIENCE_NOT_CONFIGURED` (see `jwtguard_verifier_allow_any_issuer` and
/// `jwtguard_verifier_allow_no_audience`), which `jwtguard_verify` would also answer.
///
/// # Safety
/// `verifier` must be NULL or valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_verifier_check(
    verifier: *const jwtguard_verifier,
) -> jwtguard_status {
    guard(|| {
        let v = shared!(verifier)?;
        v.setup_error().map_or(Ok(()), Err)
    })
}
