//! `UntrustedToken::parse` and `verify_signature` on arbitrary bytes: no panic, and only what
//! picks a key is visible before the signature holds.
#![no_main]
use jwtguard::{TokenBuf, UntrustedToken};
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let mut buf = TokenBuf::new();
    if let Ok(t) = UntrustedToken::parse(data, &mut buf) {
        assert!(data.len() <= jwtguard::limits::MAX_TOKEN_LEN);
        let _ = (t.algorithm(), t.key_id().map(|k| k.len()), t.typ());
        let v = common::verifier();
        let _ = t.verify_signature(v.keys());
    }
});
