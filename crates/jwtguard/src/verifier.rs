//! The one-call entry point: keys and policy together, checks in the documented order.

use core::ops::Deref;

use crate::Error;
use crate::claims::Claims;
use crate::keys::KeyRing;
use crate::metadata::{self, Rejection};
use crate::policy::Policy;
use crate::token::{TOKEN_BUF_LEN, TokenBuf, UntrustedToken};

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

/// A copy of validated claims that owns its bytes (about 1.5 KiB, no heap), for callers that
/// must keep a result after the token buffer is gone, such as the C binding. The only way to
/// make one is [`ValidatedClaims::to_owned_claims`], so it carries the same guarantee.
#[derive(Clone)]
pub struct OwnedClaims {
    bytes: heapless::Vec<u8, TOKEN_BUF_LEN>,
}

impl OwnedClaims {
    /// The claims again, borrowed from this copy.
    pub fn claims(&self) -> Claims<'_> {
        // These bytes parsed before and are unchanged; a failure here would be a bug.
        Claims::parse(&self.bytes).unwrap_or_else(|_| Claims::empty())
    }
}

impl core::fmt::Debug for OwnedClaims {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("OwnedClaims")
            .field("len", &self.bytes.len())
            .finish()
    }
}

impl ValidatedClaims<'_> {
    /// Copy the claims into an [`OwnedClaims`].
    pub fn to_owned_claims(&self) -> OwnedClaims {
        let mut bytes = heapless::Vec::new();
        // The object came from a payload of at most TOKEN_BUF_LEN bytes, so it fits.
        let _ = bytes.extend_from_slice(self.claims.object().raw());
        OwnedClaims { bytes }
    }
}

/// What one call asks for beyond the policy.
#[derive(Debug, Default)]
pub struct Request<'r> {
    required_permissions: &'r [&'r str],
    metadata: Option<&'r mut [u8]>,
}

impl<'r> Request<'r> {
    /// Nothing beyond the policy.
    pub fn new() -> Self {
        Self::default()
    }

    /// Permissions this call requires, in addition to the policy's.
    pub fn require(mut self, permissions: &'r [&'r str]) -> Self {
        self.required_permissions = permissions;
        self
    }

    /// Write the user-data document of the policy's metadata fields into `out`.
    pub fn metadata_into(mut self, out: &'r mut [u8]) -> Self {
        self.metadata = Some(out);
        self
    }
}

/// The result of [`Verifier::verify_request`].
#[derive(Debug, Clone, Copy)]
pub struct Verified<'a> {
    /// The validated claims.
    pub claims: ValidatedClaims<'a>,
    /// Bytes of user-data document written (0 when none was asked for).
    pub metadata_len: usize,
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

    /// Verify `token` at `now` (unix seconds), decoding into `buf`: everything in the policy
    /// except writing metadata (see [`Verifier::verify_request`]).
    ///
    /// Order, first failure wins: format -> header (including `typ`) -> key -> signature ->
    /// claim format -> time -> iss -> aud -> azp -> sub -> profile claims -> permissions. The
    /// claims parser runs only on a payload whose signature holds.
    pub fn verify<'a>(
        &self,
        token: &'a [u8],
        now: u64,
        buf: &'a mut TokenBuf,
    ) -> Result<ValidatedClaims<'a>, Error> {
        self.run(token, now, buf, &[])
    }

    /// The whole pipeline in one call: [`Verifier::verify`], then the call's own required
    /// permissions, then the policy's metadata fields written into the request's buffer.
    pub fn verify_request<'a>(
        &self,
        token: &'a [u8],
        now: u64,
        buf: &'a mut TokenBuf,
        request: Request<'_>,
    ) -> Result<Verified<'a>, Rejection> {
        verify_request_with(&self.keys, &self.policy, token, now, buf, request)
    }

    fn run<'a>(
        &self,
        token: &'a [u8],
        now: u64,
        buf: &'a mut TokenBuf,
        required: &[&str],
    ) -> Result<ValidatedClaims<'a>, Error> {
        run(&self.keys, &self.policy, token, now, buf, required)
    }
}

fn run<'a, const N: usize>(
    keys: &KeyRing<N>,
    policy: &Policy<'_>,
    token: &'a [u8],
    now: u64,
    buf: &'a mut TokenBuf,
    required: &[&str],
) -> Result<ValidatedClaims<'a>, Error> {
    let untrusted = UntrustedToken::parse(token, buf)?;
    policy.check_header(&untrusted.header)?;
    let verified = untrusted.verify_signature(keys)?;
    let claims = verified.claims()?;
    policy.check_claims(&claims, now)?;
    policy.check_grants(&claims, required)?;
    Ok(ValidatedClaims { claims })
}

/// [`Verifier::verify_request`] over a key ring and a policy held separately: for callers
/// (such as the C binding) that keep the policy's strings themselves and build a [`Policy`]
/// over them per call, without moving or copying keys.
pub fn verify_request_with<'a, const N: usize>(
    keys: &KeyRing<N>,
    policy: &Policy<'_>,
    token: &'a [u8],
    now: u64,
    buf: &'a mut TokenBuf,
    request: Request<'_>,
) -> Result<Verified<'a>, Rejection> {
    let claims = run(keys, policy, token, now, buf, request.required_permissions)?;
    let fields = policy.metadata_fields();
    let metadata_len = match request.metadata {
        Some(out) => claims.metadata(fields, out)?,
        // Required fields are part of the policy even when nobody wants the document.
        None => metadata::check(&claims.object(), fields).map(|()| 0)?,
    };
    Ok(Verified {
        claims,
        metadata_len,
    })
}

impl<'p, const N: usize> Verifier<'p, N> {}
