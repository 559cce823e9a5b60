//! # jwtguard
//!
//! Verify compact JWS tokens (JWTs) with no heap, no `std` and no `unsafe`, for every JWS
//! algorithm a gateway meets (HS256/384/512, RS256/384/512, PS256/384/512, ES256/384, EdDSA):
//! for C and C++ API gateways and for Cortex-M class devices.
//!
//! ## Design
//! - **Untrusted input is a type.** [`UntrustedToken`] exposes only what picks a key (`alg`,
//!   `kid`). [`UntrustedToken::verify_signature`] yields a [`VerifiedToken`], the only way to
//!   reach the payload; the claims parser never sees unauthenticated bytes.
//!   [`Verifier::verify`] runs the whole chain and returns [`ValidatedClaims`].
//! - **Keys choose the algorithm, not the header.** Each key is bound to one [`Algorithm`] when
//!   it is loaded (RFC 8725 §3.1); `none` and unknown or mis-cased names are rejected.
//! - **Strict by default.** Canonical unpadded base64url only; duplicate JSON members rejected
//!   at every depth (compared after unescaping); a malformed claim is an error, never "absent";
//!   unknown `crit` rejected; comparisons byte-exact; MACs compared in constant time.
//! - **No allocation.** Decoded segments go into a caller-provided [`TokenBuf`]; claims borrow
//!   from it. Key rings have a capacity fixed at compile time.
//!
//! Every limit is in [`limits`] (token length, key ids, JSON depth and members, RSA sizes), and
//! the token capacities a [`TokenBuf`] may have in [`capacity`].
//!
//! ## Threat model
//! Tokens are attacker-controlled; keys and policy are trusted configuration. Before the
//! signature holds, the work done on a token is linear in its length except for duplicate
//! detection in the header, which is capped at 16 members. Secrets are compared in constant
//! time and zeroized on drop; token segments are public, so they are decoded with a fast
//! variable-time base64 decoder.
//!
//! ## Layers
//! Each module imports only from the lines below its own, so the map reads top-down
//! (`tests/layers.rs` fails on an import that points up):
//! 1. `lib`
//! 2. `providers`, `clock`, `cache`, `explain`
//! 3. `verifier`
//! 4. `token`
//! 5. `policy`, `jwk`
//! 6. `lists`, `keys`
//! 7. `metadata`, `header`, `keyfmt`, `typed`
//! 8. `claims`, `alg`
//! 9. `pointer`, `permissions`, `keydoc`
//! 10. `json`, `b64`, `bearer`, `numbers`, `checks`
//! 11. `scan`, `error`, `capacity`
//! 12. `limits`
//!
//! ## Example
//! ```
//! use jwtguard::{Error, KeyRing, Policy, TokenBuf, Verifier};
//!
//! // RFC 7515 Appendix A.1: an HS256 JWS, its key, and its exp of 1300819380.
//! let token = b"eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9\
//! .eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ\
//! .dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
//! let secret = [
//!     3, 35, 53, 75, 43, 15, 165, 188, 131, 126, 6, 101, 119, 123, 166, 143, 90, 179, 40, 230,
//!     240, 84, 201, 40, 169, 15, 132, 178, 210, 80, 46, 191, 211, 251, 90, 146, 210, 6, 71,
//!     239, 150, 138, 180, 195, 119, 98, 61, 34, 61, 46, 33, 114, 5, 46, 79, 8, 192, 205, 154,
//!     245, 103, 208, 128, 163,
//! ];
//! let mut keys = KeyRing::<3>::new();
//! keys.add_hmac(jwtguard::Algorithm::HS256, None, &secret)?;
//! let verifier = Verifier::new(keys, Policy::new().issuers(&["joe"]).require_sub(false));
//!
//! let mut buf = TokenBuf::new();
//! let claims = verifier.verify(token, 1300819379, &mut buf)?;
//! assert!(claims.issuer().is_some_and(|iss| iss == "joe"));
//!
//! // A claim's text: borrowed from the token when it has no JSON escapes, else decoded into a
//! // buffer of yours (`as_str` says which, and never reads as "absent").
//! let mut text = [0u8; 64];
//! let iss = claims.issuer().unwrap();
//! let iss: &str = match iss.as_str() {
//!     Ok(borrowed) => borrowed,
//!     Err(_escaped) => iss.unescape_into(&mut text).unwrap(),
//! };
//! assert_eq!(iss, "joe");
//!
//! let mut buf = TokenBuf::new();
//! assert_eq!(verifier.verify(token, 1300819380, &mut buf).err(), Some(Error::Expired));
//! # Ok::<(), Error>(())
//! ```
#![no_std]
#![forbid(unsafe_code)]
// The verify path must not panic on any input: no indexing, unchecked arithmetic or unwraps.
#![cfg_attr(
    not(test),
    warn(
        clippy::indexing_slicing,
        clippy::arithmetic_side_effects,
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic
    )
)]

pub mod alg;
mod b64;
mod bearer;
pub mod cache;
pub mod capacity;
mod checks;
mod claims;
mod clock;
mod error;
pub mod explain;
mod header;
pub mod json;
#[cfg(feature = "jwk")]
mod jwk;
mod keydoc;
#[cfg(feature = "der")]
mod keyfmt;
mod keys;
pub mod limits;
pub mod lists;
mod metadata;
mod numbers;
#[cfg(feature = "permissions")]
mod permissions;
mod pointer;
mod policy;
mod providers;
mod scan;
mod token;
#[cfg(feature = "serde")]
pub mod typed;
mod verifier;

// Compile the README's and the guide's examples as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct ReadmeDoctests;

#[cfg(doctest)]
#[doc = include_str!("../../../docs/guide.md")]
struct GuideDoctests;

pub use alg::Algorithm;
pub use bearer::bearer_token;
pub use claims::{Audience, Claims};
pub use clock::TimeFloor;
pub use error::{Error, Rejection};
#[cfg(feature = "jwk")]
pub use jwk::JwksReport;
pub use keys::KeyRing;
#[cfg(feature = "metadata")]
pub use metadata::MetadataField;
pub use policy::Policy;
pub use providers::Providers;
pub use token::{TokenBuf, UntrustedToken, ValidatedClaims, VerifiedToken};
pub use verifier::{Accepted, Request, Verifier};

/// The current time in unix seconds, from the system clock (`std` feature).
#[cfg(feature = "std")]
pub fn now_unix() -> u64 {
    extern crate std;
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}
