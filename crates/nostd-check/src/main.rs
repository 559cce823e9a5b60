//! No heap, no std, no allocator: if this links, the verify path allocates nothing. Run under
//! qemu (`scripts/embedded.sh`), it verifies RFC 7515 A.1 and A.2 on a Cortex-M4F and exits
//! through semihosting with the result.
#![no_std]
#![no_main]

use core::hint::black_box;
use core::panic::PanicInfo;

use cortex_m_rt::entry;
use cortex_m_semihosting::{debug, hprintln};
use jwtguard::{KeyRing, MetadataField, Policy, Request, TokenBuf, Verifier, bearer_token};

#[panic_handler]
fn panic(_: &PanicInfo<'_>) -> ! {
    hprintln!("FAIL: panic");
    debug::exit(debug::EXIT_FAILURE);
    // Only reached without a debugger/semihosting host: wait for the watchdog.
    loop {
        cortex_m::asm::wfi();
    }
}

static POLICY: Policy<'static> = Policy::new().issuers(&["joe"]).require_sub(false);

// RFC 7515 A.1, as an Authorization header value.
static HEADER_VALUE: &[u8] = b"Bearer eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
static SECRET: [u8; 64] = [
    3, 35, 53, 75, 43, 15, 165, 188, 131, 126, 6, 101, 119, 123, 166, 143, 90, 179, 40, 230, 240,
    84, 201, 40, 169, 15, 132, 178, 210, 80, 46, 191, 211, 251, 90, 146, 210, 6, 71, 239, 150, 138,
    180, 195, 119, 98, 61, 34, 61, 46, 33, 114, 5, 46, 79, 8, 192, 205, 154, 245, 103, 208, 128,
    163,
];

// RFC 7515 A.2 (RS256) and its public key as a JWK (RFC 7517 A.1), as a device would carry it.
static RS_TOKEN: &[u8] = b"eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqvhJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_IoypGlUPQGe77Rw";
static RS_JWK: &[u8] = br#"{"kty":"RSA","e":"AQAB","n":"ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ"}"#;

fn verify_rs256() -> bool {
    let mut keys = KeyRing::<2>::new();
    if keys.add_jwk(black_box(RS_JWK)).is_err() {
        return false;
    }
    let verifier = Verifier::new(keys, POLICY);
    let mut buf = TokenBuf::new();
    verifier
        .verify(black_box(RS_TOKEN), black_box(1_300_819_379), &mut buf)
        .is_ok()
}

static FIELDS: [MetadataField<'static>; 1] = [MetadataField::required("iss").named("issuer")];
static FULL_POLICY: Policy<'static> = POLICY.metadata(&FIELDS);

fn verify_once() -> bool {
    let mut keys = KeyRing::<3>::new();
    if keys
        .add_hmac(jwtguard::Algorithm::HS256, None, black_box(&SECRET))
        .is_err()
    {
        return false;
    }
    let verifier = Verifier::new(keys, FULL_POLICY);
    let Ok(token) = bearer_token(black_box(HEADER_VALUE)) else {
        return false;
    };
    let mut buf = TokenBuf::new();
    let mut user_data = [0u8; 64];
    let request = Request::new().require(&[]).metadata_into(&mut user_data);
    match verifier.verify_request(token, black_box(1_300_819_379), &mut buf, request) {
        Ok(v) => v.claims.issuer().is_some_and(|iss| iss == "joe") && v.metadata_len > 0,
        Err(_) => false,
    }
}

#[entry]
fn main() -> ! {
    let hs = verify_once();
    let rs = verify_rs256();
    let word = |ok| if ok { "ok  " } else { "FAIL" };
    hprintln!(
        "{} HS256, RFC 7515 A.1 (Bearer header, policy, metadata)",
        word(hs)
    );
    hprintln!("{} RS256, RFC 7515 A.2 (key from a JWK)", word(rs));
    debug::exit(if hs && rs {
        debug::EXIT_SUCCESS
    } else {
        debug::EXIT_FAILURE
    });
    loop {
        cortex_m::asm::wfi();
    }
}
