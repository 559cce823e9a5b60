//! The verifier's policy setters: issuers, audiences, parties, permissions, metadata fields,
//! time rules and profile switches. Each runs on a verifier that no other thread uses.

#[cfg(feature = "permissions")]
use jwtguard_core::limits::MAX_CLAIM_NAME_LEN;

use crate::capacity::JWTGUARD_MAX_TEXT;
use crate::status::jwtguard_status::{self, *};
use crate::verifier::jwtguard_verifier;
use crate::{c_text, configure, flag, guard, shared};

/// A configured string from C: non-empty, and at most `limit` bytes. These are the argument
/// checks the header documents (`JWTGUARD_INVALID_ARGUMENT`); the core then stores it, and a
/// full list is its `CapacityExceeded`.
fn entry(s: &str, limit: usize) -> Result<&str, jwtguard_status> {
    if s.is_empty() || s.len() > limit {
        return Err(JWTGUARD_INVALID_ARGUMENT);
    }
    Ok(s)
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
    guard(|| {
        let value = entry(c_text!(value, len)?, JWTGUARD_MAX_TEXT)?;
        let policy = configure!(verifier)?.core.policy_mut();
        policy.add_issuer(value).map_err(Into::into)
    })
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
    guard(|| {
        let value = entry(c_text!(value, len)?, JWTGUARD_MAX_TEXT)?;
        let policy = configure!(verifier)?.core.policy_mut();
        policy.add_audience(value).map_err(Into::into)
    })
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
    guard(|| {
        let value = entry(c_text!(value, len)?, JWTGUARD_MAX_TEXT)?;
        let policy = configure!(verifier)?.core.policy_mut();
        policy.add_authorized_party(value).map_err(Into::into)
    })
}

#[cfg(feature = "permissions")]
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
    guard(|| {
        let value = entry(c_text!(value, len)?, JWTGUARD_MAX_TEXT)?;
        let policy = configure!(verifier)?.core.policy_mut();
        policy.add_required_permission(value).map_err(Into::into)
    })
}

#[cfg(feature = "permissions")]
/// The claim holding permissions: "permissions" by default, "scope" or "scp" for OAuth, or a
/// path to one, as metadata fields take it: a dot path ("realm_access.roles", Keycloak's realm
/// roles) or a JSON Pointer ("/https:~1~1example.com~1roles"); at most 64 bytes. A path that
/// names nothing (an empty segment, a malformed pointer) is `JWTGUARD_INVALID_CLAIM_PATH`.
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
        let name = entry(c_text!(name, len)?, MAX_CLAIM_NAME_LEN)?;
        let policy = configure!(verifier)?.core.policy_mut();
        policy.set_permissions_claim(name).map_err(Into::into)
    })
}

#[cfg(feature = "metadata")]
/// Copy the claim at `path` into the metadata document as `name` (NULL/0: the path's last
/// segment). `required` (0 or 1): reject tokens without it. `path` is a dot path, or a JSON
/// Pointer starting with `/` (RFC 6901; see `jwtguard_result_claim`). A dot path with an empty
/// segment (`a..b`, `.a`, `a.`), a malformed pointer (`~` not followed by `0` or `1`), or a
/// pointer whose last token has escapes and no `name`, is `JWTGUARD_INVALID_METADATA_FIELD`.
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
        let path = entry(c_text!(path, path_len)?, JWTGUARD_MAX_TEXT)?;
        let name = c_text!(name, name_len)?;
        let name = (!name.is_empty()).then_some(name);
        let policy = configure!(verifier)?.core.policy_mut();
        // The core checks the whole list with the new field, now, so a bad field fails
        // configuration rather than the first token, and no token re-checks it.
        policy
            .add_metadata_field(path, name, required)
            .map_err(|r| r.error.into())
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
    guard(|| configure!(verifier).map(|v| v.core.policy_mut().set_leeway(seconds)))
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
        let policy = configure!(verifier)?.core.policy_mut();
        policy.set_max_age((seconds > 0).then_some(seconds));
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
        configure!(verifier).map(|v| v.core.policy_mut().set_require_exp(required))
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
        configure!(verifier).map(|v| v.core.policy_mut().set_require_sub(required))
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
        configure!(verifier).map(|v| v.core.policy_mut().set_access_token_profile(enabled))
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
    guard(|| configure!(verifier).map(|v| v.core.policy_mut().set_any_issuer(true)))
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
    guard(|| configure!(verifier).map(|v| v.core.policy_mut().set_without_audience(true)))
}

/// Whether a token must carry a `kid`: 1 or 0 (the default). By default a token without `kid`
/// is tried against the keys of its algorithm, at most `jwtguard_verifier_set_kidless_limit`
/// of them; with 1 it is `JWTGUARD_MISSING_KEY_ID`. Any other value is
/// `JWTGUARD_INVALID_ARGUMENT`.
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
        configure!(verifier).map(|v| v.core.keys_mut().require_kid(required))
    })
}

/// At most `limit` keys (1 to 255; default 4) are tried for a token without `kid`: the first
/// ones of its algorithm, in load order, so a kid-less token cannot make the verifier run an
/// RSA check against every key of a large set. 0 or more than 255 is
/// `JWTGUARD_INVALID_ARGUMENT` (`jwtguard_verifier_set_require_kid` refuses kid-less tokens).
///
/// # Safety
/// `verifier` must be valid and not in use by another thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_verifier_set_kidless_limit(
    verifier: *mut jwtguard_verifier,
    limit: u32,
) -> jwtguard_status {
    guard(|| {
        let limit = kidless_limit(limit)?;
        configure!(verifier).map(|v| v.core.keys_mut().kidless_limit(limit))
    })
}

/// Accept tokens of up to `size` bytes (default 2048), at most `JWTGUARD_MAX_TOKEN_CAPACITY`
/// (16 KiB on hosts): for identity providers whose access tokens are larger (Entra ID with
/// group claims, Keycloak). 0 or more than the capacity is `JWTGUARD_INVALID_ARGUMENT`.
///
/// # Safety
/// `verifier` must be valid and not in use by another thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_verifier_set_max_token_size(
    verifier: *mut jwtguard_verifier,
    size: usize,
) -> jwtguard_status {
    guard(|| {
        let size = max_token_size(size)?;
        configure!(verifier).map(|v| v.core.set_max_token_len(size))
    })
}

/// A token size limit from C: 1 to the build's capacity, anything else
/// `JWTGUARD_INVALID_ARGUMENT`.
pub(crate) fn max_token_size(size: usize) -> Result<usize, jwtguard_status> {
    if size == 0 || size > crate::capacity::JWTGUARD_MAX_TOKEN_CAPACITY {
        return Err(JWTGUARD_INVALID_ARGUMENT);
    }
    Ok(size)
}

/// A kid-less limit from C: 1 to 255, anything else `JWTGUARD_INVALID_ARGUMENT`.
pub(crate) fn kidless_limit(limit: u32) -> Result<core::num::NonZeroU8, jwtguard_status> {
    u8::try_from(limit)
        .ok()
        .and_then(core::num::NonZeroU8::new)
        .ok_or(JWTGUARD_INVALID_ARGUMENT)
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
