//! The full verify path (policy, permissions, metadata) on arbitrary bytes, keys fixed; and the
//! same verdict from a 16 KiB buffer with a raised limit, and from a providers set of the one
//! verifier, for every input the default buffer takes (larger ones go through the large path
//! alone).
#![no_main]
use std::sync::OnceLock;

use jwtguard::capacity::{Capacity, Capacity2K, Capacity16K};
use jwtguard::limits::MAX_TOKEN_LEN;
use jwtguard::{Accepted, Error, Providers, Rejection, Request, TokenBuf, Verifier};
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

/// Built once: loading the RSA keys per input would be most of the run.
static VERIFIERS: OnceLock<(Verifier<'static, 4>, Verifier<'static, 4>)> = OnceLock::new();

/// One entry point's verdict on `data`, and the metadata document it wrote.
fn verdict<C: Capacity>(
    data: &[u8],
    run: impl FnOnce(&[u8], &mut TokenBuf<C>, Request<'_>) -> Result<usize, Rejection>,
) -> (Result<usize, Error>, [u8; 512]) {
    let mut buf = TokenBuf::<C>::empty();
    let mut out = [0u8; 512];
    let request = Request::new().require(&["read"]).metadata_into(&mut out);
    let v = run(data, &mut buf, request).map_err(|r| r.error);
    (v, out)
}

fn len(a: Accepted<'_>) -> usize {
    a.metadata_len
}

fuzz_target!(|data: &[u8]| {
    let (v, large) = VERIFIERS.get_or_init(|| {
        (
            common::verifier(),
            common::verifier().max_token_len(16 * 1024),
        )
    });
    let (default, out) = verdict::<Capacity2K>(data, |t, b, r| {
        v.verify_request(t, common::NOW, b, r).map(len)
    });
    let (big, out_big) = verdict::<Capacity16K>(data, |t, b, r| {
        large.verify_request(t, common::NOW, b, r).map(len)
    });
    if data.len() <= MAX_TOKEN_LEN {
        assert_eq!(default, big);
        if default.is_ok() {
            assert_eq!(out, out_big);
        }
    }
    let list = [v];
    let set = Providers::new(&list).unwrap();
    let (one, out_set) = verdict::<Capacity2K>(data, |t, b, r| {
        set.verify_request(t, common::NOW, b, r).map(|(i, a)| {
            assert_eq!(i, 0);
            len(a)
        })
    });
    assert_eq!(default, one);
    if default.is_ok() {
        assert_eq!(out, out_set);
    }
});
