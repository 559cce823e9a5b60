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
//!    `(out, cap)` is NULL or `cap` writable bytes that no other argument overlaps.
//!
//! Each macro below turns one kind of argument into a value using exactly one clause, so the
//! argument is made once, where the conversion is, instead of at every call. Nothing converted
//! here outlives the call: slices and references are used within it and never stored (the
//! verifier keeps copies). NULL is checked before any use and answered with
//! `JWTGUARD_NULL_ARGUMENT`. Integers that C may fill with any bits are read as integers, never
//! as Rust `bool`s or enums (see `flag` and `jwtguard_status::from_raw`).

use core::mem::size_of;

use crate::status::jwtguard_status::{self, *};

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

/// A result that `jwtguard_verify` filled and that verified: binds `$claims` to a
/// `&ValidatedClaims` for the rest of the enclosing closure, or returns `JWTGUARD_NULL_ARGUMENT`
/// / `JWTGUARD_NO_RESULT` from it. A statement rather than an expression so the claims are
/// borrowed where the buffer rebuilt them, not moved through a `Result` (a 180-byte copy per
/// accessor call).
macro_rules! verified {
    ($result:expr => $claims:ident) => {
        // SAFETY: the accessor's contract: `result` is NULL or a `jwtguard_result` that the
        // caller zero-initialised or `jwtguard_verify` filled, and no thread writes it during
        // the call: what `result::verified_buf` requires.
        let buf = unsafe { $crate::result::verified_buf($result) }?;
        let held = buf.validated_claims();
        let Some($claims) = held.as_ref() else {
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

/// Input text must be UTF-8.
pub(crate) fn utf8(b: &[u8]) -> Result<&str, jwtguard_status> {
    // Paths, names and issuers are short and nearly always ASCII: on hosts, an inline
    // word-at-a-time test instead of a call to the full decoder (it was 8% of reading a claim
    // through the C ABI). Firmware keeps the call: inlined into every setter it cost 744 B of
    // flash.
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
/// library's `memcpy` cost more than the copy (13% of reading five claims): up to 32 bytes
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

pub(crate) use {
    c_array, c_bytes, c_kid, c_out_array, c_output, c_text, c_write, configure, cursor, shared,
    verified,
};
