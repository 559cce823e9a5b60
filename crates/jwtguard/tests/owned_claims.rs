//! `OwnedClaims`: claims kept in caller storage past the call (what the C binding returns).

mod common;

use common::*;
use jwtguard::{Error, KeyRing, OwnedClaims, Request};

fn keys() -> KeyRing<2> {
    let mut keys = KeyRing::new();
    keys.add_hs256(None, SECRET).unwrap();
    keys
}

#[test]
fn holds_the_claims_after_success_and_none_after_failure() {
    let keys = keys();
    let mut owned = OwnedClaims::new();
    assert!(
        owned.claims().subject().is_none(),
        "new storage holds no claims"
    );

    let token = good_token();
    let r = owned.verify_request_with(&keys, &POLICY, token.as_bytes(), NOW, Request::new());
    assert_eq!(r, Ok(0));
    assert!(owned.claims().subject().is_some_and(|s| s == "user_1"));
    // The same claims as a borrowed verification gives, byte for byte.
    let mut buf = jwtguard::TokenBuf::new();
    let v = jwtguard::verify_request_with(
        &keys,
        &POLICY,
        token.as_bytes(),
        NOW,
        &mut buf,
        Request::new(),
    )
    .unwrap();
    assert_eq!(owned.claims().object().raw(), v.claims.object().raw());
    assert_eq!(
        v.claims.to_owned_claims().claims().object().raw(),
        v.claims.object().raw()
    );

    // A failure leaves no claims behind, not the previous token's.
    let bad = sign(HEADER, &claims_with(""), OTHER_SECRET);
    let r = owned.verify_request_with(&keys, &POLICY, bad.as_bytes(), NOW, Request::new());
    assert_eq!(r.map_err(|e| e.error), Err(Error::InvalidSignature));
    assert!(owned.claims().subject().is_none());
    assert_eq!(owned.claims().object().raw(), b"{}", "the empty claims set");
}
