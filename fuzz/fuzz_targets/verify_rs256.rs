//! RS256 verification on arbitrary bytes after a fixed, valid-looking header: the signature
//! layer (length, value range, exponentiation, block comparison) sees fuzzed signatures.
#![no_main]
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jwtguard::{TokenBuf, Verifier};
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let v: Verifier<'static, 4> = common::verifier();
    // Half the inputs are whole tokens, half a payload and signature under an RS256 header.
    let token = if data.first().is_some_and(|b| b & 1 == 0) {
        data.to_vec()
    } else {
        let split = data.len() / 2;
        let (p, s) = data.split_at(split);
        format!(
            "eyJhbGciOiJSUzI1NiIsImtpZCI6InIifQ.{}.{}",
            URL_SAFE_NO_PAD.encode(p),
            URL_SAFE_NO_PAD.encode(s)
        )
        .into_bytes()
    };
    let mut buf = TokenBuf::new();
    let _ = v.verify(&token, common::NOW, &mut buf);
});
