//! Typed custom claims with serde (`serde` feature), the way Rust users read claims in
//! jsonwebtoken: `claims.deserialize::<T>()` into their own struct, with no allocation.
//!
//! The claims set reaching this point was validated by the crate's strict pass (UTF-8, grammar,
//! duplicate names at every depth compared after unescaping, budgets), so serde-json-core only
//! maps already-vouched-for bytes onto `T`; its own leniencies (it skips unknown members
//! without checking them) cannot admit anything the validator refused.
//!
//! Strings are unescaped into a buffer on the stack, [`UNESCAPE_LEN`] bytes, one string at a
//! time: a `heapless::String` field gets the decoded text. A borrowed `&str` field borrows from
//! the token, so it can only hold a string without escapes; one with escapes is
//! [`Error::ClaimType`], never its raw escaped bytes. Every failure, wrong type, missing field,
//! a number out of range, a string longer than the buffer or a field's capacity, is
//! [`Error::ClaimType`]: a claim that does not fit the type is an error, never absent or
//! truncated.

use crate::Error;
use crate::claims::Claims;

/// The longest single string, once unescaped, that [`Claims::deserialize`] can decode (the
/// whole payload of a token is at most about 1.5 KiB).
pub const UNESCAPE_LEN: usize = 512;

impl<'a> Claims<'a> {
    /// The whole claims set as a `T` (any `serde::Deserialize`, borrowed `&str` fields included):
    /// see the [module documentation](crate::typed) for what fails and how.
    ///
    /// ```
    /// # use jwtguard::{Claims, Error};
    /// #[derive(serde::Deserialize)]
    /// struct Session<'a> {
    ///     sub: &'a str,
    ///     exp: u64,
    ///     #[serde(default)]
    ///     org_id: Option<&'a str>,
    ///     permissions: heapless::Vec<heapless::String<32>, 8>,
    /// }
    /// # fn f(claims: &Claims<'_>) -> Result<(), Error> {
    /// let s: Session<'_> = claims.deserialize()?;
    /// # let _ = (s.sub, s.exp, s.org_id, s.permissions); Ok(()) }
    /// ```
    pub fn deserialize<T: serde::Deserialize<'a>>(&self) -> Result<T, Error> {
        let mut buf = [0u8; UNESCAPE_LEN];
        match serde_json_core::from_slice_escaped::<T>(self.payload(), &mut buf) {
            Ok((value, _)) => Ok(value),
            Err(_) => Err(Error::ClaimType),
        }
    }
}
