//! The one-call entry point: keys and policy together, checks in the documented order.

use core::ops::Deref;

use crate::Error;
use crate::claims::Claims;
use crate::keys::KeyRing;
use crate::policy::Policy;
use crate::token::{TokenBuf, UntrustedToken};

/// Claims that passed signature verification and the whole policy. Only [`Verifier::verify`]
/// makes one.
#[derive(Debug, Clone, Copy)]
pub struct ValidatedClaims<'a> {
    claims: Claims<'a>,
}

impl<'a> Deref for ValidatedClaims<'a> {
    type Target = Claims<'a>;
    fn deref(&self) -> &Claims<'a> {
        &self.claims
    }
}

/// Keys plus policy: configure once, then share (`&Verifier` is `Sync`; verification takes
/// `&self` and touches no shared mutable state).
#[derive(Debug, Clone)]
pub struct Verifier<'p, const N: usize> {
    keys: KeyRing<N>,
    policy: Policy<'p>,
}

impl<'p, const N: usize> Verifier<'p, N> {
    /// A verifier over `keys`, enforcing `policy`.
    pub const fn new(keys: KeyRing<N>, policy: Policy<'p>) -> Self {
        Self { keys, policy }
    }

    /// The key ring.
    pub fn keys(&self) -> &KeyRing<N> {
        &self.keys
    }

    /// The policy.
    pub fn policy(&self) -> &Policy<'p> {
        &self.policy
    }

    /// Verify `token` at `now` (unix seconds), decoding into `buf`.
    ///
    /// Order, first failure wins: format -> header (including `typ`) -> key -> signature ->
    /// claim format -> time -> iss -> aud -> azp -> sub. The claims parser runs only on a
    /// payload whose signature holds.
    pub fn verify<'a>(
        &self,
        token: &'a [u8],
        now: u64,
        buf: &'a mut TokenBuf,
    ) -> Result<ValidatedClaims<'a>, Error> {
        let untrusted = UntrustedToken::parse(token, buf)?;
        self.policy.check_header(&untrusted.header)?;
        let verified = untrusted.verify_signature(&self.keys)?;
        let claims = verified.claims()?;
        self.policy.check_claims(&claims, now)?;
        Ok(ValidatedClaims { claims })
    }
}
