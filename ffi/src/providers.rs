//! A set of identity providers (`jwtguard_providers`, caller memory): verifiers, each one
//! provider's keys and policy, verified as one, with each issuer bound to its own keys
//! (RFC 8725 §3.8; the core's `Providers` documents the rules).
//!
//! The set holds pointers to verifiers the caller owns: it is a few words, made without malloc,
//! and a provider is configured with the verifier setters it already has.

use core::mem::{align_of, size_of};

use heapless::Vec;
#[cfg(not(feature = "small"))]
use jwtguard_core::capacity::Capacity16K;
use jwtguard_core::capacity::{Capacity, Capacity2K};
use jwtguard_core::limits::DEFAULT_KIDLESS_LIMIT;
use jwtguard_core::{Providers, Request, TokenBuf, Verifier};

use crate::boundary::Holds;
use crate::capacity::{JWTGUARD_DEFAULT_MAX_TOKEN_SIZE, JWTGUARD_MAX_KEYS, JWTGUARD_MAX_PROVIDERS};
use crate::policy::{kidless_limit, max_token_size};
#[cfg(not(feature = "small"))]
use crate::result::jwtguard_large_result;
use crate::result::{ResultInner, jwtguard_result, jwtguard_str};
use crate::status::jwtguard_status::{self, *};
use crate::verifier::{Lists, jwtguard_verifier};
use crate::verify::{Failure, record};
use crate::{c_bytes, c_held, c_held_mut, c_stamp, c_texts, guard, shared};

const PROVIDERS_MAGIC: u64 = 0x6a77_7467_7072_7631;

/// cbindgen:ignore
#[repr(C)]
struct ProvidersInner {
    magic: u64,
    /// Providers added, at most `JWTGUARD_MAX_PROVIDERS` (checked before use: this is caller
    /// memory, so nothing in it is trusted to be in range).
    count: u32,
    /// Keys a kid-less token may try in all providers, 1 to 255.
    kidless_limit: u32,
    /// Longest token accepted, 1 to `JWTGUARD_MAX_TOKEN_CAPACITY`.
    max_token_size: u32,
    _reserved: u32,
    /// The verifiers, in the order added; NULL past `count`.
    list: [*const jwtguard_verifier; JWTGUARD_MAX_PROVIDERS],
}

/// A set of providers, each a `jwtguard_verifier` with its own keys and policy: a token is
/// checked by the policy of the provider whose key verified its signature, and its `iss` must
/// be one of that provider's issuers (`JWTGUARD_ISSUER_KEY_MISMATCH` when it is another
/// provider's). Caller memory, `JWTGUARD_PROVIDERS_SIZE` bytes: `jwtguard_providers_init` it,
/// then add the verifiers, which must stay valid, and not be configured, while the set verifies.
#[repr(C)]
pub struct jwtguard_providers {
    _opaque: [u64; JWTGUARD_PROVIDERS_WORDS],
}

/// Bytes of `jwtguard_providers`: three header words and one pointer per provider.
pub const JWTGUARD_PROVIDERS_SIZE: usize = 24 + 8 * JWTGUARD_MAX_PROVIDERS;
/// `JWTGUARD_PROVIDERS_SIZE` in 8-byte words.
pub const JWTGUARD_PROVIDERS_WORDS: usize = JWTGUARD_PROVIDERS_SIZE / 8;
const _: () = assert!(size_of::<jwtguard_providers>() == JWTGUARD_PROVIDERS_SIZE);
const _: () = assert!(size_of::<ProvidersInner>() <= JWTGUARD_PROVIDERS_SIZE);
const _: () = assert!(align_of::<ProvidersInner>() <= align_of::<jwtguard_providers>());

// SAFETY: `ProvidersInner` is `repr(C)` and starts with the magic; it fits in a
// `jwtguard_providers` (asserts above); all zeros is a valid one (integers and NULL pointers);
// and only `jwtguard_providers_init` writes PROVIDERS_MAGIC, through `stamp`. Every field is
// valid for any bits besides, and `count` is range-checked before use (`ProvidersInner::list`).
unsafe impl Holds<ProvidersInner> for jwtguard_providers {
    const MAGIC: u64 = PROVIDERS_MAGIC;
    const UNSTAMPED: jwtguard_status = JWTGUARD_INVALID_ARGUMENT;
}

impl ProvidersInner {
    /// The providers added so far: `JWTGUARD_INVALID_ARGUMENT` if `count` is out of range
    /// (caller memory: nothing in it is trusted to be).
    fn count(&self) -> Result<usize, jwtguard_status> {
        let count = self.count as usize;
        if count > JWTGUARD_MAX_PROVIDERS {
            return Err(JWTGUARD_INVALID_ARGUMENT);
        }
        Ok(count)
    }
}

/// Make an empty set in `*set` (no malloc), with a kid-less limit of 4. `size` is
/// `sizeof(jwtguard_providers)` as the caller's build sees it: a set of another build's size
/// (a file compiled with `-DJWTGUARD_SMALL` against the host library) is
/// `JWTGUARD_STORAGE_TOO_SMALL`, and nothing is written.
///
/// # Safety
/// `set` must be NULL or point to `size` writable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_providers_init(
    set: *mut jwtguard_providers,
    size: usize,
) -> jwtguard_status {
    guard(|| {
        if set.is_null() {
            return Err(JWTGUARD_NULL_ARGUMENT);
        }
        if size < size_of::<jwtguard_providers>() {
            return Err(JWTGUARD_STORAGE_TOO_SMALL);
        }
        let inner: &mut ProvidersInner = c_stamp!(set)?;
        inner.kidless_limit = u32::from(DEFAULT_KIDLESS_LIMIT);
        inner.max_token_size = JWTGUARD_DEFAULT_MAX_TOKEN_SIZE as u32;
        Ok(())
    })
}

/// Add `provider` to the set: its index is the number of providers added before it, and
/// `jwtguard_result_provider` reports it. `JWTGUARD_CAPACITY_EXCEEDED` when the set holds
/// `JWTGUARD_MAX_PROVIDERS`; `JWTGUARD_INVALID_ARGUMENT` for a verifier already in the set.
/// The set keeps the pointer: the verifier must outlive the set's use.
///
/// # Safety
/// `set` NULL or made by `jwtguard_providers_init`, not in use by another thread; `provider`
/// NULL or a valid verifier.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_providers_add(
    set: *mut jwtguard_providers,
    provider: *const jwtguard_verifier,
) -> jwtguard_status {
    guard(|| {
        let inner: &mut ProvidersInner = c_held_mut!(set)?;
        if provider.is_null() {
            return Err(JWTGUARD_NULL_ARGUMENT);
        }
        let count = inner.count()?;
        let (added, free) = inner.list.split_at_mut(count);
        if added.contains(&provider) {
            return Err(JWTGUARD_INVALID_ARGUMENT);
        }
        let slot = free.first_mut().ok_or(JWTGUARD_CAPACITY_EXCEEDED)?;
        *slot = provider;
        inner.count = inner.count.saturating_add(1);
        Ok(())
    })
}

/// At most `limit` keys (1 to 255; default 4) are tried for a token without `kid`, in all the
/// set's providers together; each verifier's own limit applies as well.
///
/// # Safety
/// `set` NULL or made by `jwtguard_providers_init`, not in use by another thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_providers_set_kidless_limit(
    set: *mut jwtguard_providers,
    limit: u32,
) -> jwtguard_status {
    guard(|| {
        let limit = kidless_limit(limit)?;
        let inner: &mut ProvidersInner = c_held_mut!(set)?;
        inner.kidless_limit = u32::from(limit.get());
        Ok(())
    })
}

/// Accept tokens of up to `size` bytes in this set (default 2048), as
/// `jwtguard_verifier_set_max_token_size`: the set's own limit, since which provider a token
/// belongs to is known only once its signature holds.
///
/// # Safety
/// `set` NULL or made by `jwtguard_providers_init`, not in use by another thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_providers_set_max_token_size(
    set: *mut jwtguard_providers,
    size: usize,
) -> jwtguard_status {
    guard(|| {
        let size = max_token_size(size)?;
        let inner: &mut ProvidersInner = c_held_mut!(set)?;
        inner.max_token_size = u32::try_from(size).map_err(|_| JWTGUARD_INVALID_ARGUMENT)?;
        Ok(())
    })
}

/// `jwtguard_verify` over the set: the provider whose key verifies the signature checks the
/// claims with its policy (its issuers, audiences, leeway, required claims), and
/// `jwtguard_result_provider` says which it was. A provider whose issuer check is waived
/// (`jwtguard_verifier_allow_any_issuer`) answers `JWTGUARD_ISSUER_NOT_CONFIGURED`: in a set,
/// every provider must list its issuers.
///
/// Thread safety: as `jwtguard_verify`, for the set and every verifier in it.
///
/// # Safety
/// `set` made by `jwtguard_providers_init`, and every verifier added still valid and not being
/// configured; other arguments as `jwtguard_verify`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_providers_verify(
    set: *const jwtguard_providers,
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
        set_verify(c_held!(set)?, token, now, request, buf)
    };
    record(out, input, verify)
}

/// `jwtguard_providers_verify` for tokens of up to `JWTGUARD_MAX_TOKEN_CAPACITY` bytes, into a
/// `jwtguard_large_result` (as `jwtguard_verify_large`); the set's own limit
/// (`jwtguard_providers_set_max_token_size`) still applies.
///
/// # Safety
/// As `jwtguard_providers_verify`, with `result` a writable `jwtguard_large_result`.
#[cfg(not(feature = "small"))]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_providers_verify_large(
    set: *const jwtguard_providers,
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
        set_verify(c_held!(set)?, token, now, request, buf)
    };
    record(out, input, verify)
}

/// The set's verify into a buffer of capacity `C`.
fn set_verify<C: Capacity>(
    set: &ProvidersInner,
    token: &[u8],
    now: u64,
    request: Request<'_>,
    buf: &mut TokenBuf<C>,
) -> Result<Option<usize>, Failure> {
    with_set(set, |providers| {
        let outcome = providers.verify_request(token, now, buf, request);
        outcome.map(|(i, _)| Some(i)).map_err(Failure::from)
    })
}

/// The first setup error of the set, or `JWTGUARD_OK`: each provider's fail-safe defaults
/// (`jwtguard_verifier_check`), and a list of issuers for each
/// (`JWTGUARD_ISSUER_NOT_CONFIGURED` for a provider that waived the check). Call it once at
/// start-up: `jwtguard_providers_verify` only checks the provider that verified a token.
///
/// # Safety
/// `set` NULL or made by `jwtguard_providers_init`, with every verifier added still valid and
/// not being configured.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_providers_check(
    set: *const jwtguard_providers,
) -> jwtguard_status {
    guard(|| {
        with_set(c_held!(set)?, |providers| {
            providers.check_bound().map_err(Into::into)
        })
    })
}

/// Run `f` on the core's view of the set: its verifiers, borrowed for the call (each still
/// valid and not being configured: clause 2 of the boundary contract), and its limits.
fn with_set<R, E: From<jwtguard_status>>(
    inner: &ProvidersInner,
    f: impl FnOnce(Providers<'_, 'static, JWTGUARD_MAX_KEYS, Lists>) -> Result<R, E>,
) -> Result<R, E> {
    let limit = kidless_limit(inner.kidless_limit)?;
    let mut list: Vec<&Verifier<'static, JWTGUARD_MAX_KEYS, Lists>, JWTGUARD_MAX_PROVIDERS> =
        Vec::new();
    for &p in inner.list.iter().take(inner.count()?) {
        let v = shared!(p)?;
        list.push(&v.core).map_err(|_| JWTGUARD_CAPACITY_EXCEEDED)?;
    }
    let size = max_token_size(inner.max_token_size as usize)?;
    f(Providers::unchecked(&list)
        .kidless_limit(limit)
        .max_token_len(size))
}
