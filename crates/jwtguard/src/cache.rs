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
//! Only tokens that passed are cached, and only from their second verify: a token seen once is
//! remembered by a 64-bit probe in its set (a "ghost"), and kept when it comes again. A stream
//! of distinct tokens (a scan, or one-off tokens) then never displaces the tokens that repeat,
//! and its cost is the probe alone.
//!
//! A lookup costs a probe: a fast keyed hash of the token (not collision-resistant, and not
//! relied on). Only when an entry of the set has the same probe is the SHA-256 key computed
//! and compared, so a miss costs the probe and a hit the SHA-256 it always cost; a collision
//! of probes costs one SHA-256 and is no hit. The cache is set-associative, four ways per set:
//! a lookup compares at most four probes, and a full set gives up its entry that expires first
//! (bounded work, no list to maintain). Its memory is the caller's:
//! `len * size_of::<CacheEntry>()` bytes. A `&mut VerifyCache` is one thread's; share one
//! between threads behind a lock (the C ABI's `jwtguard_cache` does, and computes the SHA-256
//! outside it).

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
    /// The token's probe ([`Probe`]): compared before the tag.
    probe: u64,
    /// A probe of a token this set saw once and did not keep (0: none); four per set.
    ghost: u64,
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
        probe: 0,
        ghost: 0,
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

/// A token's probe: a fast hash of its bytes keyed by the verifier's fingerprint
/// ([`CachedVerifier::probe`]). It picks the set and filters the entries; the SHA-256 key
/// decides.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Probe(u64);

/// The keys of the entries of a set whose probe matched: at most the four ways
/// ([`VerifyCache::candidates`]). Keys only: the claims of the one that matches are read with
/// [`VerifyCache::claims`], so a miss copies nothing.
#[derive(Clone, Copy, Debug)]
pub struct Candidates {
    tags: [[u8; 32]; WAYS],
    n: usize,
}

impl Candidates {
    /// Whether no entry matched the probe: then the token is not cached, and its SHA-256 is
    /// not needed.
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// Whether one of them is `key`.
    pub fn holds(&self, key: &CacheKey) -> bool {
        self.tags.iter().take(self.n).any(|t| *t == key.0)
    }
}

/// What [`VerifyCache::lookup`] found.
#[derive(Clone, Copy, Debug)]
pub enum Lookup {
    /// Entries with the token's probe: compare their keys (a miss if none matches, counted and
    /// admitted by the caller).
    Candidates(Candidates),
    /// No entry has the probe: a miss (counted), and whether the token may be kept.
    Miss {
        /// The token's second sight: keep it if it passes.
        admitted: bool,
    },
}

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

    /// The ways of the set `probe` falls in.
    fn set(&mut self, probe: &Probe) -> &mut [CacheEntry] {
        let sets = (self.entries.len() / WAYS).max(1);
        // The probe's high half picks the set (its low bits pick the ghost slot), by a multiply
        // and a shift rather than a division: (hi * sets) >> 32 is below `sets`.
        let hi = probe.0 >> 32;
        let pick = hi.wrapping_mul(u64::try_from(sets).unwrap_or(u64::MAX)) >> 32;
        let first = usize::try_from(pick).unwrap_or(0).saturating_mul(WAYS);
        let end = first.saturating_add(WAYS).min(self.entries.len());
        self.entries.get_mut(first..end).unwrap_or(&mut [])
    }

    /// The keys of the entries of `probe`'s set with that probe (none: the token is not
    /// cached).
    pub fn candidates(&mut self, probe: &Probe) -> Candidates {
        let mut out = Candidates {
            tags: [[0; 32]; WAYS],
            n: 0,
        };
        for e in self
            .set(probe)
            .iter()
            .filter(|e| e.used && e.probe == probe.0)
        {
            if let Some(slot) = out.tags.get_mut(out.n) {
                *slot = e.tag;
                out.n = out.n.saturating_add(1);
            }
        }
        out
    }

    /// The claims kept under `key` (a hit, counted), or `None` (the entry went meanwhile,
    /// where a cache is shared).
    pub fn claims(&mut self, probe: &Probe, key: &CacheKey) -> Option<CachedClaims> {
        let found = self
            .set(probe)
            .iter()
            .find(|e| e.used && e.tag == key.0)
            .map(|e| CachedClaims {
                expires: e.expires,
                index: e.index,
            });
        if found.is_some() {
            self.count(true);
        }
        found
    }

    /// The lookup of a token: its probe's candidates; when there are none, it is a miss, counted,
    /// and its admission ([`VerifyCache::admit`]) is decided in the same call (one lock for a
    /// plain miss, where a cache is shared).
    pub fn lookup(&mut self, probe: &Probe) -> Lookup {
        // The common miss finds no probe: nothing to copy.
        if self.set(probe).iter().any(|e| e.used && e.probe == probe.0) {
            return Lookup::Candidates(self.candidates(probe));
        }
        self.count(false);
        Lookup::Miss {
            admitted: self.admit(probe),
        }
    }

    /// Count a lookup: answered from an entry, or not.
    pub fn count(&mut self, hit: bool) {
        if hit {
            self.hits = self.hits.saturating_add(1);
        } else {
            self.misses = self.misses.saturating_add(1);
        }
    }

    /// After a miss: whether the token may be kept if it passes. True when its set saw this
    /// probe before (the ghost is then spent); otherwise the probe is remembered, in place of
    /// an older one, and the token is not kept this time.
    pub fn admit(&mut self, probe: &Probe) -> bool {
        let p = probe.0 | 1; // never 0, which marks an empty ghost
        let set = self.set(probe);
        if let Some(e) = set.iter_mut().find(|e| e.ghost == p) {
            e.ghost = 0;
            return true;
        }
        let slot = usize::try_from(probe.0 & 0xffff)
            .unwrap_or(0)
            .checked_rem(set.len())
            .unwrap_or(0);
        if let Some(e) = set.get_mut(slot) {
            e.ghost = p;
        }
        false
    }

    /// Keep `claims` under `key` and `probe` ([`CachedVerifier::verify_miss`] gives the claims):
    /// into a free way of its set, else in place of the entry that expires first.
    pub fn insert(&mut self, probe: &Probe, key: &CacheKey, claims: CachedClaims) {
        let (tag, expires, index) = (key.0, claims.expires, claims.index);
        let set = self.set(probe);
        // A free way, else the one whose token expires first. Tokens minted together with one
        // lifetime expire together, and `min_by_key` gives the first of equal keys: scanned
        // from way 0 it would always give up way 0 and pin the other three for as long as
        // they live. The scan starts at a way the new token's probe picks instead (bits the
        // set and the ghost slot do not use), so ties are given up in turn.
        let victim = match set.iter().position(|e| !e.used) {
            Some(i) => set.get_mut(i),
            None => {
                let start = usize::try_from((probe.0 >> 16) & 0xff)
                    .unwrap_or(0)
                    .checked_rem(set.len())
                    .unwrap_or(0);
                let (before, from) = set.split_at_mut(start);
                from.iter_mut()
                    .chain(before.iter_mut())
                    .min_by_key(|e| e.expires)
            }
        };
        if let Some(slot) = victim {
            let ghost = slot.ghost;
            *slot = CacheEntry {
                tag,
                probe: probe.0,
                ghost,
                used: true,
                expires,
                index,
            };
        }
    }

    /// Forget the entry of `key`, if there is one.
    pub fn remove(&mut self, probe: &Probe, key: &CacheKey) {
        for e in self.set(probe) {
            if e.used && e.tag == key.0 {
                let ghost = e.ghost;
                *e = CacheEntry {
                    ghost,
                    ..CacheEntry::EMPTY
                };
            }
        }
    }
}

/// A verifier with its fingerprint, for cached verifies ([`Verifier::cached`]). It borrows the
/// verifier, so the verifier cannot change while it exists: the fingerprint stays true.
pub struct CachedVerifier<'v, 'p, const N: usize, L> {
    verifier: &'v Verifier<'p, N, L>,
    /// The fingerprint's first eight bytes, the probe's seed; the whole fingerprint is read
    /// only for a SHA-256 key (the verifier keeps it: [`Verifier::fingerprint`]).
    seed: u64,
}

impl<'p, const N: usize, L: PolicyLists> Verifier<'p, N, L> {
    /// This verifier for cached verifies (its fingerprint, a hash of its keys and policy, is
    /// computed once and kept by the verifier; see [`Verifier::fingerprint`]).
    pub fn cached(&self) -> CachedVerifier<'_, 'p, N, L> {
        CachedVerifier {
            verifier: self,
            seed: self.fingerprint_seed(),
        }
    }
}

impl<const N: usize, L: PolicyLists> CachedVerifier<'_, '_, N, L> {
    /// The fingerprint the cache's entries are keyed with.
    pub fn fingerprint(&self) -> [u8; 32] {
        self.verifier.fingerprint()
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

    /// [`Verifier::verify_request`] through `cache`: a probe and its candidates, the SHA-256
    /// key only when there are some, then [`CachedVerifier::verify_hit`], or
    /// [`CachedVerifier::verify_miss`] and an insert when the cache admits the token (its
    /// second time). (A cache shared between threads does the same with its lock held only
    /// around the lookup, the admission and the insert: the C ABI's `jwtguard_verify_cached`.)
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
        let probe = self.probe(token);
        // The SHA-256 only when an entry has this probe.
        let mut key = None;
        let admitted = match cache.lookup(&probe) {
            Lookup::Miss { admitted } => admitted,
            Lookup::Candidates(candidates) => {
                let k = self.key(token);
                let found = if candidates.holds(&k) {
                    cache.claims(&probe, &k)
                } else {
                    None
                };
                if let Some(found) = found {
                    match self.check_hit(&found, token, now, buf, request.required_permissions) {
                        Hit::Refused(rejection) => return Err(rejection),
                        Hit::Passed => {
                            buf.set_validated();
                            let buf: &'a TokenBuf<C> = buf;
                            let claims = buf.validated_claims().ok_or(Error::JsonSyntax)?;
                            let fields = self.verifier.policy().metadata_fields();
                            return Accepted::with_metadata(claims, fields, request.metadata);
                        }
                        // Cannot happen (the key covers the bytes the entry was made from);
                        // should it, the entry goes and the answer is the full verify's.
                        Hit::Stale => cache.remove(&probe, &k),
                    }
                }
                key = Some(k);
                cache.count(false);
                cache.admit(&probe)
            }
        };
        let (accepted, keep) = self.verify_miss(token, now, buf, request, admitted)?;
        if let Some(claims) = keep {
            let key = key.unwrap_or_else(|| self.key(token));
            cache.insert(&probe, &key, claims);
        }
        Ok(accepted)
    }

    /// The probe of `token` for this verifier: a hash of its length and its last 32 bytes (the
    /// end of the signature, which differs from token to token), seeded with the fingerprint.
    /// Constant work whatever the token's size; not collision-resistant, and not relied on: a
    /// hit needs the SHA-256 key over the whole token too, so a token made to share a probe
    /// costs one SHA-256 and is verified in full.
    pub fn probe(&self, token: &[u8]) -> Probe {
        const K: u64 = 0x9e37_79b9_7f4a_7c15;
        let word = |b: &[u8]| {
            let mut w = [0u8; 8];
            for (d, s) in w.iter_mut().zip(b) {
                *d = *s;
            }
            u64::from_le_bytes(w)
        };
        let tail = token.get(token.len().saturating_sub(32)..).unwrap_or(token);
        let len = u64::try_from(token.len()).unwrap_or(u64::MAX);
        let mut h = self.seed ^ len.wrapping_mul(K);
        for chunk in tail.chunks(8) {
            h = (h ^ word(chunk)).wrapping_mul(K).rotate_left(29);
        }
        Probe(h ^ (h >> 31))
    }

    /// The key `token`'s entry is under, for this verifier.
    pub fn key(&self, token: &[u8]) -> CacheKey {
        use sha2::Digest;
        let mut h = sha2::Sha256::new();
        h.update(self.verifier.fingerprint());
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

    /// A full verify of `token`, and, if it passed and the cache `admitted` it, what to keep
    /// under its key.
    pub fn verify_miss<'a, C: Capacity>(
        &self,
        token: &'a [u8],
        now: u64,
        buf: &'a mut TokenBuf<C>,
        request: Request<'_>,
        admitted: bool,
    ) -> Result<(Accepted<'a>, Option<CachedClaims>), Rejection> {
        let accepted = self.verifier.verify_request(token, now, buf, request)?;
        let keep = match admitted {
            true => accepted.claims.index().map(|index| CachedClaims {
                expires: accepted.claims.expires_at().unwrap_or(u64::MAX),
                index: *index,
            }),
            false => None,
        };
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
