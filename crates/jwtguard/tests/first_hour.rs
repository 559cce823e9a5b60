//! What a first-time user ran into (issue 19): one verdict on every entry point, setup errors
//! that say what to do, and fail-safe defaults. Each test asserts the exact variant.
#![allow(clippy::unwrap_used)]

mod common;
use common::rsa_keys::*;
use common::*;
use jwtguard::{Error, KeyRing, MetadataField, Policy, Request, TokenBuf, Verifier};
use rsa::pkcs1::EncodeRsaPrivateKey;

static NAME_REQUIRED: [MetadataField<'static>; 1] = [MetadataField::required("user_data.name")];

/// Every policy item, and the token that breaks it, with the error it must give.
fn cases() -> Vec<(&'static str, Policy<'static>, String, Error)> {
    let p = POLICY;
    vec![
        (
            "iss",
            p,
            claims_with("").replace("https://issuer.example", "https://evil"),
            Error::InvalidIssuer,
        ),
        (
            "aud",
            p,
            claims_with("").replace(r#""aud":"api""#, r#""aud":"other""#),
            Error::InvalidAudience,
        ),
        (
            "azp",
            p,
            claims_with("").replace("https://app.example", "https://evil"),
            Error::InvalidAuthorizedParty,
        ),
        (
            "sub",
            p,
            claims_with("").replace(r#""sub":"user_1","#, ""),
            Error::InvalidSubject,
        ),
        (
            "exp required",
            p,
            claims_with("").replace(&format!(r#","exp":{}"#, NOW + 60), ""),
            Error::MissingExpiration,
        ),
        (
            "exp",
            p,
            claims_with("").replace(
                &format!(r#""exp":{}"#, NOW + 60),
                &format!(r#""exp":{}"#, NOW - 1),
            ),
            Error::Expired,
        ),
        (
            "nbf",
            p,
            claims_with("").replace(
                &format!(r#""nbf":{}"#, NOW - 10),
                &format!(r#""nbf":{}"#, NOW + 100),
            ),
            Error::NotYetValid,
        ),
        ("max age", p.max_age(5), claims_with(""), Error::TooOld),
        (
            "permission",
            p.required_permissions(&["admin"]),
            claims_with(r#""permissions":["read"],"#),
            Error::InsufficientPermissions,
        ),
        (
            "metadata field",
            p.metadata(&NAME_REQUIRED),
            claims_with(""),
            Error::MissingMetadataField,
        ),
        ("typ", p, String::new(), Error::UnexpectedType),
    ]
}

/// One policy gives one verdict on every entry point: `verify`, `verify_request` without and
/// with a metadata buffer. `verify` used to ignore required metadata fields.
#[test]
fn every_policy_item_is_enforced_by_every_entry_point() {
    for (what, policy, payload, want) in cases() {
        let v = verifier(policy);
        let header = if what == "typ" {
            r#"{"alg":"HS256","typ":"other"}"#
        } else {
            HEADER
        };
        let payload = if payload.is_empty() {
            claims_with("")
        } else {
            payload
        };
        let t = sign(header, &payload, SECRET);
        let mut buf = TokenBuf::new();
        assert_eq!(
            v.verify(t.as_bytes(), NOW, &mut buf).err(),
            Some(want),
            "verify: {what}"
        );
        let mut buf = TokenBuf::new();
        let r = v.verify_request(t.as_bytes(), NOW, &mut buf, Request::new());
        assert_eq!(
            r.err().map(|r| r.error),
            Some(want),
            "verify_request: {what}"
        );
        let mut buf = TokenBuf::new();
        let mut out = [0u8; 256];
        let r = v.verify_request(
            t.as_bytes(),
            NOW,
            &mut buf,
            Request::new().metadata_into(&mut out),
        );
        assert_eq!(
            r.err().map(|r| r.error),
            Some(want),
            "verify_request + metadata: {what}"
        );
        // And the token that satisfies it passes all three.
        let good = sign(
            HEADER,
            &claims_with(r#""permissions":["admin"],"user_data":{"name":"x"},"#),
            SECRET,
        );
        let relaxed = if what == "max age" {
            policy.max_age(3600)
        } else {
            policy
        };
        let v = verifier(relaxed);
        let mut buf = TokenBuf::new();
        assert!(
            v.verify(good.as_bytes(), NOW, &mut buf).is_ok(),
            "verify passes: {what}"
        );
    }
}

#[test]
fn a_private_key_is_named_as_such() {
    let mut keys = KeyRing::<4>::new();
    // PKCS#8 PEM (BEGIN PRIVATE KEY), and the same relabelled as PKCS#1.
    let pem = data("rsa2048.key.pem");
    assert_eq!(
        keys.add_pem(jwtguard::Algorithm::RS256, None, &pem),
        Err(Error::PrivateKey)
    );
    let sk = private_key(2048);
    let pkcs1_pem = sk.to_pkcs1_pem(rsa::pkcs8::LineEnding::LF).unwrap();
    assert_eq!(
        keys.add_pem(jwtguard::Algorithm::RS256, None, pkcs1_pem.as_bytes()),
        Err(Error::PrivateKey)
    );
    // A 4096-bit private key does not fit the PEM buffer; its label still says what it is.
    assert_eq!(
        keys.add_pem(jwtguard::Algorithm::RS256, None, &data("rsa4096.key.pem")),
        Err(Error::PrivateKey)
    );
    // PKCS#1 RSAPrivateKey DER, and PKCS#8 PrivateKeyInfo DER.
    let der = sk.to_pkcs1_der().unwrap();
    assert_eq!(
        keys.add_der(jwtguard::Algorithm::RS256, None, der.as_bytes()),
        Err(Error::PrivateKey)
    );
    let der = rsa::pkcs8::EncodePrivateKey::to_pkcs8_der(&sk).unwrap();
    assert_eq!(
        keys.add_der(jwtguard::Algorithm::RS256, None, der.as_bytes()),
        Err(Error::PrivateKey)
    );
    // Truncated or foreign DER is still malformed, not a private key.
    let short = [0x30, 0x03, 0x02, 0x01, 0x00];
    assert_eq!(
        keys.add_der(jwtguard::Algorithm::RS256, None, &short),
        Err(Error::KeyFormat)
    );
    let spki = data("rsa2048.spki.der");
    assert_eq!(
        keys.add_der(jwtguard::Algorithm::RS256, None, &spki[..100]),
        Err(Error::KeyFormat)
    );
    // A JWK with `d`, alone and in a set.
    let n = b64(&n_bytes(&sk.to_public_key()));
    let jwk = format!(r#"{{"kty":"RSA","n":"{n}","e":"AQAB","d":"AQAB"}}"#);
    assert_eq!(keys.add_jwk(jwk.as_bytes()), Err(Error::PrivateKey));
    let jwks = format!(r#"{{"keys":[{jwk}]}}"#);
    assert_eq!(keys.add_jwks(jwks.as_bytes()), Err(Error::PrivateKey));
    assert!(keys.is_empty());
    assert_eq!(
        Error::PrivateKey.to_string(),
        "This is a private key: pass the public key"
    );
}

#[test]
fn no_issuer_and_no_audience_are_setup_errors_unless_waived() {
    assert_eq!(
        Policy::new().audiences(&["a"]).check().unwrap_err().error,
        Error::IssuerNotConfigured
    );
    assert_eq!(
        Policy::new().issuers(&["i"]).check().unwrap_err().error,
        Error::AudienceNotConfigured
    );
    assert!(
        Policy::new()
            .issuers(&["i"])
            .audiences(&["a"])
            .check()
            .is_ok()
    );
    assert!(
        Policy::new()
            .any_issuer()
            .without_audience()
            .check()
            .is_ok()
    );
    // The waivers change no verdict: any iss passes, and a token with an aud is still refused.
    let v = verifier(Policy::new().any_issuer().without_audience());
    let no_aud = claims_with("")
        .replace(r#""aud":"api","#, "")
        .replace("https://app.example", "x");
    let v2 = verifier(
        Policy::new()
            .any_issuer()
            .without_audience()
            .authorized_parties(&["x"]),
    );
    assert_eq!(
        check_with(&v2, sign(HEADER, &no_aud, SECRET).as_bytes(), NOW),
        Ok(())
    );
    assert_eq!(
        check_with(&v, good_token().as_bytes(), NOW),
        Err(Error::InvalidAudience)
    );
}

#[test]
fn require_kid_refuses_a_kidless_token() {
    let mut keys = KeyRing::<2>::new();
    keys.add_hmac(jwtguard::Algorithm::HS256, Some("k1"), SECRET)
        .unwrap();
    keys.add_hmac(jwtguard::Algorithm::HS256, None, SECRET)
        .unwrap();
    keys.require_kid(true);
    let v = Verifier::new(keys, POLICY);
    assert_eq!(
        check_with(&v, good_token().as_bytes(), NOW),
        Err(Error::MissingKeyId)
    );
    let named = sign(r#"{"alg":"HS256","kid":"k1"}"#, &claims_with(""), SECRET);
    assert_eq!(check_with(&v, named.as_bytes(), NOW), Ok(()));
}
