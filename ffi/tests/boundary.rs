//! The C boundary, called from Rust through the `extern "C"` functions: what C can pass in is
//! mapped totally, and outputs follow the header's rules (issue 14). Complements the C tests
//! in `tests/c/`, which cover the same from C under the sanitizers.
#![allow(clippy::unwrap_used, clippy::undocumented_unsafe_blocks)]

use std::ffi::CStr;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use jwtguard::*;
use sha2::Sha256;

const SECRET: &[u8] = b"boundary-test-secret-0123456789abcdef";
const NOW: u64 = 1_700_000_000;

fn sign(payload: &str) -> String {
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256"}"#),
        URL_SAFE_NO_PAD.encode(payload)
    );
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET).unwrap();
    mac.update(input.as_bytes());
    format!(
        "{input}.{}",
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    )
}

fn text(p: *const core::ffi::c_char) -> &'static str {
    unsafe { CStr::from_ptr(p) }.to_str().unwrap()
}

fn new_verifier() -> *mut jwtguard_verifier {
    let v = jwtguard_verifier_new();
    let s = unsafe {
        jwtguard_verifier_add_hmac(
            v,
            JWTGUARD_ALG_HS256,
            std::ptr::null(),
            0,
            SECRET.as_ptr(),
            SECRET.len(),
        )
    };
    assert_eq!(s, jwtguard_status::JWTGUARD_OK);
    // These tests are about the boundary, not the policy: waive issuer and audience explicitly.
    unsafe {
        assert_eq!(
            jwtguard_verifier_allow_any_issuer(v),
            jwtguard_status::JWTGUARD_OK
        );
        assert_eq!(
            jwtguard_verifier_allow_no_audience(v),
            jwtguard_status::JWTGUARD_OK
        );
    }
    v
}

fn verify(v: *const jwtguard_verifier, token: &str) -> jwtguard_status {
    verify_into(v, token).0
}

/// `jwtguard_verify` at `NOW`, keeping the result for the accessors.
fn verify_into(
    v: *const jwtguard_verifier,
    token: &str,
) -> (jwtguard_status, std::mem::MaybeUninit<jwtguard_result>) {
    let mut r = std::mem::MaybeUninit::<jwtguard_result>::uninit();
    let s = unsafe {
        jwtguard_verify(
            v,
            token.as_ptr(),
            token.len(),
            NOW,
            std::ptr::null(),
            0,
            r.as_mut_ptr(),
        )
    };
    (s, r)
}

/// Issue 19: no issuer (or, separately, no audience) is a setup error at the first verify and
/// in `jwtguard_verifier_check`, unless waived explicitly.
#[test]
fn fail_safe_defaults_need_an_explicit_waiver() {
    use jwtguard_status::*;
    let token = sign(&format!(
        r#"{{"sub":"u","exp":{},"iss":"https://i","aud":"a"}}"#,
        NOW + 60
    ));
    let v = jwtguard_verifier_new();
    unsafe {
        assert_eq!(
            jwtguard_verifier_add_hmac(
                v,
                JWTGUARD_ALG_HS256,
                std::ptr::null(),
                0,
                SECRET.as_ptr(),
                SECRET.len()
            ),
            JWTGUARD_OK
        );
        assert_eq!(jwtguard_verifier_check(v), JWTGUARD_ISSUER_NOT_CONFIGURED);
        assert_eq!(verify(v, &token), JWTGUARD_ISSUER_NOT_CONFIGURED);
        assert_eq!(
            jwtguard_verifier_add_issuer(v, b"https://i".as_ptr(), 9),
            JWTGUARD_OK
        );
        assert_eq!(jwtguard_verifier_check(v), JWTGUARD_AUDIENCE_NOT_CONFIGURED);
        assert_eq!(verify(v, &token), JWTGUARD_AUDIENCE_NOT_CONFIGURED);
        assert_eq!(
            jwtguard_verifier_add_audience(v, b"a".as_ptr(), 1),
            JWTGUARD_OK
        );
        assert_eq!(jwtguard_verifier_check(v), JWTGUARD_OK);
        assert_eq!(verify(v, &token), JWTGUARD_OK);
        jwtguard_verifier_free(v);
    }
    // Waived: any issuer; no audience means a token with `aud` is still refused.
    let v = new_verifier();
    unsafe { assert_eq!(jwtguard_verifier_check(v), JWTGUARD_OK) };
    let no_aud = sign(&format!(
        r#"{{"sub":"u","exp":{},"iss":"https://other"}}"#,
        NOW + 60
    ));
    assert_eq!(verify(v, &no_aud), JWTGUARD_OK);
    assert_eq!(verify(v, &token), JWTGUARD_INVALID_AUDIENCE);
    unsafe {
        assert_eq!(
            jwtguard_verifier_check(std::ptr::null()),
            JWTGUARD_NULL_ARGUMENT
        )
    };
    unsafe { jwtguard_verifier_free(v) };
}

#[test]
fn require_kid_refuses_kidless_tokens() {
    use jwtguard_status::*;
    let v = new_verifier();
    let token = sign(&format!(r#"{{"sub":"u","exp":{}}}"#, NOW + 60));
    assert_eq!(verify(v, &token), JWTGUARD_OK);
    unsafe {
        assert_eq!(
            jwtguard_verifier_set_require_kid(v, 2),
            JWTGUARD_INVALID_ARGUMENT
        );
        assert_eq!(jwtguard_verifier_set_require_kid(v, 1), JWTGUARD_OK);
    }
    assert_eq!(verify(v, &token), JWTGUARD_MISSING_KEY_ID);
    unsafe { jwtguard_verifier_free(v) };
}

/// Issue 19: C callers get the JWKS report with the first rejection's reason, and a set larger
/// than the verifier loads as far as it fits.
#[test]
fn jwks_report_gives_counts_and_the_first_reason() {
    use jwtguard_status::*;
    let oct = |kid: &str| {
        format!(
            r#"{{"kty":"oct","kid":"{kid}","k":"{}"}}"#,
            URL_SAFE_NO_PAD.encode(SECRET)
        )
    };
    let mut keys: Vec<String> = (0..JWTGUARD_MAX_KEYS + 2)
        .map(|i| oct(&format!("k{i}")))
        .collect();
    keys.push(r#"{"kty":"RSA","kid":"small","n":"AQAB","e":"AQAB"}"#.to_string());
    keys.push(r#"{"kty":"EC","crv":"P-521","x":"AA","y":"AA"}"#.to_string());
    let jwks = format!(r#"{{"keys":[{}]}}"#, keys.join(","));
    let v = jwtguard_verifier_new();
    let mut report = std::mem::MaybeUninit::<jwtguard_jwks_report>::uninit();
    unsafe {
        assert_eq!(
            jwtguard_verifier_add_jwks_report(v, jwks.as_ptr(), jwks.len(), report.as_mut_ptr()),
            JWTGUARD_OK
        );
        let r = report.assume_init();
        assert_eq!(
            (r.loaded, r.left_out, r.rejected, r.skipped),
            (JWTGUARD_MAX_KEYS, 2, 1, 1)
        );
        assert_eq!(r.first_rejection, JWTGUARD_RSA_MODULUS_TOO_SMALL as u32);
        // Nothing loads: the status is the reason, and the report is not written.
        let small = r#"{"keys":[{"kty":"RSA","n":"AQAB","e":"AQAB"}]}"#;
        let w = jwtguard_verifier_new();
        let mut untouched = jwtguard_jwks_report {
            loaded: 7,
            skipped: 7,
            rejected: 7,
            left_out: 7,
            first_rejection: 7,
            secrets_skipped: 7,
        };
        assert_eq!(
            jwtguard_verifier_add_jwks_report(w, small.as_ptr(), small.len(), &mut untouched),
            JWTGUARD_RSA_MODULUS_TOO_SMALL
        );
        assert_eq!(untouched.loaded, 7);
        jwtguard_verifier_free(w);
        jwtguard_verifier_free(v);
    }
}

#[test]
fn any_status_integer_has_a_fixed_answer() {
    for raw in [u32::MAX, 11, 97, 150, 999, 12345, 1 << 31] {
        assert_eq!(text(jwtguard_error_message(raw)), "Unknown status", "{raw}");
        assert_eq!(text(jwtguard_error_name(raw)), "JWTGUARD_UNKNOWN", "{raw}");
    }
    let expired = jwtguard_status::JWTGUARD_EXPIRED as u32;
    assert_eq!(text(jwtguard_error_message(expired)), "Token has expired");
    assert_eq!(text(jwtguard_error_name(expired)), "JWTGUARD_EXPIRED");
    assert_eq!(text(jwtguard_error_name(0)), "JWTGUARD_OK");
}

#[test]
fn flags_are_zero_or_one() {
    let v = new_verifier();
    unsafe {
        for bad in [2, 0xFF, u32::MAX] {
            assert_eq!(
                jwtguard_verifier_set_require_exp(v, bad),
                jwtguard_status::JWTGUARD_INVALID_ARGUMENT
            );
            assert_eq!(
                jwtguard_verifier_set_require_sub(v, bad),
                jwtguard_status::JWTGUARD_INVALID_ARGUMENT
            );
            assert_eq!(
                jwtguard_verifier_set_access_token_profile(v, bad),
                jwtguard_status::JWTGUARD_INVALID_ARGUMENT
            );
            assert_eq!(
                jwtguard_verifier_add_metadata_field(v, b"a".as_ptr(), 1, std::ptr::null(), 0, bad),
                jwtguard_status::JWTGUARD_INVALID_ARGUMENT
            );
        }
        assert_eq!(
            jwtguard_verifier_set_require_sub(v, 0),
            jwtguard_status::JWTGUARD_OK
        );
        jwtguard_verifier_free(v);
    }
}

/// Defect 4: the metadata document is written through the caller's buffer, so any document
/// that fits the caller's buffer is returned. It used to be built in an internal scratch of
/// about 2.5 KiB first, which refused larger ones with a BUFFER_TOO_SMALL no buffer could fix,
/// and left `*out_len` unset.
#[test]
fn a_metadata_document_larger_than_the_token_is_written() {
    let v = new_verifier();
    let name = "n".repeat(1200);
    let token = sign(&format!(
        r#"{{"sub":"u","exp":{},"big":"{name}"}}"#,
        NOW + 60
    ));
    let fields = ["a", "b", "c", "d", "e", "f", "g", "h"];
    for f in fields {
        let s = unsafe {
            jwtguard_verifier_add_metadata_field(v, b"big".as_ptr(), 3, f.as_ptr(), f.len(), 1)
        };
        assert_eq!(s, jwtguard_status::JWTGUARD_OK);
    }
    let (s, r) = verify_into(v, &token);
    assert_eq!(s, jwtguard_status::JWTGUARD_OK);
    let expected: String = format!(
        "{{{}}}",
        fields
            .iter()
            .map(|f| format!(r#""{f}":"{name}""#))
            .collect::<Vec<_>>()
            .join(",")
    );
    assert!(expected.len() > 9000);
    // Size query, then too small (buffer untouched), then exact.
    let mut len = 0usize;
    let s = unsafe { jwtguard_result_metadata(v, r.as_ptr(), std::ptr::null_mut(), 0, &mut len) };
    assert_eq!(s, jwtguard_status::JWTGUARD_BUFFER_TOO_SMALL);
    assert_eq!(len, expected.len());
    let mut small = vec![0xEEu8; 100];
    let s = unsafe {
        jwtguard_result_metadata(v, r.as_ptr(), small.as_mut_ptr(), small.len(), &mut len)
    };
    assert_eq!(s, jwtguard_status::JWTGUARD_BUFFER_TOO_SMALL);
    assert_eq!(len, expected.len());
    assert!(small.iter().all(|&b| b == 0xEE));
    let mut out = vec![0u8; expected.len()];
    let s =
        unsafe { jwtguard_result_metadata(v, r.as_ptr(), out.as_mut_ptr(), out.len(), &mut len) };
    assert_eq!(s, jwtguard_status::JWTGUARD_OK);
    assert_eq!(len, expected.len());
    assert_eq!(std::str::from_utf8(&out).unwrap(), expected);
    unsafe { jwtguard_verifier_free(v) };
}

/// Defect 9: an out-parameter is not written on error.
#[test]
fn out_parameters_are_untouched_on_error() {
    let v = new_verifier();
    let token = sign(&format!(r#"{{"sub":"user","exp":{}}}"#, NOW + 60));
    let (s, r) = verify_into(v, &token);
    assert_eq!(s, jwtguard_status::JWTGUARD_OK);
    unsafe {
        let mut len = 12345usize;
        let s = jwtguard_result_claim(
            r.as_ptr(),
            b"sub".as_ptr(),
            3,
            std::ptr::null_mut(),
            100,
            &mut len,
        );
        assert_eq!(s, jwtguard_status::JWTGUARD_NULL_ARGUMENT);
        assert_eq!(len, 12345);
        let s = jwtguard_result_claims_json(r.as_ptr(), std::ptr::null_mut(), 100, &mut len);
        assert_eq!(s, jwtguard_status::JWTGUARD_NULL_ARGUMENT);
        assert_eq!(len, 12345);
        let mut out = [0u8; 8];
        let s = jwtguard_result_claim(
            r.as_ptr(),
            b"sub".as_ptr(),
            3,
            out.as_mut_ptr(),
            out.len(),
            &mut len,
        );
        assert_eq!(s, jwtguard_status::JWTGUARD_OK);
        assert_eq!(&out[..len], b"user");
        jwtguard_verifier_free(v);
    }
}

/// Issue 19: one policy, one verdict, through the C ABI too (the Rust entry points have the same
/// table in crates/jwtguard/tests/first_hour.rs).
#[test]
fn every_policy_item_is_enforced_through_the_c_abi() {
    use jwtguard_status::*;
    type Setup = fn(*mut jwtguard_verifier) -> jwtguard_status;
    let iss = r#""iss":"https://i""#;
    let base = |extra: &str| {
        format!(
            r#"{{{iss},"sub":"u","aud":"api","azp":"app","exp":{},"nbf":{},"iat":{}{extra}}}"#,
            NOW + 60,
            NOW - 10,
            NOW - 10
        )
    };
    let nothing: Setup = |_| JWTGUARD_OK;
    let cases: Vec<(&str, Setup, String, jwtguard_status)> = vec![
        (
            "iss",
            nothing,
            base("").replace("https://i", "https://evil"),
            JWTGUARD_INVALID_ISSUER,
        ),
        (
            "aud",
            nothing,
            base("").replace(r#""aud":"api""#, r#""aud":"x""#),
            JWTGUARD_INVALID_AUDIENCE,
        ),
        (
            "azp",
            nothing,
            base("").replace(r#""azp":"app""#, r#""azp":"x""#),
            JWTGUARD_INVALID_AUTHORIZED_PARTY,
        ),
        (
            "sub",
            nothing,
            base("").replace(r#""sub":"u","#, ""),
            JWTGUARD_INVALID_SUBJECT,
        ),
        (
            "exp",
            nothing,
            base("").replace(&format!("{}", NOW + 60), &format!("{}", NOW - 1)),
            JWTGUARD_EXPIRED,
        ),
        (
            "max age",
            |v| unsafe { jwtguard_verifier_set_max_age(v, 5) },
            base(""),
            JWTGUARD_TOO_OLD,
        ),
        (
            "permission",
            |v| unsafe { jwtguard_verifier_add_required_permission(v, b"admin".as_ptr(), 5) },
            base(r#","permissions":["read"]"#),
            JWTGUARD_INSUFFICIENT_PERMISSIONS,
        ),
        (
            "metadata field",
            |v| unsafe {
                jwtguard_verifier_add_metadata_field(
                    v,
                    b"user.name".as_ptr(),
                    9,
                    std::ptr::null(),
                    0,
                    1,
                )
            },
            base(""),
            JWTGUARD_MISSING_METADATA_FIELD,
        ),
        (
            "typ",
            |v| unsafe { jwtguard_verifier_set_access_token_profile(v, 1) },
            base(""),
            JWTGUARD_UNEXPECTED_TYPE,
        ),
    ];
    for (what, setup, payload, want) in cases {
        let v = jwtguard_verifier_new();
        unsafe {
            assert_eq!(
                jwtguard_verifier_add_hmac(
                    v,
                    JWTGUARD_ALG_HS256,
                    std::ptr::null(),
                    0,
                    SECRET.as_ptr(),
                    SECRET.len()
                ),
                JWTGUARD_OK
            );
            assert_eq!(
                jwtguard_verifier_add_issuer(v, b"https://i".as_ptr(), 9),
                JWTGUARD_OK
            );
            assert_eq!(
                jwtguard_verifier_add_audience(v, b"api".as_ptr(), 3),
                JWTGUARD_OK
            );
            assert_eq!(
                jwtguard_verifier_add_authorized_party(v, b"app".as_ptr(), 3),
                JWTGUARD_OK
            );
            assert_eq!(setup(v), JWTGUARD_OK, "{what}");
        }
        assert_eq!(verify(v, &sign(&payload)), want, "{what}");
        let ok = sign(&base(r#","permissions":["admin"],"user":{"name":"n"}"#));
        if what != "max age" && what != "typ" {
            assert_eq!(verify(v, &ok), JWTGUARD_OK, "{what}: the satisfying token");
        }
        unsafe { jwtguard_verifier_free(v) };
    }
}

/// `jwtguard_result_claim`'s two ways out agree with the core: a string without escapes and a
/// value already compact are copied as they are; an escaped string is unescaped and a value
/// with whitespace is compacted. Each also reports the size needed to a buffer one byte short.
#[test]
fn claim_output_fast_and_general_paths() {
    use jwtguard_status::*;
    let token = sign(&format!(
        concat!(
            r#"{{"sub":"plain","esc":"a\"b\\c\u00e9","arr":["x", "y z"],"#,
            r#""cmp":["x","y z"],"obj":{{ "k" : [1, 2] }},"n":12,"t":"tab\there","exp":{}}}"#
        ),
        NOW + 60
    ));
    let v = new_verifier();
    let (s, r) = verify_into(v, &token);
    assert_eq!(s, JWTGUARD_OK);
    let cases: [(&str, &[u8]); 7] = [
        ("sub", b"plain"),
        ("esc", "a\"b\\c\u{e9}".as_bytes()),
        ("arr", br#"["x","y z"]"#),
        ("cmp", br#"["x","y z"]"#),
        ("obj", br#"{"k":[1,2]}"#),
        ("n", b"12"),
        ("t", b"tab\there"),
    ];
    for (path, want) in cases {
        let mut out = [0xAAu8; 64];
        let mut len = 0usize;
        let cap = out.len();
        let st = read_claim(&r, path, &mut out, cap, &mut len);
        assert_eq!(st, JWTGUARD_OK, "{path}");
        assert_eq!(&out[..len], want, "{path}");
        let mut needed = 0usize;
        let st = read_claim(&r, path, &mut out, want.len() - 1, &mut needed);
        assert_eq!(
            (st, needed),
            (JWTGUARD_BUFFER_TOO_SMALL, want.len()),
            "{path}"
        );
    }
    unsafe { jwtguard_verifier_free(v) };
}

/// An absent claim's slot in a batch: `{NULL, 0}`.
const NO_STR: jwtguard_str = jwtguard_str {
    ptr: std::ptr::null(),
    len: 0,
};

/// Paths as the batch accessor takes them (borrowing `paths`).
fn c_strs<S: AsRef<str>>(paths: &[S]) -> Vec<jwtguard_str> {
    paths
        .iter()
        .map(|p| jwtguard_str {
            ptr: p.as_ref().as_ptr(),
            len: p.as_ref().len(),
        })
        .collect()
}

/// `jwtguard_result_claim` on a verified result, with `cap` given apart from `out` so a test
/// can claim less room than there is.
fn read_claim(
    r: &std::mem::MaybeUninit<jwtguard_result>,
    path: &str,
    out: &mut [u8],
    cap: usize,
    len: &mut usize,
) -> jwtguard_status {
    assert!(cap <= out.len());
    // SAFETY: `r` was filled by `verify_into`; `path` is a live string; `out` has at least
    // `cap` bytes (asserted); `len` is a live local.
    unsafe {
        jwtguard_result_claim(
            r.as_ptr(),
            path.as_ptr(),
            path.len(),
            out.as_mut_ptr(),
            cap,
            len,
        )
    }
}

/// `jwtguard_result_claims_batch` on a verified result, with `cap` given apart from `out` so
/// a test can claim less room than there is.
fn read_batch(
    r: &std::mem::MaybeUninit<jwtguard_result>,
    strs: &[jwtguard_str],
    out: &mut [u8],
    cap: usize,
    values: &mut [jwtguard_str],
    len: &mut usize,
) -> jwtguard_status {
    assert!(cap <= out.len() && values.len() == strs.len());
    // SAFETY: `r` was filled by `verify_into`; the paths borrow live strings; `out` has at
    // least `cap` bytes and `values` one slot per path (asserted); `len` is a live local.
    unsafe {
        jwtguard_result_claims_batch(
            r.as_ptr(),
            strs.as_ptr(),
            strs.len(),
            out.as_mut_ptr(),
            cap,
            values.as_mut_ptr(),
            len,
        )
    }
}

/// `jwtguard_result_claims_batch` renders every claim as `jwtguard_result_claim` does, one after
/// the other in one buffer, with `{NULL, 0}` for an absent one; a buffer one byte short of the
/// whole is `JWTGUARD_BUFFER_TOO_SMALL` with the size needed for all, and NULL arguments are
/// refused.
#[test]
fn claims_batch_matches_single_reads() {
    use jwtguard_status::*;
    let token = sign(&format!(
        concat!(
            r#"{{"sub":"plain","esc":"a\"b\\c\u00e9","obj":{{ "k" : [1, 2] }},"n":12,"#,
            r#""https://x.example/r":["a","b"],"exp":{}}}"#
        ),
        NOW + 60
    ));
    let v = new_verifier();
    let (s, r) = verify_into(v, &token);
    assert_eq!(s, JWTGUARD_OK);
    let paths = [
        "sub",
        "missing",
        "esc",
        "obj",
        "n",
        "/https:~1~1x.example~1r",
        "obj.k",
    ];
    let wants: [Option<&[u8]>; 7] = [
        Some(b"plain"),
        None,
        Some("a\"b\\c\u{e9}".as_bytes()),
        Some(br#"{"k":[1,2]}"#),
        Some(b"12"),
        Some(br#"["a","b"]"#),
        Some(b"[1,2]"),
    ];
    let strs = c_strs(&paths);
    let total: usize = wants.iter().flatten().map(|w| w.len()).sum();
    let batch = |out: &mut [u8], cap: usize, values: &mut [jwtguard_str], len: &mut usize| {
        read_batch(&r, &strs, out, cap, values, len)
    };
    let none = NO_STR;
    let mut out = [0xAAu8; 128];
    let mut values = vec![none; strs.len()];
    let mut len = 0usize;
    assert_eq!(batch(&mut out, 128, &mut values, &mut len), JWTGUARD_OK);
    assert_eq!(len, total);
    let range = out.as_ptr_range();
    for ((path, want), got) in paths.iter().zip(wants).zip(&values) {
        match want {
            None => assert!(got.ptr.is_null() && got.len == 0, "{path}"),
            Some(w) => {
                assert!(range.contains(&got.ptr), "{path}: points into the buffer");
                let bytes = unsafe { std::slice::from_raw_parts(got.ptr, got.len) };
                assert_eq!(bytes, w, "{path}");
            }
        }
    }
    let mut needed = 0usize;
    assert_eq!(
        batch(&mut out, total - 1, &mut values, &mut needed),
        JWTGUARD_BUFFER_TOO_SMALL
    );
    assert_eq!(needed, total);
    // A sizing call: NULL buffer with capacity 0.
    let mut sized = 0usize;
    let st = unsafe {
        jwtguard_result_claims_batch(
            r.as_ptr(),
            strs.as_ptr(),
            strs.len(),
            std::ptr::null_mut(),
            0,
            values.as_mut_ptr(),
            &mut sized,
        )
    };
    assert_eq!((st, sized), (JWTGUARD_BUFFER_TOO_SMALL, total));
    unsafe {
        assert_eq!(
            jwtguard_result_claims_batch(
                r.as_ptr(),
                strs.as_ptr(),
                strs.len(),
                out.as_mut_ptr(),
                out.len(),
                std::ptr::null_mut(),
                &mut len,
            ),
            JWTGUARD_NULL_ARGUMENT
        );
        assert_eq!(
            jwtguard_result_claims_batch(
                r.as_ptr(),
                strs.as_ptr(),
                strs.len(),
                std::ptr::null_mut(),
                8,
                values.as_mut_ptr(),
                &mut len,
            ),
            JWTGUARD_NULL_ARGUMENT
        );
        let zeroed = std::mem::MaybeUninit::<jwtguard_result>::zeroed();
        assert_eq!(
            jwtguard_result_claims_batch(
                zeroed.as_ptr(),
                strs.as_ptr(),
                strs.len(),
                out.as_mut_ptr(),
                out.len(),
                values.as_mut_ptr(),
                &mut len,
            ),
            JWTGUARD_NO_RESULT
        );
    }
    unsafe { jwtguard_verifier_free(v) };
}

/// JSON Pointer paths through the C accessor and metadata fields (issue 20, §3).
#[test]
fn json_pointer_paths() {
    use jwtguard_status::*;
    let token = sign(&format!(
        r#"{{"sub":"u","https://example.com/roles":["a","b"],"exp":{}}}"#,
        NOW + 60
    ));
    let v = new_verifier();
    let path = "/https:~1~1example.com~1roles";
    let name = "roles";
    let st = unsafe {
        jwtguard_verifier_add_metadata_field(
            v,
            path.as_ptr(),
            path.len(),
            name.as_ptr(),
            name.len(),
            1,
        )
    };
    assert_eq!(st, JWTGUARD_OK);
    let unnamed = unsafe {
        jwtguard_verifier_add_metadata_field(v, path.as_ptr(), path.len(), std::ptr::null(), 0, 0)
    };
    assert_eq!(unnamed, JWTGUARD_INVALID_METADATA_FIELD);
    let (s, r) = verify_into(v, &token);
    assert_eq!(s, JWTGUARD_OK);
    for (p, want) in [
        (path, &br#"["a","b"]"#[..]),
        ("/https:~1~1example.com~1roles/1", b"b"),
    ] {
        let mut out = [0u8; 64];
        let mut len = 0usize;
        let cap = out.len();
        let st = read_claim(&r, p, &mut out, cap, &mut len);
        assert_eq!((st, &out[..len]), (JWTGUARD_OK, want), "{p}");
    }
    let mut out = [0u8; 64];
    let mut len = 0usize;
    let st =
        unsafe { jwtguard_result_metadata(v, r.as_ptr(), out.as_mut_ptr(), out.len(), &mut len) };
    assert_eq!(
        (st, &out[..len]),
        (JWTGUARD_OK, &br#"{"roles":["a","b"]}"#[..])
    );
    unsafe { jwtguard_verifier_free(v) };
}

/// The kid-less limit through the C ABI: integers mapped totally (issue 20, §1).
#[test]
fn kidless_limit_is_checked() {
    use jwtguard_status::*;
    let v = new_verifier();
    unsafe {
        for bad in [0u32, 256, u32::MAX] {
            assert_eq!(
                jwtguard_verifier_set_kidless_limit(v, bad),
                JWTGUARD_INVALID_ARGUMENT
            );
        }
        assert_eq!(jwtguard_verifier_set_kidless_limit(v, 1), JWTGUARD_OK);
        assert_eq!(jwtguard_verifier_set_kidless_limit(v, 255), JWTGUARD_OK);
        // The verifier's one key is first in load order: a kid-less token still finds it.
        assert_eq!(jwtguard_verifier_set_kidless_limit(v, 1), JWTGUARD_OK);
    }
    let token = sign(&format!(r#"{{"sub":"u","exp":{}}}"#, NOW + 60));
    assert_eq!(verify(v, &token), JWTGUARD_OK);
    unsafe { jwtguard_verifier_free(v) };
}

/// Header text and claim requirements through the C ABI (issue 20, §3): arrays of strings
/// joined, strings as text, the rest compact JSON; a claim equal to a value, or an array
/// holding it.
#[test]
fn claim_joined_and_matches() {
    use jwtguard_status::*;
    let token = sign(&format!(
        r#"{{"sub":"u","roles":["admin","o\"ps"],"none":[],"org":"acme","n":42,"ok":true,"obj":{{"a": 1}},"mixed":["a",1],"commas":["reader, admin"],"esc":["a\u002c b"],"exp":{}}}"#,
        NOW + 60
    ));
    let v = new_verifier();
    let (s, r) = verify_into(v, &token);
    assert_eq!(s, JWTGUARD_OK);
    let joined = |path: &str, cap: usize| {
        let mut out = vec![0u8; cap];
        let mut len = 0usize;
        let sep = ", ";
        let st = unsafe {
            jwtguard_result_claim_joined(
                r.as_ptr(),
                path.as_ptr(),
                path.len(),
                sep.as_ptr(),
                sep.len(),
                out.as_mut_ptr(),
                cap,
                &mut len,
            )
        };
        (
            st,
            String::from_utf8_lossy(&out[..len.min(cap)]).into_owned(),
            len,
        )
    };
    assert_eq!(
        joined("roles", 64),
        (JWTGUARD_OK, r#"admin, o"ps"#.into(), 11)
    );
    assert_eq!(joined("none", 64), (JWTGUARD_OK, String::new(), 0));
    assert_eq!(joined("org", 64), (JWTGUARD_OK, "acme".into(), 4));
    assert_eq!(joined("n", 64), (JWTGUARD_OK, "42".into(), 2));
    assert_eq!(joined("obj", 64), (JWTGUARD_OK, r#"{"a":1}"#.into(), 7));
    assert_eq!(joined("mixed", 64), (JWTGUARD_OK, r#"["a",1]"#.into(), 7));
    assert_eq!(joined("nope", 64).0, JWTGUARD_CLAIM_NOT_FOUND);
    let (st, _, needed) = joined("roles", 5);
    assert_eq!((st, needed), (JWTGUARD_BUFFER_TOO_SMALL, 11));
    // Issue 28: an element holding the separator would make ["reader, admin"] and
    // ["reader","admin"] one text; it is refused, escaped or not.
    assert_eq!(joined("commas", 64).0, JWTGUARD_CLAIM_HAS_SEPARATOR);
    assert_eq!(joined("esc", 64).0, JWTGUARD_CLAIM_HAS_SEPARATOR);
    let matches = |path: &str, value: &str| unsafe {
        jwtguard_result_claim_matches(
            r.as_ptr(),
            path.as_ptr(),
            path.len(),
            value.as_ptr(),
            value.len(),
        )
    };
    assert_eq!(matches("org", "acme"), JWTGUARD_OK);
    // Issue 28: a claim that is there with another value is a mismatch, not "not found".
    assert_eq!(matches("org", "Acme"), JWTGUARD_CLAIM_MISMATCH);
    assert_eq!(matches("roles", "o\"ps"), JWTGUARD_OK);
    assert_eq!(matches("roles", "admi"), JWTGUARD_CLAIM_MISMATCH);
    assert_eq!(matches("n", "42"), JWTGUARD_OK);
    assert_eq!(matches("ok", "true"), JWTGUARD_OK);
    assert_eq!(matches("none", "x"), JWTGUARD_CLAIM_MISMATCH);
    assert_eq!(matches("absent", "x"), JWTGUARD_CLAIM_NOT_FOUND);
    unsafe { jwtguard_verifier_free(v) };
}

/// Issue 28: the permissions claim may be a dot path or a JSON Pointer (Keycloak's
/// `realm_access.roles`); one that names nothing is refused when set.
#[test]
fn permissions_claim_path() {
    use jwtguard_status::*;
    let v = new_verifier();
    let set = |path: &str| unsafe {
        jwtguard_verifier_set_permissions_claim(v, path.as_ptr(), path.len())
    };
    assert_eq!(set("realm_access..roles"), JWTGUARD_INVALID_CLAIM_PATH);
    assert_eq!(set("/a~2"), JWTGUARD_INVALID_CLAIM_PATH);
    assert_eq!(set("realm_access.roles"), JWTGUARD_OK);
    let perm = "admin";
    let required = [jwtguard_str {
        ptr: perm.as_ptr(),
        len: perm.len(),
    }];
    let verify = |claims: &str| {
        let token = sign(&format!(r#"{{"sub":"u",{claims}"exp":{}}}"#, NOW + 60));
        let mut r = std::mem::MaybeUninit::<jwtguard_result>::uninit();
        unsafe {
            jwtguard_verify(
                v,
                token.as_ptr(),
                token.len(),
                NOW,
                required.as_ptr(),
                1,
                r.as_mut_ptr(),
            )
        }
    };
    assert_eq!(
        verify(r#""realm_access":{"roles":["admin"]},"#),
        JWTGUARD_OK
    );
    assert_eq!(
        verify(r#""realm_access":{"roles":["viewer"]},"#),
        JWTGUARD_INSUFFICIENT_PERMISSIONS
    );
    assert_eq!(
        verify(r#""roles":["admin"],"#),
        JWTGUARD_INSUFFICIENT_PERMISSIONS
    );
    unsafe { jwtguard_verifier_free(v) };
}

/// A providers set in caller memory: made by `_init` only, its count checked before use, full
/// at `JWTGUARD_MAX_PROVIDERS`, and the provider that verified a token reported in the result.
#[test]
fn providers_set_is_checked_caller_memory() {
    // One token through the set into `r`.
    let verify = |p: *mut jwtguard_providers,
                  token: &str,
                  r: &mut std::mem::MaybeUninit<jwtguard_result>| unsafe {
        jwtguard_providers_verify(
            p,
            token.as_ptr(),
            token.len(),
            NOW,
            std::ptr::null(),
            0,
            r.as_mut_ptr(),
        )
    };
    use jwtguard_status::*;
    let mut set = std::mem::MaybeUninit::<jwtguard_providers>::zeroed();
    let p = set.as_mut_ptr();
    const SET_SIZE: usize = std::mem::size_of::<jwtguard_providers>();
    let verifiers: Vec<*mut jwtguard_verifier> = (0..=JWTGUARD_MAX_PROVIDERS)
        .map(|_| new_verifier())
        .collect();
    unsafe {
        assert_eq!(
            jwtguard_providers_add(p, verifiers[0]),
            JWTGUARD_INVALID_ARGUMENT
        );
        assert_eq!(
            jwtguard_providers_init(std::ptr::null_mut(), SET_SIZE),
            JWTGUARD_NULL_ARGUMENT
        );
        // Issue 28: a caller whose set is smaller (built with other capacities) is refused,
        // and nothing is written.
        p.cast::<u64>().write(0x5a5a);
        assert_eq!(
            jwtguard_providers_init(p, SET_SIZE - 8),
            JWTGUARD_STORAGE_TOO_SMALL
        );
        assert_eq!(p.cast::<u64>().read(), 0x5a5a);
        assert_eq!(jwtguard_providers_init(p, SET_SIZE), JWTGUARD_OK);
        for v in &verifiers[..JWTGUARD_MAX_PROVIDERS] {
            assert_eq!(jwtguard_providers_add(p, *v), JWTGUARD_OK);
        }
        assert_eq!(
            jwtguard_providers_add(p, verifiers[JWTGUARD_MAX_PROVIDERS]),
            JWTGUARD_CAPACITY_EXCEEDED
        );
    }
    // The verifiers waive the issuer check (`new_verifier`), so the set refuses them: a set
    // binds issuers to keys, and a waiver binds nothing.
    let token = sign(&format!(r#"{{"sub":"u","exp":{}}}"#, NOW + 60));
    let mut r = std::mem::MaybeUninit::<jwtguard_result>::uninit();
    let st = verify(p, &token, &mut r);
    assert_eq!(st, JWTGUARD_ISSUER_NOT_CONFIGURED);
    assert_eq!(unsafe { jwtguard_result_provider(r.as_ptr()) }, -1);
    // One that lists its issuer, added to a fresh set, verifies; the result names it.
    let iss = "https://issuer.example";
    let token = sign(&format!(
        r#"{{"iss":"{iss}","sub":"u","exp":{}}}"#,
        NOW + 60
    ));
    let bound = new_verifier();
    unsafe {
        assert_eq!(
            jwtguard_verifier_add_issuer(bound, iss.as_ptr(), iss.len()),
            JWTGUARD_OK
        );
        assert_eq!(jwtguard_providers_init(p, SET_SIZE), JWTGUARD_OK);
        let other = new_verifier();
        assert_eq!(
            jwtguard_verifier_add_issuer(other, b"x".as_ptr(), 1),
            JWTGUARD_OK
        );
        assert_eq!(jwtguard_providers_add(p, other), JWTGUARD_OK);
        assert_eq!(jwtguard_providers_add(p, bound), JWTGUARD_OK);
        let st = verify(p, &token, &mut r);
        // Both hold the same secret (one key set, two tenants): the first verifies the
        // signature, and the second, which lists the token's issuer and holds the key too,
        // judges it (issue 28).
        assert_eq!(st, JWTGUARD_OK);
        assert_eq!(jwtguard_result_provider(r.as_ptr()), 1);
        jwtguard_verifier_free(other);
    }
    // A count no `_add` wrote is refused before it is used.
    unsafe {
        assert_eq!(jwtguard_providers_init(p, SET_SIZE), JWTGUARD_OK);
        assert_eq!(jwtguard_providers_add(p, bound), JWTGUARD_OK);
        let st = verify(p, &token, &mut r);
        assert_eq!(st, JWTGUARD_OK);
        assert_eq!(jwtguard_result_provider(r.as_ptr()), 0);
        let words = p.cast::<u32>();
        words.add(2).write(u32::MAX); // the count
        let st = verify(p, &token, &mut r);
        assert_eq!(st, JWTGUARD_INVALID_ARGUMENT);
        for v in verifiers {
            jwtguard_verifier_free(v);
        }
        jwtguard_verifier_free(bound);
    }
}

/// Every copy length the output cursor's inline copy distinguishes (0 to 40 bytes: its 1-, 2-,
/// 4-, 8- and 16-byte chunk pairs and the library call beyond 32), packed one after the other
/// in one buffer by the batch accessor and alone by the single one: each claim exactly, and
/// the buffer's bytes after the last one untouched.
#[test]
fn claims_of_every_short_length_are_copied_exactly() {
    use jwtguard_status::*;
    let value =
        |n: usize| -> String { (0..n).map(|i| char::from(b'a' + (i % 26) as u8)).collect() };
    let lens: Vec<usize> = (0..=40).collect();
    let members: Vec<String> = lens
        .iter()
        .map(|n| format!(r#""c{n}":"{}""#, value(*n)))
        .collect();
    let token = sign(&format!(
        r#"{{"sub":"u",{},"exp":{}}}"#,
        members.join(","),
        NOW + 60
    ));
    let v = new_verifier();
    let (s, r) = verify_into(v, &token);
    assert_eq!(s, JWTGUARD_OK);
    let paths: Vec<String> = lens.iter().map(|n| format!("c{n}")).collect();
    let strs = c_strs(&paths);
    let total: usize = lens.iter().sum();
    let mut out = vec![0xAAu8; total + 8];
    let mut values = vec![NO_STR; strs.len()];
    let mut len = 0usize;
    let cap = out.len();
    let st = read_batch(&r, &strs, &mut out, cap, &mut values, &mut len);
    assert_eq!((st, len), (JWTGUARD_OK, total));
    for (n, got) in lens.iter().zip(&values) {
        assert_eq!(got.len, *n);
        let bytes = if *n == 0 {
            &[][..]
        } else {
            unsafe { std::slice::from_raw_parts(got.ptr, got.len) }
        };
        assert_eq!(bytes, value(*n).as_bytes(), "c{n} in the batch");
    }
    assert!(
        out[total..].iter().all(|&b| b == 0xAA),
        "nothing written past the claims"
    );
    // One at a time: every length natively; under Miri (49 s for all of them) the lengths at
    // the chunk sizes' edges, the batch above having copied every length once.
    let alone = |n: &usize| !cfg!(miri) || [0, 1, 2, 3, 4, 7, 8, 15, 16, 17, 32, 33].contains(n);
    for (n, path) in lens.iter().zip(&paths).filter(|(n, _)| alone(n)) {
        let mut one = vec![0xAAu8; n + 4];
        let mut got = 0usize;
        let st = read_claim(&r, path, &mut one, *n, &mut got);
        assert_eq!((st, got), (JWTGUARD_OK, *n), "{path}");
        assert_eq!(&one[..*n], value(*n).as_bytes(), "{path} alone");
        assert!(
            one[*n..].iter().all(|&b| b == 0xAA),
            "{path}: nothing past it"
        );
    }
    unsafe { jwtguard_verifier_free(v) };
}

/// The verify cache's caller memory (issue 31): initialised in place, its entries touched only
/// under its lock, a hit's result read like a verify's, misaligned or short storage refused.
/// Under Miri this checks the boundary's raw slices over the cache's memory.
#[test]
fn the_verify_cache_is_checked_caller_memory() {
    let v = new_verifier();
    let mut storage = vec![0u64; jwtguard_cache_size(8).div_ceil(8)];
    let mut cache = std::ptr::null_mut();
    unsafe {
        assert_eq!(
            jwtguard_cache_init(storage.as_mut_ptr().cast::<u8>().add(4), 4096, &mut cache),
            jwtguard_status::JWTGUARD_STORAGE_TOO_SMALL
        );
        assert_eq!(
            jwtguard_cache_init(storage.as_mut_ptr().cast(), 64, &mut cache),
            jwtguard_status::JWTGUARD_STORAGE_TOO_SMALL
        );
        assert_eq!(
            jwtguard_cache_init(storage.as_mut_ptr().cast(), storage.len() * 8, &mut cache),
            jwtguard_status::JWTGUARD_OK
        );
    }
    let token = sign(&format!(r#"{{"sub":"user_1","exp":{}}}"#, NOW + 60));
    // A probe, then kept, then two hits.
    for _ in 0..4 {
        let mut r = std::mem::MaybeUninit::<jwtguard_result>::uninit();
        let s = unsafe {
            jwtguard_verify_cached(
                v,
                cache,
                token.as_ptr(),
                token.len(),
                NOW,
                std::ptr::null(),
                0,
                r.as_mut_ptr(),
            )
        };
        assert_eq!(s, jwtguard_status::JWTGUARD_OK);
        let (mut out, mut len) = ([0u8; 16], 0usize);
        let s = unsafe {
            jwtguard_result_claim(
                r.as_ptr(),
                b"sub".as_ptr(),
                3,
                out.as_mut_ptr(),
                out.len(),
                &mut len,
            )
        };
        assert_eq!(
            (s, &out[..len]),
            (jwtguard_status::JWTGUARD_OK, &b"user_1"[..])
        );
    }
    let (mut hits, mut misses) = (0u64, 0u64);
    unsafe {
        assert_eq!(
            jwtguard_cache_stats(cache, &mut hits, &mut misses),
            jwtguard_status::JWTGUARD_OK
        );
        // Memory that is not a cache is refused, not read as one.
        let mut other = vec![0u64; 64];
        assert_eq!(
            jwtguard_cache_stats(other.as_mut_ptr().cast(), &mut hits, &mut misses),
            jwtguard_status::JWTGUARD_INVALID_ARGUMENT
        );
    }
    assert_eq!((hits, misses), (2, 2));
    unsafe { jwtguard_verifier_free(v) };
}

/// The accessors and the walk added with issue 32, through the boundary (and so under Miri):
/// the payload, a header member, the keys tried, and jwtguard_explain into a short array, its
/// kid pointing into the verifier. (A `small` build has no explain walk.)
#[cfg(not(feature = "small"))]
#[test]
fn payload_header_keys_tried_and_explain() {
    let v = new_verifier();
    let token = sign(&format!(r#"{{"sub":"a","exp":{}}}"#, NOW + 60));
    let (s, r) = verify_into(v, &token);
    assert_eq!(s, jwtguard_status::JWTGUARD_OK);
    let r = r.as_ptr();
    let mut out = [0u8; 64];
    let mut len = 0usize;
    let s = unsafe { jwtguard_result_payload(r, out.as_mut_ptr(), out.len(), &mut len) };
    assert_eq!(s, jwtguard_status::JWTGUARD_OK);
    assert_eq!(
        &out[..len],
        format!(r#"{{"sub":"a","exp":{}}}"#, NOW + 60).as_bytes()
    );
    let s = unsafe { jwtguard_result_payload(r, std::ptr::null_mut(), 0, &mut len) };
    assert_eq!(s, jwtguard_status::JWTGUARD_BUFFER_TOO_SMALL);
    let s = unsafe { jwtguard_result_header(r, b"alg".as_ptr(), 3, out.as_mut_ptr(), 2, &mut len) };
    assert_eq!((s, len), (jwtguard_status::JWTGUARD_BUFFER_TOO_SMALL, 5));
    let s = unsafe { jwtguard_result_header(r, b"alg".as_ptr(), 3, out.as_mut_ptr(), 5, &mut len) };
    assert_eq!(
        (s, &out[..len]),
        (jwtguard_status::JWTGUARD_OK, &b"HS256"[..])
    );
    assert_eq!(unsafe { jwtguard_result_keys_tried(r) }, 1);
    assert_eq!(unsafe { jwtguard_result_keys_tried(std::ptr::null()) }, 0);

    let mut steps = [std::mem::MaybeUninit::<jwtguard_check>::uninit(); 3];
    let mut n = 0usize;
    let expired = sign(&format!(r#"{{"sub":"a","exp":{}}}"#, NOW - 1));
    let s = unsafe {
        jwtguard_explain(
            v,
            expired.as_ptr(),
            expired.len(),
            NOW,
            std::ptr::null(),
            0,
            steps.as_mut_ptr().cast(),
            steps.len(),
            &mut n,
        )
    };
    assert_eq!(s, jwtguard_status::JWTGUARD_EXPIRED);
    assert!(n > steps.len(), "the whole count: {n}");
    let steps: Vec<jwtguard_check> = steps.iter().map(|s| unsafe { s.assume_init() }).collect();
    assert_eq!(steps[0].check, JWTGUARD_CHECK_FORMAT);
    assert_eq!(steps[1].algorithm, JWTGUARD_ALG_HS256);
    assert_eq!(steps[2].check, JWTGUARD_CHECK_KEY);
    // A key loaded without a kid: no pointer.
    assert!(steps[2].kid.ptr.is_null());
    assert_eq!(text(jwtguard_check_name(steps[2].check)), "key");
    unsafe { jwtguard_verifier_free(v) };
}
