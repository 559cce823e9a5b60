//! The one-call entry point: keys and policy together, checks in the documented order.

use core::sync::atomic::{AtomicBool, AtomicU32, Ordering};

use crate::capacity::Capacity;
use crate::error::Error;
use crate::error::Rejection;
use crate::keys::KeyRing;
use crate::limits::MAX_TOKEN_LEN;
use crate::lists::{Borrowed, PolicyLists};
#[cfg(feature = "metadata")]
use crate::metadata;
use crate::metadata::FieldSpec;
use crate::policy::Policy;
use crate::token::{TokenBuf, UntrustedToken, ValidatedClaims};

/// What one call asks for beyond the policy.
#[derive(Debug, Default)]
pub struct Request<'r> {
    pub(crate) required_permissions: &'r [&'r str],
    pub(crate) metadata: Option<&'r mut [u8]>,
    pub(crate) keys_tried: Option<&'r mut u32>,
}

impl<'r> Request<'r> {
    /// Nothing beyond the policy.
    pub fn new() -> Self {
        Self::default()
    }

    /// The call's required permissions, whatever the build's features (a build without
    /// `permissions` is given none: `crate::explain` passes its caller's through).
    pub(crate) fn with_permissions(required: &'r [&'r str]) -> Self {
        Self {
            required_permissions: required,
            metadata: None,
            keys_tried: None,
        }
    }

    /// Count into `out` the signature checks this call costs (the keys tried against the
    /// signature, in every provider of a set; 0 for a token refused before its key is chosen,
    /// and for a verify cache's hit): for capacity planning, as kid-less tokens and rotating
    /// key sets multiply them. Written whatever the verdict.
    pub fn count_keys(mut self, out: &'r mut u32) -> Self {
        self.keys_tried = Some(out);
        self
    }

    /// Permissions this call requires, in addition to the policy's.
    #[cfg(feature = "permissions")]
    pub fn require(mut self, permissions: &'r [&'r str]) -> Self {
        self.required_permissions = permissions;
        self
    }

    /// Write the user-data document of the policy's metadata fields into `out`.
    #[cfg(feature = "metadata")]
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

impl<'a> Accepted<'a> {
    /// The claims, and the document of `fields` written into `out` when the request asked
    /// for one: the last step of every `verify_request`.
    pub(crate) fn with_metadata<F: FieldSpec>(
        claims: ValidatedClaims<'a>,
        fields: &[F],
        out: Option<&mut [u8]>,
    ) -> Result<Self, Rejection> {
        #[cfg(feature = "metadata")]
        let metadata_len = match out {
            Some(out) => metadata::write_checked(&claims, fields, out)?,
            None => 0,
        };
        // Without the feature a request cannot ask for a document (`Request::metadata_into`).
        #[cfg(not(feature = "metadata"))]
        let metadata_len = {
            let _ = (fields, out);
            0
        };
        Ok(Accepted {
            claims,
            metadata_len,
        })
    }
}

/// Keys plus policy: configure once, then share (`&Verifier` is `Sync`; verification takes
/// `&self` and touches no shared mutable state). The policy's lists are borrowed by default;
/// a verifier with an owned policy (`Verifier<'static, N, Owned<..>>`) holds its whole
/// configuration and can be filled at run time through [`Verifier::keys_mut`] and
/// [`Verifier::policy_mut`].
#[derive(Debug)]
pub struct Verifier<'p, const N: usize, L = Borrowed<'p>> {
    keys: KeyRing<N>,
    policy: Policy<'p, L>,
    /// Longest token accepted, whatever the buffer's capacity.
    max_token_len: usize,
    /// The fingerprint, once computed ([`Verifier::fingerprint`]); every `&mut` access to
    /// the configuration forgets it.
    fingerprint: FingerprintCell,
}

impl<'p, const N: usize, L: Clone> Clone for Verifier<'p, N, L> {
    fn clone(&self) -> Self {
        Self {
            keys: self.keys.clone(),
            policy: self.policy.clone(),
            max_token_len: self.max_token_len,
            fingerprint: FingerprintCell::new(),
        }
    }
}

/// A fingerprint computed on first use and kept, through `&self` (verifies share the
/// verifier): atomics only, so the core stays free of `unsafe`. Two threads that compute it at
/// once store the same words; `ready` is set after them (release) and read before them
/// (acquire), so a reader never sees half of one. It is cleared only through `&mut`, when no
/// one reads.
#[derive(Debug)]
struct FingerprintCell {
    words: [AtomicU32; 8],
    ready: AtomicBool,
}

impl FingerprintCell {
    const fn new() -> Self {
        Self {
            words: [const { AtomicU32::new(0) }; 8],
            ready: AtomicBool::new(false),
        }
    }

    fn get(&self) -> Option<[u8; 32]> {
        if !self.ready.load(Ordering::Acquire) {
            return None;
        }
        let mut out = [0u8; 32];
        for (chunk, w) in out.chunks_exact_mut(4).zip(&self.words) {
            chunk.copy_from_slice(&w.load(Ordering::Relaxed).to_le_bytes());
        }
        Some(out)
    }

    /// Its first eight bytes, if computed: two loads rather than eight (a cache's probe seed).
    fn seed(&self) -> Option<u64> {
        if !self.ready.load(Ordering::Acquire) {
            return None;
        }
        let lo = u64::from(self.words[0].load(Ordering::Relaxed));
        let hi = u64::from(self.words[1].load(Ordering::Relaxed));
        Some(lo | (hi << 32))
    }

    fn set(&self, fp: &[u8; 32]) {
        for (chunk, w) in fp.chunks_exact(4).zip(&self.words) {
            let mut b = [0u8; 4];
            b.copy_from_slice(chunk);
            w.store(u32::from_le_bytes(b), Ordering::Relaxed);
        }
        self.ready.store(true, Ordering::Release);
    }

    fn forget(&mut self) {
        *self.ready.get_mut() = false;
    }
}

impl<'p, const N: usize, L: PolicyLists> Verifier<'p, N, L> {
    /// A SHA-256 over everything that decides this verifier's verdicts: every key (public
    /// keys by value, HMAC keys by a MAC under them), the key ring's rules, the whole policy,
    /// and the token length limit. Two verifiers with one fingerprint give the same answer to
    /// every token; a verify cache keys its entries with it ([`crate::cache::VerifyCache`]), so a
    /// token cached under one configuration never answers for another.
    ///
    /// Computed on the first call and kept until the configuration changes (any `&mut`
    /// access: [`Verifier::keys_mut`], [`Verifier::policy_mut`], [`Verifier::set_max_token_len`]).
    pub fn fingerprint(&self) -> [u8; 32] {
        if let Some(fp) = self.fingerprint.get() {
            return fp;
        }
        let fp = self.compute_fingerprint();
        self.fingerprint.set(&fp);
        fp
    }

    /// The fingerprint's first eight bytes as a little-endian word: what a verify cache's probe
    /// is seeded with, read without copying the whole fingerprint.
    pub(crate) fn fingerprint_seed(&self) -> u64 {
        match self.fingerprint.seed() {
            Some(seed) => seed,
            None => {
                let fp = self.fingerprint();
                let mut w = [0u8; 8];
                w.copy_from_slice(fp.get(..8).unwrap_or(&[0; 8]));
                u64::from_le_bytes(w)
            }
        }
    }

    fn compute_fingerprint(&self) -> [u8; 32] {
        use sha2::Digest;
        let mut h = sha2::Sha256::new();
        h.update(b"jwtguard verifier fingerprint v1");
        let mut feed = |b: &[u8]| h.update(b);
        self.keys.identity(&mut feed);
        self.policy.identity(&mut feed);
        feed(
            &u64::try_from(self.max_token_len)
                .unwrap_or(u64::MAX)
                .to_be_bytes(),
        );
        h.finalize().into()
    }

    /// A verifier over `keys`, enforcing `policy`, for tokens of up to [`MAX_TOKEN_LEN`]
    /// (2048) bytes.
    pub const fn new(keys: KeyRing<N>, policy: Policy<'p, L>) -> Self {
        Self {
            keys,
            policy,
            max_token_len: MAX_TOKEN_LEN,
            fingerprint: FingerprintCell::new(),
        }
    }

    /// Accept tokens of up to `len` bytes (default [`MAX_TOKEN_LEN`], 2048): a limit at run
    /// time, under the capacity of the [`TokenBuf`] each call decodes into (a longer token is
    /// [`Error::TokenTooLong`] either way). Raise it with a larger buffer
    /// (`TokenBuf<Capacity16K>`) for identity providers whose access tokens are larger.
    pub const fn max_token_len(mut self, len: usize) -> Self {
        self.max_token_len = len;
        self.fingerprint = FingerprintCell::new();
        self
    }

    /// [`Verifier::max_token_len`] in place.
    pub fn set_max_token_len(&mut self, len: usize) {
        self.fingerprint.forget();
        self.max_token_len = len;
    }

    /// The longest token accepted.
    pub fn token_len_limit(&self) -> usize {
        self.max_token_len
    }

    /// The key ring.
    pub fn keys(&self) -> &KeyRing<N> {
        &self.keys
    }

    /// The key ring, to load keys into.
    pub fn keys_mut(&mut self) -> &mut KeyRing<N> {
        self.fingerprint.forget();
        &mut self.keys
    }

    /// The policy.
    pub fn policy(&self) -> &Policy<'p, L> {
        &self.policy
    }

    /// The policy, to change.
    pub fn policy_mut(&mut self) -> &mut Policy<'p, L> {
        self.fingerprint.forget();
        &mut self.policy
    }

    /// Verify `token` at `now` (unix seconds), decoding into `buf`: everything in the policy,
    /// required metadata fields included, except writing the metadata document (see
    /// [`Verifier::verify_request`]). One policy gives one verdict on every entry point.
    ///
    /// Exactly the typed-state chain: [`UntrustedToken::parse`] (under the verifier's
    /// [`Verifier::max_token_len`]), then
    /// [`UntrustedToken::verify_signature`], then [`crate::VerifiedToken::validate`].
    ///
    /// Order, first failure wins: format -> header -> key -> signature -> `typ` -> claim format
    /// -> time -> iss -> aud -> azp -> sub -> profile claims -> permissions -> required metadata
    /// fields. The claims parser runs only on a payload whose signature holds, and the policy
    /// looks at nothing (not even `typ`) before the signature does.
    pub fn verify<'a, C: Capacity>(
        &self,
        token: &'a [u8],
        now: u64,
        buf: &'a mut TokenBuf<C>,
    ) -> Result<ValidatedClaims<'a>, Error> {
        UntrustedToken::parse_limited(token, buf, self.max_token_len)?
            .verify_signature(&self.keys)?
            .validate(&self.policy, now)
    }

    /// The whole pipeline in one call: [`Verifier::verify`], then the call's own required
    /// permissions, then the policy's metadata fields written into the request's buffer.
    pub fn verify_request<'a, C: Capacity>(
        &self,
        token: &'a [u8],
        now: u64,
        buf: &'a mut TokenBuf<C>,
        request: Request<'_>,
    ) -> Result<Accepted<'a>, Rejection> {
        let Request {
            required_permissions,
            metadata,
            mut keys_tried,
        } = request;
        if let Some(n) = keys_tried.as_deref_mut() {
            *n = 0;
        }
        let untrusted = UntrustedToken::parse_limited(token, buf, self.max_token_len)?;
        let mut tried = 0u32;
        let signed = untrusted
            .signed()
            .walk(&self.keys, usize::MAX, &mut |_, _| {
                tried = tried.saturating_add(1);
            });
        if let Some(n) = keys_tried {
            *n = tried;
        }
        signed?;
        let claims =
            untrusted
                .into_verified()
                .validate_for(&self.policy, now, required_permissions)?;
        Accepted::with_metadata(claims, self.policy.metadata_fields(), metadata)
    }
}
