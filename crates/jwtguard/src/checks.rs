//! The checks a verify runs, named: what [`crate::explain`] lists, in the order a verify runs
//! them (format -> header -> key -> signature -> `typ` -> claim format -> time -> iss -> aud
//! -> azp -> sub -> profile claims -> permissions -> metadata fields).

use core::ops::ControlFlow;

use crate::error::Error;

/// One check of the verify chain.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// Three segments, canonical base64url, JSON objects (RFC 7515 §7.1, §2; RFC 8259).
    Format,
    /// The protected header: `alg`, `crit`, `cty`, parameter types (RFC 7515 §4.1).
    Header,
    /// Which keys the header's `kid` and `alg` select (RFC 7515 §4.1.4, RFC 8725 §3.1).
    KeySelection,
    /// One candidate key tried against the signature.
    Key,
    /// Whether one of the candidates verified the signature (RFC 7515 §5.2). When it did not,
    /// nothing after it is looked at: the claims are not authenticated.
    Signature,
    /// The header's `typ` (RFC 7519 §5.1, RFC 8725 §3.11, RFC 9068 §2.1).
    Type,
    /// The claims set: JSON types of the registered claims (RFC 7519 §4.1).
    ClaimsFormat,
    /// `exp`, with the leeway (RFC 7519 §4.1.4).
    Expiration,
    /// `nbf`, with the leeway (RFC 7519 §4.1.5).
    NotBefore,
    /// `iat` not in the future, and present where the access-token profile needs it.
    IssuedAt,
    /// The policy's maximum age, from `iat`.
    MaxAge,
    /// `iss` (RFC 7519 §4.1.1, RFC 8725 §3.8).
    Issuer,
    /// `aud` (RFC 7519 §4.1.3).
    Audience,
    /// `azp` (OpenID Connect Core §2).
    AuthorizedParty,
    /// `sub` present and not empty (RFC 7519 §4.1.2).
    Subject,
    /// `client_id` (RFC 9068 §2.2).
    ClientId,
    /// `jti` (RFC 9068 §2.2).
    JwtId,
    /// The required permissions, the policy's and the call's.
    Permissions,
    /// The policy's required metadata fields.
    Metadata,
}

impl Check {
    /// Every check, in the order a verify runs them.
    pub const ALL: &'static [Check] = &[
        Check::Format,
        Check::Header,
        Check::KeySelection,
        Check::Key,
        Check::Signature,
        Check::Type,
        Check::ClaimsFormat,
        Check::Expiration,
        Check::NotBefore,
        Check::IssuedAt,
        Check::MaxAge,
        Check::Issuer,
        Check::Audience,
        Check::AuthorizedParty,
        Check::Subject,
        Check::ClientId,
        Check::JwtId,
        Check::Permissions,
        Check::Metadata,
    ];

    /// A short name, as the CLI and `$jwtguard_explain` print it (`"exp"`, `"aud"`).
    pub const fn name(self) -> &'static str {
        match self {
            Check::Format => "format",
            Check::Header => "header",
            Check::KeySelection => "key selection",
            Check::Key => "key",
            Check::Signature => "signature",
            Check::Type => "typ",
            Check::ClaimsFormat => "claims",
            Check::Expiration => "exp",
            Check::NotBefore => "nbf",
            Check::IssuedAt => "iat",
            Check::MaxAge => "max age",
            Check::Issuer => "iss",
            Check::Audience => "aud",
            Check::AuthorizedParty => "azp",
            Check::Subject => "sub",
            Check::ClientId => "client_id",
            Check::JwtId => "jti",
            Check::Permissions => "permissions",
            Check::Metadata => "metadata",
        }
    }
}

/// What a walk over checks does after each one: a verify stops at the first failure
/// ([`first_failure`]); an explanation records every outcome and goes on.
pub(crate) trait Visit {
    fn visit(&mut self, check: Check, outcome: Result<(), Error>) -> ControlFlow<Error>;
}

/// The verify's visitor: stop at the first failure, with its error.
pub(crate) struct FirstFailure;

impl Visit for FirstFailure {
    #[inline(always)]
    fn visit(&mut self, _: Check, outcome: Result<(), Error>) -> ControlFlow<Error> {
        match outcome {
            Ok(()) => ControlFlow::Continue(()),
            Err(e) => ControlFlow::Break(e),
        }
    }
}

/// Run `outcome` through `visitor` as `check`, returning from the enclosing function with the
/// error when the visitor stops.
macro_rules! rule {
    ($visitor:expr, $check:expr, $outcome:expr) => {
        if let core::ops::ControlFlow::Break(e) = $visitor.visit($check, $outcome) {
            return Err(e);
        }
    };
}
pub(crate) use rule;
