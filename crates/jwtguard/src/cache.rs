//! A cache of verified tokens, with no heap.
//!
//! A gateway sees the same token many times: a session token comes with every request of the
//! session. The cache remembers, for a token that passed the whole policy, what a later verify
//! of the same bytes needs to give the same answer without the signature check:
//! - the entry's key is a SHA-256 over the verifier's fingerprint
//!   ([`crate::Verifier::fingerprint`]: every key, the whole policy) and the token's bytes, so
//!   a token one byte different, or a verifier with other keys or another policy (a JWKS
//!   rotation, another location), never finds it;
//! - the entry holds the claims' index, so a hit decodes the payload and rebuilds the claims
//!   without parsing them again, and the claims API answers as after a verify;
//! - a hit runs again what depends on the call: the time checks at the call's `now` (an expired
//!   token is refused on a hit as on a verify) and the call's required permissions; the rest of
//!   the policy (issuer, audience, party, subject, profile, required metadata fields) depends
//!   only on the token's bytes and the fingerprint, and held when the entry was made.
//!
//! Only tokens that passed are cached. The cache is set-associative, four ways per set: a
//! lookup compares at most four tags, and a full set gives up its entry that expires first
//! (bounded work, no list to maintain). Its memory is the caller's: `len * size_of::<CacheEntry>()`
//! bytes. A `&mut VerifyCache` is one thread's; share one between threads behind a lock (the C
//! ABI's `jwtguard_cache` does).

use crate::capacity::Capacity;
use crate::claims::ClaimsIndex;
use crate::error::{Error, Rejection};
use crate::lists::PolicyLists;
use crate::token::TokenBuf;
use crate::verifier::{Accepted, Request, Verifier};

/// Ways per set: tags compared per lookup.
const WAYS: usize = 4;

/// One cached token (see the module documentation). All zeros is an empty entry.
#[derive(Clone, Copy, Debug)]
pub struct CacheEntry {
    tag: [u8; 32],
    used: bool,
    /// When the token stops verifying (its `exp`; `u64::MAX` without one): what eviction
    /// compares.
    expires: u64,
    index: ClaimsIndex,
}

impl CacheEntry {
    /// An empty entry: `[CacheEntry::EMPTY; 64]` is a cache's storage.
    pub const EMPTY: Self = Self {
        tag: [0; 32],
        used: false,
        expires: 0,
        index: ClaimsIndex::new(),
    };
}

impl Default for CacheEntry {
    fn default() -> Self {
        Self::EMPTY
    }
}

/// An entry's key: SHA-256 over a verifier's fingerprint and a token's bytes
/// ([`CachedVerifier::key`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CacheKey([u8; 32]);

/// What an entry keeps of a token that passed: the claims' index and when it expires. What
/// [`VerifyCache::lookup`] gives, and [`CachedVerifier::verify_hit`] answers from.
#[derive(Clone, Copy, Debug)]
pub struct CachedClaims {
    expires: u64,
    index: ClaimsIndex,
}

/// A verify cache over caller storage (see the module documentation).
pub struct VerifyCache<'s> {
    entries: &'s mut [CacheEntry],
    hits: u64,
    misses: u64,
}

impl<'s> VerifyCache<'s> {
    /// A cache over `entries` (their contents are kept: a cache can be rebuilt over storage
    /// that outlives it). Four ways per set; fewer than four entries make one set.
    pub fn new(entries: &'s mut [CacheEntry]) -> Self {
        Self {
            entries,
            hits: 0,
            misses: 0,
        }
    }

    /// Lookups answered from an entry (whatever the answer: an expired token is a hit that
    /// is refused), and lookups that found none, since this cache value was made.
    pub fn stats(&self) -> (u64, u64) {
        (self.hits, self.misses)
    }

    /// Forget every entry.
    pub fn clear(&mut self) {
        self.entries.fill(CacheEntry::EMPTY);
    }

    /// How many entries hold a token.
    pub fn len(&self) -> usize {
        self.entries.iter().filter(|e| e.used).count()
    }

    /// Whether no entry holds a token.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The ways of the set `tag` falls in.
    fn set(&mut self, tag: &[u8; 32]) -> &mut [CacheEntry] {
        let sets = (self.entries.len() / WAYS).max(1);
        let pick = u32::from_le_bytes([tag[0], tag[1], tag[2], tag[3]]);
        let first = (pick as usize)
            .checked_rem(sets)
            .unwrap_or(0)
            .saturating_mul(WAYS);
        let end = first.saturating_add(WAYS).min(self.entries.len());
        self.entries.get_mut(first..end).unwrap_or(&mut [])
    }

    /// The entry of `key`, if the cache holds one; counted as a hit or a miss.
    pub fn lookup(&mut self, key: &CacheKey) -> Option<CachedClaims> {
        let found = self
            .set(&key.0)
            .iter()
            .find(|e| e.used && e.tag == key.0)
            .map(|e| CachedClaims {
                expires: e.expires,
                index: e.index,
            });
        match found {
            Some(_) => self.hits = self.hits.saturating_add(1),
            None => self.misses = self.misses.saturating_add(1),
        }
        found
    }

    /// Keep `claims` under `key` ([`CachedVerifier::verify_miss`] gives both): into a free
    /// way of its set, else in place of the entry that expires first.
    pub fn insert(&mut self, key: &CacheKey, claims: CachedClaims) {
        let (tag, expires, index) = (key.0, claims.expires, claims.index);
        let set = self.set(&tag);
        // A free way, else the one whose token expires first.
        let victim = match set.iter().position(|e| !e.used) {
            Some(i) => set.get_mut(i),
            None => set.iter_mut().min_by_key(|e| e.expires),
        };
        if let Some(slot) = victim {
            *slot = CacheEntry {
                tag,
                used: true,
                expires,
                index,
            };
        }
    }

    /// Forget the entry of `key`, if there is one.
    pub fn remove(&mut self, key: &CacheKey) {
        for e in self.set(&key.0) {
            if e.used && e.tag == key.0 {
                *e = CacheEntry::EMPTY;
            }
        }
    }
}

/// A verifier with its fingerprint, for cached verifies ([`Verifier::cached`]). It borrows the
/// verifier, so the verifier cannot change while it exists: the fingerprint stays true.
pub struct CachedVerifier<'v, 'p, const N: usize, L> {
    verifier: &'v Verifier<'p, N, L>,
    fingerprint: [u8; 32],
}

impl<'p, const N: usize, L: PolicyLists> Verifier<'p, N, L> {
    /// This verifier for cached verifies: computes its fingerprint once (a hash of its keys
    /// and policy; see [`Verifier::fingerprint`]).
    pub fn cached(&self) -> CachedVerifier<'_, 'p, N, L> {
        CachedVerifier {
            verifier: self,
            fingerprint: self.fingerprint(),
        }
    }
}

impl<const N: usize, L: PolicyLists> CachedVerifier<'_, '_, N, L> {
    /// The fingerprint the cache's entries are keyed with.
    pub fn fingerprint(&self) -> &[u8; 32] {
        &self.fingerprint
    }

    /// [`Verifier::verify`], answered from `cache` when it holds this token for this
    /// verifier, and remembered there when it passes.
    pub fn verify<'a, C: Capacity>(
        &self,
        cache: &mut VerifyCache<'_>,
        token: &'a [u8],
        now: u64,
        buf: &'a mut TokenBuf<C>,
    ) -> Result<crate::token::ValidatedClaims<'a>, Error> {
        self.verify_request(cache, token, now, buf, Request::new())
            .map(|a| a.claims)
            .map_err(|r| r.error)
    }

    /// [`Verifier::verify_request`] through `cache`: [`CachedVerifier::key`], a lookup, then
    /// [`CachedVerifier::verify_hit`] or [`CachedVerifier::verify_miss`] and an insert. (A
    /// cache shared between threads does the same with its lock held only around the lookup
    /// and the insert: the C ABI's `jwtguard_verify_cached`.)
    pub fn verify_request<'a, C: Capacity>(
        &self,
        cache: &mut VerifyCache<'_>,
        token: &'a [u8],
        now: u64,
        buf: &'a mut TokenBuf<C>,
        mut request: Request<'_>,
    ) -> Result<Accepted<'a>, Rejection> {
        // A hit checks no signature; a miss's verify counts its own.
        if let Some(n) = request.keys_tried.as_deref_mut() {
            *n = 0;
        }
        let key = self.key(token);
        if let Some(found) = cache.lookup(&key) {
            match self.check_hit(&found, token, now, buf, request.required_permissions) {
                Hit::Refused(rejection) => return Err(rejection),
                Hit::Passed => {
                    buf.set_validated();
                    let buf: &'a TokenBuf<C> = buf;
                    let claims = buf.validated_claims().ok_or(Error::JsonSyntax)?;
                    let fields = self.verifier.policy().metadata_fields();
                    return Accepted::with_metadata(claims, fields, request.metadata);
                }
                // Cannot happen (the key covers the bytes the entry was made from); should
                // it, the entry goes and the answer is the full verify's.
                Hit::Stale => cache.remove(&key),
            }
        }
        let (accepted, keep) = self.verify_miss(token, now, buf, request)?;
        if let Some(claims) = keep {
            cache.insert(&key, claims);
        }
        Ok(accepted)
    }

    /// The key `token`'s entry is under, for this verifier.
    pub fn key(&self, token: &[u8]) -> CacheKey {
        use sha2::Digest;
        let mut h = sha2::Sha256::new();
        h.update(self.fingerprint);
        h.update(token);
        CacheKey(h.finalize().into())
    }

    /// Answer a verify of `token` from `found`, the entry its key found: the payload decoded
    /// again and the claims rebuilt from the entry, then the checks that depend on the call
    /// (time at `now`, the call's permissions) and the request's metadata document. `None` if
    /// the entry does not rebuild (it cannot, as the key covers the bytes; the caller then
    /// removes it and verifies in full).
    ///
    /// The request is borrowed, so that a stale entry leaves it to the full verify; its
    /// metadata buffer is taken when the hit is answered.
    pub fn verify_hit<'a, C: Capacity>(
        &self,
        found: &CachedClaims,
        token: &'a [u8],
        now: u64,
        buf: &'a mut TokenBuf<C>,
        request: &mut Request<'_>,
    ) -> Option<Result<Accepted<'a>, Rejection>> {
        // A hit checks no signature.
        if let Some(n) = request.keys_tried.as_deref_mut() {
            *n = 0;
        }
        match self.check_hit(found, token, now, buf, request.required_permissions) {
            Hit::Refused(rejection) => Some(Err(rejection)),
            Hit::Stale => None,
            Hit::Passed => {
                buf.set_validated();
                let buf: &'a TokenBuf<C> = buf;
                let claims = buf.validated_claims()?;
                let fields = self.verifier.policy().metadata_fields();
                Some(Accepted::with_metadata(
                    claims,
                    fields,
                    request.metadata.take(),
                ))
            }
        }
    }

    /// A full verify of `token`, and, if it passed, what to keep under its key.
    pub fn verify_miss<'a, C: Capacity>(
        &self,
        token: &'a [u8],
        now: u64,
        buf: &'a mut TokenBuf<C>,
        request: Request<'_>,
    ) -> Result<(Accepted<'a>, Option<CachedClaims>), Rejection> {
        let accepted = self.verifier.verify_request(token, now, buf, request)?;
        let keep = accepted.claims.index().map(|index| CachedClaims {
            expires: accepted.claims.expires_at().unwrap_or(u64::MAX),
            index: *index,
        });
        Ok((accepted, keep))
    }

    fn check_hit<C: Capacity>(
        &self,
        found: &CachedClaims,
        token: &[u8],
        now: u64,
        buf: &mut TokenBuf<C>,
        required: &[&str],
    ) -> Hit {
        if buf.restore(token, &found.index).is_err() {
            return Hit::Stale;
        }
        let Some(claims) = buf.restored_claims() else {
            return Hit::Stale;
        };
        let policy = self.verifier.policy();
        match policy
            .check_time(&claims, now)
            .and_then(|()| policy.check_grants(&claims, required))
        {
            Ok(()) => Hit::Passed,
            Err(e) => Hit::Refused(e.into()),
        }
    }
}

/// What a hit's checks found.
enum Hit {
    Passed,
    Refused(Rejection),
    /// The entry did not rebuild: verify in full.
    Stale,
}
