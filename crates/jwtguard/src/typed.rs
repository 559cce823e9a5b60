//! Typed custom claims with serde (`serde` feature), the way Rust users read claims in
//! jsonwebtoken: `claims.deserialize::<T>()` into their own struct, with no allocation.
//!
//! The claims set reaching this point was validated by the crate's strict pass (UTF-8, grammar,
//! duplicate names at every depth compared after unescaping, budgets), so serde-json-core only
//! maps already-vouched-for bytes onto `T`; its own leniencies (it skips unknown members
//! without checking them) cannot admit anything the validator refused.
//!
//! Strings are unescaped into a buffer on the stack, one string at a time: a `heapless::String`
//! field gets the decoded text. serde-json-core unescapes every string it passes, those of
//! claims `T` skips too, so the buffer holds the longest string the payload can: as many bytes
//! as the payload (an unescaped string is never longer than its escaped text), 1,535 for
//! tokens of the default capacity and up to [`UNESCAPE_LEN`] beyond. A claim `T` does not read
//! can then never fail the struct. A borrowed `&str` field borrows from the token, so it can
//! only hold a string without escapes; one with escapes is [`Error::ClaimType`], never its raw
//! escaped bytes. Every failure, wrong type, missing field, a number out of range, a string
//! longer than a field's capacity, is [`Error::ClaimType`]: a claim that does not fit the type
//! is an error, never absent or truncated. (serde-json-core's errors do not say which field
//! failed, so neither can this one.)

use crate::capacity::{Capacity as _, Capacity16K, TOKEN_BUF_LEN, decoded_len};
use crate::claims::Claims;
use crate::error::Error;

/// The longest payload, and so the longest single string, that [`Claims::deserialize`]
/// decodes: the payload of the largest token capacity (`Capacity16K`).
pub const UNESCAPE_LEN: usize = decoded_len(Capacity16K::MAX_TOKEN_LEN);

/// Room for the default capacity's payload, on the stack of the common case.
const SMALL: usize = TOKEN_BUF_LEN;

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
        // A buffer as long as the payload: 1.5 KiB for tokens of the default capacity, the
        // 12 KiB one only for larger payloads (each in a frame of its own).
        if self.payload().len() <= SMALL {
            decode::<T, SMALL>(self.payload())
        } else {
            decode::<T, UNESCAPE_LEN>(self.payload())
        }
    }
}

/// [`Claims::deserialize`] with an unescape buffer of `B` bytes, at least the payload's length.
#[inline(never)]
fn decode<'a, T: serde::Deserialize<'a>, const B: usize>(payload: &'a [u8]) -> Result<T, Error> {
    let mut buf = [0u8; B];
    match serde_json_core::from_slice_escaped::<T>(payload, &mut buf) {
        Ok((value, _)) => Ok(value),
        Err(_) => Err(Error::ClaimType),
    }
}
