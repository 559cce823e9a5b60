//! The boundary: what C passes becomes Rust values here, and only here, under one safety
//! argument; and no panic crosses back into C.
//!
//! **The contract** every `extern "C"` function states in its `# Safety` section (and the
//! header's conventions), on which every `unsafe` block in this crate's macros rests:
//! 1. an input pair `(ptr, len)` is NULL with `len == 0`, or `len` readable bytes (or
//!    elements) that stay valid and unchanged until the function returns;
//! 2. a verifier pointer is NULL or comes from `jwtguard_verifier_new` / `_init` and has not
//!    been freed; while it is being configured (`*mut`), no other thread uses it, and while it
//!    verifies (`*const`), no thread configures it. The same holds of the verifiers a
//!    `jwtguard_providers` set keeps pointers to, for as long as the set verifies;
//! 3. an out-parameter is NULL or valid for a write of its type (an out array `(ptr, n)`: `n`
//!    consecutive such elements), and an output buffer
//!    `(out, cap)` is NULL or `cap` writable bytes that no other argument overlaps;
//! 4. a caller object (`jwtguard_result`, `jwtguard_large_result`, `jwtguard_providers`,
//!    `jwtguard_cache`) is NULL
//!    or memory of its type's size and alignment. Given to be read, it was zero-initialised by
//!    the caller or filled by this library, and no thread writes it during the call; given to
//!    be filled (a verify, `jwtguard_providers_init`), it is writable, and no other thread uses
//!    it during the call. The caller never writes into one this library filled;
//! 5. a verifier given to `_free` or `_deinit` came from `_new` or `_init` respectively, is
//!    released once, and is used by nothing afterwards.
//!
//! Each macro below turns one kind of argument into a value using exactly one clause, so the
//! argument is made once, where the conversion is, instead of at every call. Nothing converted
//! here outlives the call: slices and references are used within it and never stored (the
//! verifier keeps copies). NULL is checked before any use and answered with
//! `JWTGUARD_NULL_ARGUMENT`. Integers that C may fill with any bits are read as integers, never
//! as Rust `bool`s or enums (see `flag` and `jwtguard_status::from_raw`).

use core::mem::size_of;

use heapless::Vec;

use crate::result::jwtguard_str;
use crate::status::jwtguard_status::{self, *};
use crate::verifier::jwtguard_verifier;

/// An input pair `(ptr, len)` as `Result<&[u8], jwtguard_status>`.
macro_rules! c_bytes {
    ($ptr:expr, $len:expr) => {{
        // SAFETY: clause 1 of the contract (boundary.rs): `(ptr, len)` is NULL with len 0 or
        // `len` readable bytes valid and unchanged for the call, which is what `array`
        // requires; the slice is used only during the call.
        unsafe { $crate::boundary::array::<u8>($ptr, $len) }
    }};
}

/// An input pair of `T`s (`jwtguard_str` lists) as `Result<&[T], jwtguard_status>`.
macro_rules! c_array {
    ($ptr:expr, $len:expr) => {{
        // SAFETY: clause 1 of the contract (boundary.rs), for `len` elements.
        unsafe { $crate::boundary::array($ptr, $len) }
    }};
}

/// An input pair as UTF-8 text: `Result<&str, jwtguard_status>`.
macro_rules! c_text {
    ($ptr:expr, $len:expr) => {
        $crate::c_bytes!($ptr, $len).and_then($crate::boundary::utf8)
    };
}

/// An optional key id: a length of 0 (any pointer, NULL included) is none, so C callers can
/// pass an empty string. `Result<Option<&str>, jwtguard_status>`.
macro_rules! c_kid {
    ($ptr:expr, $len:expr) => {{
        let (ptr, len) = ($ptr, $len);
        if len == 0 {
            Ok(None)
        } else {
            $crate::c_text!(ptr, len).map(Some)
        }
    }};
}

/// A verifier being configured: `Result<&mut jwtguard_verifier, jwtguard_status>`.
macro_rules! configure {
    ($v:expr) => {{
        let v: *mut $crate::verifier::jwtguard_verifier = $v;
        // SAFETY: clause 2 of the contract (boundary.rs): NULL (rejected by `as_mut`) or a live
        // verifier that no other thread uses during this call, so a unique reference for the
        // call is sound.
        unsafe { v.as_mut() }.ok_or($crate::status::jwtguard_status::JWTGUARD_NULL_ARGUMENT)
    }};
}

/// A verifier being read (verify, accessors): `Result<&jwtguard_verifier, jwtguard_status>`.
macro_rules! shared {
    ($v:expr) => {{
        let v: *const $crate::verifier::jwtguard_verifier = $v;
        // SAFETY: clause 2 of the contract (boundary.rs): NULL (rejected by `as_ref`) or a live
        // verifier that no thread configures during this call; shared references from any
        // number of threads are sound (the verifier has no interior mutability).
        unsafe { v.as_ref() }.ok_or($crate::status::jwtguard_status::JWTGUARD_NULL_ARGUMENT)
    }};
}

/// Write `value` to an out-parameter: `Result<(), jwtguard_status>`, NULL refused.
macro_rules! c_write {
    ($ptr:expr, $value:expr) => {{
        let (ptr, value) = ($ptr, $value);
        if ptr.is_null() {
            Err($crate::status::jwtguard_status::JWTGUARD_NULL_ARGUMENT)
        } else {
            // SAFETY: clause 3 of the contract (boundary.rs): non-NULL, so valid for a write of
            // its type. Written through the raw pointer, so no reference is made that could
            // alias another argument.
            unsafe { ptr.write(value) };
            Ok(())
        }
    }};
}

/// The output convention on `(out, cap)` and `out_len` (see [`write_with`]):
/// `Result<(), jwtguard_status>`.
macro_rules! c_output {
    ($out:expr, $cap:expr, $out_len:expr, $fill:expr) => {{
        // SAFETY: clause 3 of the contract (boundary.rs): `out` is NULL or `cap` writable bytes
        // that no other argument overlaps, and `out_len` NULL or writable: what `write_with`
        // requires.
        unsafe { $crate::boundary::write_with($out, $cap, $out_len, $fill) }
    }};
}

/// An out array `(ptr, n)` as `Result<&mut [MaybeUninit<T>], jwtguard_status>`: its elements
/// are written, never read.
macro_rules! c_out_array {
    ($ptr:expr, $n:expr) => {{
        // SAFETY: clause 3 of the contract (boundary.rs): NULL with `n == 0` (checked by
        // `out_array`) or `n` consecutive writable elements that no other argument overlaps,
        // which is what `out_array` requires; the slice is used only during the call.
        unsafe { $crate::boundary::out_array($ptr, $n) }
    }};
}

/// An output buffer `(out, cap)` to fill piece by piece: `Result<OutCursor, jwtguard_status>`.
/// NULL is allowed only with `cap == 0` (a sizing call).
macro_rules! cursor {
    ($out:expr, $cap:expr) => {{
        let (out, cap): (*mut u8, usize) = ($out, $cap);
        if out.is_null() && cap != 0 {
            Err($crate::status::jwtguard_status::JWTGUARD_NULL_ARGUMENT)
        } else {
            // SAFETY: clause 3 of the contract (boundary.rs): `out` is NULL or `cap` writable
            // bytes that no other argument overlaps, which is what `OutCursor::new` requires;
            // the cursor lives only for the call.
            Ok(unsafe { $crate::boundary::OutCursor::new(out, cap) })
        }
    }};
}

/// Each string of an input list of `jwtguard_str` as UTF-8 text, at most `N` of them:
/// `Result<heapless::Vec<&str, N>, jwtguard_status>` (`JWTGUARD_CAPACITY_EXCEEDED` past `N`).
macro_rules! c_texts {
    ($ptr:expr, $len:expr) => {{
        // SAFETY: clause 1 of the contract (boundary.rs), for the list and for each element's
        // `(ptr, len)`: what `texts` requires.
        unsafe { $crate::boundary::texts($ptr, $len) }
    }};
}

/// A caller object this library filled (clause 4), read: `Result<&I, jwtguard_status>` for
/// the value `I` it holds. NULL is `JWTGUARD_NULL_ARGUMENT`; memory without the object's magic
/// is the object's `UNSTAMPED` status.
macro_rules! c_held {
    ($ptr:expr) => {{
        // SAFETY: clause 4 of the contract (boundary.rs), for an object being read: what
        // `held` requires.
        unsafe { $crate::boundary::held($ptr) }
    }};
}

/// A caller object this library filled (clause 4), being configured by this call:
/// `Result<&mut I, jwtguard_status>`, as [`c_held`].
macro_rules! c_held_mut {
    ($ptr:expr) => {{
        // SAFETY: clause 4 of the contract (boundary.rs), for an object being filled (no other
        // thread uses it during the call): what `held_mut` requires.
        unsafe { $crate::boundary::held_mut($ptr) }
    }};
}

/// A caller object to fill (clause 4): zeroed in place and stamped with its magic, as
/// `Result<&mut I, jwtguard_status>` (NULL is `JWTGUARD_NULL_ARGUMENT`).
macro_rules! c_stamp {
    ($ptr:expr) => {{
        // SAFETY: clause 4 of the contract (boundary.rs), for an object being filled: what
        // `stamp` requires.
        unsafe { $crate::boundary::stamp($ptr) }
    }};
}

/// A result that `jwtguard_verify` filled and that verified: binds `$claims` to a
/// `&ValidatedClaims` for the rest of the enclosing closure, or returns `JWTGUARD_NULL_ARGUMENT`
/// / `JWTGUARD_NO_RESULT` from it. A statement rather than an expression so the claims are
/// borrowed where the buffer rebuilt them, not moved through a `Result` (a 180-byte copy per
/// accessor call).
macro_rules! verified {
    ($result:expr => $claims:ident) => {
        // SAFETY: clause 4 of the contract (boundary.rs), for a result being read: what
        // `verified_buf` requires.
        let buf = unsafe { $crate::boundary::verified_buf($result) }?;
        let held = buf.validated_claims();
        let Some($claims) = held.as_ref() else {
            return Err($crate::status::jwtguard_status::JWTGUARD_NO_RESULT);
        };
    };
}

/// [`verified!`] for the token's protected header: binds `$header` (a `json::Object`) for the
/// rest of the enclosing closure, or returns `JWTGUARD_NULL_ARGUMENT` / `JWTGUARD_NO_RESULT`.
macro_rules! verified_header {
    ($result:expr => $header:ident) => {
        // SAFETY: clause 4 of the contract (boundary.rs), for a result being read: what
        // `verified_buf` requires.
        let buf = unsafe { $crate::boundary::verified_buf($result) }?;
        let Some($header) = buf.validated_header() else {
            return Err($crate::status::jwtguard_status::JWTGUARD_NO_RESULT);
        };
    };
}

/// `(ptr, len)` as a slice of `T`. NULL is allowed only with `len == 0`.
///
/// # Safety
/// A non-NULL `ptr` must point to `len` initialised, aligned `T`s that stay valid and unmodified
/// for `'a`.
pub(crate) unsafe fn array<'a, T>(ptr: *const T, len: usize) -> Result<&'a [T], jwtguard_status> {
    if ptr.is_null() {
        return if len == 0 {
            Ok(&[])
        } else {
            Err(JWTGUARD_NULL_ARGUMENT)
        };
    }
    if len
        .checked_mul(size_of::<T>())
        .is_none_or(|n| n > isize::MAX as usize)
    {
        return Err(JWTGUARD_INVALID_ARGUMENT);
    }
    if !ptr.is_aligned() {
        return Err(JWTGUARD_INVALID_ARGUMENT);
    }
    // SAFETY: non-NULL and aligned (checked), the size fits `isize` (checked), and the caller
    // guarantees `len` initialised elements valid and unmodified for 'a.
    Ok(unsafe { core::slice::from_raw_parts(ptr, len) })
}

/// `(ptr, n)` as an out array of `T`. NULL is allowed only with `n == 0`.
///
/// # Safety
/// A non-NULL `ptr` must point to `n` aligned, writable `T`s, possibly uninitialised, that
/// nothing else reads or writes for `'a`.
pub(crate) unsafe fn out_array<'a, T>(
    ptr: *mut T,
    n: usize,
) -> Result<&'a mut [core::mem::MaybeUninit<T>], jwtguard_status> {
    let ptr = ptr.cast::<core::mem::MaybeUninit<T>>();
    // `array`'s checks (NULL only with n == 0, alignment, a size that fits `isize`), on the
    // elements as `MaybeUninit<T>`, whose shared view of uninitialised memory is sound; the
    // view ends on this line, before the unique one below is made.
    // SAFETY: the caller guarantees `n` elements at `ptr` that nothing else uses for 'a, and a
    // `MaybeUninit<T>` (T's layout) may hold any bits: what `array` requires for this line.
    let n = unsafe { array(ptr.cast_const(), n) }?.len();
    if n == 0 {
        return Ok(&mut []);
    }
    // SAFETY: `array` accepted `(ptr, n)` with n > 0, so `ptr` is non-NULL and aligned and the
    // size fits `isize`; the caller guarantees `n` writable elements that only this slice uses
    // for 'a, and `MaybeUninit<T>` is valid for any bits, uninitialised ones included.
    Ok(unsafe { core::slice::from_raw_parts_mut(ptr, n) })
}

/// An input list of `jwtguard_str` as UTF-8 texts, at most `N`.
///
/// # Safety
/// `(ptr, len)` as [`array`] requires, and each element's `(ptr, len)` too, for `'a`.
pub(crate) unsafe fn texts<'a, const N: usize>(
    ptr: *const jwtguard_str,
    len: usize,
) -> Result<Vec<&'a str, N>, jwtguard_status> {
    // SAFETY: the caller's contract is `array`'s, for the list.
    let list: &'a [jwtguard_str] = unsafe { array(ptr, len) }?;
    let mut out = Vec::new();
    for s in list {
        // SAFETY: the caller's contract is `array`'s, for each element's bytes.
        let bytes: &'a [u8] = unsafe { array(s.ptr, s.len) }?;
        out.push(utf8(bytes)?)
            .map_err(|_| JWTGUARD_CAPACITY_EXCEEDED)?;
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Caller objects (clause 4): memory the caller owns, in which this library keeps a value
// behind a magic first word.
// ---------------------------------------------------------------------------------------------

/// A header type `Self` (an opaque, caller-allocated struct) that holds a library value `I`.
///
/// # Safety
/// Implement only if: `I` is `repr(C)` and starts with a `u64`, its magic; `I` fits in `Self`,
/// in size and in alignment (assert both beside the impl); all zeros is a valid `I`; and this
/// library writes `MAGIC` into a `Self` only through [`stamp`], and afterwards only valid
/// values of `I`'s fields.
pub(crate) unsafe trait Holds<I> {
    /// The first word of a `Self` this library filled.
    const MAGIC: u64;
    /// The status for a `Self` without the magic (zero-initialised, or never filled).
    const UNSTAMPED: jwtguard_status;
}

/// Whether the caller object at `ptr` carries its magic: `JWTGUARD_NULL_ARGUMENT` for NULL,
/// its `UNSTAMPED` status without the magic. Reads the first word only, through the raw
/// pointer, so no reference is made (the caller then makes the one it needs from `ptr`).
///
/// # Safety
/// `ptr` is NULL or points to an initialised `O` that no thread writes during the call.
unsafe fn stamped<O: Holds<I>, I>(ptr: *const O) -> Result<(), jwtguard_status> {
    if ptr.is_null() {
        return Err(JWTGUARD_NULL_ARGUMENT);
    }
    // SAFETY: non-NULL, and an initialised `O` by the contract, so its first 8 bytes are an
    // initialised integer: `I` starts with its `u64` magic and fits in `O` (`Holds`, which
    // also makes `O` aligned for a u64).
    let magic = unsafe { ptr.cast::<u64>().read() };
    if magic != O::MAGIC {
        return Err(O::UNSTAMPED);
    }
    Ok(())
}

/// The `I` in the caller object at `ptr`, if this library filled it.
///
/// # Safety
/// `ptr` is NULL or points to a `O` that was zero-initialised or filled by this library, and
/// that no thread writes for `'a` (clause 4).
pub(crate) unsafe fn held<'a, O: Holds<I>, I>(ptr: *const O) -> Result<&'a I, jwtguard_status> {
    // SAFETY: this contract includes `stamped`'s.
    unsafe { stamped(ptr) }?;
    // SAFETY: the magic says `stamp` zeroed the whole `O` (a valid `I`: `Holds`) and only valid
    // values were written since (`Holds`, and the caller writes nothing into it: clause 4); no
    // thread writes it for 'a, so a shared reference for 'a is sound.
    Ok(unsafe { &*ptr.cast::<I>() })
}

/// [`held`], borrowed unique for a call that changes it.
///
/// # Safety
/// As [`held`], and no other thread uses the object for `'a`.
pub(crate) unsafe fn held_mut<'a, O: Holds<I>, I>(
    ptr: *mut O,
) -> Result<&'a mut I, jwtguard_status> {
    // SAFETY: this contract includes `stamped`'s.
    unsafe { stamped(ptr.cast_const()) }?;
    // SAFETY: a valid `I`, as in `held`, made from `ptr` itself (writable by the contract);
    // nothing else uses it for 'a, so a unique reference for 'a is sound.
    Ok(unsafe { &mut *ptr.cast::<I>() })
}

/// Zero the caller object at `ptr` in place and stamp its magic: the `I` it now holds.
///
/// # Safety
/// `ptr` is NULL or points to a writable `O` that no other thread uses for `'a` (clause 4).
pub(crate) unsafe fn stamp<'a, O: Holds<I>, I>(ptr: *mut O) -> Result<&'a mut I, jwtguard_status> {
    if ptr.is_null() {
        return Err(JWTGUARD_NULL_ARGUMENT);
    }
    // SAFETY: non-NULL and a writable `O` by the contract. Zeroed in place through the raw
    // pointer (a value built on the stack first would cost a copy as large as the object),
    // which makes every byte of it initialised, and a valid `I` (`Holds`).
    unsafe { core::ptr::write_bytes(ptr, 0, 1) };
    let inner = ptr.cast::<I>();
    // SAFETY: a valid `I` now (just above, `I` fits in `O`), used by no other thread for 'a
    // (the contract), so a unique reference is sound; its first field is the `u64` magic.
    unsafe {
        inner.cast::<u64>().write(O::MAGIC);
        Ok(&mut *inner)
    }
}

/// The token buffer of a result that verified, of whichever capacity its head says.
///
/// # Safety
/// `result` is NULL or a `jwtguard_result` (or a `jwtguard_large_result` through
/// `jwtguard_large_result_get`), read as clause 4 says.
#[inline(always)]
pub(crate) unsafe fn verified_buf<'a>(
    result: *const crate::result::jwtguard_result,
) -> Result<crate::result::Held<'a>, jwtguard_status> {
    use crate::result::{Held, ResultHead, ResultInner, Tagged};
    use jwtguard_core::capacity::Capacity2K;
    // SAFETY: this contract is `held`'s, for the head every result starts with.
    let head: &ResultHead = unsafe { held(result) }?;
    if head.status != JWTGUARD_OK as u16 {
        return Err(JWTGUARD_NO_RESULT);
    }
    // The head says which verify filled the result, and so which type the memory is: only a
    // verify into a `jwtguard_large_result` writes the large tag. The buffer is reached from
    // `result` itself, whose provenance covers the whole object, not from `head`.
    match head.capacity {
        Capacity2K::TAG => {
            // SAFETY: clause 4 for the `jwtguard_result` the tag says this is.
            let inner: &ResultInner<Capacity2K> = unsafe { held(result) }?;
            Ok(Held::Default(&inner.buf))
        }
        #[cfg(not(feature = "small"))]
        jwtguard_core::capacity::Capacity16K::TAG => {
            let large = result.cast::<crate::result::jwtguard_large_result>();
            // SAFETY: clause 4 for the `jwtguard_large_result` the tag says this is (only the
            // large verifies write this tag, and only into one).
            let inner: &ResultInner<jwtguard_core::capacity::Capacity16K> = unsafe { held(large) }?;
            Ok(Held::Large(&inner.buf))
        }
        _ => Err(JWTGUARD_NO_RESULT),
    }
}

// ---------------------------------------------------------------------------------------------
// The verify cache (clause 4): caller memory, possibly shared between processes, whose
// entries are touched only with its lock held.
// ---------------------------------------------------------------------------------------------

/// A cache from `jwtguard_cache_init`: `Result<CacheView, jwtguard_status>`.
#[cfg(target_has_atomic = "64")]
macro_rules! c_cache {
    ($ptr:expr) => {{
        // SAFETY: clause 4 of the contract (boundary.rs), for a cache: NULL or memory that
        // `jwtguard_cache_init` made and the caller does not write: what `cache_view` requires.
        unsafe { $crate::boundary::cache_view($ptr) }
    }};
}

/// Make a cache in caller storage `(storage, size)`: `Result<*mut jwtguard_cache, _>`.
#[cfg(target_has_atomic = "64")]
macro_rules! c_place_cache {
    ($storage:expr, $size:expr) => {{
        let (storage, size): (*mut u8, usize) = ($storage, $size);
        // SAFETY: clause 3 of the contract (boundary.rs), for storage: NULL or `size` writable
        // bytes, what `place_cache` requires.
        unsafe { $crate::boundary::place_cache(storage, size) }
    }};
}

/// A cache's header and entries, for the call.
#[cfg(target_has_atomic = "64")]
pub(crate) struct CacheView<'a> {
    pub(crate) header: &'a crate::cache::CacheHeader,
    entries: *mut jwtguard_core::cache::CacheEntry,
    len: usize,
}

#[cfg(target_has_atomic = "64")]
impl CacheView<'_> {
    /// Run `f` on the cache with its lock held (released when `f` returns or unwinds).
    pub(crate) fn with<R>(
        &self,
        f: impl FnOnce(&mut jwtguard_core::cache::VerifyCache<'_>) -> R,
    ) -> R {
        use core::sync::atomic::Ordering;
        struct Held<'h>(&'h core::sync::atomic::AtomicU32);
        impl Drop for Held<'_> {
            fn drop(&mut self) {
                self.0.store(0, Ordering::Release);
            }
        }
        while self
            .header
            .lock
            .compare_exchange_weak(0, 1, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            core::hint::spin_loop();
        }
        let _held = Held(&self.header.lock);
        // SAFETY: `place_cache` zeroed `len` entries after the header (all zeros is an empty
        // `CacheEntry`, and the caller writes nothing there: clause 4), at the entries'
        // alignment, and only this function makes a reference to them, with the lock held
        // (acquire above, release when `_held` drops): no other thread or process that shares
        // the memory has one while this one lives, so a unique slice for `f` is sound.
        let entries = unsafe { core::slice::from_raw_parts_mut(self.entries, self.len) };
        f(&mut jwtguard_core::cache::VerifyCache::new(entries))
    }
}

/// # Safety
/// `ptr` is NULL or a cache from `jwtguard_cache_init` whose memory the caller does not write
/// and that outlives `'a` (clause 4).
#[cfg(target_has_atomic = "64")]
pub(crate) unsafe fn cache_view<'a>(
    ptr: *const crate::cache::jwtguard_cache,
) -> Result<CacheView<'a>, jwtguard_status> {
    use crate::cache::{CACHE_HEADER_SIZE, CACHE_MAGIC, CacheHeader};
    if ptr.is_null() {
        return Err(JWTGUARD_NULL_ARGUMENT);
    }
    let header = ptr.cast::<CacheHeader>();
    // SAFETY: non-NULL and, by the contract, the header `place_cache` wrote (8-byte aligned):
    // its first word is an initialised integer, read through the raw pointer.
    let magic = unsafe { header.cast::<u64>().read() };
    if magic != CACHE_MAGIC {
        return Err(JWTGUARD_INVALID_ARGUMENT);
    }
    // SAFETY: the magic says `place_cache` wrote a whole header here; its fields are
    // integers and atomics, valid for any bits, and other processes change them only through
    // the atomics: a shared reference for 'a is sound.
    let header: &'a CacheHeader = unsafe { &*header };
    let len = usize::try_from(header.entries).map_err(|_| JWTGUARD_INVALID_ARGUMENT)?;
    let entries = ptr
        .cast::<u8>()
        .cast_mut()
        .wrapping_add(CACHE_HEADER_SIZE)
        .cast::<jwtguard_core::cache::CacheEntry>();
    Ok(CacheView {
        header,
        entries,
        len,
    })
}

/// # Safety
/// `storage` is NULL or `size` writable bytes that no other argument overlaps.
#[cfg(target_has_atomic = "64")]
pub(crate) unsafe fn place_cache(
    storage: *mut u8,
    size: usize,
) -> Result<*mut crate::cache::jwtguard_cache, jwtguard_status> {
    use crate::cache::{CACHE_HEADER_SIZE, CACHE_MAGIC, CacheHeader};
    use jwtguard_core::cache::CacheEntry;
    if storage.is_null() {
        return Err(JWTGUARD_NULL_ARGUMENT);
    }
    if !storage.cast::<u64>().is_aligned() {
        return Err(JWTGUARD_STORAGE_TOO_SMALL);
    }
    let entries = size.saturating_sub(CACHE_HEADER_SIZE) / size_of::<CacheEntry>();
    if size < CACHE_HEADER_SIZE || entries < 4 {
        return Err(JWTGUARD_STORAGE_TOO_SMALL);
    }
    let used = CACHE_HEADER_SIZE + entries * size_of::<CacheEntry>();
    // SAFETY: `storage` is non-NULL, 8-byte aligned (checked; the header and the entries need
    // no more, asserted in cache.rs) and has `size >= used` writable bytes (the contract, and
    // `entries` was computed from `size`). Zeroing makes every entry empty (all zeros is an
    // empty `CacheEntry`) and the header's atomics 0 (the lock free); the header's plain
    // fields are then written through the raw pointer.
    unsafe {
        core::ptr::write_bytes(storage, 0, used);
        let header = storage.cast::<CacheHeader>();
        core::ptr::addr_of_mut!((*header).entries).write(entries as u64);
        core::ptr::addr_of_mut!((*header).magic).write(CACHE_MAGIC);
    }
    Ok(storage.cast())
}

// ---------------------------------------------------------------------------------------------
// The verifier's lifetime (clauses 2 and 5).
// ---------------------------------------------------------------------------------------------

/// Take back and drop a verifier from `jwtguard_verifier_new` (NULL: nothing).
#[cfg(feature = "std")]
macro_rules! c_free_verifier {
    ($v:expr) => {{
        let v: *mut $crate::verifier::jwtguard_verifier = $v;
        if !v.is_null() {
            // SAFETY: clause 5 of the contract (boundary.rs): `v` came from
            // `jwtguard_verifier_new`, which made it with `Box::into_raw`, it is released once
            // and nothing uses it afterwards: what `Box::from_raw` needs to take the allocation
            // back and drop it (which zeroizes the keys).
            drop(unsafe { std::boxed::Box::from_raw(v) });
        }
    }};
}

/// Drop a verifier made in place by `jwtguard_verifier_init` (NULL: nothing); the storage is
/// the caller's and is not freed.
macro_rules! c_deinit_verifier {
    ($v:expr) => {{
        let v: *mut $crate::verifier::jwtguard_verifier = $v;
        if !v.is_null() {
            // SAFETY: clause 5 of the contract (boundary.rs): `v` was written in place by
            // `jwtguard_verifier_init` (a valid, aligned, initialised verifier), is released
            // once and is not used afterwards: what `drop_in_place` needs.
            unsafe { core::ptr::drop_in_place(v) };
        }
    }};
}

/// Make a verifier in caller storage `(storage, size)`: `Result<*mut jwtguard_verifier,
/// jwtguard_status>`, `JWTGUARD_STORAGE_TOO_SMALL` when it is short or misaligned.
macro_rules! c_place_verifier {
    ($storage:expr, $size:expr) => {{
        let (storage, size): (*mut $crate::capacity::jwtguard_verifier_storage, usize) =
            ($storage, $size);
        // SAFETY: clause 3 of the contract (boundary.rs), for storage: NULL or `size` writable
        // bytes, what `place_verifier` requires.
        unsafe { $crate::boundary::place_verifier(storage, size) }
    }};
}

/// # Safety
/// `storage` is NULL or `size` writable bytes that no other argument overlaps.
pub(crate) unsafe fn place_verifier(
    storage: *mut crate::capacity::jwtguard_verifier_storage,
    size: usize,
) -> Result<*mut jwtguard_verifier, jwtguard_status> {
    if storage.is_null() {
        return Err(JWTGUARD_NULL_ARGUMENT);
    }
    let p = storage.cast::<jwtguard_verifier>();
    if size < size_of::<jwtguard_verifier>() || !p.is_aligned() {
        return Err(JWTGUARD_STORAGE_TOO_SMALL);
    }
    // SAFETY: `p` is non-NULL and aligned, and has `size` writable bytes (the contract), at
    // least a verifier's size (both checked above). Any live verifier in the storage would be
    // leaked, not freed twice: the header says to deinit first.
    unsafe { p.write(jwtguard_verifier::new()) };
    Ok(p)
}

/// Input text must be UTF-8.
pub(crate) fn utf8(b: &[u8]) -> Result<&str, jwtguard_status> {
    // Paths, names and issuers are short and nearly always ASCII: on hosts, an inline
    // word-at-a-time test instead of a call to the full decoder (the call showed in profiles
    // of reading a claim through the C ABI). Firmware keeps the call: inlined into every
    // setter, the test costs flash.
    #[cfg(feature = "std")]
    if b.is_ascii() {
        // SAFETY: every byte is below 0x80 (checked just above), and a run of ASCII bytes is
        // valid UTF-8, which is all `from_utf8_unchecked` requires.
        return Ok(unsafe { core::str::from_utf8_unchecked(b) });
    }
    core::str::from_utf8(b).map_err(|_| JWTGUARD_INVALID_ARGUMENT)
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
pub(crate) unsafe fn write_with(
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
        // SAFETY: checked non-NULL; the caller guarantees it is valid for a write.
        unsafe { out_len.write(needed) };
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
    // SAFETY: checked non-NULL; the caller guarantees it is valid for a write.
    unsafe { out_len.write(written) };
    Ok(())
}

/// An output buffer `(out, cap)` filled piece by piece (`jwtguard_result_claims_batch`): each
/// piece goes after the previous one if it fits, and the cursor counts what the whole output
/// needs either way, so one pass both writes and sizes.
pub(crate) struct OutCursor {
    out: *mut u8,
    cap: usize,
    /// Bytes the pieces so far need; those below `cap` are written.
    at: usize,
}

impl OutCursor {
    /// # Safety
    /// `out` must be NULL or point to `cap` writable bytes that no Rust value and no other
    /// argument overlaps, for as long as the cursor lives (clause 3 of the contract). A NULL
    /// `out` is taken as `cap == 0`: everything is sized, nothing written.
    pub(crate) unsafe fn new(out: *mut u8, cap: usize) -> Self {
        let cap = if out.is_null() { 0 } else { cap };
        Self { out, cap, at: 0 }
    }

    /// Bytes the whole output needs so far.
    pub(crate) fn needed(&self) -> usize {
        self.at
    }

    /// Room for the next `n` bytes: where they go, or `None` if they do not fit (then nothing
    /// more is written, only counted: the output is all or nothing, and the caller asks again
    /// with the size needed).
    fn reserve(&mut self, n: usize) -> Option<*mut u8> {
        let start = self.at;
        self.at = start.saturating_add(n);
        if self.at > self.cap {
            self.cap = 0;
            return None;
        }
        // SAFETY: `start + n <= cap` (checked above) and `out` has `cap` bytes (the
        // constructor's contract), so the offset stays in bounds of that one allocation.
        Some(unsafe { self.out.add(start) })
    }

    /// Append `bytes`: where they were written, or `None` if they did not fit.
    pub(crate) fn put(&mut self, bytes: &[u8]) -> Option<*const u8> {
        let dst = self.reserve(bytes.len())?;
        // SAFETY: `reserve` gave `bytes.len()` writable bytes that are this cursor's alone
        // (pieces never overlap, since `at` only grows, and no other argument overlaps `out`),
        // and `bytes` is a live Rust slice elsewhere: what `copy_to` requires.
        unsafe { copy_to(bytes, dst) };
        Some(dst.cast_const())
    }

    /// Append `n` bytes written by `fill` into a zeroed slice of exactly `n` bytes.
    pub(crate) fn put_with(&mut self, n: usize, fill: impl FnOnce(&mut [u8])) -> Option<*const u8> {
        let dst = self.reserve(n)?;
        // SAFETY: `reserve` gave `n` writable bytes that are this cursor's alone (as in `put`).
        // They may be uninitialised, so they are zeroed through the raw pointer before the
        // slice is made; the slice lives only for `fill`.
        let slice = unsafe {
            core::ptr::write_bytes(dst, 0, n);
            core::slice::from_raw_parts_mut(dst, n)
        };
        fill(slice);
        Some(dst.cast_const())
    }
}

/// Copy `src` to `dst`. Claims are mostly a few to a few dozen bytes, where a call to the C
/// library's `memcpy` cost more than the copy (it showed in profiles of batch reads): up to 32 bytes
/// are copied inline as a first and a last chunk, which overlap when the length is not twice
/// the chunk's.
///
/// # Safety
/// `dst` must be valid for `src.len()` writes and not overlap `src`. Nothing is read from
/// `dst`, so it may be uninitialised; no reference to it is made.
#[inline(always)]
unsafe fn copy_to(src: &[u8], dst: *mut u8) {
    /// `src`'s first and last `W` bytes to the same places at `dst`, when `src` has `W` to
    /// `2 * W` bytes (together they cover every byte of it); `false` otherwise.
    ///
    /// # Safety
    /// As `copy_to`.
    #[cfg(feature = "std")]
    #[inline(always)]
    unsafe fn ends<const W: usize>(src: &[u8], dst: *mut u8) -> bool {
        let n = src.len();
        let (Some(head), Some(tail)) = (src.first_chunk::<W>(), src.last_chunk::<W>()) else {
            return false;
        };
        if n > 2 * W {
            return false;
        }
        // SAFETY: `W <= n` (the chunks exist), so `dst..dst + W` and `dst + n - W..dst + n`
        // both lie in the `n` writable bytes the caller guarantees; `[u8; W]` has alignment 1,
        // so any address is aligned for it; the writes copy values, so an overlap between the
        // two ranges (when `n < 2 * W`) writes the same bytes twice, and the caller guarantees
        // that `src` is not among them.
        unsafe {
            dst.cast::<[u8; W]>().write(*head);
            dst.add(n - W).cast::<[u8; W]>().write(*tail);
        }
        true
    }
    // SAFETY: `ends` and `copy_nonoverlapping` each need what this function's caller
    // guarantees: `dst` valid for `src.len()` writes and not overlapping `src`.
    unsafe {
        // Firmware keeps the call, as `utf8` does: flash is what it is short of.
        #[cfg(feature = "std")]
        if ends::<16>(src, dst)
            || ends::<8>(src, dst)
            || ends::<4>(src, dst)
            || ends::<2>(src, dst)
            || ends::<1>(src, dst)
        {
            return;
        }
        core::ptr::copy_nonoverlapping(src.as_ptr(), dst, src.len());
    }
}

/// Run `f`; if it panics, return `on_panic` instead, so no unwind crosses the C boundary.
#[cfg(feature = "std")]
pub(crate) fn contain<R>(on_panic: R, f: impl FnOnce() -> R) -> R {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or(on_panic)
}

/// Without std there is no unwinding to catch: `no_std` targets build with `panic = "abort"`,
/// so a panic ends in the panic handler and never returns here.
#[cfg(not(feature = "std"))]
pub(crate) fn contain<R>(_on_panic: R, f: impl FnOnce() -> R) -> R {
    f()
}

/// Run `body`, turning a panic into `JWTGUARD_PANIC`.
pub(crate) fn guard(body: impl FnOnce() -> Result<(), jwtguard_status>) -> jwtguard_status {
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
pub(crate) fn flag(value: u32) -> Result<bool, jwtguard_status> {
    match value {
        0 => Ok(false),
        1 => Ok(true),
        _ => Err(JWTGUARD_INVALID_ARGUMENT),
    }
}

#[cfg(feature = "std")]
pub(crate) use c_free_verifier;
pub(crate) use {
    c_array, c_bytes, c_deinit_verifier, c_held, c_held_mut, c_kid, c_out_array, c_output,
    c_place_verifier, c_stamp, c_text, c_texts, c_write, configure, cursor, shared, verified,
    verified_header,
};
#[cfg(target_has_atomic = "64")]
pub(crate) use {c_cache, c_place_cache};
