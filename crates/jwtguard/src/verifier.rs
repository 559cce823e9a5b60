//! The one-call entry point: keys and policy together, checks in the documented order.

use core::ops::Deref;

use crate::Error;
use crate::claims::Claims;
use crate::keys::KeyRing;
use crate::metadata::{self, Rejection};

use crate::policy::Policy;
use crate::token::{TokenBuf, UntrustedToken};

/// Claims that passed signature verification and the whole policy. Only [`Verifier::verify`]
/// makes one.
#[derive(Debug, Clone, Copy)]
pub struct ValidatedClaims<'a> {
    claims: Claims<'a>,
}

impl<'a> ValidatedClaims<'a> {
    /// Only [`crate::VerifiedToken::validate`] calls this, after the whole policy held.
    pub(crate) fn new(claims: Claims<'a>) -> Self {
        Self { claims }
    }
}

impl<'a> Deref for ValidatedClaims<'a> {
    type Target = Claims<'a>;
    fn deref(&self) -> &Claims<'a> {
        &self.claims
    }
}

/// Validated claims in storage that owns its bytes (about 1.8 KiB, no heap), for callers that
/// must keep a result past the call that made it, such as the C binding. Its claims are empty
/// until [`OwnedClaims::verify_request_with`] succeeds on it (the token is decoded straight into
/// it, with no second buffer and no copy) or [`ValidatedClaims::to_owned_claims`] makes one, so
/// non-empty claims carry the same guarantee as [`ValidatedClaims`].
#[derive(Clone)]
pub struct OwnedClaims {
    buf: TokenBuf,
    /// Where in `buf` the validated claims' payload is (its index is in `buf` too); an empty
    /// range means none.
    start: usize,
    end: usize,
}

impl OwnedClaims {
    /// Storage holding no claims.
    pub const fn new() -> Self {
        Self {
            buf: TokenBuf::new(),
            start: 0,
            end: 0,
        }
    }

    /// The claims again, borrowed from this storage (empty if none were validated into it).
    /// Nothing is validated again: the payload's member index was kept from the verify.
    pub fn claims(&self) -> Claims<'_> {
        match self.buf.bytes().get(self.start..self.end) {
            // These bytes and their index passed before and are unchanged; a failure here would
            // be a bug.
            Some(raw) if !raw.is_empty() => {
                Claims::from_index(raw, self.buf.index()).unwrap_or_else(|_| Claims::empty())
            }
            _ => Claims::empty(),
        }
    }

    /// [`verify_request_with`], decoding the token into this storage: on success the claims
    /// stay here for [`OwnedClaims::claims`], and the metadata length is returned; on failure
    /// the storage holds no claims.
    pub fn verify_request_with<const N: usize>(
        &mut self,
        keys: &KeyRing<N>,
        policy: &Policy<'_>,
        token: &[u8],
        now: u64,
        request: Request<'_>,
    ) -> Result<usize, Rejection> {
        (self.start, self.end) = (0, 0);
        let base = self.buf.bytes().as_ptr() as usize;
        let verified = verify_request_with(keys, policy, token, now, &mut self.buf, request)?;
        let raw = verified.claims.payload();
        // The claims borrow from `buf`; keep their place in it as plain offsets, so the borrow
        // can end here.
        let start = (raw.as_ptr() as usize).wrapping_sub(base);
        let span = (start, start.saturating_add(raw.len()));
        let metadata_len = verified.metadata_len;
        if self.buf.bytes().get(span.0..span.1).is_none() {
            // Unreachable: the claims are always decoded into `buf`.
            return Err(Error::Malformed.into());
        }
        (self.start, self.end) = span;
        Ok(metadata_len)
    }
}

impl Default for OwnedClaims {
    fn default() -> Self {
        Self::new()
    }
}

impl core::fmt::Debug for OwnedClaims {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("OwnedClaims")
            .field("len", &self.end.saturating_sub(self.start))
            .finish()
    }
}

impl ValidatedClaims<'_> {
    /// Copy the claims into an [`OwnedClaims`].
    pub fn to_owned_claims(&self) -> OwnedClaims {
        let mut owned = OwnedClaims::new();
        let raw = self.claims.payload();
        // The payload is at most TOKEN_BUF_LEN bytes, so it fits; its index's offsets are
        // relative to it, so the index copies as it is.
        let (bytes, index) = owned.buf.parts_mut();
        if let (Some(dst), Some(from)) = (bytes.get_mut(..raw.len()), self.claims.index()) {
            dst.copy_from_slice(raw);
            *index = *from;
            owned.end = raw.len();
        }
        owned
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
pub struct Accepted<'a> {
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

    /// Verify `token` at `now` (unix seconds), decoding into `buf`: everything in the policy,
    /// required metadata fields included, except writing the metadata document (see
    /// [`Verifier::verify_request`]). One policy gives one verdict on every entry point.
    ///
    /// Exactly the typed-state chain: [`UntrustedToken::parse`], then
    /// [`UntrustedToken::verify_signature`], then [`crate::VerifiedToken::validate`].
    ///
    /// Order, first failure wins: format -> header -> key -> signature -> `typ` -> claim format
    /// -> time -> iss -> aud -> azp -> sub -> profile claims -> permissions -> required metadata
    /// fields. The claims parser runs only on a payload whose signature holds, and the policy
    /// looks at nothing (not even `typ`) before the signature does.
    pub fn verify<'a>(
        &self,
        token: &'a [u8],
        now: u64,
        buf: &'a mut TokenBuf,
    ) -> Result<ValidatedClaims<'a>, Error> {
        self.run(token, now, buf, &[]).map_err(|r| r.error)
    }

    /// The whole pipeline in one call: [`Verifier::verify`], then the call's own required
    /// permissions, then the policy's metadata fields written into the request's buffer.
    pub fn verify_request<'a>(
        &self,
        token: &'a [u8],
        now: u64,
        buf: &'a mut TokenBuf,
        request: Request<'_>,
    ) -> Result<Accepted<'a>, Rejection> {
        verify_request_with(&self.keys, &self.policy, token, now, buf, request)
    }

    fn run<'a>(
        &self,
        token: &'a [u8],
        now: u64,
        buf: &'a mut TokenBuf,
        required: &[&str],
    ) -> Result<ValidatedClaims<'a>, Rejection> {
        run(&self.keys, &self.policy, token, now, buf, required)
    }
}

/// The whole chain: parse, check the signature, validate. Every entry point is this.
fn run<'a, const N: usize>(
    keys: &KeyRing<N>,
    policy: &Policy<'_>,
    token: &'a [u8],
    now: u64,
    buf: &'a mut TokenBuf,
    required: &[&str],
) -> Result<ValidatedClaims<'a>, Rejection> {
    UntrustedToken::parse(token, buf)?
        .verify_signature(keys)?
        .validate_for(policy, now, required)
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
) -> Result<Accepted<'a>, Rejection> {
    let claims = run(keys, policy, token, now, buf, request.required_permissions)?;
    let metadata_len = match request.metadata {
        Some(out) => metadata::write_checked(&claims, policy.metadata_fields(), out)?,
        None => 0,
    };
    Ok(Accepted {
        claims,
        metadata_len,
    })
}

impl<'p, const N: usize> Verifier<'p, N> {}
