//! The full verify path (policy, permissions, metadata) on arbitrary bytes, keys fixed.
#![no_main]
use jwtguard::{Request, TokenBuf};
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let v = common::verifier();
    let mut buf = TokenBuf::new();
    let mut out = [0u8; 512];
    let _ = v.verify_request(
        data,
        common::NOW,
        &mut buf,
        Request::new().require(&["read"]).metadata_into(&mut out),
    );
});
