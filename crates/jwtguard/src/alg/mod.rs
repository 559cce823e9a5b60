//! Signature algorithms (RFC 7518 §3.1). A key is bound to exactly one at load time.

pub(crate) mod hs256;
mod mont;
pub(crate) mod rs256;

/// The JWS algorithms jwtguard verifies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Algorithm {
    /// HMAC with SHA-256 (RFC 7518 §3.2).
    HS256,
    /// RSASSA-PKCS1-v1_5 with SHA-256 (RFC 7518 §3.3).
    RS256,
}

impl Algorithm {
    /// The `alg` header value, exactly as RFC 7518 §3.1 spells it.
    pub const fn name(self) -> &'static str {
        match self {
            Algorithm::HS256 => "HS256",
            Algorithm::RS256 => "RS256",
        }
    }

    /// Parse an `alg` value. Names are case-sensitive (RFC 7515 §4.1.1): `hs256` and `none`
    /// (in any casing) are not algorithms we accept.
    pub fn from_name(name: &[u8]) -> Option<Self> {
        match name {
            b"HS256" => Some(Algorithm::HS256),
            b"RS256" => Some(Algorithm::RS256),
            _ => None,
        }
    }
}
