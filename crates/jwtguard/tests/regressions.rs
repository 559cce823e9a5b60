//! Regression tests for defects found by review (issue 14), one per defect, each asserting the
//! exact variant. Every test here failed on the code before its fix.
#![allow(clippy::unwrap_used)]

mod common;
use common::rsa_keys::*;
use common::*;
use jwtguard::{Error, KeyRing, MetadataField, Policy, TokenBuf, Verifier};

/// Defect 3: a kid-less RS256 token is tried against every RSA key, whatever their sizes. The
/// first key's length mismatch used to end the search with `SignatureLength`.
#[test]
fn kidless_rs256_token_finds_its_key_among_keys_of_other_sizes() {
    let mut keys = KeyRing::<4>::new();
    keys.add_pem(jwtguard::Algorithm::RS256, None, &data("rsa2048.pub.pem"))
        .unwrap();
    keys.add_pem(jwtguard::Algorithm::RS256, None, &data("rsa3072.pub.pem"))
        .unwrap();
    keys.add_pem(jwtguard::Algorithm::RS256, None, &data("rsa4096.pub.pem"))
        .unwrap();
    let v = Verifier::new(keys, POLICY);
    let header = r#"{"alg":"RS256","typ":"JWT"}"#;
    for bits in [2048, 3072, 4096] {
        let token = sign_token(header, &claims_with(""), &private_key(bits));
        assert_eq!(check_with(&v, token.as_bytes(), NOW), Ok(()), "{bits}");
    }
    // A signature of a length no key has is still `SignatureLength`...
    let token = sign_token(header, &claims_with(""), &private_key(2048));
    let (input, _) = token.rsplit_once('.').unwrap();
    let short = format!("{input}.{}", b64(&[1u8; 200]));
    assert_eq!(
        check_with(&v, short.as_bytes(), NOW),
        Err(Error::SignatureLength)
    );
    // ...and one of a length some key has, but wrong, is `InvalidSignature`.
    let wrong = format!("{input}.{}", b64(&[1u8; 384]));
    assert_eq!(
        check_with(&v, wrong.as_bytes(), NOW),
        Err(Error::InvalidSignature)
    );
}

/// The same through a JWKS with a 2048- and a 3072-bit key (the bundled examples/data/jwks.json
/// has one of each), tokens without `kid`.
#[test]
fn kidless_rs256_token_verifies_against_the_bundled_mixed_jwks() {
    let jwks = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/data/jwks.json"
    ))
    .unwrap();
    let mut keys = KeyRing::<4>::new();
    keys.add_jwks(&jwks).unwrap();
    // The bundled keys' private halves are not in the repository: the check is that a
    // 3072-bit-long signature reaches the 3072-bit key (InvalidSignature), not SignatureLength.
    let v = Verifier::new(keys, POLICY);
    let input = format!(
        "{}.{}",
        b64(br#"{"alg":"RS256"}"#),
        b64(claims_with("").as_bytes())
    );
    let token = format!("{input}.{}", b64(&[1u8; 384]));
    assert_eq!(
        check_with(&v, token.as_bytes(), NOW),
        Err(Error::InvalidSignature)
    );
}

/// Defect 5: an empty path segment matches nothing, not a member named "".
#[test]
fn empty_path_segments_match_no_member() {
    let payload = claims_with(r#""a":{"":{"b":"x"}},"":{"c":1},"d":{"":2},"#);
    let v = verifier(POLICY);
    let t = sign(HEADER, &payload, SECRET);
    let mut buf = TokenBuf::new();
    let claims = v.verify(t.as_bytes(), NOW, &mut buf).unwrap();
    for path in ["a..b", ".c", "d.", "", "."] {
        assert!(claims.value(path).is_none(), "{path:?}");
        assert_eq!(claims.string(path), Ok(None), "{path:?}");
    }
    assert!(claims.value("a").is_some());
    // And such paths are refused at configuration time.
    for path in ["a..b", ".a", "a.", ""] {
        assert_eq!(
            MetadataField::check_list(&[MetadataField::optional(path).named("x")])
                .unwrap_err()
                .error,
            Error::InvalidMetadataField,
            "{path:?}"
        );
    }
}

/// Defect 6: one key with an empty or over-long `kid` is counted as rejected; the rest load.
#[test]
fn a_bad_kid_rejects_one_jwks_key_not_the_set() {
    let k =
        "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow";
    let long = "k".repeat(65);
    let jwks = format!(
        r#"{{"keys":[{{"kty":"oct","kid":"","k":"{k}"}},{{"kty":"oct","kid":"{long}","k":"{k}"}},{{"kty":"oct","kid":"good","k":"{k}"}}]}}"#
    );
    let mut keys = KeyRing::<4>::new();
    let report = keys.add_jwks(jwks.as_bytes()).unwrap();
    assert_eq!(report.loaded, 1);
    assert_eq!(report.rejected, 2);
    assert_eq!(report.first_rejection, Some(Error::InvalidKeyId));
    assert_eq!(keys.len(), 1);
}

/// Defect 8: a public key (PEM, DER, JWK) is not an HMAC secret.
#[test]
fn a_public_key_is_refused_as_an_hmac_secret() {
    let mut keys = KeyRing::<4>::new();
    for secret in [
        data("rsa2048.pub.pem"),
        data("rsa2048.pkcs1.pem"),
        data("rsa2048.spki.der"),
        data("rsa2048.pkcs1.der"),
        data("rsa2048.key.pem"),
        [b"\n  ".as_slice(), &data("rsa2048.pub.pem")].concat(),
        br#"{"kty":"RSA","n":"AQAB","e":"AQAB","padding":"0123456789"}"#.to_vec(),
    ] {
        assert_eq!(
            keys.add_hmac(jwtguard::Algorithm::HS256, None, &secret),
            Err(Error::SecretIsKey),
            "{:?}",
            String::from_utf8_lossy(&secret[..20])
        );
    }
    // The same through a JWK's `k`.
    let pem = data("rsa2048.pub.pem");
    let k = b64(&pem);
    let jwk = format!(r#"{{"kty":"oct","k":"{k}"}}"#);
    assert_eq!(keys.add_jwk(jwk.as_bytes()), Err(Error::SecretIsKey));
    // Ordinary secrets, including JSON that is not a JWK and text mentioning BEGIN, still load.
    keys.add_hmac(jwtguard::Algorithm::HS256, None, SECRET)
        .unwrap();
    keys.add_hmac(
        jwtguard::Algorithm::HS256,
        None,
        br#"{"not":"a jwk, just a long secret value"}"#,
    )
    .unwrap();
    keys.add_hmac(
        jwtguard::Algorithm::HS256,
        None,
        b"BEGIN-----0123456789012345678901234567",
    )
    .unwrap();
    assert_eq!(keys.len(), 3);
}

/// Nested JWTs (RFC 7519 §5.2, §7.2 step 8): `cty: "JWT"` is rejected before the payload is
/// read as claims.
#[test]
fn a_nested_jwt_is_rejected() {
    for cty in ["JWT", "jwt", "application/JWT", "Application/jwt"] {
        let header = format!(r#"{{"alg":"HS256","cty":"{cty}"}}"#);
        let t = sign(&header, &claims_with(""), SECRET);
        assert_eq!(check(&t), Err(Error::NestedToken), "{cty}");
    }
    // A cty that is not a string is a malformed header; other media types are not nesting.
    let t = sign(r#"{"alg":"HS256","cty":7}"#, &claims_with(""), SECRET);
    assert_eq!(check(&t), Err(Error::InvalidHeaderParameter));
    let t = sign(r#"{"alg":"HS256","cty":"json"}"#, &claims_with(""), SECRET);
    assert_eq!(check(&t), Ok(()));
}

/// RFC 9068 §2.2: `iss` and `aud` are required in the access-token profile even when no issuer
/// or audience is configured.
#[test]
fn the_access_token_profile_requires_iss_and_aud() {
    let header = r#"{"alg":"HS256","typ":"at+jwt"}"#;
    let profile = Policy::new().access_token();
    let base = format!(
        r#""sub":"u","client_id":"c","jti":"j","iat":{},"exp":{}"#,
        NOW - 1,
        NOW + 60
    );
    let run = |payload: String, policy: Policy<'static>| {
        check_with(
            &verifier(policy),
            sign(header, &payload, SECRET).as_bytes(),
            NOW,
        )
    };
    assert_eq!(
        run(format!(r#"{{{base},"aud":"api"}}"#), profile),
        Err(Error::InvalidIssuer)
    );
    assert_eq!(
        run(
            format!(r#"{{{base},"iss":"https://i"}}"#),
            profile.audiences(&["api"])
        ),
        Err(Error::InvalidAudience)
    );
    assert_eq!(
        run(
            format!(r#"{{{base},"iss":"https://i","aud":"api"}}"#),
            profile.audiences(&["api"])
        ),
        Ok(())
    );
}
