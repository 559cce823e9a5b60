//! The C entry points through their `extern "C"` signatures, with arbitrary lengths and buffer
//! capacities. Buffers are exactly `cap` bytes, so AddressSanitizer catches any write past it.
#![no_main]
use std::sync::OnceLock;

use arbitrary::Arbitrary;
use jwtguard_ffi::*;
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
struct Input {
    token: Vec<u8>,
    required: Vec<Vec<u8>>,
    path: Vec<u8>,
    caps: [u16; 3],
    header: Vec<u8>,
    /// Any integer C might hand back as a status.
    raw_status: u32,
}

struct Shared(*mut jwtguard_verifier);
// SAFETY: configured once, then only read (documented thread-safe for verify).
unsafe impl Sync for Shared {}
// SAFETY: as above.
unsafe impl Send for Shared {}

fn verifier() -> *const jwtguard_verifier {
    static V: OnceLock<Shared> = OnceLock::new();
    V.get_or_init(|| {
        let v = jwtguard_verifier_new();
        let jwks = include_bytes!("../../examples/data/jwks.json");
        // SAFETY: fresh verifier, pointers from live slices.
        unsafe {
            assert_eq!(
                jwtguard_verifier_add_jwks(
                    v,
                    jwks.as_ptr(),
                    jwks.len(),
                    std::ptr::null_mut(),
                    std::ptr::null_mut()
                ),
                jwtguard_status::JWTGUARD_OK
            );
            let s = b"api.example";
            jwtguard_verifier_add_audience(v, s.as_ptr(), s.len());
            // No issuer here: waived explicitly, or every verify would be a setup error.
            jwtguard_verifier_allow_any_issuer(v);
            let p = b"user_data.name";
            jwtguard_verifier_add_metadata_field(v, p.as_ptr(), p.len(), std::ptr::null(), 0, 0);
        }
        Shared(v)
    })
    .0
}

/// Call `f(out, cap, &mut len)` with a buffer of exactly `cap` bytes and check the contract:
/// OK writes `len <= cap`; BUFFER_TOO_SMALL writes the size needed (`> cap`) and leaves the
/// buffer alone; any other status writes neither.
fn output(cap: usize, f: impl FnOnce(*mut u8, usize, *mut usize) -> jwtguard_status) {
    const UNTOUCHED: u8 = 0xA5;
    let mut buf = vec![UNTOUCHED; cap];
    let mut len = usize::MAX;
    let ptr = if cap == 0 {
        std::ptr::null_mut()
    } else {
        buf.as_mut_ptr()
    };
    match f(ptr, cap, &mut len) {
        jwtguard_status::JWTGUARD_OK => assert!(len <= cap),
        jwtguard_status::JWTGUARD_BUFFER_TOO_SMALL => {
            assert!(len > cap);
            assert!(buf.iter().all(|&b| b == UNTOUCHED));
        }
        _ => {
            assert_eq!(len, usize::MAX);
            assert!(buf.iter().all(|&b| b == UNTOUCHED));
        }
    }
}

fuzz_target!(|input: Input| {
    let v = verifier();
    let required: Vec<jwtguard_str> = input
        .required
        .iter()
        .map(|r| jwtguard_str {
            ptr: r.as_ptr(),
            len: r.len(),
        })
        .collect();
    let mut result = std::mem::MaybeUninit::<jwtguard_result>::uninit();
    // SAFETY: every pointer comes from a live Vec with its own length; result is writable.
    let status = unsafe {
        jwtguard_verify(
            v,
            input.token.as_ptr(),
            input.token.len(),
            1_700_000_000,
            required.as_ptr(),
            required.len(),
            result.as_mut_ptr(),
        )
    };
    let r = result.as_ptr();
    // SAFETY (all calls below): pointers from live Vecs; `output` passes buffers of `cap` bytes.
    unsafe {
        output(input.caps[0] as usize, |o, c, l| {
            jwtguard_result_claims_json(r, o, c, l)
        });
        output(input.caps[1] as usize, |o, c, l| {
            jwtguard_result_metadata(v, r, o, c, l)
        });
        output(input.caps[2] as usize, |o, c, l| {
            jwtguard_result_claim(r, input.path.as_ptr(), input.path.len(), o, c, l)
        });
        let _ = jwtguard_result_field(r);
        let mut exp = 0u64;
        let _ = jwtguard_result_exp(r, &mut exp);
        let msg = std::ffi::CStr::from_ptr(jwtguard_error_message(status as u32));
        assert!(!msg.to_bytes().is_empty());
        // Any integer maps to a static answer, never undefined behaviour.
        let msg = std::ffi::CStr::from_ptr(jwtguard_error_message(input.raw_status));
        let name = std::ffi::CStr::from_ptr(jwtguard_error_name(input.raw_status));
        assert_eq!(
            msg.to_bytes() == b"Unknown status",
            name.to_bytes() == b"JWTGUARD_UNKNOWN"
        );
        let (mut t, mut n) = (std::ptr::null(), 0usize);
        if jwtguard_bearer_token(input.header.as_ptr(), input.header.len(), &mut t, &mut n)
            == jwtguard_status::JWTGUARD_OK
        {
            let start = t as usize - input.header.as_ptr() as usize;
            assert!(start + n <= input.header.len());
        }
    }
});
