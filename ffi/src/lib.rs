//! C ABI for jwtguard. See `include/jwtguard.h` (generated from this crate by cbindgen) for the
//! documentation C users read.
//!
//! Conventions (after rustls-ffi): every symbol starts with `jwtguard_`; inputs are
//! `(const uint8_t *ptr, size_t len)` pairs, never NUL-terminated strings; out-parameters come
//! last and are written only on success (a too-small buffer writes the size needed); every
//! pointer is checked for NULL; every entry point runs inside a panic boundary.
//!
//! Without the `std` feature the crate is `no_std` for firmware: the verifier lives only in
//! caller storage (`jwtguard_verifier_init`), and a panic, which the fuzzed verify path is built
//! never to raise, goes to the panic handler (the `panic-handler` feature's calls `abort()`)
//! because `catch_unwind` needs std.

#![cfg_attr(not(feature = "std"), no_std)]
#![allow(non_camel_case_types)]

mod status;

use core::ffi::c_char;
use core::mem::{align_of, size_of};

use heapless::{String, Vec};
use jwtguard_core::{
    Error, KeyRing, MetadataField, OwnedClaims, Policy, Request, bearer_token, check_fields,
};

pub use status::jwtguard_status;
use status::jwtguard_status::*;

// ---------------------------------------------------------------------------------------------
// Capacities of a verifier (documented in the header).
// ---------------------------------------------------------------------------------------------

/// Keys a verifier holds.
#[cfg(not(feature = "small"))]
pub const JWTGUARD_MAX_KEYS: usize = 16;
/// Issuers, audiences or authorized parties a verifier holds (each).
#[cfg(not(feature = "small"))]
pub const JWTGUARD_MAX_ENTRIES: usize = 8;
/// Longest issuer, audience, party, permission or metadata path, in bytes.
#[cfg(not(feature = "small"))]
pub const JWTGUARD_MAX_TEXT: usize = 256;
/// Required permissions a verifier holds.
#[cfg(not(feature = "small"))]
pub const JWTGUARD_MAX_PERMISSIONS: usize = 16;
/// Metadata fields a verifier holds.
#[cfg(not(feature = "small"))]
pub const JWTGUARD_MAX_FIELDS: usize = 16;
/// Required permissions one `jwtguard_verify` call may add.
#[cfg(not(feature = "small"))]
pub const JWTGUARD_MAX_CALL_PERMISSIONS: usize = 16;

/// Keys a verifier holds (firmware capacities, JWTGUARD_SMALL).
#[cfg(feature = "small")]
pub const JWTGUARD_MAX_KEYS: usize = 4;
/// Issuers, audiences or authorized parties a verifier holds (each).
#[cfg(feature = "small")]
pub const JWTGUARD_MAX_ENTRIES: usize = 2;
/// Longest issuer, audience, party, permission or metadata path, in bytes.
#[cfg(feature = "small")]
pub const JWTGUARD_MAX_TEXT: usize = 64;
/// Required permissions a verifier holds.
#[cfg(feature = "small")]
pub const JWTGUARD_MAX_PERMISSIONS: usize = 4;
/// Metadata fields a verifier holds.
#[cfg(feature = "small")]
pub const JWTGUARD_MAX_FIELDS: usize = 4;
/// Required permissions one `jwtguard_verify` call may add.
#[cfg(feature = "small")]
pub const JWTGUARD_MAX_CALL_PERMISSIONS: usize = 4;

// `with_policy` collects issuers, audiences and parties in a permissions-sized list.
const _: () = assert!(JWTGUARD_MAX_ENTRIES <= JWTGUARD_MAX_PERMISSIONS);

/// cbindgen:ignore
type Text = String<JWTGUARD_MAX_TEXT>;

/// cbindgen:ignore
struct Field {
    path: Text,
    name: String<64>,
    required: bool,
}

/// A verifier: keys plus policy. Configure it, then share it: `jwtguard_verify` takes a
/// `const jwtguard_verifier *` and only reads it, so any number of threads may verify with one
/// verifier at once, as long as none is still configuring it.
pub struct jwtguard_verifier {
    config: Config,
}

/// What a verifier holds (kept out of the header).
/// cbindgen:ignore
#[doc(hidden)]
pub struct Config {
    keys: KeyRing<JWTGUARD_MAX_KEYS>,
    issuers: Vec<Text, JWTGUARD_MAX_ENTRIES>,
    audiences: Vec<Text, JWTGUARD_MAX_ENTRIES>,
    parties: Vec<Text, JWTGUARD_MAX_ENTRIES>,
    permissions: Vec<Text, JWTGUARD_MAX_PERMISSIONS>,
    permissions_claim: Option<String<64>>,
    fields: Vec<Field, JWTGUARD_MAX_FIELDS>,
    leeway: u64,
    max_age: Option<u64>,
    require_exp: bool,
    require_sub: bool,
    access_token: bool,
    any_issuer: bool,
    without_audience: bool,
}

impl jwtguard_verifier {
    fn new() -> Self {
        Self {
            config: Config::new(),
        }
    }
}

impl core::ops::Deref for jwtguard_verifier {
    type Target = Config;
    fn deref(&self) -> &Config {
        &self.config
    }
}

impl core::ops::DerefMut for jwtguard_verifier {
    fn deref_mut(&mut self) -> &mut Config {
        &mut self.config
    }
}

impl Config {
    fn new() -> Self {
        Self {
            keys: KeyRing::new(),
            issuers: Vec::new(),
            audiences: Vec::new(),
            parties: Vec::new(),
            permissions: Vec::new(),
            permissions_claim: None,
            fields: Vec::new(),
            leeway: 0,
            max_age: None,
            require_exp: true,
            require_sub: true,
            access_token: false,
            any_issuer: false,
            without_audience: false,
        }
    }

    /// The fail-safe defaults (as `Policy::check`): an issuer and an audience are configured,
    /// or explicitly waived. Two comparisons, so `jwtguard_verify` checks them on every call.
    fn setup_error(&self) -> Option<jwtguard_status> {
        if self.issuers.is_empty() && !self.any_issuer {
            return Some(JWTGUARD_ISSUER_NOT_CONFIGURED);
        }
        if self.audiences.is_empty() && !self.without_audience {
            return Some(JWTGUARD_AUDIENCE_NOT_CONFIGURED);
        }
        None
    }

    /// Build the policy over this verifier's strings and run `f` with it.
    fn with_policy<R>(&self, f: impl FnOnce(&Policy<'_>) -> R) -> R {
        fn strs(v: &[Text]) -> Vec<&str, JWTGUARD_MAX_PERMISSIONS> {
            v.iter().map(|s| s.as_str()).collect()
        }
        let (iss, aud, azp, perms) = (
            strs(&self.issuers),
            strs(&self.audiences),
            strs(&self.parties),
            strs(&self.permissions),
        );
        let fields: Vec<MetadataField<'_>, JWTGUARD_MAX_FIELDS> = self
            .fields
            .iter()
            .map(|f| {
                let base = if f.required {
                    MetadataField::required(&f.path)
                } else {
                    MetadataField::optional(&f.path)
                };
                if f.name.is_empty() {
                    base
                } else {
                    base.named(&f.name)
                }
            })
            .collect();
        let mut p = Policy::new();
        if self.access_token {
            p = p.access_token();
        }
        p = p
            .issuers(&iss)
            .audiences(&aud)
            .authorized_parties(&azp)
            .required_permissions(&perms)
            .metadata(&fields)
            .leeway(self.leeway)
            .require_exp(self.require_exp)
            .require_sub(self.require_sub);
        if let Some(claim) = &self.permissions_claim {
            p = p.permissions_claim(claim);
        }
        if let Some(age) = self.max_age {
            p = p.max_age(age);
        }
        if self.any_issuer {
            p = p.any_issuer();
        }
        if self.without_audience {
            p = p.without_audience();
        }
        f(&p)
    }
}

/// Caller-provided storage for a verifier, for firmware without malloc: declare one (it may be
/// `static`), pass it to `jwtguard_verifier_init`, and `jwtguard_verifier_deinit` it when done.
/// Its size is `JWTGUARD_VERIFIER_STORAGE_SIZE` bytes, 8-byte aligned.
#[repr(C)]
pub struct jwtguard_verifier_storage {
    _opaque: [u64; JWTGUARD_VERIFIER_STORAGE_WORDS],
}

/// Bytes of `jwtguard_verifier_storage`.
#[cfg(not(feature = "small"))]
pub const JWTGUARD_VERIFIER_STORAGE_SIZE: usize = 45056;
/// Bytes of `jwtguard_verifier_storage` (firmware capacities, 2048-bit RSA key slots).
#[cfg(all(feature = "small", not(feature = "rsa-4096")))]
pub const JWTGUARD_VERIFIER_STORAGE_SIZE: usize = 5120;
/// Bytes of `jwtguard_verifier_storage` (firmware capacities, 4096-bit RSA key slots).
#[cfg(all(feature = "small", feature = "rsa-4096"))]
pub const JWTGUARD_VERIFIER_STORAGE_SIZE: usize = 8192;
/// `JWTGUARD_VERIFIER_STORAGE_SIZE` in 8-byte words.
pub const JWTGUARD_VERIFIER_STORAGE_WORDS: usize = JWTGUARD_VERIFIER_STORAGE_SIZE / 8;
const _: () = assert!(size_of::<jwtguard_verifier_storage>() == JWTGUARD_VERIFIER_STORAGE_SIZE);

// The header's sizes are constants, the same for 32- and 64-bit targets; this fails the build if
// a change makes the verifier outgrow them. Measured sizes of `jwtguard_verifier`, in bytes:
//   default capacities:   42,592 with rsa-4096 (64-bit), 30,304 without;
//   small (firmware):      4,792 without rsa-4096 on thumbv7em, 5,008 on 64-bit;
//                          7,864 with rsa-4096 on thumbv7em.
const _: () = assert!(size_of::<jwtguard_verifier>() <= JWTGUARD_VERIFIER_STORAGE_SIZE);
const _: () = assert!(align_of::<jwtguard_verifier>() <= align_of::<jwtguard_verifier_storage>());

// ---------------------------------------------------------------------------------------------
// The result of one verification.
// ---------------------------------------------------------------------------------------------

const RESULT_MAGIC: u64 = 0x6a77_7467_7265_7331;

/// cbindgen:ignore
#[repr(C)]
struct ResultInner {
    magic: u64,
    /// A `jwtguard_status` as an integer: the result is caller memory, so nothing in it is read
    /// back as a Rust enum.
    status: u32,
    field: i32,
    /// The token is decoded straight into this (no second buffer on the stack); it holds
    /// claims only when `status` is `JWTGUARD_OK`.
    claims: OwnedClaims,
}

/// The outcome of one `jwtguard_verify`: status, detail, and on success a copy of the claims
/// for the `jwtguard_result_*` accessors. About 1.8 KiB; declare it on the stack or as a
/// `static`. `jwtguard_verify` needs no initialisation of it; the accessors read it, so before
/// the first `jwtguard_verify` a result given to an accessor must be zero-initialised
/// (`jwtguard_result r = {0};`, or `static`), and then answers `JWTGUARD_NO_RESULT`: reading
/// uninitialised memory is undefined behaviour in C and Rust alike. Not for sharing between
/// threads while a verify writes it.
#[repr(C)]
pub struct jwtguard_result {
    _opaque: [u64; JWTGUARD_RESULT_WORDS],
}

/// Bytes of `jwtguard_result`.
pub const JWTGUARD_RESULT_SIZE: usize = 1872;
/// `JWTGUARD_RESULT_SIZE` in 8-byte words.
pub const JWTGUARD_RESULT_WORDS: usize = JWTGUARD_RESULT_SIZE / 8;
const _: () = assert!(size_of::<jwtguard_result>() == JWTGUARD_RESULT_SIZE);

const _: () = assert!(size_of::<ResultInner>() <= JWTGUARD_RESULT_SIZE);
const _: () = assert!(align_of::<ResultInner>() <= align_of::<jwtguard_result>());

/// A `(ptr, len)` string for lists passed to `jwtguard_verify`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct jwtguard_str {
    /// The bytes (need not be NUL-terminated).
    pub ptr: *const u8,
    /// Their count.
    pub len: usize,
}

// ---------------------------------------------------------------------------------------------
// Boundary helpers.
// ---------------------------------------------------------------------------------------------

/// Run `f`; if it panics, return `on_panic` instead, so no unwind crosses the C boundary.
#[cfg(feature = "std")]
fn contain<R>(on_panic: R, f: impl FnOnce() -> R) -> R {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or(on_panic)
}

/// Without std there is no unwinding to catch: `no_std` targets build with `panic = "abort"`,
/// so a panic ends in the panic handler and never returns here.
#[cfg(not(feature = "std"))]
fn contain<R>(_on_panic: R, f: impl FnOnce() -> R) -> R {
    f()
}

/// Run `body`, turning a panic into `JWTGUARD_PANIC`.
fn guard(body: impl FnOnce() -> Result<(), jwtguard_status>) -> jwtguard_status {
    contain(JWTGUARD_PANIC, || match body() {
        Ok(()) => JWTGUARD_OK,
        Err(s) => s,
    })
}

/// The firmware panic handler (feature `panic-handler`, no_std builds only): the C library's
/// `abort()`, which firmware C runtimes provide and may route to a reset or a fault log.
#[cfg(all(feature = "panic-handler", not(feature = "std"), not(test)))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    unsafe extern "C" {
        fn abort() -> !;
    }
    // SAFETY: `abort` takes no arguments and does not return; every C runtime provides it.
    unsafe { abort() }
}

/// A C flag: 0 is false, 1 is true, anything else `JWTGUARD_INVALID_ARGUMENT`. Flags cross the
/// boundary as `uint32_t`, never as `bool`: a `bool` holding any other bit pattern is undefined
/// behaviour in Rust, and C can pass one.
fn flag(value: u32) -> Result<bool, jwtguard_status> {
    match value {
        0 => Ok(false),
        1 => Ok(true),
        _ => Err(JWTGUARD_INVALID_ARGUMENT),
    }
}

/// `(ptr, len)` as a slice. NULL is allowed only with `len == 0`.
///
/// # Safety
/// A non-NULL `ptr` must point to `len` readable bytes that stay valid and unmodified for `'a`.
unsafe fn bytes<'a>(ptr: *const u8, len: usize) -> Result<&'a [u8], jwtguard_status> {
    if ptr.is_null() {
        return if len == 0 {
            Ok(&[])
        } else {
            Err(JWTGUARD_NULL_ARGUMENT)
        };
    }
    if len > isize::MAX as usize {
        return Err(JWTGUARD_INVALID_ARGUMENT);
    }
    // SAFETY: non-NULL, and the caller guarantees `len` readable bytes for 'a.
    Ok(unsafe { core::slice::from_raw_parts(ptr, len) })
}

/// `(ptr, len)` as UTF-8 text.
///
/// # Safety
/// As [`bytes`].
unsafe fn text<'a>(ptr: *const u8, len: usize) -> Result<&'a str, jwtguard_status> {
    // SAFETY: forwarded contract.
    let b = unsafe { bytes(ptr, len) }?;
    core::str::from_utf8(b).map_err(|_| JWTGUARD_INVALID_ARGUMENT)
}

/// Write `data` to `(out, cap)` and its length to `*out_len` (see [`write_with`]).
///
/// # Safety
/// As [`write_with`].
unsafe fn write_out(
    data: &[u8],
    out: *mut u8,
    cap: usize,
    out_len: *mut usize,
) -> Result<(), jwtguard_status> {
    // SAFETY: forwarded contract.
    unsafe {
        write_with(out, cap, out_len, |buf| {
            if let Some(dst) = buf.get_mut(..data.len()) {
                dst.copy_from_slice(data);
            }
            Ok(data.len())
        })
    }
}

/// The output convention: `fill` writes into the buffer it is given as much as fits and returns
/// the length the whole output needs. It is first called with an empty buffer to learn that
/// length; if it exceeds `cap`, only `*out_len` is written (the size needed) and the result is
/// `JWTGUARD_BUFFER_TOO_SMALL`. Otherwise it is called on the caller's buffer and `*out_len` gets
/// the length. On any other error neither `out` nor `*out_len` is touched.
///
/// # Safety
/// `out` must be NULL or point to `cap` writable bytes that no Rust value overlaps; `out_len`
/// must be NULL or valid for a write.
unsafe fn write_with(
    out: *mut u8,
    cap: usize,
    out_len: *mut usize,
    fill: impl Fn(&mut [u8]) -> Result<usize, jwtguard_status>,
) -> Result<(), jwtguard_status> {
    if out_len.is_null() {
        return Err(JWTGUARD_NULL_ARGUMENT);
    }
    let needed = fill(&mut [])?;
    if needed > cap {
        // SAFETY: checked non-NULL; the caller guarantees it is writable.
        unsafe { *out_len = needed };
        return Err(JWTGUARD_BUFFER_TOO_SMALL);
    }
    let mut written = 0;
    if needed > 0 {
        if out.is_null() {
            return Err(JWTGUARD_NULL_ARGUMENT);
        }
        // SAFETY: `out` has `cap >= needed` writable bytes (caller contract). They may be
        // uninitialised, so they are zeroed through the raw pointer before a `&mut [u8]` is
        // made over them; no Rust value overlaps them, so the slice is unique for this call.
        let buf = unsafe {
            core::ptr::write_bytes(out, 0, needed);
            core::slice::from_raw_parts_mut(out, needed)
        };
        written = fill(buf)?;
    }
    // SAFETY: checked non-NULL; writable per contract.
    unsafe { *out_len = written };
    Ok(())
}

/// The verifier behind a pointer, for reading.
///
/// # Safety
/// `v` must be NULL or a pointer from `jwtguard_verifier_new`/`_init`, not yet freed.
unsafe fn verifier_ref<'a>(
    v: *const jwtguard_verifier,
) -> Result<&'a jwtguard_verifier, jwtguard_status> {
    // SAFETY: the caller guarantees validity; NULL is rejected by `as_ref`.
    unsafe { v.as_ref() }.ok_or(JWTGUARD_NULL_ARGUMENT)
}

/// The verifier behind a pointer, for configuring.
///
/// # Safety
/// As [`verifier_ref`], and no other thread may use it during the call.
unsafe fn verifier_mut<'a>(
    v: *mut jwtguard_verifier,
) -> Result<&'a mut jwtguard_verifier, jwtguard_status> {
    // SAFETY: the caller guarantees validity and exclusive access.
    unsafe { v.as_mut() }.ok_or(JWTGUARD_NULL_ARGUMENT)
}

// ---------------------------------------------------------------------------------------------
// Errors.
// ---------------------------------------------------------------------------------------------

/// A static, NUL-terminated English message for `status` (never NULL; valid forever). The
/// messages API users know are kept verbatim: "Token has expired", "Invalid audience.",
/// "Invalid authorized party.". Any value is accepted: one that is not a `jwtguard_status`
/// code gives "Unknown status".
#[unsafe(no_mangle)]
pub extern "C" fn jwtguard_error_message(status: u32) -> *const c_char {
    // An integer, mapped totally: C can pass any bit pattern, which as a Rust enum would be
    // undefined behaviour.
    jwtguard_status::from_raw(status)
        .map_or(c"Unknown status", jwtguard_status::message_c)
        .as_ptr()
}

/// The code's name as written in this header, e.g. "JWTGUARD_EXPIRED" (static, never NULL);
/// "JWTGUARD_UNKNOWN" for a value that is not a `jwtguard_status` code.
#[unsafe(no_mangle)]
pub extern "C" fn jwtguard_error_name(status: u32) -> *const c_char {
    jwtguard_status::from_raw(status)
        .map_or(c"JWTGUARD_UNKNOWN", jwtguard_status::name_c)
        .as_ptr()
}

// ---------------------------------------------------------------------------------------------
// Verifier lifetime.
// ---------------------------------------------------------------------------------------------

/// A new verifier on the heap, with the strict default policy (exp and sub required, no keys).
/// Returns NULL only if allocation fails. Free it with `jwtguard_verifier_free`.
/// Not in firmware (no_std) builds: use `jwtguard_verifier_init`.
#[cfg(feature = "std")]
#[unsafe(no_mangle)]
pub extern "C" fn jwtguard_verifier_new() -> *mut jwtguard_verifier {
    contain(core::ptr::null_mut(), || {
        Box::into_raw(Box::new(jwtguard_verifier::new()))
    })
}

/// Free a verifier from `jwtguard_verifier_new`, zeroizing its keys. NULL is a no-op.
///
/// # Safety
/// `verifier` must be NULL or from `jwtguard_verifier_new`, not freed before, and not in use.
#[cfg(feature = "std")]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_verifier_free(verifier: *mut jwtguard_verifier) {
    if verifier.is_null() {
        return;
    }
    contain((), || {
        // SAFETY: the caller passes a pointer from Box::into_raw in jwtguard_verifier_new, once.
        let boxed = unsafe { Box::from_raw(verifier) };
        drop(boxed);
    });
}

/// Make a verifier in caller storage (no malloc) and set `*out` to it. `size` is
/// `sizeof(jwtguard_verifier_storage)`; it is checked, as is alignment. Release it with
/// `jwtguard_verifier_deinit`, not `_free`.
///
/// # Safety
/// `storage` must point to `size` writable bytes that outlive the verifier; `out` must be valid
/// for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_verifier_init(
    storage: *mut jwtguard_verifier_storage,
    size: usize,
    out: *mut *mut jwtguard_verifier,
) -> jwtguard_status {
    guard(|| {
        if storage.is_null() || out.is_null() {
            return Err(JWTGUARD_NULL_ARGUMENT);
        }
        let p = storage.cast::<jwtguard_verifier>();
        if size < size_of::<jwtguard_verifier>() || !p.is_aligned() {
            return Err(JWTGUARD_STORAGE_TOO_SMALL);
        }
        // SAFETY: `p` is non-NULL, aligned and has room for a verifier (checked above); the
        // storage holds no live verifier that we would leak by overwriting (documented).
        unsafe { p.write(jwtguard_verifier::new()) };
        // SAFETY: `out` is non-NULL and writable.
        unsafe { *out = p };
        Ok(())
    })
}

/// Drop a verifier made by `jwtguard_verifier_init`, zeroizing its keys; the storage may then
/// be reused. NULL is a no-op.
///
/// # Safety
/// `verifier` must be NULL or from `jwtguard_verifier_init`, not deinitialised before, and not
/// in use.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_verifier_deinit(verifier: *mut jwtguard_verifier) {
    if verifier.is_null() {
        return;
    }
    // SAFETY: the caller passes a verifier written in place by jwtguard_verifier_init, once.
    contain((), || unsafe { core::ptr::drop_in_place(verifier) });
}

// ---------------------------------------------------------------------------------------------
// Keys.
// ---------------------------------------------------------------------------------------------

/// The optional key id: a length of 0 (with any pointer, NULL included) means none, so C
/// callers can pass an empty string.
///
/// # Safety
/// As [`text`].
unsafe fn kid<'a>(ptr: *const u8, len: usize) -> Result<Option<&'a str>, jwtguard_status> {
    if len == 0 {
        return Ok(None);
    }
    // SAFETY: forwarded contract.
    unsafe { text(ptr, len) }.map(Some)
}

/// Shared body of the key loaders: check the arguments, then `load`.
///
/// # Safety
/// As the loaders': `verifier` valid and exclusive, the pairs readable.
unsafe fn load_key(
    verifier: *mut jwtguard_verifier,
    kid_ptr: *const u8,
    kid_len: usize,
    data: *const u8,
    len: usize,
    load: impl FnOnce(&mut KeyRing<JWTGUARD_MAX_KEYS>, Option<&str>, &[u8]) -> Result<(), Error>,
) -> jwtguard_status {
    guard(|| {
        // SAFETY: forwarded contract.
        let v = unsafe { verifier_mut(verifier) }?;
        // SAFETY: forwarded contract.
        let kid = unsafe { kid(kid_ptr, kid_len) }?;
        // SAFETY: forwarded contract.
        let data = unsafe { bytes(data, len) }?;
        load(&mut v.keys, kid, data).map_err(jwtguard_status::from)
    })
}

/// Load an HS256 secret (at least 32 bytes), bound to HS256 and to `kid` if given.
/// A `kid_len` of 0 loads a key without an id (used only for tokens without one).
///
/// # Safety
/// `verifier` must be valid and not in use by another thread; `(kid, kid_len)` and
/// `(data, len)` must be readable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_verifier_add_hs256(
    verifier: *mut jwtguard_verifier,
    kid: *const u8,
    kid_len: usize,
    data: *const u8,
    len: usize,
) -> jwtguard_status {
    // SAFETY: forwarded contract.
    unsafe {
        load_key(verifier, kid, kid_len, data, len, |ring, kid, data| {
            ring.add_hs256(kid, data)
        })
    }
}

/// Load an HS256 secret that must also be 32-512 characters of A-Z a-z 0-9 _ -.
/// A `kid_len` of 0 loads a key without an id (used only for tokens without one).
///
/// # Safety
/// `verifier` must be valid and not in use by another thread; `(kid, kid_len)` and
/// `(data, len)` must be readable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_verifier_add_hs256_configured(
    verifier: *mut jwtguard_verifier,
    kid: *const u8,
    kid_len: usize,
    data: *const u8,
    len: usize,
) -> jwtguard_status {
    // SAFETY: forwarded contract.
    unsafe {
        load_key(verifier, kid, kid_len, data, len, |ring, kid, data| {
            core::str::from_utf8(data)
                .map_err(|_| Error::InvalidSecretFormat)
                .and_then(|s| ring.add_hs256_configured(kid, s))
        })
    }
}

/// Load an RSA public key for RS256 from PEM ("PUBLIC KEY" or "RSA PUBLIC KEY").
/// A `kid_len` of 0 loads a key without an id (used only for tokens without one).
///
/// # Safety
/// `verifier` must be valid and not in use by another thread; `(kid, kid_len)` and
/// `(data, len)` must be readable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_verifier_add_rsa_pem(
    verifier: *mut jwtguard_verifier,
    kid: *const u8,
    kid_len: usize,
    data: *const u8,
    len: usize,
) -> jwtguard_status {
    // SAFETY: forwarded contract.
    unsafe {
        load_key(verifier, kid, kid_len, data, len, |ring, kid, data| {
            ring.add_rs256_pem(kid, data)
        })
    }
}

/// Load an RSA public key for RS256 from DER (SPKI or PKCS#1).
/// A `kid_len` of 0 loads a key without an id (used only for tokens without one).
///
/// # Safety
/// `verifier` must be valid and not in use by another thread; `(kid, kid_len)` and
/// `(data, len)` must be readable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_verifier_add_rsa_der(
    verifier: *mut jwtguard_verifier,
    kid: *const u8,
    kid_len: usize,
    data: *const u8,
    len: usize,
) -> jwtguard_status {
    // SAFETY: forwarded contract.
    unsafe {
        load_key(verifier, kid, kid_len, data, len, |ring, kid, data| {
            ring.add_rs256_der(kid, data)
        })
    }
}

/// Load one JWK (RSA for RS256, oct for HS256); its own "kid" is used.
///
/// # Safety
/// `verifier` must be valid and not in use by another thread; `(jwk, len)` must be readable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_verifier_add_jwk(
    verifier: *mut jwtguard_verifier,
    jwk: *const u8,
    len: usize,
) -> jwtguard_status {
    guard(|| {
        // SAFETY: forwarded contract.
        let v = unsafe { verifier_mut(verifier) }?;
        // SAFETY: forwarded contract.
        let jwk = unsafe { bytes(jwk, len) }?;
        v.keys.add_jwk(jwk).map_err(Into::into)
    })
}

/// Load every usable signing key of a JWKS document. `loaded` and `skipped` (either may be
/// NULL) receive how many keys were loaded and how many were not: skipped, rejected, or left
/// out because the verifier was full. `jwtguard_verifier_add_jwks_report` tells these apart
/// and gives the first rejection's reason; when no key loads, the status is that reason.
///
/// # Safety
/// `verifier` must be valid and not in use by another thread; `(jwks, len)` must be readable;
/// non-NULL `loaded` / `skipped` must be writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_verifier_add_jwks(
    verifier: *mut jwtguard_verifier,
    jwks: *const u8,
    len: usize,
    loaded: *mut usize,
    skipped: *mut usize,
) -> jwtguard_status {
    guard(|| {
        // SAFETY: forwarded contract.
        let v = unsafe { verifier_mut(verifier) }?;
        // SAFETY: forwarded contract.
        let jwks = unsafe { bytes(jwks, len) }?;
        let report = v.keys.add_jwks(jwks)?;
        // SAFETY: each is NULL or writable (caller contract).
        unsafe {
            if let Some(l) = loaded.as_mut() {
                *l = report.loaded;
            }
            if let Some(s) = skipped.as_mut() {
                *s = report.skipped + report.rejected + report.left_out;
            }
        }
        Ok(())
    })
}

/// What `jwtguard_verifier_add_jwks_report` did with a key set.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct jwtguard_jwks_report {
    /// Keys loaded.
    pub loaded: usize,
    /// Keys not for us: another `kty`, `use` other than `sig`, `key_ops` without `verify`, or
    /// an `alg` this library does not verify.
    pub skipped: usize,
    /// Keys meant for us that could not be admitted (too small, malformed, a private key, an
    /// empty or over-long kid).
    pub rejected: usize,
    /// Usable keys left out because the verifier's key capacity (`JWTGUARD_MAX_KEYS`) was
    /// reached: the keys that fit are loaded, and the caller decides whether that will do.
    pub left_out: usize,
    /// Why the first rejected key was rejected, as a `jwtguard_status` (0 if none was).
    pub first_rejection: u32,
}

/// Load every usable signing key of a JWKS, as `jwtguard_verifier_add_jwks`, and fill
/// `*report` (written on success only). When no key loads, the status says why: the first
/// rejected key's reason (say `JWTGUARD_RSA_MODULUS_TOO_SMALL` or `JWTGUARD_PRIVATE_KEY`),
/// else `JWTGUARD_KEY_RING_FULL`, else `JWTGUARD_NO_USABLE_KEYS`.
///
/// # Safety
/// `verifier` must be valid and not in use by another thread; `(jwks, len)` readable;
/// `report` writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_verifier_add_jwks_report(
    verifier: *mut jwtguard_verifier,
    jwks: *const u8,
    len: usize,
    report: *mut jwtguard_jwks_report,
) -> jwtguard_status {
    guard(|| {
        if report.is_null() {
            return Err(JWTGUARD_NULL_ARGUMENT);
        }
        // SAFETY: forwarded contract.
        let v = unsafe { verifier_mut(verifier) }?;
        // SAFETY: forwarded contract.
        let jwks = unsafe { bytes(jwks, len) }?;
        let r = v.keys.add_jwks(jwks)?;
        let out = jwtguard_jwks_report {
            loaded: r.loaded,
            skipped: r.skipped,
            rejected: r.rejected,
            left_out: r.left_out,
            first_rejection: r
                .first_rejection
                .map_or(0, |e| jwtguard_status::from(e) as u32),
        };
        // SAFETY: checked non-NULL; writable per contract.
        unsafe { report.write(out) };
        Ok(())
    })
}

// ---------------------------------------------------------------------------------------------
// Policy.
// ---------------------------------------------------------------------------------------------

fn push_text<const N: usize>(list: &mut Vec<Text, N>, s: &str) -> Result<(), jwtguard_status> {
    let t = Text::try_from(s).map_err(|_| JWTGUARD_INVALID_ARGUMENT)?;
    list.push(t).map_err(|_| JWTGUARD_CAPACITY_EXCEEDED)
}

/// Shared body of the list setters: a non-empty UTF-8 entry appended to `list`.
///
/// # Safety
/// As the setters': `verifier` valid and exclusive, `(value, len)` readable.
unsafe fn add_text<const N: usize>(
    verifier: *mut jwtguard_verifier,
    value: *const u8,
    len: usize,
    list: impl FnOnce(&mut Config) -> &mut Vec<Text, N>,
) -> jwtguard_status {
    guard(|| {
        // SAFETY: forwarded contract.
        let v = unsafe { verifier_mut(verifier) }?;
        // SAFETY: forwarded contract.
        let s = unsafe { text(value, len) }?;
        if s.is_empty() {
            return Err(JWTGUARD_INVALID_ARGUMENT);
        }
        push_text(list(v), s)
    })
}

/// Accept this `iss` (repeatable; none configured: iss is not checked).
///
/// # Safety
/// `verifier` must be valid and not in use by another thread; `(value, len)` readable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_verifier_add_issuer(
    verifier: *mut jwtguard_verifier,
    value: *const u8,
    len: usize,
) -> jwtguard_status {
    // SAFETY: forwarded contract.
    unsafe { add_text(verifier, value, len, |c| &mut c.issuers) }
}

/// Accept tokens whose `aud` contains this (repeatable). A token with an `aud` is rejected
/// when no audience is configured (RFC 7519 §4.1.3).
///
/// # Safety
/// `verifier` must be valid and not in use by another thread; `(value, len)` readable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_verifier_add_audience(
    verifier: *mut jwtguard_verifier,
    value: *const u8,
    len: usize,
) -> jwtguard_status {
    // SAFETY: forwarded contract.
    unsafe { add_text(verifier, value, len, |c| &mut c.audiences) }
}

/// Require `azp` to be one of these (repeatable).
///
/// # Safety
/// `verifier` must be valid and not in use by another thread; `(value, len)` readable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_verifier_add_authorized_party(
    verifier: *mut jwtguard_verifier,
    value: *const u8,
    len: usize,
) -> jwtguard_status {
    // SAFETY: forwarded contract.
    unsafe { add_text(verifier, value, len, |c| &mut c.parties) }
}

/// Require this permission of every token (repeatable; calls may add more).
///
/// # Safety
/// `verifier` must be valid and not in use by another thread; `(value, len)` readable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_verifier_add_required_permission(
    verifier: *mut jwtguard_verifier,
    value: *const u8,
    len: usize,
) -> jwtguard_status {
    // SAFETY: forwarded contract.
    unsafe { add_text(verifier, value, len, |c| &mut c.permissions) }
}

/// The claim holding permissions: "permissions" by default, "scope" or "scp" for OAuth.
///
/// # Safety
/// `verifier` must be valid and not in use by another thread; `(name, len)` readable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_verifier_set_permissions_claim(
    verifier: *mut jwtguard_verifier,
    name: *const u8,
    len: usize,
) -> jwtguard_status {
    guard(|| {
        // SAFETY: forwarded contract.
        let v = unsafe { verifier_mut(verifier) }?;
        // SAFETY: forwarded contract.
        let s = unsafe { text(name, len) }?;
        if s.is_empty() {
            return Err(JWTGUARD_INVALID_ARGUMENT);
        }
        v.permissions_claim = Some(String::try_from(s).map_err(|_| JWTGUARD_INVALID_ARGUMENT)?);
        Ok(())
    })
}

/// Copy the claim at dot `path` into the metadata document as `name` (NULL/0: the path's last
/// segment). `required` (0 or 1): reject tokens without it. A path with an empty segment
/// (`a..b`, `.a`, `a.`) is `JWTGUARD_INVALID_METADATA_FIELD`.
///
/// # Safety
/// `verifier` must be valid and not in use by another thread; the pairs readable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_verifier_add_metadata_field(
    verifier: *mut jwtguard_verifier,
    path: *const u8,
    path_len: usize,
    name: *const u8,
    name_len: usize,
    required: u32,
) -> jwtguard_status {
    guard(|| {
        let required = flag(required)?;
        // SAFETY: forwarded contract.
        let v = unsafe { verifier_mut(verifier) }?;
        // SAFETY: forwarded contract.
        let path = unsafe { text(path, path_len) }?;
        // SAFETY: forwarded contract.
        let name = unsafe { text(name, name_len) }?;
        let field = Field {
            path: Text::try_from(path).map_err(|_| JWTGUARD_INVALID_ARGUMENT)?,
            name: String::try_from(name).map_err(|_| JWTGUARD_INVALID_METADATA_FIELD)?,
            required,
        };
        v.fields
            .push(field)
            .map_err(|_| JWTGUARD_CAPACITY_EXCEEDED)?;
        // Check the whole list now, so a bad field fails configuration, not the first token.
        let checked = v.with_policy(|p| check_fields(p.metadata_fields()));
        if let Err(r) = checked {
            v.fields.pop();
            return Err(r.error.into());
        }
        Ok(())
    })
}

/// Clock skew allowed on exp, nbf, iat and max age, in seconds (default 0).
///
/// # Safety
/// `verifier` must be valid and not in use by another thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_verifier_set_leeway(
    verifier: *mut jwtguard_verifier,
    seconds: u64,
) -> jwtguard_status {
    // SAFETY: forwarded contract.
    guard(|| unsafe { verifier_mut(verifier) }.map(|v| v.leeway = seconds))
}

/// Reject tokens issued more than `seconds` ago (0: no limit; default). Makes iat required.
///
/// # Safety
/// `verifier` must be valid and not in use by another thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_verifier_set_max_age(
    verifier: *mut jwtguard_verifier,
    seconds: u64,
) -> jwtguard_status {
    guard(|| {
        // SAFETY: forwarded contract.
        let v = unsafe { verifier_mut(verifier) }?;
        v.max_age = (seconds > 0).then_some(seconds);
        Ok(())
    })
}

/// Whether exp must be present: 1 (the default) or 0; any other value is
/// `JWTGUARD_INVALID_ARGUMENT`.
///
/// # Safety
/// `verifier` must be valid and not in use by another thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_verifier_set_require_exp(
    verifier: *mut jwtguard_verifier,
    required: u32,
) -> jwtguard_status {
    guard(|| {
        let required = flag(required)?;
        // SAFETY: forwarded contract.
        unsafe { verifier_mut(verifier) }.map(|v| v.require_exp = required)
    })
}

/// Whether sub must be a non-empty string: 1 (the default) or 0; any other value is
/// `JWTGUARD_INVALID_ARGUMENT`.
///
/// # Safety
/// `verifier` must be valid and not in use by another thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_verifier_set_require_sub(
    verifier: *mut jwtguard_verifier,
    required: u32,
) -> jwtguard_status {
    guard(|| {
        let required = flag(required)?;
        // SAFETY: forwarded contract.
        unsafe { verifier_mut(verifier) }.map(|v| v.require_sub = required)
    })
}

/// The OAuth 2.0 JWT access-token profile (RFC 9068), `enabled` 1 or 0: typ at+jwt required;
/// iss, aud, client_id, iat and jti required; permissions read from "scope" (unless a
/// permissions claim was set). Any other value is `JWTGUARD_INVALID_ARGUMENT`.
///
/// # Safety
/// `verifier` must be valid and not in use by another thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_verifier_set_access_token_profile(
    verifier: *mut jwtguard_verifier,
    enabled: u32,
) -> jwtguard_status {
    guard(|| {
        let enabled = flag(enabled)?;
        // SAFETY: forwarded contract.
        unsafe { verifier_mut(verifier) }.map(|v| v.access_token = enabled)
    })
}

/// Waive the issuer check explicitly: with no `jwtguard_verifier_add_issuer`, tokens of any
/// `iss` (or none) are accepted. Without an issuer and without this call, `jwtguard_verify`
/// answers `JWTGUARD_ISSUER_NOT_CONFIGURED` (RFC 8725 §3.8 asks verifiers to validate `iss`; a
/// forgotten line must not waive it silently).
///
/// # Safety
/// `verifier` must be valid and not in use by another thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_verifier_allow_any_issuer(
    verifier: *mut jwtguard_verifier,
) -> jwtguard_status {
    // SAFETY: forwarded contract.
    guard(|| unsafe { verifier_mut(verifier) }.map(|v| v.any_issuer = true))
}

/// Declare that tokens carry no `aud`: with no `jwtguard_verifier_add_audience`, a token
/// without `aud` is accepted (one with `aud` is still rejected, RFC 7519 §4.1.3). Without an
/// audience and without this call, `jwtguard_verify` answers `JWTGUARD_AUDIENCE_NOT_CONFIGURED`.
///
/// # Safety
/// `verifier` must be valid and not in use by another thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_verifier_allow_no_audience(
    verifier: *mut jwtguard_verifier,
) -> jwtguard_status {
    // SAFETY: forwarded contract.
    guard(|| unsafe { verifier_mut(verifier) }.map(|v| v.without_audience = true))
}

/// Whether a token must carry a `kid`: 1 or 0 (the default). By default a token without `kid`
/// is tried against every key of its algorithm; with 1 it is `JWTGUARD_MISSING_KEY_ID`, so a
/// kid-less token cannot make the verifier run an RSA check against each key. Any other value
/// is `JWTGUARD_INVALID_ARGUMENT`.
///
/// # Safety
/// `verifier` must be valid and not in use by another thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_verifier_set_require_kid(
    verifier: *mut jwtguard_verifier,
    required: u32,
) -> jwtguard_status {
    guard(|| {
        let required = flag(required)?;
        // SAFETY: forwarded contract.
        unsafe { verifier_mut(verifier) }.map(|v| v.keys.require_kid(required))
    })
}

/// The first setup error of a configured verifier, or `JWTGUARD_OK`: call it once at start-up
/// to fail there rather than on the first token. Today that is `JWTGUARD_ISSUER_NOT_CONFIGURED`
/// or `JWTGUARD_AUDIENCE_NOT_CONFIGURED` (see `jwtguard_verifier_allow_any_issuer` and
/// `jwtguard_verifier_allow_no_audience`), which `jwtguard_verify` would also answer.
///
/// # Safety
/// `verifier` must be NULL or valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_verifier_check(
    verifier: *const jwtguard_verifier,
) -> jwtguard_status {
    guard(|| {
        // SAFETY: forwarded contract.
        let v = unsafe { verifier_ref(verifier) }?;
        v.setup_error().map_or(Ok(()), Err)
    })
}

// ---------------------------------------------------------------------------------------------
// Verification.
// ---------------------------------------------------------------------------------------------

/// Verify `(token, token_len)` at `now` (unix seconds) with the verifier's keys and policy, plus
/// `n_required` permissions this call requires (`required` may be NULL when 0). The outcome,
/// success or not, goes into `*result`; the return value is its status.
///
/// Thread safety: many threads may call this at once with one verifier, each with its own
/// result. The token is read only within `token_len` (no NUL terminator needed; an embedded NUL
/// is `JWTGUARD_BASE64`).
///
/// # Safety
/// `verifier` valid; `(token, token_len)` readable; `required` NULL or `n_required` readable
/// `jwtguard_str` each readable; `result` writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_verify(
    verifier: *const jwtguard_verifier,
    token: *const u8,
    token_len: usize,
    now: u64,
    required: *const jwtguard_str,
    n_required: usize,
    result: *mut jwtguard_result,
) -> jwtguard_status {
    if result.is_null() {
        return JWTGUARD_NULL_ARGUMENT;
    }
    let inner = result.cast::<ResultInner>();
    // SAFETY: `result` is non-NULL, writable, and sized and aligned for ResultInner (static
    // asserts above). Zeroing it in place (rather than writing a ResultInner value, which may be
    // built on the stack first) makes every field valid: 0 is JWTGUARD_OK for the status, and
    // empty claims for the rest. The failed result written next keeps it well-formed if the
    // library panics.
    unsafe { core::ptr::write_bytes(inner, 0, 1) };
    // SAFETY: initialised just above; exclusive for this call (caller contract).
    let inner = unsafe { &mut *inner };
    inner.magic = RESULT_MAGIC;
    inner.status = JWTGUARD_PANIC as u32;
    inner.field = -1;
    let status = guard(|| {
        // SAFETY: forwarded contract.
        let v = unsafe { verifier_ref(verifier) }?;
        if let Some(setup) = v.setup_error() {
            return Err(setup);
        }
        // SAFETY: forwarded contract.
        let token = unsafe { bytes(token, token_len) }?;
        if required.is_null() && n_required > 0 {
            return Err(JWTGUARD_NULL_ARGUMENT);
        }
        let mut perms: Vec<&str, JWTGUARD_MAX_CALL_PERMISSIONS> = Vec::new();
        for i in 0..n_required {
            // SAFETY: `required` has n_required readable elements (checked non-NULL above).
            let s = unsafe { *required.add(i) };
            // SAFETY: each element's (ptr, len) is readable (caller contract).
            let s = unsafe { text(s.ptr, s.len) }?;
            perms.push(s).map_err(|_| JWTGUARD_CAPACITY_EXCEEDED)?;
        }
        let outcome = v.with_policy(|p| {
            inner
                .claims
                .verify_request_with(&v.keys, p, token, now, Request::new().require(&perms))
        });
        outcome.map(|_| ()).map_err(|r| {
            inner.field = r.field.and_then(|f| i32::try_from(f).ok()).unwrap_or(-1);
            jwtguard_status::from(r.error)
        })
    });
    inner.status = status as u32;
    status
}

/// The result behind a pointer, if `jwtguard_verify` filled it and it verified.
///
/// # Safety
/// `result` must be NULL or point to a `jwtguard_result` that `jwtguard_verify` filled or the
/// caller zero-initialised (documented on the type): its magic word is then an initialised
/// integer, and only a result that carries the magic is read any further.
unsafe fn verified<'a>(result: *const jwtguard_result) -> Result<&'a OwnedClaims, jwtguard_status> {
    if result.is_null() {
        return Err(JWTGUARD_NULL_ARGUMENT);
    }
    let inner = result.cast::<ResultInner>();
    // SAFETY: aligned and in bounds (static asserts); any bit pattern is a valid u64.
    let magic = unsafe { core::ptr::addr_of!((*inner).magic).read() };
    if magic != RESULT_MAGIC {
        return Err(JWTGUARD_NO_RESULT);
    }
    // SAFETY: the magic says jwtguard_verify wrote a whole ResultInner here.
    let inner = unsafe { &*inner };
    if inner.status != JWTGUARD_OK as u32 {
        return Err(JWTGUARD_NO_RESULT);
    }
    Ok(&inner.claims)
}

/// Which metadata field a `JWTGUARD_MISSING_METADATA_FIELD` result is about (the order they
/// were added, from 0), or -1.
///
/// # Safety
/// `result` must be NULL or point to a `jwtguard_result`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_result_field(result: *const jwtguard_result) -> i32 {
    if result.is_null() {
        return -1;
    }
    let inner = result.cast::<ResultInner>();
    // SAFETY: aligned and in bounds; u64 has no invalid values.
    if unsafe { core::ptr::addr_of!((*inner).magic).read() } != RESULT_MAGIC {
        return -1;
    }
    // SAFETY: filled by jwtguard_verify (magic checked).
    unsafe { (*inner).field }
}

/// Copy the registered claims present (iss, sub, aud, azp, exp, nbf, iat, jti, client_id) as a
/// compact JSON object into `(out, cap)`; `*out_len` gets its length, or the size needed with
/// `JWTGUARD_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `result` must point to a `jwtguard_result`; `out` NULL or `cap` writable bytes; `out_len`
/// writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_result_claims_json(
    result: *const jwtguard_result,
    out: *mut u8,
    cap: usize,
    out_len: *mut usize,
) -> jwtguard_status {
    static REGISTERED: [MetadataField<'static>; 9] = [
        MetadataField::optional("iss"),
        MetadataField::optional("sub"),
        MetadataField::optional("aud"),
        MetadataField::optional("azp"),
        MetadataField::optional("exp"),
        MetadataField::optional("nbf"),
        MetadataField::optional("iat"),
        MetadataField::optional("jti"),
        MetadataField::optional("client_id"),
    ];
    guard(|| {
        // SAFETY: forwarded contract.
        let claims = unsafe { verified(result) }?;
        // SAFETY: forwarded contract.
        unsafe { document(claims, &REGISTERED, out, cap, out_len) }
    })
}

/// Write a field document for `claims` to the caller's buffer.
///
/// # Safety
/// As [`write_out`].
unsafe fn document(
    claims: &OwnedClaims,
    fields: &[MetadataField<'_>],
    out: *mut u8,
    cap: usize,
    out_len: *mut usize,
) -> Result<(), jwtguard_status> {
    // Written straight into the caller's buffer by the core's counting writer: no internal
    // scratch whose size could refuse a document that the caller's buffer would hold.
    let view = claims.claims();
    // SAFETY: forwarded contract.
    unsafe {
        write_with(out, cap, out_len, |buf| match view.metadata(fields, buf) {
            Ok(n) => Ok(n),
            Err(r) if r.error == Error::BufferTooSmall => r.needed.ok_or(JWTGUARD_PANIC),
            Err(r) => Err(r.error.into()),
        })
    }
}

/// Copy the metadata document of the verifier's fields (`{"name":"Jean Valjean",...}`) into
/// `(out, cap)`; `*out_len` gets its length, or the size needed with `JWTGUARD_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `verifier` must be the one that produced `result`; other pointers as for
/// `jwtguard_result_claims_json`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_result_metadata(
    verifier: *const jwtguard_verifier,
    result: *const jwtguard_result,
    out: *mut u8,
    cap: usize,
    out_len: *mut usize,
) -> jwtguard_status {
    guard(|| {
        // SAFETY: forwarded contract.
        let v = unsafe { verifier_ref(verifier) }?;
        // SAFETY: forwarded contract.
        let claims = unsafe { verified(result) }?;
        v.with_policy(|p| {
            // SAFETY: forwarded contract.
            unsafe { document(claims, p.metadata_fields(), out, cap, out_len) }
        })
    })
}

/// Copy the claim at dot `path` into `(out, cap)`: a string claim as its unescaped UTF-8 text,
/// any other as compact JSON. `JWTGUARD_CLAIM_NOT_FOUND` when absent.
///
/// # Safety
/// `(path, path_len)` readable; other pointers as for `jwtguard_result_claims_json`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_result_claim(
    result: *const jwtguard_result,
    path: *const u8,
    path_len: usize,
    out: *mut u8,
    cap: usize,
    out_len: *mut usize,
) -> jwtguard_status {
    guard(|| {
        // SAFETY: forwarded contract.
        let claims = unsafe { verified(result) }?;
        // SAFETY: forwarded contract.
        let path = unsafe { text(path, path_len) }?;
        let view = claims.claims();
        let value = view.value(path).ok_or(JWTGUARD_CLAIM_NOT_FOUND)?;
        let mut scratch = [0u8; jwtguard_core::TOKEN_BUF_LEN];
        let data: &[u8] = match value.as_str() {
            Some(s) => s
                .unescape_into(&mut scratch)
                .map_err(|_| JWTGUARD_BUFFER_TOO_SMALL)?
                .as_bytes(),
            None => {
                // Compact JSON: reuse the metadata writer on a one-field document and strip
                // the `{"v":` ... `}` around it.
                let field = [MetadataField::required(path).named("v")];
                let n = view
                    .metadata(&field, &mut scratch)
                    .map_err(|r| jwtguard_status::from(r.error))?;
                scratch.get(5..n.saturating_sub(1)).unwrap_or(&[])
            }
        };
        // SAFETY: forwarded contract.
        unsafe { write_out(data, out, cap, out_len) }
    })
}

/// The token's `exp` (0 if absent) of a verified result.
///
/// # Safety
/// `result` must point to a `jwtguard_result`; `exp` writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_result_exp(
    result: *const jwtguard_result,
    exp: *mut u64,
) -> jwtguard_status {
    guard(|| {
        // SAFETY: forwarded contract.
        let claims = unsafe { verified(result) }?;
        // SAFETY: NULL-checked by as_mut; writable per contract.
        let exp = unsafe { exp.as_mut() }.ok_or(JWTGUARD_NULL_ARGUMENT)?;
        *exp = claims.claims().expires_at().unwrap_or(0);
        Ok(())
    })
}

// ---------------------------------------------------------------------------------------------
// Authorization header.
// ---------------------------------------------------------------------------------------------

/// Find the token in an `Authorization` header value (`Bearer <token>`, scheme
/// case-insensitive). On success `*token` / `*token_len` point into `value` (no copy).
///
/// # Safety
/// `(value, len)` readable; `token` and `token_len` writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_bearer_token(
    value: *const u8,
    len: usize,
    token: *mut *const u8,
    token_len: *mut usize,
) -> jwtguard_status {
    guard(|| {
        if token.is_null() || token_len.is_null() {
            return Err(JWTGUARD_NULL_ARGUMENT);
        }
        // SAFETY: forwarded contract.
        let value = unsafe { bytes(value, len) }?;
        let t = bearer_token(value)?;
        // SAFETY: both checked non-NULL; writable per contract.
        unsafe {
            *token = t.as_ptr();
            *token_len = t.len();
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rust_error_has_its_own_code_and_message() {
        let mut seen = std::collections::HashSet::new();
        for e in Error::ALL {
            let s = jwtguard_status::from(*e);
            assert_ne!(s, JWTGUARD_UNKNOWN_ERROR, "{e:?} is not mapped");
            assert!(seen.insert(s as i32), "{e:?} shares code {}", s as i32);
            assert_eq!(s.message_c().to_str().unwrap(), e.message(), "{e:?}");
            assert!(status::ALL_STATUS.contains(&s), "{e:?}");
        }
        for s in status::ALL_STATUS {
            let name = s.name_c().to_str().unwrap();
            assert!(name.starts_with("JWTGUARD_"), "{name}");
            assert_eq!(format!("{s:?}"), name);
            assert!(!s.message_c().to_bytes().is_empty());
        }
        assert_eq!(
            JWTGUARD_EXPIRED.message_c().to_str().unwrap(),
            "Token has expired"
        );
        assert_eq!(
            JWTGUARD_INVALID_AUDIENCE.message_c().to_str().unwrap(),
            "Invalid audience."
        );
        assert_eq!(
            JWTGUARD_INVALID_AUTHORIZED_PARTY
                .message_c()
                .to_str()
                .unwrap(),
            "Invalid authorized party."
        );
    }

    #[test]
    fn codes_are_in_their_ranges() {
        let range = |s: jwtguard_status| s as i32 / 100;
        assert_eq!(range(JWTGUARD_BASE64), 1);
        assert_eq!(range(JWTGUARD_CRITICAL_EXTENSION), 2);
        assert_eq!(range(JWTGUARD_UNKNOWN_KEY), 3);
        assert_eq!(range(JWTGUARD_INVALID_SIGNATURE), 4);
        assert_eq!(range(JWTGUARD_EXPIRED), 5);
        assert_eq!(range(JWTGUARD_INVALID_AUDIENCE), 6);
        assert_eq!(range(JWTGUARD_INSUFFICIENT_PERMISSIONS), 7);
        assert_eq!(range(JWTGUARD_KEY_FORMAT), 8);
        assert_eq!(range(JWTGUARD_INVALID_METADATA_FIELD), 9);
    }
}
