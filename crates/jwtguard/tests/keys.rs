//! Key selection (RFC 7515 §4.1.4, RFC 8725 §3.1) and key loading.
#![allow(clippy::unwrap_used)]

mod common;
use common::*;
use jwtguard::limits::MAX_KID_LEN;
use jwtguard::{Error, KeyRing, Verifier};

const K1: &[u8] = b"rotating-key-one-0123456789abcdefghij";
const K2: &[u8] = b"rotating-key-two-0123456789abcdefghij";
const K3: &[u8] = b"rotating-key-three-0123456789abcdefgh";

fn ring(keys: &[(Option<&str>, &[u8])]) -> Verifier<'static, 4> {
    let mut r = KeyRing::new();
    for (kid, k) in keys {
        r.add_hmac(jwtguard::Algorithm::HS256, *kid, k).unwrap();
    }
    Verifier::new(r, POLICY)
}

fn with_kid(kid: Option<&str>, secret: &[u8]) -> String {
    let h = match kid {
        Some(k) => format!(r#"{{"alg":"HS256","kid":"{k}"}}"#),
        None => r#"{"alg":"HS256"}"#.to_string(),
    };
    sign(&h, &claims_with(""), secret)
}

#[test]
fn three_rotating_keys_without_kid() {
    let v = ring(&[(None, K1), (None, K2), (None, K3)]);
    for k in [K1, K2, K3] {
        assert_eq!(check_with(&v, with_kid(None, k).as_bytes(), NOW), Ok(()));
    }
    assert_eq!(
        check_with(&v, with_kid(None, SECRET).as_bytes(), NOW),
        Err(Error::InvalidSignature)
    );
}

#[test]
fn kid_selects_exactly_one_key() {
    let v = ring(&[(Some("a"), K1), (Some("b"), K2), (None, K3)]);
    assert_eq!(
        check_with(&v, with_kid(Some("a"), K1).as_bytes(), NOW),
        Ok(())
    );
    assert_eq!(
        check_with(&v, with_kid(Some("b"), K2).as_bytes(), NOW),
        Ok(())
    );
    // Signed with b's key but naming a: no trying the others.
    assert_eq!(
        check_with(&v, with_kid(Some("a"), K2).as_bytes(), NOW),
        Err(Error::InvalidSignature)
    );
    // The unnamed key K3 is never a wildcard for a named kid.
    assert_eq!(
        check_with(&v, with_kid(Some("c"), K3).as_bytes(), NOW),
        Err(Error::UnknownKey)
    );
    // Byte-exact: case and whitespace matter; escapes are decoded first.
    assert_eq!(
        check_with(&v, with_kid(Some("A"), K1).as_bytes(), NOW),
        Err(Error::UnknownKey)
    );
    assert_eq!(
        check_with(&v, with_kid(Some("a "), K1).as_bytes(), NOW),
        Err(Error::UnknownKey)
    );
    assert_eq!(
        check_with(&v, with_kid(Some("\\u0061"), K1).as_bytes(), NOW),
        Ok(())
    );
    assert_eq!(
        check_with(&v, with_kid(Some(""), K1).as_bytes(), NOW),
        Err(Error::UnknownKey)
    );
    // No kid: every HS256 key, named or not, may be tried.
    assert_eq!(check_with(&v, with_kid(None, K3).as_bytes(), NOW), Ok(()));
    assert_eq!(check_with(&v, with_kid(None, K1).as_bytes(), NOW), Ok(()));
}

#[test]
fn empty_ring_knows_no_key() {
    let v = Verifier::new(KeyRing::<1>::new(), POLICY);
    let mut buf = jwtguard::TokenBuf::new();
    assert_eq!(
        v.verify(good_token().as_bytes(), NOW, &mut buf).err(),
        Some(Error::UnknownKey)
    );
}

#[test]
fn wrong_signature_length() {
    let t = good_token();
    let (head, _) = t.rsplit_once('.').unwrap();
    for n in [0usize, 16, 31, 33, 64, 256] {
        let bad = format!("{head}.{}", b64(&vec![7u8; n]));
        assert_eq!(check(&bad), Err(Error::SignatureLength), "{n}");
    }
}

#[test]
fn loading_rules() {
    let mut r = KeyRing::<2>::new();
    assert_eq!(
        r.add_hmac(jwtguard::Algorithm::HS256, None, &[0u8; 31]),
        Err(Error::KeyTooShort)
    );
    assert_eq!(
        r.add_hmac(jwtguard::Algorithm::HS256, None, b""),
        Err(Error::KeyTooShort)
    );
    assert_eq!(
        r.add_hmac(jwtguard::Algorithm::HS256, Some(""), K1),
        Err(Error::InvalidKeyId)
    );
    assert_eq!(
        r.add_hmac(
            jwtguard::Algorithm::HS256,
            Some(&"k".repeat(MAX_KID_LEN + 1)),
            K1
        ),
        Err(Error::InvalidKeyId)
    );
    assert_eq!(
        r.add_hmac(
            jwtguard::Algorithm::HS256,
            Some(&"k".repeat(MAX_KID_LEN)),
            K1
        ),
        Ok(())
    );
    assert_eq!(
        r.add_hmac(
            jwtguard::Algorithm::HS256,
            Some(&"k".repeat(MAX_KID_LEN)),
            K2
        ),
        Err(Error::DuplicateKeyId)
    );
    assert_eq!(
        r.add_hmac(jwtguard::Algorithm::HS256, None, &[0u8; 32]),
        Ok(())
    );
    assert_eq!(
        r.add_hmac(jwtguard::Algorithm::HS256, None, K3),
        Err(Error::KeyRingFull)
    );
    assert_eq!(r.len(), 2);
}

#[test]
fn verifier_is_shareable_between_threads() {
    fn assert_sync<T: Sync + Send>() {}
    assert_sync::<Verifier<'static, 4>>();
    let v = ring(&[(None, K1)]);
    let t = with_kid(None, K1);
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| assert_eq!(check_with(&v, t.as_bytes(), NOW), Ok(())));
        }
    });
}

/// A token without `kid` is tried against at most `kidless_limit` keys of its algorithm (issue
/// 20: a kid-less token must not make a gateway run a check against every key of a large set).
#[test]
fn kidless_tokens_try_at_most_the_limit() {
    let secrets: Vec<Vec<u8>> = (0..6u8).map(|i| vec![b'a' + i; 32]).collect();
    let token_of = |i: usize| sign(HEADER, &claims_with(""), &secrets[i]);
    let mut keys = KeyRing::<8>::new();
    for s in &secrets {
        keys.add_hmac(jwtguard::Algorithm::HS256, None, s).unwrap();
    }
    let v = Verifier::new(keys.clone(), POLICY);
    // The default limit is 4: the 4th key is tried, the 5th and 6th are not.
    assert_eq!(jwtguard::limits::DEFAULT_KIDLESS_LIMIT, 4);
    assert_eq!(check_with(&v, token_of(3).as_bytes(), NOW), Ok(()));
    for i in [4, 5] {
        assert_eq!(
            check_with(&v, token_of(i).as_bytes(), NOW),
            Err(Error::InvalidSignature),
            "key {i}"
        );
    }
    // A higher limit reaches them; a limit of 1 tries only the first key.
    keys.kidless_limit(core::num::NonZeroU8::new(6).unwrap());
    let v = Verifier::new(keys.clone(), POLICY);
    assert_eq!(check_with(&v, token_of(5).as_bytes(), NOW), Ok(()));
    keys.kidless_limit(core::num::NonZeroU8::MIN);
    let v = Verifier::new(keys, POLICY);
    assert_eq!(check_with(&v, token_of(0).as_bytes(), NOW), Ok(()));
    assert_eq!(
        check_with(&v, token_of(1).as_bytes(), NOW),
        Err(Error::InvalidSignature)
    );
}
