//! `jwtguard_explain`: every check a verify runs on one token, in order, with its outcome,
//! into the caller's array (the core's `explain` walk). The verdict returned is the one
//! `jwtguard_verify` gives for the same call; the walk stops at the signature when it fails.

use core::ffi::c_char;
use core::mem::MaybeUninit;

use jwtguard_core::TokenBuf;
use jwtguard_core::capacity::Capacity16K;
use jwtguard_core::explain::{Check, Step};

use crate::algorithm::code_of;
use crate::capacity::JWTGUARD_MAX_KEYS;
use crate::result::jwtguard_str;
use crate::status::jwtguard_status::{self, *};
use crate::verifier::jwtguard_verifier;
use crate::verify::CallPermissions;
use crate::{c_bytes, c_out_array, c_texts, c_write, guard, shared};

/// The token's format (segments, base64url, JSON).
pub const JWTGUARD_CHECK_FORMAT: u32 = 1;
/// The protected header (`alg`, `crit`, `cty`).
pub const JWTGUARD_CHECK_HEADER: u32 = 2;
/// Which keys the header's `kid` and `alg` select.
pub const JWTGUARD_CHECK_KEY_SELECTION: u32 = 3;
/// One candidate key tried (its `kid` and algorithm in the step).
pub const JWTGUARD_CHECK_KEY: u32 = 4;
/// Whether a key verified the signature; when not, the walk ends here (claims unread).
pub const JWTGUARD_CHECK_SIGNATURE: u32 = 5;
/// The header's `typ`.
pub const JWTGUARD_CHECK_TYPE: u32 = 6;
/// The claims set's format.
pub const JWTGUARD_CHECK_CLAIMS: u32 = 7;
/// `exp`.
pub const JWTGUARD_CHECK_EXP: u32 = 8;
/// `nbf`.
pub const JWTGUARD_CHECK_NBF: u32 = 9;
/// `iat`.
pub const JWTGUARD_CHECK_IAT: u32 = 10;
/// The maximum age.
pub const JWTGUARD_CHECK_MAX_AGE: u32 = 11;
/// `iss`.
pub const JWTGUARD_CHECK_ISS: u32 = 12;
/// `aud`.
pub const JWTGUARD_CHECK_AUD: u32 = 13;
/// `azp`.
pub const JWTGUARD_CHECK_AZP: u32 = 14;
/// `sub`.
pub const JWTGUARD_CHECK_SUB: u32 = 15;
/// `client_id` (RFC 9068).
pub const JWTGUARD_CHECK_CLIENT_ID: u32 = 16;
/// `jti` (RFC 9068).
pub const JWTGUARD_CHECK_JTI: u32 = 17;
/// The required permissions.
pub const JWTGUARD_CHECK_PERMISSIONS: u32 = 18;
/// The required metadata fields.
pub const JWTGUARD_CHECK_METADATA: u32 = 19;

/// Every code with its check: the one table both directions read.
const CODES: [(u32, Check); 19] = [
    (JWTGUARD_CHECK_FORMAT, Check::Format),
    (JWTGUARD_CHECK_HEADER, Check::Header),
    (JWTGUARD_CHECK_KEY_SELECTION, Check::KeySelection),
    (JWTGUARD_CHECK_KEY, Check::Key),
    (JWTGUARD_CHECK_SIGNATURE, Check::Signature),
    (JWTGUARD_CHECK_TYPE, Check::Type),
    (JWTGUARD_CHECK_CLAIMS, Check::ClaimsFormat),
    (JWTGUARD_CHECK_EXP, Check::Expiration),
    (JWTGUARD_CHECK_NBF, Check::NotBefore),
    (JWTGUARD_CHECK_IAT, Check::IssuedAt),
    (JWTGUARD_CHECK_MAX_AGE, Check::MaxAge),
    (JWTGUARD_CHECK_ISS, Check::Issuer),
    (JWTGUARD_CHECK_AUD, Check::Audience),
    (JWTGUARD_CHECK_AZP, Check::AuthorizedParty),
    (JWTGUARD_CHECK_SUB, Check::Subject),
    (JWTGUARD_CHECK_CLIENT_ID, Check::ClientId),
    (JWTGUARD_CHECK_JTI, Check::JwtId),
    (JWTGUARD_CHECK_PERMISSIONS, Check::Permissions),
    (JWTGUARD_CHECK_METADATA, Check::Metadata),
];

/// Names, NUL-terminated, in the order of `CODES`.
const NAMES: [&str; 19] = [
    "format\0",
    "header\0",
    "key selection\0",
    "key\0",
    "signature\0",
    "typ\0",
    "claims\0",
    "exp\0",
    "nbf\0",
    "iat\0",
    "max age\0",
    "iss\0",
    "aud\0",
    "azp\0",
    "sub\0",
    "client_id\0",
    "jti\0",
    "permissions\0",
    "metadata\0",
];

/// How many steps one walk can have at most: format, header, a key per candidate (at most the
/// verifier's `JWTGUARD_MAX_KEYS`) or the key selection, the signature, and the policy's rules
/// (one per check). An array of this many always holds the whole walk.
pub const JWTGUARD_EXPLAIN_MAX_STEPS: usize = JWTGUARD_MAX_KEYS + 20;

/// One check of a walk and its outcome. Written by `jwtguard_explain`, never read.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct jwtguard_check {
    /// `JWTGUARD_CHECK_*`.
    pub check: u32,
    /// `JWTGUARD_OK`, or why the check failed.
    pub status: jwtguard_status,
    /// For `JWTGUARD_CHECK_HEADER` and `_KEY`: the token's algorithm (`JWTGUARD_ALG_*`), which
    /// the key is bound to; else 0.
    pub algorithm: u32,
    /// For `JWTGUARD_CHECK_KEY`: the key's `kid` as loaded, pointing into the verifier (valid
    /// while it is); `{NULL, 0}` for a key without one, and for every other check.
    pub kid: jwtguard_str,
}

fn code(check: Check) -> u32 {
    CODES
        .iter()
        .find(|(_, c)| *c == check)
        .map_or(0, |(code, _)| *code)
}

impl jwtguard_check {
    fn from_step(step: &Step<'_>) -> Self {
        Self {
            check: code(step.check),
            status: match step.outcome {
                Ok(()) => JWTGUARD_OK,
                Err(e) => e.into(),
            },
            algorithm: step.algorithm.map_or(0, code_of),
            kid: step.kid.map_or(jwtguard_str::NONE, |k| jwtguard_str {
                ptr: k.as_ptr(),
                len: k.len(),
            }),
        }
    }
}

/// Verify `(token, token_len)` as `jwtguard_verify` would (same verifier, `now`, required
/// permissions) and list every check it runs into `steps` (room for `cap`): the format, the
/// header, each candidate key tried and why it failed, the signature, then every rule of the
/// policy that applies, each with its outcome. `*n_steps` gets the number of steps the walk
/// has; when it is over `cap` the array holds the first `cap`. Returns the verdict:
/// `jwtguard_verify`'s status for the same call. The walk never reads the claims of a token
/// whose signature fails: it ends at `JWTGUARD_CHECK_SIGNATURE`. For operators: it verifies
/// the token twice, so keep it off the hot path (a debug log, a CLI).
///
/// # Safety
/// `verifier` valid; `(token, token_len)` readable; `required` NULL or `n_required` readable
/// `jwtguard_str`; `steps` NULL (with `cap` 0) or `cap` writable `jwtguard_check`; `n_steps`
/// writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_explain(
    verifier: *const jwtguard_verifier,
    token: *const u8,
    token_len: usize,
    now: u64,
    required: *const jwtguard_str,
    n_required: usize,
    steps: *mut jwtguard_check,
    cap: usize,
    n_steps: *mut usize,
) -> jwtguard_status {
    guard(|| {
        let v = shared!(verifier)?;
        let token = c_bytes!(token, token_len)?;
        let required: CallPermissions<'_> = c_texts!(required, n_required)?;
        let out: &mut [MaybeUninit<jwtguard_check>] = c_out_array!(steps, cap)?;
        if n_steps.is_null() {
            return Err(JWTGUARD_NULL_ARGUMENT);
        }
        if let Some(setup) = v.setup_error() {
            c_write!(n_steps, 0usize)?;
            return Err(setup);
        }
        let mut buf = TokenBuf::<Capacity16K>::empty();
        let mut walk = [Step::EMPTY; JWTGUARD_EXPLAIN_MAX_STEPS];
        let e = v.core.explain(token, now, &mut buf, &required, &mut walk);
        for (slot, step) in out.iter_mut().zip(walk.iter().take(e.steps)) {
            slot.write(jwtguard_check::from_step(step));
        }
        c_write!(n_steps, e.steps)?;
        e.verdict.map_err(jwtguard_status::from)
    })
}

/// The name of check `code` ("exp", "signature"), static and NUL-terminated; NULL for a code
/// that is not a check.
#[unsafe(no_mangle)]
pub extern "C" fn jwtguard_check_name(code: u32) -> *const c_char {
    CODES
        .iter()
        .zip(NAMES)
        .find(|((c, _), _)| *c == code)
        .map_or(core::ptr::null(), |(_, name)| name.as_ptr().cast())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table covers every check of the core once, with the core's name.
    #[test]
    fn codes_names_and_the_core_agree() {
        assert_eq!(CODES.len(), Check::ALL.len());
        for (i, check) in Check::ALL.iter().enumerate() {
            assert_eq!(CODES[i].1, *check);
            assert_eq!(CODES[i].0, u32::try_from(i + 1).unwrap());
            assert_eq!(NAMES[i].trim_end_matches('\0'), check.name());
        }
    }
}
