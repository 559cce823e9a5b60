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

use crate::capacity::{JWTGUARD_DEFAULT_MAX_TOKEN_SIZE, JWTGUARD_MAX_KEYS, JWTGUARD_MAX_PROVIDERS};
use crate::policy::{kidless_limit, max_token_size};
#[cfg(not(feature = "small"))]
use crate::result::jwtguard_large_result;
use crate::result::{jwtguard_result, jwtguard_str};
use crate::status::jwtguard_status::{self, *};
use crate::verifier::{Lists, jwtguard_verifier};
use crate::verify::{Failure, into_result};
use crate::{guard, shared};

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

/// The set behind a pointer, if `jwtguard_providers_init` made it: `JWTGUARD_NULL_ARGUMENT` for
/// NULL, `JWTGUARD_INVALID_ARGUMENT` for memory it did not initialise or whose count is out of
/// range. A raw pointer, for the caller to borrow shared (verify, from any number of threads)
/// or unique (configuration).
///
/// # Safety
/// `set` must be NULL or point to a `jwtguard_providers` that `jwtguard_providers_init` made or
/// that is otherwise initialised memory (its first word is then an integer), and that no other
/// thread writes during the call.
unsafe fn made(set: *const jwtguard_providers) -> Result<*const ProvidersInner, jwtguard_status> {
    if set.is_null() {
        return Err(JWTGUARD_NULL_ARGUMENT);
    }
    let inner = set.cast::<ProvidersInner>();
    // SAFETY: non-NULL, and initialised memory of at least a ProvidersInner's size and
    // alignment (static asserts above) by the contract; `magic` is its first field, any u64 is
    // valid, and it is read through the raw pointer, as is `count` (any u32 valid), so no
    // reference is made here.
    let (magic, count) = unsafe {
        (
            core::ptr::addr_of!((*inner).magic).read(),
            core::ptr::addr_of!((*inner).count).read(),
        )
    };
    if magic != PROVIDERS_MAGIC || count as usize > JWTGUARD_MAX_PROVIDERS {
        return Err(JWTGUARD_INVALID_ARGUMENT);
    }
    // The magic says `jwtguard_providers_init` wrote a whole ProvidersInner here, whose fields
    // are integers and raw pointers: valid for any bits, so nothing the caller wrote since can
    // make a reference to it invalid.
    Ok(inner)
}

/// [`made`], borrowed unique for a configuration call.
///
/// # Safety
/// As [`made`], and no other thread uses the set during the call.
unsafe fn configured<'a>(
    set: *mut jwtguard_providers,
) -> Result<&'a mut ProvidersInner, jwtguard_status> {
    // SAFETY: this function's contract includes `made`'s; the pointer it gives back is `set`.
    let inner = unsafe { made(set) }?.cast_mut();
    // SAFETY: a whole ProvidersInner (`made`), used by no other thread during the call (the
    // contract), so a unique reference for the call is sound.
    Ok(unsafe { &mut *inner })
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
        // SAFETY: non-NULL, and writable for `size` bytes by the contract, at least the set's
        // size (checked above), which holds a ProvidersInner (static asserts above); written
        // as a whole value, through the pointer.
        unsafe {
            set.cast::<ProvidersInner>().write(ProvidersInner {
                magic: PROVIDERS_MAGIC,
                count: 0,
                kidless_limit: u32::from(DEFAULT_KIDLESS_LIMIT),
                max_token_size: JWTGUARD_DEFAULT_MAX_TOKEN_SIZE as u32,
                _reserved: 0,
                list: [core::ptr::null(); JWTGUARD_MAX_PROVIDERS],
            })
        };
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
        // SAFETY: this function's contract is `configured`'s.
        let inner = unsafe { configured(set) }?;
        if provider.is_null() {
            return Err(JWTGUARD_NULL_ARGUMENT);
        }
        let count = inner.count as usize;
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
        // SAFETY: this function's contract is `configured`'s.
        let inner = unsafe { configured(set) }?;
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
        // SAFETY: this function's contract is `configured`'s.
        let inner = unsafe { configured(set) }?;
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
    let verify = |token: &[u8], request: Request<'_>, buf: &mut TokenBuf<Capacity2K>| {
        // SAFETY: this function's contract includes `with_set`'s.
        unsafe { set_verify(set, token, now, request, buf) }
    };
    // SAFETY: this function's contract includes `into_result`'s, for a `jwtguard_result`,
    // which holds a ResultInner<Capacity2K>.
    unsafe {
        into_result(
            result.cast(),
            token,
            token_len,
            required,
            n_required,
            verify,
        )
    }
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
    let verify = |token: &[u8], request: Request<'_>, buf: &mut TokenBuf<Capacity16K>| {
        // SAFETY: this function's contract includes `with_set`'s.
        unsafe { set_verify(set, token, now, request, buf) }
    };
    // SAFETY: this function's contract includes `into_result`'s, for a `jwtguard_large_result`,
    // which holds a ResultInner<Capacity16K>.
    unsafe {
        into_result(
            result.cast(),
            token,
            token_len,
            required,
            n_required,
            verify,
        )
    }
}

/// The set's verify into a buffer of capacity `C`.
///
/// # Safety
/// As [`with_set`].
unsafe fn set_verify<C: Capacity>(
    set: *const jwtguard_providers,
    token: &[u8],
    now: u64,
    request: Request<'_>,
    buf: &mut TokenBuf<C>,
) -> Result<Option<usize>, Failure> {
    // SAFETY: this function's contract is `with_set`'s.
    unsafe {
        with_set(set, |providers| {
            let outcome = providers.verify_request(token, now, buf, request);
            outcome.map(|(i, _)| Some(i)).map_err(Failure::from)
        })
    }
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
        // SAFETY: this function's contract is `with_set`'s.
        unsafe { with_set(set, |providers| providers.check_bound().map_err(Into::into)) }
    })
}

/// Run `f` on the core's view of the set: its verifiers, borrowed for the call, and its
/// kid-less limit.
///
/// # Safety
/// `set` NULL or made by `jwtguard_providers_init`, not written by any thread during the call,
/// and every verifier added still valid and not being configured (clause 2 of the boundary
/// contract).
unsafe fn with_set<R, E: From<jwtguard_status>>(
    set: *const jwtguard_providers,
    f: impl FnOnce(Providers<'_, 'static, JWTGUARD_MAX_KEYS, Lists>) -> Result<R, E>,
) -> Result<R, E> {
    // SAFETY: `made`'s contract is this function's; any number of threads may read the set at
    // once, so the reference is shared.
    let inner = unsafe { &*made(set)? };
    let limit = kidless_limit(inner.kidless_limit)?;
    let mut list: Vec<&Verifier<'static, JWTGUARD_MAX_KEYS, Lists>, JWTGUARD_MAX_PROVIDERS> =
        Vec::new();
    for &p in inner.list.iter().take(inner.count as usize) {
        let v = shared!(p)?;
        list.push(&v.core).map_err(|_| JWTGUARD_CAPACITY_EXCEEDED)?;
    }
    let size = max_token_size(inner.max_token_size as usize)?;
    f(Providers::unchecked(&list)
        .kidless_limit(limit)
        .max_token_len(size))
}
