//! Signature algorithms across the boundary: stable integer codes (C passes any bit pattern,
//! so an algorithm is never a Rust enum parameter), mapped totally.

use core::ffi::c_char;

use jwtguard_core::Algorithm;

use crate::status::jwtguard_status::{self, *};
use crate::{c_bytes, c_write, guard};

/// HMAC with SHA-256.
pub const JWTGUARD_ALG_HS256: u32 = 1;
/// HMAC with SHA-384.
pub const JWTGUARD_ALG_HS384: u32 = 2;
/// HMAC with SHA-512.
pub const JWTGUARD_ALG_HS512: u32 = 3;
/// RSASSA-PKCS1-v1_5 with SHA-256.
pub const JWTGUARD_ALG_RS256: u32 = 4;
/// RSASSA-PKCS1-v1_5 with SHA-384.
pub const JWTGUARD_ALG_RS384: u32 = 5;
/// RSASSA-PKCS1-v1_5 with SHA-512.
pub const JWTGUARD_ALG_RS512: u32 = 6;
/// RSASSA-PSS with SHA-256 (MGF1 SHA-256, 32-byte salt).
pub const JWTGUARD_ALG_PS256: u32 = 7;
/// RSASSA-PSS with SHA-384 (MGF1 SHA-384, 48-byte salt).
pub const JWTGUARD_ALG_PS384: u32 = 8;
/// RSASSA-PSS with SHA-512 (MGF1 SHA-512, 64-byte salt).
pub const JWTGUARD_ALG_PS512: u32 = 9;
/// ECDSA on P-256 with SHA-256.
pub const JWTGUARD_ALG_ES256: u32 = 10;
/// ECDSA on P-384 with SHA-384.
pub const JWTGUARD_ALG_ES384: u32 = 11;
/// EdDSA with Ed25519.
pub const JWTGUARD_ALG_EDDSA: u32 = 12;

/// Every code with its algorithm: the one table both directions read.
const CODES: [(u32, Algorithm); 12] = [
    (JWTGUARD_ALG_HS256, Algorithm::HS256),
    (JWTGUARD_ALG_HS384, Algorithm::HS384),
    (JWTGUARD_ALG_HS512, Algorithm::HS512),
    (JWTGUARD_ALG_RS256, Algorithm::RS256),
    (JWTGUARD_ALG_RS384, Algorithm::RS384),
    (JWTGUARD_ALG_RS512, Algorithm::RS512),
    (JWTGUARD_ALG_PS256, Algorithm::PS256),
    (JWTGUARD_ALG_PS384, Algorithm::PS384),
    (JWTGUARD_ALG_PS512, Algorithm::PS512),
    (JWTGUARD_ALG_ES256, Algorithm::ES256),
    (JWTGUARD_ALG_ES384, Algorithm::ES384),
    (JWTGUARD_ALG_EDDSA, Algorithm::EdDSA),
];

/// The code of `alg` (0 for none: every algorithm has one, the table is total).
#[cfg(not(feature = "small"))]
pub(crate) fn code_of(alg: Algorithm) -> u32 {
    CODES
        .iter()
        .find(|(_, a)| *a == alg)
        .map_or(0, |(code, _)| *code)
}

/// The algorithm a code stands for: an unknown code is `JWTGUARD_INVALID_ARGUMENT`, a known
/// one this build leaves out `JWTGUARD_UNSUPPORTED_ALGORITHM`.
pub(crate) fn algorithm(code: u32) -> Result<Algorithm, jwtguard_status> {
    let alg = CODES
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, a)| *a)
        .ok_or(JWTGUARD_INVALID_ARGUMENT)?;
    if !alg.is_built() {
        return Err(JWTGUARD_UNSUPPORTED_ALGORITHM);
    }
    Ok(alg)
}

/// The code of the algorithm named `(name, len)` as a JWS header spells it ("ES256",
/// "EdDSA"; case-sensitive) into `*out`. `JWTGUARD_UNSUPPORTED_ALGORITHM` for a name this
/// build does not verify.
///
/// # Safety
/// `(name, len)` readable; `out` writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_algorithm_from_name(
    name: *const u8,
    len: usize,
    out: *mut u32,
) -> jwtguard_status {
    guard(|| {
        let name = c_bytes!(name, len)?;
        let alg = Algorithm::from_name(name).ok_or(JWTGUARD_UNSUPPORTED_ALGORITHM)?;
        let code = CODES
            .iter()
            .find(|(_, a)| *a == alg)
            .map(|(c, _)| *c)
            .ok_or(JWTGUARD_UNSUPPORTED_ALGORITHM)?;
        c_write!(out, code)
    })
}

/// The name of algorithm `code` as a JWS header spells it ("PS256"), static and
/// NUL-terminated; NULL for a code that is not an algorithm. Codes this build leaves out still
/// have their name.
#[unsafe(no_mangle)]
pub extern "C" fn jwtguard_algorithm_name(code: u32) -> *const c_char {
    macro_rules! names {
        ($($code:ident => $name:literal),* $(,)?) => {
            match code {
                $( c if c == $code => concat!($name, "\0").as_ptr().cast(), )*
                _ => core::ptr::null(),
            }
        };
    }
    names!(
        JWTGUARD_ALG_HS256 => "HS256", JWTGUARD_ALG_HS384 => "HS384", JWTGUARD_ALG_HS512 => "HS512",
        JWTGUARD_ALG_RS256 => "RS256", JWTGUARD_ALG_RS384 => "RS384", JWTGUARD_ALG_RS512 => "RS512",
        JWTGUARD_ALG_PS256 => "PS256", JWTGUARD_ALG_PS384 => "PS384", JWTGUARD_ALG_PS512 => "PS512",
        JWTGUARD_ALG_ES256 => "ES256", JWTGUARD_ALG_ES384 => "ES384", JWTGUARD_ALG_EDDSA => "EdDSA",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_names_and_the_core_agree() {
        for (code, alg) in CODES {
            // SAFETY: every code in CODES has a name, a static NUL-terminated literal.
            let name = unsafe { core::ffi::CStr::from_ptr(jwtguard_algorithm_name(code)) };
            assert_eq!(name.to_str().unwrap(), alg.name());
            let mut back = 0u32;
            // SAFETY: the name is a live &str of that length; `back` is a live local.
            let st = unsafe {
                jwtguard_algorithm_from_name(alg.name().as_ptr(), alg.name().len(), &mut back)
            };
            if alg.is_built() {
                assert_eq!((st, back), (JWTGUARD_OK, code));
                assert_eq!(algorithm(code), Ok(alg));
            } else {
                assert_eq!(st, JWTGUARD_UNSUPPORTED_ALGORITHM);
            }
        }
        assert_eq!(CODES.len(), Algorithm::ALL.len());
        for bad in [0, 13, u32::MAX] {
            assert!(jwtguard_algorithm_name(bad).is_null());
            assert_eq!(algorithm(bad), Err(JWTGUARD_INVALID_ARGUMENT));
        }
    }
}
