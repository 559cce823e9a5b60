//! `jwtguard_verify`: one token through the core's whole chain, into a caller's result.

use heapless::Vec;
use jwtguard_core::capacity::Capacity2K;
#[cfg(not(feature = "small"))]
use jwtguard_core::capacity::Capacity16K;
use jwtguard_core::{Rejection, Request, TokenBuf};

use crate::capacity::JWTGUARD_MAX_CALL_PERMISSIONS;
#[cfg(not(feature = "small"))]
use crate::result::jwtguard_large_result;
use crate::result::{ResultInner, Tagged, jwtguard_result, jwtguard_str};
use crate::status::jwtguard_status::{self, *};
use crate::verifier::jwtguard_verifier;
use crate::{c_bytes, c_stamp, c_texts, guard, shared};

/// Verify `(token, token_len)` at `now` (unix seconds) with the verifier's keys and policy, plus
/// `n_required` permissions this call requires (`required` may be NULL when 0). The outcome,
/// success or not, goes into `*result`; the return value is its status.
///
/// Thread safety: many threads may call this at once with one verifier, each with its own
/// result. The token is read only within `token_len` (no NUL terminator needed; an embedded NUL
/// is `JWTGUARD_BASE64`).
///
/// # Safety
/// `verifier` valid; `(token, token_len)` readable; `required` NULL or `n_required` readable
/// `jwtguard_str` each readable; `result` writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_verify(
    verifier: *const jwtguard_verifier,
    token: *const u8,
    token_len: usize,
    now: u64,
    required: *const jwtguard_str,
    n_required: usize,
    result: *mut jwtguard_result,
) -> jwtguard_status {
    let out: Result<&mut ResultInner<Capacity2K>, _> = c_stamp!(result);
    let input = || Ok((c_bytes!(token, token_len)?, c_texts!(required, n_required)?));
    let verify = |token: &[u8], request: Request<'_>, buf: &mut TokenBuf<Capacity2K>| {
        verify_with(shared!(verifier)?, token, now, request, buf)
    };
    record(out, input, verify)
}

/// `jwtguard_verify` for tokens of up to `JWTGUARD_MAX_TOKEN_CAPACITY` (16 KiB) bytes, into a
/// `jwtguard_large_result`; the verifier's own limit (`jwtguard_verifier_set_max_token_size`,
/// 2048 by default) still applies. Read the result through `jwtguard_large_result_get`.
///
/// # Safety
/// As `jwtguard_verify`, with `result` a writable `jwtguard_large_result`.
#[cfg(not(feature = "small"))]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_verify_large(
    verifier: *const jwtguard_verifier,
    token: *const u8,
    token_len: usize,
    now: u64,
    required: *const jwtguard_str,
    n_required: usize,
    result: *mut jwtguard_large_result,
) -> jwtguard_status {
    let out: Result<&mut ResultInner<Capacity16K>, _> = c_stamp!(result);
    let input = || Ok((c_bytes!(token, token_len)?, c_texts!(required, n_required)?));
    let verify = |token: &[u8], request: Request<'_>, buf: &mut TokenBuf<Capacity16K>| {
        verify_with(shared!(verifier)?, token, now, request, buf)
    };
    record(out, input, verify)
}

/// One verifier's verify into a buffer of capacity `C`.
fn verify_with<C: jwtguard_core::capacity::Capacity>(
    v: &jwtguard_verifier,
    token: &[u8],
    now: u64,
    request: Request<'_>,
    buf: &mut TokenBuf<C>,
) -> Result<Option<usize>, Failure> {
    if let Some(setup) = v.setup_error() {
        return Err(setup.into());
    }
    let outcome = v.core.verify_request(token, now, buf, request);
    outcome.map(|_| None).map_err(Failure::from)
}

/// Why a verify failed, as the result records it.
pub(crate) enum Failure {
    /// A boundary or setup failure.
    Status(jwtguard_status),
    /// The core's rejection, with the field it is about.
    Core(Rejection),
}

impl From<jwtguard_status> for Failure {
    fn from(s: jwtguard_status) -> Self {
        Failure::Status(s)
    }
}

impl From<Rejection> for Failure {
    fn from(r: Rejection) -> Self {
        Failure::Core(r)
    }
}

/// The permissions one call may require, converted.
/// cbindgen:ignore
pub(crate) type CallPermissions<'a> = Vec<&'a str, JWTGUARD_MAX_CALL_PERMISSIONS>;

/// The body every verify entry point shares: mark the result (which `c_stamp!` zeroed and
/// stamped) as failed until the outcome is known, convert the call's input, run `verify`
/// (which answers which provider verified the token, if a set did), and record the outcome.
/// A NULL result is `JWTGUARD_NULL_ARGUMENT`, with nothing recorded.
pub(crate) fn record<'t, C: Tagged>(
    out: Result<&mut ResultInner<C>, jwtguard_status>,
    input: impl FnOnce() -> Result<(&'t [u8], CallPermissions<'t>), jwtguard_status>,
    verify: impl FnOnce(&[u8], Request<'_>, &mut TokenBuf<C>) -> Result<Option<usize>, Failure>,
) -> jwtguard_status {
    let inner = match out {
        Ok(inner) => inner,
        Err(status) => return status,
    };
    // The failed result written first keeps it well-formed if the library panics.
    inner.head.status = JWTGUARD_PANIC as u16;
    inner.head.capacity = C::TAG;
    inner.head.keys_tried = 0;
    inner.head.field = -1;
    inner.head.provider = -1;
    let mut tried = 0u32;
    let status = guard(|| {
        let (token, perms) = input()?;
        #[cfg(feature = "permissions")]
        let request = Request::new().require(&perms);
        // A build without permissions cannot check the ones this call requires: refused, never
        // ignored.
        #[cfg(not(feature = "permissions"))]
        let request = match perms.is_empty() {
            true => Request::new(),
            false => return Err(JWTGUARD_NOT_IN_BUILD),
        };
        match verify(token, request.count_keys(&mut tried), &mut inner.buf) {
            Ok(provider) => {
                inner.head.provider = provider.and_then(|p| i16::try_from(p).ok()).unwrap_or(-1);
                Ok(())
            }
            Err(Failure::Status(s)) => Err(s),
            Err(Failure::Core(r)) => {
                inner.head.field = r.field.and_then(|f| i16::try_from(f).ok()).unwrap_or(-1);
                Err(jwtguard_status::from(r.error))
            }
        }
    });
    inner.head.status = status as u16;
    inner.head.keys_tried = u8::try_from(tried).unwrap_or(u8::MAX);
    status
}

/// A build without permissions refuses a verify that requires some: it cannot check them, and
/// must not answer as if it had.
#[cfg(all(test, feature = "std", not(feature = "permissions")))]
mod without_permissions {
    use super::*;

    #[test]
    fn required_permissions_are_refused() {
        let v = crate::verifier::jwtguard_verifier_new();
        let token = b"a.b.c";
        let perm = jwtguard_str {
            ptr: b"read".as_ptr(),
            len: 4,
        };
        let mut result = core::mem::MaybeUninit::<jwtguard_result>::zeroed();
        // SAFETY: a live verifier, a readable token and list, a writable result.
        let status = unsafe {
            jwtguard_verify(
                v,
                token.as_ptr(),
                token.len(),
                0,
                &perm,
                1,
                result.as_mut_ptr(),
            )
        };
        assert_eq!(status, JWTGUARD_NOT_IN_BUILD);
        // SAFETY: `v` came from `jwtguard_verifier_new` and is released once.
        unsafe { crate::verifier::jwtguard_verifier_free(v) };
    }
}
