//! A verify cache in caller memory (`jwtguard_cache`): the core's `VerifyCache`, shared by
//! every thread, or every process that maps the memory (an nginx shared-memory zone), behind
//! a lock held only around a lookup and an insert, never across a verify.

use core::mem::{align_of, size_of};
use core::sync::atomic::{AtomicU32, AtomicU64, Ordering};

use jwtguard_core::cache::{CacheEntry, Lookup};
#[cfg(not(feature = "small"))]
use jwtguard_core::capacity::Capacity16K;
use jwtguard_core::capacity::{Capacity, Capacity2K};
use jwtguard_core::{Request, TokenBuf};

#[cfg(not(feature = "small"))]
use crate::result::jwtguard_large_result;
use crate::result::{ResultInner, jwtguard_result, jwtguard_str};
use crate::status::jwtguard_status::{self, *};
use crate::verifier::jwtguard_verifier;
use crate::verify::{Failure, record};
use crate::{c_bytes, c_cache, c_place_cache, c_stamp, c_texts, c_write, guard, shared};

pub(crate) const CACHE_MAGIC: u64 = 0x6a77_7467_6361_6331;

/// What a cache's memory starts with; the entries follow.
/// cbindgen:ignore
#[repr(C)]
pub(crate) struct CacheHeader {
    pub(crate) magic: u64,
    /// 0 free, 1 held: a spin lock, around a lookup or an insert (a few hundred bytes
    /// copied), so a waiter spins for well under a microsecond.
    pub(crate) lock: AtomicU32,
    pub(crate) _reserved: u32,
    /// Entries after the header, fixed by `jwtguard_cache_init`.
    pub(crate) entries: u64,
    pub(crate) hits: AtomicU64,
    pub(crate) misses: AtomicU64,
}

/// Bytes of the header, rounded to the entries' alignment: where they start.
pub(crate) const CACHE_HEADER_SIZE: usize = {
    let a = align_of::<CacheEntry>();
    size_of::<CacheHeader>().div_ceil(a) * a
};
const _: () = assert!(align_of::<CacheEntry>() <= 8);
const _: () = assert!(align_of::<CacheHeader>() <= 8);

/// A verify cache made by `jwtguard_cache_init` in caller memory (opaque: use the pointer).
pub struct jwtguard_cache {
    _opaque: [u64; 0],
}

/// Bytes of caller memory a cache of `entries` tokens needs (8-byte aligned): what to give
/// `jwtguard_cache_init`. Each entry is a few hundred bytes (the claims' index of a token).
#[unsafe(no_mangle)]
pub extern "C" fn jwtguard_cache_size(entries: usize) -> usize {
    entries
        .checked_mul(size_of::<CacheEntry>())
        .and_then(|n| n.checked_add(CACHE_HEADER_SIZE))
        .unwrap_or(usize::MAX)
}

/// Make an empty cache in `(storage, size)` and set `*out` to it: as many entries as fit (at
/// least 4, else `JWTGUARD_STORAGE_TOO_SMALL`), four to a set. The memory may be shared
/// between processes (an nginx zone): init it once, before any process verifies with it.
/// Caches hold only tokens that passed; each entry is keyed by a hash of the token's bytes and
/// of the verifier's whole configuration, so one cache may serve several verifiers.
///
/// # Safety
/// `storage` NULL or `size` writable bytes, 8-byte aligned, that outlive the cache and are not
/// otherwise written while it is in use; `out` writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_cache_init(
    storage: *mut u8,
    size: usize,
    out: *mut *mut jwtguard_cache,
) -> jwtguard_status {
    guard(|| {
        if out.is_null() {
            return Err(JWTGUARD_NULL_ARGUMENT);
        }
        let cache = c_place_cache!(storage, size)?;
        c_write!(out, cache)
    })
}

/// Hits and misses since `jwtguard_cache_init` (a hit is counted whatever its answer: an
/// expired token found in the cache is a hit that is refused).
///
/// # Safety
/// `cache` NULL or from `jwtguard_cache_init`; `hits` and `misses` writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_cache_stats(
    cache: *const jwtguard_cache,
    hits: *mut u64,
    misses: *mut u64,
) -> jwtguard_status {
    guard(|| {
        let c = c_cache!(cache)?;
        c_write!(hits, c.header.hits.load(Ordering::Relaxed))?;
        c_write!(misses, c.header.misses.load(Ordering::Relaxed))
    })
}

/// `jwtguard_verify` through `cache`: a token this verifier (this configuration: the same keys
/// and policy) accepted before is answered without its signature check; its time and this
/// call's `required` permissions are checked again. The result is the same as
/// `jwtguard_verify`'s, accessors included. A token that passes is kept.
///
/// # Safety
/// As `jwtguard_verify`, with `cache` NULL or from `jwtguard_cache_init`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_verify_cached(
    verifier: *const jwtguard_verifier,
    cache: *const jwtguard_cache,
    token: *const u8,
    token_len: usize,
    now: u64,
    required: *const jwtguard_str,
    n_required: usize,
    result: *mut jwtguard_result,
) -> jwtguard_status {
    let out: Result<&mut ResultInner<Capacity2K>, _> = c_stamp!(result);
    let input = || Ok((c_bytes!(token, token_len)?, c_texts!(required, n_required)?));
    let verify = |token: &[u8], request: Request<'_>, buf: &mut TokenBuf<Capacity2K>| {
        cached(
            shared!(verifier)?,
            c_cache!(cache)?,
            token,
            now,
            request,
            buf,
        )
    };
    record(out, input, verify)
}

/// `jwtguard_verify_cached` for tokens of up to `JWTGUARD_MAX_TOKEN_CAPACITY` bytes, into a
/// `jwtguard_large_result` (as `jwtguard_verify_large`).
///
/// # Safety
/// As `jwtguard_verify_cached`, with `result` a writable `jwtguard_large_result`.
#[cfg(not(feature = "small"))]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_verify_cached_large(
    verifier: *const jwtguard_verifier,
    cache: *const jwtguard_cache,
    token: *const u8,
    token_len: usize,
    now: u64,
    required: *const jwtguard_str,
    n_required: usize,
    result: *mut jwtguard_large_result,
) -> jwtguard_status {
    let out: Result<&mut ResultInner<Capacity16K>, _> = c_stamp!(result);
    let input = || Ok((c_bytes!(token, token_len)?, c_texts!(required, n_required)?));
    let verify = |token: &[u8], request: Request<'_>, buf: &mut TokenBuf<Capacity16K>| {
        cached(
            shared!(verifier)?,
            c_cache!(cache)?,
            token,
            now,
            request,
            buf,
        )
    };
    record(out, input, verify)
}

/// The cached verify: lock, find the entries with the token's probe, unlock; only if there are
/// some, the SHA-256 key (outside the lock) and the hit; else lock to count the token's first
/// or second sight, verify in full, and lock again to insert it on its second.
fn cached<C: Capacity>(
    v: &jwtguard_verifier,
    cache: crate::boundary::CacheView<'_>,
    token: &[u8],
    now: u64,
    mut request: Request<'_>,
    buf: &mut TokenBuf<C>,
) -> Result<Option<usize>, Failure> {
    if let Some(setup) = v.setup_error() {
        return Err(setup.into());
    }
    let cv = v.core.cached();
    let probe = cv.probe(token);
    // One lock for a plain miss: the lookup decides its admission too. The SHA-256, when an
    // entry has the probe, is computed outside the lock. The counters are written with the
    // lock held, so a plain load and store do (no locked read-modify-write on the miss path);
    // jwtguard_cache_stats reads them without it.
    let bump =
        |n: &AtomicU64| n.store(n.load(Ordering::Relaxed).wrapping_add(1), Ordering::Relaxed);
    let lookup = cache.with(|c| {
        let found = c.lookup(&probe);
        if matches!(found, Lookup::Miss { .. }) {
            bump(&cache.header.misses);
        }
        found
    });
    let mut key = None;
    let admitted = match lookup {
        Lookup::Miss { admitted } => admitted,
        Lookup::Candidates(candidates) => {
            let k = cv.key(token);
            let held = candidates.holds(&k);
            let found = cache.with(|c| {
                let found = if held { c.claims(&probe, &k) } else { None };
                bump(if found.is_some() {
                    &cache.header.hits
                } else {
                    &cache.header.misses
                });
                found
            });
            if let Some(found) = found {
                match cv.verify_hit(&found, token, now, buf, &mut request) {
                    Some(answer) => return answer.map(|_| None).map_err(Failure::from),
                    None => cache.with(|c| c.remove(&probe, &k)),
                }
            }
            key = Some(k);
            cache.with(|c| c.admit(&probe))
        }
    };
    if !admitted {
        // Most misses: the plain verify, with nothing to keep, so no claims index is copied
        // out and carried back through the result.
        let outcome = v.core.verify_request(token, now, buf, request);
        return outcome.map(|_| None).map_err(Failure::from);
    }
    let (_, keep) = cv.verify_miss(token, now, buf, request, admitted)?;
    if let Some(claims) = keep {
        let key = key.unwrap_or_else(|| cv.key(token));
        cache.with(|c| c.insert(&probe, &key, claims));
    }
    Ok(None)
}
