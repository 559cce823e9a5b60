//! No heap, no std, no allocator: if this links, the verify path allocates nothing.
#![no_std]
#![no_main]

use core::hint::black_box;
use core::panic::PanicInfo;

use jwtguard::{KeyRing, Policy, TokenBuf, Verifier};

#[panic_handler]
fn panic(_: &PanicInfo<'_>) -> ! {
    loop {}
}

static POLICY: Policy<'static> = Policy::new().issuers(&["joe"]).require_sub(false);

// RFC 7515 A.1.
static TOKEN: &[u8] = b"eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
static SECRET: [u8; 64] = [
    3, 35, 53, 75, 43, 15, 165, 188, 131, 126, 6, 101, 119, 123, 166, 143, 90, 179, 40, 230, 240,
    84, 201, 40, 169, 15, 132, 178, 210, 80, 46, 191, 211, 251, 90, 146, 210, 6, 71, 239, 150, 138,
    180, 195, 119, 98, 61, 34, 61, 46, 33, 114, 5, 46, 79, 8, 192, 205, 154, 245, 103, 208, 128,
    163,
];

fn verify_once() -> bool {
    let mut keys = KeyRing::<3>::new();
    if keys.add_hs256(None, black_box(&SECRET)).is_err() {
        return false;
    }
    let verifier = Verifier::new(keys, POLICY);
    let mut buf = TokenBuf::new();
    let now = black_box(1_300_819_379);
    match verifier.verify(black_box(TOKEN), now, &mut buf) {
        Ok(claims) => claims.issuer().is_some_and(|iss| iss == "joe"),
        Err(_) => false,
    }
}

/// Entry point. The linker needs one exported symbol to keep the verify path in the image;
/// there is no runtime here, the binary exists to be linked, not run.
// SAFETY: `_start` is defined nowhere else in this image (no runtime crate is linked).
#[unsafe(no_mangle)]
pub extern "C" fn _start() -> ! {
    let ok = verify_once();
    loop {
        black_box(ok);
    }
}
