//! JWK and JWKS import (RFC 7517, RFC 7518 §6).
#![allow(clippy::unwrap_used)]

mod common;
use common::rsa_keys::*;
use common::*;
use jwtguard::{Error, KeyRing, Verifier};

fn rsa_jwk(bits: usize, extra: &str) -> String {
    let pk = private_key(bits).to_public_key();
    format!(
        r#"{{"kty":"RSA"{extra},"n":"{}","e":"{}"}}"#,
        b64(&n_bytes(&pk)),
        b64(&e_bytes(&pk))
    )
}

fn oct_jwk(secret: &[u8], extra: &str) -> String {
    format!(r#"{{"kty":"oct"{extra},"k":"{}"}}"#, b64(secret))
}

fn rs_token(kid: Option<&str>, bits: usize) -> String {
    let h = match kid {
        Some(k) => format!(r#"{{"alg":"RS256","kid":"{k}"}}"#),
        None => r#"{"alg":"RS256"}"#.into(),
    };
    sign_token(&h, &claims_with(""), &private_key(bits))
}

#[test]
fn rsa_jwk_with_and_without_kid() {
    let mut r = KeyRing::<2>::new();
    r.add_jwk(rsa_jwk(2048, r#","kid":"k1","alg":"RS256","use":"sig""#).as_bytes())
        .unwrap();
    let v = Verifier::new(r, POLICY);
    assert_eq!(
        check_with(&v, rs_token(Some("k1"), 2048).as_bytes(), NOW),
        Ok(())
    );
    assert_eq!(check_with(&v, rs_token(None, 2048).as_bytes(), NOW), Ok(()));
    assert_eq!(
        check_with(&v, rs_token(Some("k2"), 2048).as_bytes(), NOW),
        Err(Error::UnknownKey)
    );

    let mut r = KeyRing::<2>::new();
    r.add_jwk(rsa_jwk(2048, "").as_bytes()).unwrap();
    let v = Verifier::new(r, POLICY);
    assert_eq!(check_with(&v, rs_token(None, 2048).as_bytes(), NOW), Ok(()));
    // A key without a kid is never a wildcard for a token naming one.
    assert_eq!(
        check_with(&v, rs_token(Some("k1"), 2048).as_bytes(), NOW),
        Err(Error::UnknownKey)
    );
}

#[test]
fn oct_jwk_for_hs256() {
    let mut r = KeyRing::<2>::new();
    r.add_jwk(oct_jwk(SECRET, r#","kid":"mac","alg":"HS256""#).as_bytes())
        .unwrap();
    let v = Verifier::new(r, POLICY);
    let t = sign(r#"{"alg":"HS256","kid":"mac"}"#, &claims_with(""), SECRET);
    assert_eq!(check_with(&v, t.as_bytes(), NOW), Ok(()));
    let mut r = KeyRing::<1>::new();
    assert_eq!(
        r.add_jwk(oct_jwk(&[7; 31], "").as_bytes()),
        Err(Error::KeyTooShort)
    );
    // RFC 7515 A.1.1's JWK.
    let a1 = br#"{"kty":"oct","k":"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"}"#;
    r.add_jwk(a1).unwrap();
}

#[test]
fn jwk_rules() {
    let mut r = KeyRing::<4>::new();
    for (jwk, want) in [
        (rsa_jwk(2048, r#","use":"enc""#), Error::UnsupportedKeyType),
        (
            rsa_jwk(2048, r#","alg":"RSA-OAEP""#),
            Error::UnsupportedKeyType,
        ),
        // An algorithm of another key type is a malformed key, not someone else's.
        (rsa_jwk(2048, r#","alg":"HS256""#), Error::KeyTypeMismatch),
        (rsa_jwk(2048, r#","alg":"ES256""#), Error::KeyTypeMismatch),
        (
            rsa_jwk(2048, r#","key_ops":["encrypt"]"#),
            Error::UnsupportedKeyType,
        ),
        (oct_jwk(SECRET, r#","alg":"RS256""#), Error::KeyTypeMismatch),
        // Coordinates shorter than the curve's field size (RFC 7518 §6.2.1.2).
        (
            r#"{"kty":"EC","crv":"P-256","x":"AA","y":"AA"}"#.into(),
            if cfg!(feature = "ecdsa") {
                Error::KeyFormat
            } else {
                Error::UnsupportedKeyType
            },
        ),
        (
            r#"{"kty":"EC","crv":"P-521","x":"AA","y":"AA"}"#.into(),
            Error::UnsupportedKeyType,
        ),
        (
            r#"{"kty":"OKP","crv":"X25519","x":"AA"}"#.into(),
            Error::UnsupportedKeyType,
        ),
        (r#"{"kty":"RSA","n":"AQAB"}"#.into(), Error::KeyFormat),
        (r#"{"kty":"RSA","e":"AQAB"}"#.into(), Error::KeyFormat),
        (r#"{"n":"AQAB","e":"AQAB"}"#.into(), Error::KeyFormat),
        (
            r#"{"kty":"RSA","n":"AQAB=","e":"AQAB"}"#.into(),
            Error::KeyFormat,
        ),
        (r#"{"kty":"oct","k":"a+b/"}"#.into(), Error::KeyFormat),
        (r#"{"kty":"oct","k":42}"#.into(), Error::KeyFormat),
        (rsa_jwk(2048, r#","use":5"#), Error::KeyFormat),
        (rsa_jwk(2048, r#","kty":"RSA""#), Error::KeyFormat), // duplicate member
        (rsa_jwk(2048, r#","kid":"""#), Error::InvalidKeyId),
        ("[]".into(), Error::KeyFormat),
    ] {
        assert_eq!(r.add_jwk(jwk.as_bytes()), Err(want), "{jwk}");
    }
    // key_ops with verify is fine, and so is use sig.
    r.add_jwk(rsa_jwk(2048, r#","key_ops":["verify"],"use":"sig","kid":"a""#).as_bytes())
        .unwrap();
    // Leading zero octets are not minimal (RFC 7518 §6.3.1.1).
    let pk = private_key(2048).to_public_key();
    let mut n = vec![0u8];
    n.extend(n_bytes(&pk));
    let jwk = format!(r#"{{"kty":"RSA","n":"{}","e":"AQAB"}}"#, b64(&n));
    assert_eq!(r.add_jwk(jwk.as_bytes()), Err(Error::KeyFormat));
    // The 1536-bit key is admitted by nobody.
    let pk = rsa::RsaPublicKey::new_unchecked(
        rsa::BigUint::from_bytes_be(&[0xff; 192]),
        rsa::BigUint::from(65537u32),
    );
    let jwk = format!(r#"{{"kty":"RSA","n":"{}","e":"AQAB"}}"#, b64(&n_bytes(&pk)));
    assert_eq!(r.add_jwk(jwk.as_bytes()), Err(Error::RsaModulusTooSmall));
}

#[test]
fn jwks_loads_usable_keys_and_counts_the_rest() {
    let jwks = format!(
        r#"{{"keys":[{},{},{},{},{},{},{}]}}"#,
        rsa_jwk(2048, r#","kid":"a","use":"sig","alg":"RS256""#),
        rsa_jwk(4096, r#","kid":"b""#),
        oct_jwk(SECRET, r#","kid":"h""#),
        rsa_jwk(3072, r#","kid":"enc","use":"enc""#),
        r#"{"kty":"EC","kid":"ec","crv":"P-521","x":"AA","y":"AA"}"#,
        rsa_jwk(2048, r#","kid":"ps","alg":"PS256""#),
        r#"{"kty":"RSA","kid":"small","n":"AQAB","e":"AQAB"}"#,
    );
    let mut r = KeyRing::<4>::new();
    let report = r.add_jwks(jwks.as_bytes()).unwrap();
    assert_eq!(
        (
            report.loaded,
            report.skipped,
            report.rejected,
            report.left_out
        ),
        // The PS256 key loads when the build has `rsa-pss`, and is skipped otherwise.
        if cfg!(feature = "rsa-pss") {
            (4, 2, 1, 0)
        } else {
            (3, 3, 1, 0)
        }
    );
    assert_eq!(report.first_rejection, Some(Error::RsaModulusTooSmall));
    let v = Verifier::new(r, POLICY);
    assert_eq!(
        check_with(&v, rs_token(Some("a"), 2048).as_bytes(), NOW),
        Ok(())
    );
    assert_eq!(
        check_with(&v, rs_token(Some("b"), 4096).as_bytes(), NOW),
        Ok(())
    );
    assert_eq!(
        check_with(&v, rs_token(Some("enc"), 3072).as_bytes(), NOW),
        Err(Error::UnknownKey)
    );
    let t = sign(r#"{"alg":"HS256","kid":"h"}"#, &claims_with(""), SECRET);
    assert_eq!(check_with(&v, t.as_bytes(), NOW), Ok(()));
}

/// Issue 27: a fetched key set is a public document, so the secrets in it are no secrets. An
/// `oct` key is passed over (with or without `kid`, whatever its `alg`), counted apart from the
/// keys that are not for us, and never verifies a token; the configured loader keeps them.
#[test]
fn a_published_set_supplies_public_keys_only() {
    let jwks = format!(
        r#"{{"keys":[{},{},{},{}]}}"#,
        rsa_jwk(2048, r#","kid":"a""#),
        oct_jwk(SECRET, r#","kid":"h""#),
        oct_jwk(SECRET, ""),
        oct_jwk(SECRET, r#","kid":"h5","alg":"HS512","use":"sig""#),
    );
    let mut r = KeyRing::<4>::new();
    let report = r.add_public_jwks(jwks.as_bytes()).unwrap();
    assert_eq!(
        (
            report.loaded,
            report.skipped,
            report.rejected,
            report.secrets_skipped
        ),
        (1, 0, 0, 3)
    );
    let v = Verifier::new(r, POLICY);
    assert_eq!(
        check_with(&v, rs_token(Some("a"), 2048).as_bytes(), NOW),
        Ok(())
    );
    let with_kid = sign(r#"{"alg":"HS256","kid":"h"}"#, &claims_with(""), SECRET);
    assert_eq!(
        check_with(&v, with_kid.as_bytes(), NOW),
        Err(Error::UnknownKey)
    );
    let kidless = sign(r#"{"alg":"HS256"}"#, &claims_with(""), SECRET);
    assert_eq!(
        check_with(&v, kidless.as_bytes(), NOW),
        Err(Error::AlgorithmMismatch)
    );
    // A published set of secrets alone supplies nothing; a malformed `oct` key is not even
    // decoded (its `k` is not base64url), so it cannot reject the set either.
    let mut r = KeyRing::<4>::new();
    let secrets = format!(r#"{{"keys":[{}]}}"#, oct_jwk(SECRET, ""));
    assert_eq!(
        r.add_public_jwks(secrets.as_bytes()),
        Err(Error::NoUsableKeys)
    );
    let bad = r#"{"keys":[{"kty":"oct","k":"!!"}]}"#;
    assert_eq!(r.add_public_jwks(bad.as_bytes()), Err(Error::NoUsableKeys));
    assert_eq!(r.add_jwks(bad.as_bytes()), Err(Error::KeyFormat));
    // The configured loader (a file the operator installed) still takes them.
    let report = r.add_jwks(secrets.as_bytes()).unwrap();
    assert_eq!((report.loaded, report.secrets_skipped), (1, 0));
}

#[test]
fn jwks_errors() {
    let mut r = KeyRing::<1>::new();
    assert_eq!(r.add_jwks(br#"{"keys":[]}"#), Err(Error::NoUsableKeys));
    let only_enc = format!(r#"{{"keys":[{}]}}"#, rsa_jwk(2048, r#","use":"enc""#));
    assert_eq!(r.add_jwks(only_enc.as_bytes()), Err(Error::NoUsableKeys));
    assert_eq!(r.add_jwks(br#"{"keys":{}}"#), Err(Error::KeyFormat));
    assert_eq!(r.add_jwks(br#"{"key":[]}"#), Err(Error::KeyFormat));
    assert_eq!(r.add_jwks(br#"{"keys":[1]}"#), Err(Error::KeyFormat));
    assert_eq!(r.add_jwks(b"{\"keys\":[]"), Err(Error::KeyFormat));
    let two = format!(
        r#"{{"keys":[{},{}]}}"#,
        rsa_jwk(2048, r#","kid":"a""#),
        rsa_jwk(3072, r#","kid":"b""#)
    );
    // A set larger than the ring: the keys that fit load, the rest are reported (issue 19).
    let report = r.add_jwks(two.as_bytes()).unwrap();
    assert_eq!((report.loaded, report.left_out), (1, 1));
    assert_eq!(r.len(), 1);
    // The ring is full now: nothing more fits, and the error says so.
    let third = format!(r#"{{"keys":[{}]}}"#, rsa_jwk(2048, r#","kid":"c""#));
    assert_eq!(r.add_jwks(third.as_bytes()), Err(Error::KeyRingFull));
    // A duplicate kid inside one set rejects the second key, not the set (issue 14): the first
    // key with that id stays the one that answers it.
    let mut r = KeyRing::<2>::new();
    let dup = format!(
        r#"{{"keys":[{},{}]}}"#,
        rsa_jwk(2048, r#","kid":"a""#),
        rsa_jwk(3072, r#","kid":"a""#)
    );
    let report = r.add_jwks(dup.as_bytes()).unwrap();
    assert_eq!((report.loaded, report.rejected), (1, 1));
    assert_eq!(report.first_rejection, Some(Error::DuplicateKeyId));
    // When nothing loads, the error is the first rejection's reason.
    let mut r = KeyRing::<2>::new();
    let small = r#"{"keys":[{"kty":"RSA","kid":"small","n":"AQAB","e":"AQAB"}]}"#;
    assert_eq!(r.add_jwks(small.as_bytes()), Err(Error::RsaModulusTooSmall));
}

#[test]
fn every_import_format_gives_the_same_verdicts() {
    let sk = private_key(2048);
    let good = rs_token(Some("k"), 2048);
    let other = sign_token(
        r#"{"alg":"RS256","kid":"k"}"#,
        &claims_with(""),
        &private_key(3072),
    );
    let jwk = rsa_jwk(2048, r#","kid":"k""#);
    let jwks = format!(r#"{{"keys":[{jwk}]}}"#);
    let pk = sk.to_public_key();
    let mut rings: Vec<(&str, KeyRing<1>)> = Vec::new();
    for (name, load) in [
        (
            "spki pem",
            &(|r: &mut KeyRing<1>| {
                r.add_pem(
                    jwtguard::Algorithm::RS256,
                    Some("k"),
                    &data("rsa2048.pub.pem"),
                )
            }) as &dyn Fn(&mut KeyRing<1>) -> Result<(), Error>,
        ),
        ("pkcs1 pem", &|r: &mut KeyRing<1>| {
            r.add_pem(
                jwtguard::Algorithm::RS256,
                Some("k"),
                &data("rsa2048.pkcs1.pem"),
            )
        }),
        ("spki der", &|r: &mut KeyRing<1>| {
            r.add_der(
                jwtguard::Algorithm::RS256,
                Some("k"),
                &data("rsa2048.spki.der"),
            )
        }),
        ("pkcs1 der", &|r: &mut KeyRing<1>| {
            r.add_der(
                jwtguard::Algorithm::RS256,
                Some("k"),
                &data("rsa2048.pkcs1.der"),
            )
        }),
        ("jwk", &|r: &mut KeyRing<1>| r.add_jwk(jwk.as_bytes())),
        ("jwks", &|r: &mut KeyRing<1>| {
            r.add_jwks(jwks.as_bytes()).map(|_| ())
        }),
        ("n,e", &|r: &mut KeyRing<1>| {
            r.add_rsa_components(
                jwtguard::Algorithm::RS256,
                Some("k"),
                &n_bytes(&pk),
                &e_bytes(&pk),
            )
        }),
    ] {
        let mut r = KeyRing::new();
        load(&mut r).unwrap();
        rings.push((name, r));
    }
    for (name, r) in rings {
        let v = Verifier::new(r, POLICY);
        assert_eq!(check_with(&v, good.as_bytes(), NOW), Ok(()), "{name}");
        assert_eq!(
            check_with(&v, other.as_bytes(), NOW),
            Err(Error::SignatureLength),
            "{name}"
        );
    }
}

/// Issue 28: RFC 7517 §4.5 lets keys of different types share a `kid` ("considered to be
/// equivalent alternatives by the application using them"). Both load, in either order, and
/// the header's `alg` chooses among the keys of that `kid` only; one (`kid`, algorithm) pair is
/// still one key.
#[cfg(feature = "ecdsa")]
#[test]
fn one_kid_on_keys_of_different_types() {
    use p256::ecdsa::signature::Signer;
    let ec = p256::ecdsa::SigningKey::from_slice(&[7u8; 32]).unwrap();
    let point = ec.verifying_key().to_sec1_point(false);
    let ec_jwk = format!(
        r#"{{"kty":"EC","kid":"k1","crv":"P-256","x":"{}","y":"{}"}}"#,
        b64(point.x().unwrap()),
        b64(point.y().unwrap())
    );
    let rsa = rsa_jwk(2048, r#","kid":"k1""#);
    let es_token = {
        let h = b64(br#"{"alg":"ES256","kid":"k1"}"#);
        let p = b64(claims_with("").as_bytes());
        let sig: p256::ecdsa::Signature = ec.sign(format!("{h}.{p}").as_bytes());
        format!("{h}.{p}.{}", b64(&sig.to_bytes()))
    };
    for jwks in [
        format!(r#"{{"keys":[{rsa},{ec_jwk}]}}"#),
        format!(r#"{{"keys":[{ec_jwk},{rsa}]}}"#),
    ] {
        let mut r = KeyRing::<4>::new();
        let report = r.add_jwks(jwks.as_bytes()).unwrap();
        assert_eq!((report.loaded, report.rejected), (2, 0), "{jwks}");
        let v = Verifier::new(r, POLICY);
        assert_eq!(
            check_with(&v, rs_token(Some("k1"), 2048).as_bytes(), NOW),
            Ok(())
        );
        assert_eq!(check_with(&v, es_token.as_bytes(), NOW), Ok(()));
        let hs = sign(r#"{"alg":"HS256","kid":"k1"}"#, &claims_with(""), SECRET);
        assert_eq!(
            check_with(&v, hs.as_bytes(), NOW),
            Err(Error::AlgorithmMismatch)
        );
        assert_eq!(
            check_with(&v, rs_token(Some("k2"), 2048).as_bytes(), NOW),
            Err(Error::UnknownKey)
        );
    }
    // The same (kid, algorithm) twice is still a duplicate; the same kid for HMAC and RSA
    // through the single-key loaders loads both.
    let mut r = KeyRing::<4>::new();
    let twice = format!(r#"{{"keys":[{rsa},{}]}}"#, rsa_jwk(3072, r#","kid":"k1""#));
    let report = r.add_jwks(twice.as_bytes()).unwrap();
    assert_eq!(
        (report.loaded, report.first_rejection),
        (1, Some(Error::DuplicateKeyId))
    );
    let mut r = KeyRing::<4>::new();
    r.add_hmac(jwtguard::Algorithm::HS256, Some("k2"), SECRET)
        .unwrap();
    r.add_jwk(rsa_jwk(2048, r#","kid":"k2""#).as_bytes())
        .unwrap();
    assert_eq!(
        r.add_hmac(jwtguard::Algorithm::HS256, Some("k2"), OTHER_SECRET),
        Err(Error::DuplicateKeyId)
    );
    let v = Verifier::new(r, POLICY);
    assert_eq!(
        check_with(&v, rs_token(Some("k2"), 2048).as_bytes(), NOW),
        Ok(())
    );
    let hs = sign(r#"{"alg":"HS256","kid":"k2"}"#, &claims_with(""), SECRET);
    assert_eq!(check_with(&v, hs.as_bytes(), NOW), Ok(()));
}
