//! The result of one verification (`jwtguard_result`, caller memory) and its accessors. The
//! accessors read the claims that `jwtguard_verify` validated, through the member index it kept
//! beside them: nothing is validated again.

use core::mem::{align_of, size_of};

#[cfg(not(feature = "small"))]
use jwtguard_core::capacity::Capacity16K;
use jwtguard_core::capacity::{Capacity, Capacity2K};
use jwtguard_core::json::{Object, Text};
#[cfg(feature = "metadata")]
use jwtguard_core::lists::FieldSpec;
#[cfg(feature = "metadata")]
use jwtguard_core::{Error, MetadataField};
use jwtguard_core::{TokenBuf, ValidatedClaims};

use crate::boundary::{Holds, OutCursor};
#[cfg(feature = "metadata")]
use crate::shared;
use crate::status::jwtguard_status::{self, *};
#[cfg(feature = "metadata")]
use crate::verifier::jwtguard_verifier;
use crate::{
    c_array, c_bytes, c_held, c_out_array, c_output, c_text, c_write, cursor, guard, verified,
    verified_header,
};

/// One value's text into `(out, cap)` as `jwtguard_result_claim` renders it, its length (or
/// the size needed) into `*out_len`: the body's last expression.
macro_rules! write_text {
    ($text:expr, $out:expr, $cap:expr, $out_len:expr) => {{
        if $out_len.is_null() {
            return Err(JWTGUARD_NULL_ARGUMENT);
        }
        let mut cursor = cursor!($out, $cap)?;
        put_claim($text, &mut cursor)?;
        let needed = cursor.needed();
        c_write!($out_len, needed)?;
        fits(needed, $cap)
    }};
}

pub(crate) const RESULT_MAGIC: u64 = 0x6a77_7467_7265_7331;

/// What every result starts with, whatever its capacity: the accessors read this first.
/// cbindgen:ignore
#[repr(C)]
pub(crate) struct ResultHead {
    pub(crate) magic: u64,
    /// A `jwtguard_status` as an integer (every code is under 1000): the result is caller
    /// memory, so nothing in it is read back as a Rust enum.
    pub(crate) status: u16,
    /// Which capacity the buffer after the head has ([`Tagged::TAG`]), written by the verify
    /// that knows the result's type.
    pub(crate) capacity: u8,
    /// The signature checks the verify cost (`Request::count_keys`), at most 255.
    pub(crate) keys_tried: u8,
    /// The metadata field a `JWTGUARD_MISSING_METADATA_FIELD` is about, or -1.
    pub(crate) field: i16,
    /// Which provider of a `jwtguard_providers` set verified the token, or -1.
    pub(crate) provider: i16,
}

/// A result of capacity `C`: the head, then the token buffer the token is decoded straight into
/// (no second buffer on the stack), with the claims' member index; it answers
/// `validated_claims` only after a verify that passed.
/// cbindgen:ignore
#[repr(C)]
pub(crate) struct ResultInner<C: Capacity> {
    pub(crate) head: ResultHead,
    pub(crate) buf: TokenBuf<C>,
}

/// The capacities results come in, each with the tag its head carries.
pub(crate) trait Tagged: Capacity {
    const TAG: u8;
}
impl Tagged for Capacity2K {
    const TAG: u8 = 1;
}
#[cfg(not(feature = "small"))]
impl Tagged for Capacity16K {
    const TAG: u8 = 2;
}

/// The outcome of one `jwtguard_verify`: status, detail, and on success a copy of the claims
/// for the `jwtguard_result_*` accessors, for tokens of up to 2048 bytes (see
/// `jwtguard_large_result` for larger ones). About 1.9 KiB; declare it on the stack or as a
/// `static`. `jwtguard_verify` needs no initialisation of it; the accessors read it, so before
/// the first `jwtguard_verify` a result given to an accessor must be zero-initialised
/// (`jwtguard_result r = {0};`, or `static`), and then answers `JWTGUARD_NO_RESULT`: reading
/// uninitialised memory is undefined behaviour in C and Rust alike. Not for sharing between
/// threads while a verify writes it, and not to be copied into a `jwtguard_large_result`.
#[repr(C)]
pub struct jwtguard_result {
    _opaque: [u64; JWTGUARD_RESULT_WORDS],
}

/// Bytes of `jwtguard_result`: a token of up to 2048 bytes, decoded, and its claims' index.
pub const JWTGUARD_RESULT_SIZE: usize = 1888;
/// `JWTGUARD_RESULT_SIZE` in 8-byte words.
pub const JWTGUARD_RESULT_WORDS: usize = JWTGUARD_RESULT_SIZE / 8;
const _: () = assert!(size_of::<jwtguard_result>() == JWTGUARD_RESULT_SIZE);
const _: () = assert!(size_of::<ResultInner<Capacity2K>>() <= JWTGUARD_RESULT_SIZE);
const _: () = assert!(align_of::<ResultInner<Capacity2K>>() <= align_of::<jwtguard_result>());

/// A result for tokens of up to `JWTGUARD_MAX_TOKEN_CAPACITY` (16 KiB) bytes, for
/// `jwtguard_verify_large` and `jwtguard_providers_verify_large`: Keycloak- and Entra-sized
/// access tokens. About 12.4 KiB: a type of its own because every verify zeroes its result,
/// and `jwtguard_verify`, for the tokens that fit 2 KiB, keeps a 1.9 KiB one. The accessors
/// take it as `jwtguard_large_result_get(&r)`. Initialisation, sharing and copying as
/// `jwtguard_result`. Not in firmware (`JWTGUARD_SMALL`) builds.
#[cfg(not(feature = "small"))]
#[repr(C)]
pub struct jwtguard_large_result {
    _opaque: [u64; JWTGUARD_LARGE_RESULT_WORDS],
}

/// Bytes of `jwtguard_large_result` (12,640 used on 64-bit hosts).
#[cfg(not(feature = "small"))]
pub const JWTGUARD_LARGE_RESULT_SIZE: usize = 12672;
/// `JWTGUARD_LARGE_RESULT_SIZE` in 8-byte words.
#[cfg(not(feature = "small"))]
pub const JWTGUARD_LARGE_RESULT_WORDS: usize = JWTGUARD_LARGE_RESULT_SIZE / 8;
#[cfg(not(feature = "small"))]
const _: () = assert!(size_of::<jwtguard_large_result>() == JWTGUARD_LARGE_RESULT_SIZE);
#[cfg(not(feature = "small"))]
const _: () = assert!(size_of::<ResultInner<Capacity16K>>() <= JWTGUARD_LARGE_RESULT_SIZE);
#[cfg(not(feature = "small"))]
const _: () =
    assert!(align_of::<ResultInner<Capacity16K>>() <= align_of::<jwtguard_large_result>());

// SAFETY: `ResultHead` is `repr(C)` and starts with the magic; it fits in every result (the
// asserts above on `ResultInner`, which starts with it); all zeros is a valid head; and only
// `stamp` writes RESULT_MAGIC (the verifies), and afterwards only valid values.
unsafe impl Holds<ResultHead> for jwtguard_result {
    const MAGIC: u64 = RESULT_MAGIC;
    const UNSTAMPED: jwtguard_status = JWTGUARD_NO_RESULT;
}

// SAFETY: as for the head: `ResultInner` is `repr(C)` and starts with it, fits (asserts
// above), and all zeros is a valid one (every field of the core's `TokenBuf` is an integer or
// a bool, and all zeros is its empty value, as its documentation states).
unsafe impl Holds<ResultInner<Capacity2K>> for jwtguard_result {
    const MAGIC: u64 = RESULT_MAGIC;
    const UNSTAMPED: jwtguard_status = JWTGUARD_NO_RESULT;
}

// SAFETY: as for `jwtguard_result`, with the large capacity.
#[cfg(not(feature = "small"))]
unsafe impl Holds<ResultInner<Capacity16K>> for jwtguard_large_result {
    const MAGIC: u64 = RESULT_MAGIC;
    const UNSTAMPED: jwtguard_status = JWTGUARD_NO_RESULT;
}

/// A large result, for the accessors: the same memory, typed as they take it. They read its
/// head first, which says its capacity, and only then the buffer behind it.
///
/// # Safety
/// `result` must be NULL or point to a `jwtguard_large_result` (any content): nothing is read.
#[cfg(not(feature = "small"))]
#[unsafe(no_mangle)]
pub extern "C" fn jwtguard_large_result_get(
    result: *const jwtguard_large_result,
) -> *const jwtguard_result {
    result.cast()
}

/// A `(ptr, len)` string for lists passed to `jwtguard_verify`, and for the values
/// `jwtguard_result_claims_batch` gives back.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct jwtguard_str {
    /// The bytes (need not be NUL-terminated).
    pub ptr: *const u8,
    /// Their count.
    pub len: usize,
}

impl jwtguard_str {
    /// `{NULL, 0}`: no value.
    pub(crate) const NONE: Self = Self {
        ptr: core::ptr::null(),
        len: 0,
    };
}

/// A verified result's token buffer, of whichever capacity its head says.
pub(crate) enum Held<'a> {
    Default(&'a TokenBuf<Capacity2K>),
    #[cfg(not(feature = "small"))]
    Large(&'a TokenBuf<Capacity16K>),
}

impl Held<'_> {
    /// The buffer's validated claims (see `TokenBuf::validated_claims`).
    #[inline(always)]
    pub(crate) fn validated_claims(&self) -> Option<ValidatedClaims<'_>> {
        match self {
            Held::Default(b) => b.validated_claims(),
            #[cfg(not(feature = "small"))]
            Held::Large(b) => b.validated_claims(),
        }
    }

    /// The buffer's validated protected header (see `TokenBuf::validated_header`).
    pub(crate) fn validated_header(&self) -> Option<Object<'_>> {
        match self {
            Held::Default(b) => b.validated_header(),
            #[cfg(not(feature = "small"))]
            Held::Large(b) => b.validated_header(),
        }
    }
}

/// Which metadata field a `JWTGUARD_MISSING_METADATA_FIELD` result is about (the order they
/// were added, from 0), or -1.
///
/// # Safety
/// `result` must be NULL or point to a `jwtguard_result`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_result_field(result: *const jwtguard_result) -> i32 {
    let head: Result<&ResultHead, _> = c_held!(result);
    head.map_or(-1, |head| i32::from(head.field))
}

/// How many signature checks the verify that filled `result` cost (keys tried against the
/// signature, in every provider of a set; at most 255), whatever its verdict: 0 for a token
/// refused before a key was chosen, for a verify cache's hit, and for NULL or a result never
/// filled. For capacity planning: kid-less tokens and rotating key sets multiply them.
///
/// # Safety
/// `result` must be NULL or point to a `jwtguard_result`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_result_keys_tried(result: *const jwtguard_result) -> u32 {
    let head: Result<&ResultHead, _> = c_held!(result);
    head.map_or(0, |head| u32::from(head.keys_tried))
}

/// Which provider of the `jwtguard_providers` set verified the token (the order they were
/// added, from 0), or -1: for a failed verify, and for a result of `jwtguard_verify`. The
/// accessor `jwtguard_result_metadata` wants that provider's verifier.
///
/// # Safety
/// `result` must be NULL or point to a `jwtguard_result`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_result_provider(result: *const jwtguard_result) -> i32 {
    let head: Result<&ResultHead, _> = c_held!(result);
    head.map_or(-1, |head| i32::from(head.provider))
}

#[cfg(feature = "metadata")]
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
        verified!(result => claims);
        c_output!(out, cap, out_len, document(claims, &REGISTERED))
    })
}

#[cfg(feature = "metadata")]
/// The output filler for a field document of `claims` (see `boundary::write_with`): written
/// straight into the caller's buffer by the core's counting writer, so no internal scratch
/// buffer can refuse a document that the caller's buffer would hold.
fn document<'f, F: FieldSpec>(
    claims: &'f ValidatedClaims<'f>,
    fields: &'f [F],
) -> impl Fn(&mut [u8]) -> Result<usize, jwtguard_status> + 'f {
    move |buf| match claims.metadata(fields, buf) {
        Ok(n) => Ok(n),
        Err(r) if r.error == Error::BufferTooSmall => r.needed.ok_or(JWTGUARD_PANIC),
        Err(r) => Err(r.error.into()),
    }
}

#[cfg(feature = "metadata")]
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
        let v = shared!(verifier)?;
        verified!(result => claims);
        let fields = v.core.policy().metadata_fields();
        c_output!(out, cap, out_len, document(claims, fields))
    })
}

/// Copy the claim at `path` into `(out, cap)`: a string claim as its unescaped UTF-8 text,
/// any other as compact JSON. `JWTGUARD_CLAIM_NOT_FOUND` when absent. `path` is a dot path
/// (`user_data.name`), or, starting with `/`, a JSON Pointer (RFC 6901) for names that contain
/// dots and for array elements: `/https:~1~1example.com~1roles`, `/emails/0`.
///
/// The text is the token's, unescaped: a string claim may hold CR, LF or other control
/// characters (a signed `"\r\n"`). A caller that writes it into a header must refuse or encode
/// them, as the nginx module does.
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
        verified!(result => claims);
        let path = c_text!(path, path_len)?;
        let text = claims.text(path).ok_or(JWTGUARD_CLAIM_NOT_FOUND)?;
        write_text!(text, out, cap, out_len)
    })
}

/// `JWTGUARD_BUFFER_TOO_SMALL` when an output of `needed` bytes did not fit `cap`.
fn fits(needed: usize, cap: usize) -> Result<(), jwtguard_status> {
    if needed > cap {
        Err(JWTGUARD_BUFFER_TOO_SMALL)
    } else {
        Ok(())
    }
}

/// Append one claim's text to `cursor`, as `jwtguard_result_claim` renders it: where it was
/// written, or `None` if it did not fit (it is counted either way).
#[inline(always)]
fn put_claim(text: Text<'_>, cursor: &mut OutCursor) -> Result<Option<*const u8>, jwtguard_status> {
    // Most claims stand in the token as their text (the index the verify built says so for
    // top-level ones): copied as they are.
    if let Some(bytes) = text.as_bytes() {
        return Ok(cursor.put(bytes));
    }
    // Escapes to undo or whitespace to drop: written straight into the caller's buffer.
    let mut written = true;
    let at = cursor.put_with(text.len(), |dst| {
        written = text.write_into(dst).is_ok();
    });
    if !written {
        return Err(JWTGUARD_PANIC);
    }
    Ok(at)
}

/// Read several claims in one call: for each of the `n` paths (as `jwtguard_result_claim`
/// takes them), `values[i]` gets the claim's text, rendered as `jwtguard_result_claim` renders
/// it and stored one after the other in `(out, cap)`, or `{NULL, 0}` when the claim is absent
/// (not an error: a gateway copying claims to headers skips what a token lacks). `*out_len`
/// gets the bytes used, or with `JWTGUARD_BUFFER_TOO_SMALL` the size needed for all of them;
/// on any status but `JWTGUARD_OK`, `values` is not to be read. One call pays the boundary's
/// checks once for all the claims. As with `jwtguard_result_claim`, a text may hold CR, LF or
/// other control characters: refuse or encode them before writing a header.
///
/// # Safety
/// `(paths, n)` readable, each path's `(ptr, len)` readable; `values` NULL (with `n == 0`) or
/// `n` writable `jwtguard_str`s; other pointers as for `jwtguard_result_claims_json`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_result_claims_batch(
    result: *const jwtguard_result,
    paths: *const jwtguard_str,
    n: usize,
    out: *mut u8,
    cap: usize,
    values: *mut jwtguard_str,
    out_len: *mut usize,
) -> jwtguard_status {
    guard(|| {
        verified!(result => claims);
        let paths: &[jwtguard_str] = c_array!(paths, n)?;
        let slots = c_out_array!(values, n)?;
        if out_len.is_null() {
            return Err(JWTGUARD_NULL_ARGUMENT);
        }
        let mut cursor = cursor!(out, cap)?;
        for (p, slot) in paths.iter().zip(slots.iter_mut()) {
            let path = c_text!(p.ptr, p.len)?;
            let before = cursor.needed();
            let written = match claims.text(path) {
                Some(text) => put_claim(text, &mut cursor)?,
                None => None,
            };
            slot.write(match written {
                Some(ptr) => jwtguard_str {
                    ptr,
                    len: cursor.needed().saturating_sub(before),
                },
                None => jwtguard_str::NONE,
            });
        }
        let needed = cursor.needed();
        c_write!(out_len, needed)?;
        if needed > cap {
            return Err(JWTGUARD_BUFFER_TOO_SMALL);
        }
        Ok(())
    })
}

/// Whether the unescaped text of `s` contains `needle` (not empty).
fn contains(s: jwtguard_core::json::Str<'_>, needle: &[u8]) -> bool {
    if let Ok(text) = s.as_str() {
        return text.as_bytes().windows(needle.len()).any(|w| w == needle);
    }
    // With escapes: compare at each position of the unescaped bytes (claims are short).
    let n = s.bytes().count();
    (0..n.saturating_sub(needle.len().saturating_sub(1))).any(|i| {
        s.bytes()
            .skip(i)
            .take(needle.len())
            .eq(needle.iter().copied())
    })
}

/// Copy the claim at `path` into `(out, cap)` as header text: a string as its unescaped text,
/// an array of strings as its elements' texts joined by `(sep, sep_len)` (", " for HTTP
/// headers), anything else as compact JSON (as `jwtguard_result_claim`). An empty array gives
/// the empty text. `JWTGUARD_CLAIM_NOT_FOUND` when absent.
///
/// Joining is refused, with `JWTGUARD_CLAIM_HAS_SEPARATOR`, when an element contains the
/// separator: `["reader, admin"]` and `["reader","admin"]` would give the same text, and an
/// upstream could not tell one from the other. For such claims, read the array as compact JSON
/// with `jwtguard_result_claim`, which is unambiguous.
///
/// The text is the token's, unescaped: it may hold CR, LF or other control characters (a signed
/// `"\r\n"`). A caller that writes it into a header must refuse or encode them.
///
/// # Safety
/// `(path, path_len)` and `(sep, sep_len)` readable; other pointers as for
/// `jwtguard_result_claims_json`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_result_claim_joined(
    result: *const jwtguard_result,
    path: *const u8,
    path_len: usize,
    sep: *const u8,
    sep_len: usize,
    out: *mut u8,
    cap: usize,
    out_len: *mut usize,
) -> jwtguard_status {
    guard(|| {
        verified!(result => claims);
        let path = c_text!(path, path_len)?;
        let sep = c_bytes!(sep, sep_len)?;
        let value = claims.value(path).ok_or(JWTGUARD_CLAIM_NOT_FOUND)?;
        let strings = value
            .as_array()
            .filter(|a| a.iter().all(|e| e.as_str().is_some()));
        let Some(array) = strings else {
            // Not an array of strings: what `jwtguard_result_claim` gives.
            if out_len.is_null() {
                return Err(JWTGUARD_NULL_ARGUMENT);
            }
            let mut cursor = cursor!(out, cap)?;
            put_claim(value.text(), &mut cursor)?;
            let needed = cursor.needed();
            c_write!(out_len, needed)?;
            return fits(needed, cap);
        };
        if !sep.is_empty()
            && array
                .iter()
                .filter_map(|e| e.as_str())
                .any(|t| contains(t, sep))
        {
            return Err(JWTGUARD_CLAIM_HAS_SEPARATOR);
        }
        c_output!(out, cap, out_len, |buf| {
            let mut at = 0usize;
            for (i, text) in array.iter().filter_map(|e| e.as_str()).enumerate() {
                if i > 0 {
                    if let Some(dst) = buf.get_mut(at..at.saturating_add(sep.len())) {
                        dst.copy_from_slice(sep);
                    }
                    at = at.saturating_add(sep.len());
                }
                let n = text.len();
                if let Some(dst) = buf.get_mut(at..at.saturating_add(n)) {
                    text.unescape_into(dst).map_err(|_| JWTGUARD_PANIC)?;
                }
                at = at.saturating_add(n);
            }
            Ok(at)
        })
    })
}

/// Whether the claim at `path` equals `(value, len)` byte for byte (a string claim, compared as
/// its unescaped text), or, for an array, contains it: `JWTGUARD_OK` if so,
/// `JWTGUARD_CLAIM_MISMATCH` if the claim is there with other values, `JWTGUARD_CLAIM_NOT_FOUND`
/// if it is absent. For claim requirements a gateway checks per route
/// (`auth_jwtguard_require_claim`).
///
/// # Safety
/// `(path, path_len)` and `(value, len)` readable; `result` as for
/// `jwtguard_result_claims_json`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_result_claim_matches(
    result: *const jwtguard_result,
    path: *const u8,
    path_len: usize,
    value: *const u8,
    len: usize,
) -> jwtguard_status {
    guard(|| {
        verified!(result => claims);
        let path = c_text!(path, path_len)?;
        let want = c_text!(value, len)?;
        let claim = claims.value(path).ok_or(JWTGUARD_CLAIM_NOT_FOUND)?;
        let hit = match (claim.as_str(), claim.as_array()) {
            (Some(text), _) => text == want,
            (None, Some(array)) => array.iter().any(|e| e.as_str().is_some_and(|t| t == want)),
            // Numbers, booleans and null: as their JSON text (`true`, `42`).
            (None, None) => claim.raw() == want.as_bytes(),
        };
        if hit {
            Ok(())
        } else {
            Err(JWTGUARD_CLAIM_MISMATCH)
        }
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
        verified!(result => claims);
        c_write!(exp, claims.expires_at().unwrap_or(0))
    })
}

/// Copy the whole validated claims set as compact JSON (no whitespace outside strings; strings
/// exactly as signed, escapes kept) into `(out, cap)`; `*out_len` gets its length, or the size
/// needed with `JWTGUARD_BUFFER_TOO_SMALL`. For a gateway that hands the payload on (nginx's
/// `$jwt_payload`).
///
/// # Safety
/// As for `jwtguard_result_claims_json`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_result_payload(
    result: *const jwtguard_result,
    out: *mut u8,
    cap: usize,
    out_len: *mut usize,
) -> jwtguard_status {
    guard(|| {
        verified!(result => claims);
        let object = claims.object();
        c_output!(out, cap, out_len, |buf: &mut [u8]| Ok(
            object.write_compact(buf)
        ))
    })
}

/// Copy the member `name` of a verified token's protected header (RFC 7515 §4: `alg`, `kid`,
/// `typ`, ...) into `(out, cap)`: a string as its unescaped UTF-8 text, any other value as
/// compact JSON; `JWTGUARD_CLAIM_NOT_FOUND` when the header has no such member. The signature
/// covers the header, so what this reads is authenticated; it is never read from the raw
/// token.
///
/// # Safety
/// `(name, name_len)` readable; other pointers as for `jwtguard_result_claims_json`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_result_header(
    result: *const jwtguard_result,
    name: *const u8,
    name_len: usize,
    out: *mut u8,
    cap: usize,
    out_len: *mut usize,
) -> jwtguard_status {
    guard(|| {
        verified_header!(result => header);
        let name = c_text!(name, name_len)?;
        let value = header.get(name).ok_or(JWTGUARD_CLAIM_NOT_FOUND)?;
        write_text!(value.text(), out, cap, out_len)
    })
}
