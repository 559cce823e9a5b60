//! The full verify path (policy, permissions, metadata) on arbitrary bytes, keys fixed; and the
//! same verdict from a 16 KiB buffer with a raised limit, and from a providers set of the one
//! verifier, for every input the default buffer takes (larger ones go through the large path
//! alone).
#![no_main]
use std::sync::OnceLock;

use jwtguard::{Capacity16K, MAX_TOKEN_LEN, Providers, Request, TokenBuf, Verifier};
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

/// Built once: loading the RSA keys per input would be most of the run.
static VERIFIERS: OnceLock<(Verifier<'static, 4>, Verifier<'static, 4>)> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let (v, large) = VERIFIERS
        .get_or_init(|| (common::verifier(), common::verifier().max_token_len(16 * 1024)));
    let mut buf = TokenBuf::new();
    let mut out = [0u8; 512];
    let verdict = v
        .verify_request(
            data,
            common::NOW,
            &mut buf,
            Request::new().require(&["read"]).metadata_into(&mut out),
        )
        .map(|a| a.metadata_len)
        .map_err(|r| r.error);

    let mut big = TokenBuf::<Capacity16K>::empty();
    let mut out2 = [0u8; 512];
    let large_verdict = large
        .verify_request(
            data,
            common::NOW,
            &mut big,
            Request::new().require(&["read"]).metadata_into(&mut out2),
        )
        .map(|a| a.metadata_len)
        .map_err(|r| r.error);
    if data.len() <= MAX_TOKEN_LEN {
        assert_eq!(verdict, large_verdict);
        if verdict.is_ok() {
            assert_eq!(out, out2);
        }
    }

    let list = [v];
    let set = Providers::new(&list).unwrap();
    let mut buf3 = TokenBuf::new();
    let mut out3 = [0u8; 512];
    let set_verdict = set
        .verify_request(
            data,
            common::NOW,
            &mut buf3,
            Request::new().require(&["read"]).metadata_into(&mut out3),
        )
        .map(|(i, a)| {
            assert_eq!(i, 0);
            a.metadata_len
        })
        .map_err(|r| r.error);
    assert_eq!(verdict, set_verdict);
});
