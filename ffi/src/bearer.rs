//! The `Authorization` header: the token out of `Bearer <token>` (RFC 6750 §2.1).

use jwtguard_core::bearer_token;

use crate::status::jwtguard_status::{self, *};
use crate::{c_bytes, c_write, guard};

/// Find the token in an `Authorization` header value (`Bearer <token>`, scheme
/// case-insensitive). On success `*token` / `*token_len` point into `value` (no copy).
///
/// # Safety
/// `(value, len)` readable; `token` and `token_len` writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_bearer_token(
    value: *const u8,
    len: usize,
    token: *mut *const u8,
    token_len: *mut usize,
) -> jwtguard_status {
    guard(|| {
        if token.is_null() || token_len.is_null() {
            return Err(JWTGUARD_NULL_ARGUMENT);
        }
        let value = c_bytes!(value, len)?;
        let t = bearer_token(value)?;
        c_write!(token, t.as_ptr())?;
        c_write!(token_len, t.len())
    })
}
