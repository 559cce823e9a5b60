//! Test helpers: tokens are signed here with the `hmac` crate directly, independently of the
//! code under test.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use jwtguard::{Error, KeyRing, Policy, Request, TokenBuf, Verifier};
use sha2::Sha256;

pub mod rsa_keys;

pub const NOW: u64 = 1_700_000_000;
pub const SECRET: &[u8] = b"test-secret-0123456789-abcdefghijklmnop";
pub const OTHER_SECRET: &[u8] = b"other-secret-0123456789-abcdefghijklmno";
pub const HEADER: &str = r#"{"alg":"HS256","typ":"JWT"}"#;

pub fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

pub fn mac(secret: &[u8], msg: &[u8]) -> Vec<u8> {
    let mut m = Hmac::<Sha256>::new_from_slice(secret).unwrap();
    m.update(msg);
    m.finalize().into_bytes().to_vec()
}

/// Sign already-encoded header and payload segments.
pub fn sign_segments(h: &str, p: &str, secret: &[u8]) -> String {
    let input = format!("{h}.{p}");
    let sig = b64(&mac(secret, input.as_bytes()));
    format!("{input}.{sig}")
}

pub fn sign(header: &str, payload: &str, secret: &[u8]) -> String {
    sign_segments(&b64(header.as_bytes()), &b64(payload.as_bytes()), secret)
}

/// A claims set that passes [`policy`] at [`NOW`], with `extra` members spliced in first
/// (callers use it to add members; to replace one, build the JSON by hand).
pub fn claims_with(extra: &str) -> String {
    format!(
        r#"{{{extra}"iss":"https://issuer.example","sub":"user_1","aud":"api","azp":"https://app.example","exp":{},"nbf":{},"iat":{}}}"#,
        NOW + 60,
        NOW - 10,
        NOW - 10
    )
}

pub fn good_token() -> String {
    sign(HEADER, &claims_with(""), SECRET)
}

pub const POLICY: Policy<'static> = Policy::new()
    .issuers(&["https://issuer.example"])
    .audiences(&["api"])
    .authorized_parties(&["https://app.example"]);

pub fn verifier(policy: Policy<'static>) -> Verifier<'static, 4> {
    let mut keys = KeyRing::new();
    keys.add_hmac(jwtguard::Algorithm::HS256, None, SECRET)
        .unwrap();
    Verifier::new(keys, policy)
}

pub fn check_with<const N: usize>(
    v: &Verifier<'static, N>,
    token: &[u8],
    now: u64,
) -> Result<(), Error> {
    let mut buf = TokenBuf::new();
    v.verify(token, now, &mut buf).map(|_| ())
}

/// Verify `token` under [`POLICY`] at [`NOW`].
pub fn check(token: &str) -> Result<(), Error> {
    check_with(&verifier(POLICY), token.as_bytes(), NOW)
}

/// Verify a token carrying `payload` under `policy` at `now`.
pub fn check_claims(payload: &str, policy: Policy<'static>, now: u64) -> Result<(), Error> {
    check_with(
        &verifier(policy),
        sign(HEADER, payload, SECRET).as_bytes(),
        now,
    )
}

/// `verify_request` of a token with `header` and `payload` under `policy` at [`NOW`], with
/// per-call `required` permissions.
pub fn check_request(
    policy: Policy<'static>,
    header: &str,
    payload: &str,
    required: &[&str],
) -> Result<(), Error> {
    let v = verifier(policy);
    let t = sign(header, payload, SECRET);
    let mut buf = TokenBuf::new();
    v.verify_request(
        t.as_bytes(),
        NOW,
        &mut buf,
        Request::new().require(required),
    )
    .map(|_| ())
    .map_err(|r| r.error)
}

/// One Wycheproof signature vector's verdict: a valid vector must verify, an invalid one must
/// fail at the signature layer (a bad signature, or one of the wrong length). Returns whether
/// the vector was valid, for the counted guards.
pub fn signature_verdict(
    got: Result<(), Error>,
    valid: bool,
    what: &dyn std::fmt::Display,
) -> bool {
    if valid {
        assert_eq!(got, Ok(()), "{what}");
    } else {
        let e = got.expect_err(&format!("{what} accepted"));
        assert!(
            matches!(e, Error::InvalidSignature | Error::SignatureLength),
            "{what}: {e:?}"
        );
    }
    valid
}
