//! RS256 (RFC 7518 §3.3, RFC 8017 §8.2.2): vectors, key admission, signature edge cases, key
//! formats, and algorithm confusion.
#![allow(clippy::unwrap_used)]

mod common;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use common::rsa_keys::*;
use common::*;
use jwtguard::alg::RsaKey;
use jwtguard::{Error, KeyRing, Policy, TokenBuf, Verifier};
use rsa::BigUint;
use rsa::traits::PublicKeyParts;

fn unb64(s: &str) -> Vec<u8> {
    URL_SAFE_NO_PAD.decode(s).unwrap()
}

// RFC 7515 Appendix A.2 (and RFC 7517 A.1's key): token and public JWK members.
const A2_TOKEN: &str = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqvhJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_IoypGlUPQGe77Rw";
const A2_N: &str = "ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ";
const A2_EXP: u64 = 1300819380;

fn a2_verifier() -> Verifier<'static, 2> {
    let mut keys = KeyRing::new();
    keys.add_rsa_components(
        jwtguard::Algorithm::RS256,
        None,
        &unb64(A2_N),
        &unb64("AQAB"),
    )
    .unwrap();
    Verifier::new(keys, Policy::new().issuers(&["joe"]).require_sub(false))
}

#[test]
fn rfc7515_a2() {
    let v = a2_verifier();
    let mut buf = TokenBuf::new();
    let c = v.verify(A2_TOKEN.as_bytes(), A2_EXP - 1, &mut buf).unwrap();
    assert!(c.issuer().unwrap() == "joe");
    assert_eq!(
        check_with(&v, A2_TOKEN.as_bytes(), A2_EXP),
        Err(Error::Expired)
    );
    // One changed payload character breaks it.
    let bad = A2_TOKEN.replacen("eyJpc3Mi", "eyJpc3Ni", 1);
    assert_eq!(
        check_with(&v, bad.as_bytes(), A2_EXP - 1),
        Err(Error::InvalidSignature)
    );
}

/// RFC 7520 §4.1: RS256 over a non-JSON payload (Tolkien), checked at the signature layer.
#[test]
fn rfc7520_4_1_signature_layer() {
    // Figure 3 key (RFC 7520 §3.3) public part; Figure 13 signature; Figures 9 and 10 inputs.
    let n = "n4EPtAOCc9AlkeQHPzHStgAbgs7bTZLwUBZdR8_KuKPEHLd4rHVTeT-O-XV2jRojdNhxJWTDvNd7nqQ0VEiZQHz_AJmSCpMaJMRBSFKrKb2wqVwGU_NsYOYL-QtiWN2lbzcEe6XC0dApr5ydQLrHqkHHig3RBordaZ6Aj-oBHqFEHYpPe7Tpe-OfVfHd1E6cS6M1FZcD1NNLYD5lFHpPI9bTwJlsde3uhGqC0ZCuEHg8lhzwOHrtIQbS0FVbb9k3-tVTU4fg_3L_vniUFAKwuCLqKnS2BYwdq_mzSnbLY7h_qixoR7jig3__kRhuaxwUkRz5iaiQkqgc5gHdrNP5zw";
    let key = RsaKey::from_components(&unb64(n), &unb64("AQAB")).unwrap();
    let protected = "eyJhbGciOiJSUzI1NiIsImtpZCI6ImJpbGJvLmJhZ2dpbnNAaG9iYml0b24uZXhhbXBsZSJ9";
    let payload = "SXTigJlzIGEgZGFuZ2Vyb3VzIGJ1c2luZXNzLCBGcm9kbywgZ29pbmcgb3V0IHlvdXIgZG9vci4gWW91IHN0ZXAgb250byB0aGUgcm9hZCwgYW5kIGlmIHlvdSBkb24ndCBrZWVwIHlvdXIgZmVldCwgdGhlcmXigJlzIG5vIGtub3dpbmcgd2hlcmUgeW91IG1pZ2h0IGJlIHN3ZXB0IG9mZiB0by4";
    let sig = "MRjdkly7_-oTPTS3AXP41iQIGKa80A0ZmTuV5MEaHoxnW2e5CZ5NlKtainoFmKZopdHM1O2U4mwzJdQx996ivp83xuglII7PNDi84wnB-BDkoBwA78185hX-Es4JIwmDLJK3lfWRa-XtL0RnltuYv746iYTh_qHRD68BNt1uSNCrUCTJDt5aAE6x8wW1Kt9eRo4QPocSadnHXFxnt8Is9UzpERV0ePPQdLuW3IS_de3xyIrDaLGdjluPxUAhb6L2aXic1U12podGU0KLUQSE_oI-ZnmKJ3F4uOZDnd6QZWJushZ41Axf_fcIe8u9ipH84ogoree7vjbU5y18kDquDg";
    let input = format!("{protected}.{payload}");
    assert_eq!(key.verify(input.as_bytes(), &unb64(sig)), Ok(()));
    let mut s = unb64(sig);
    s[100] ^= 1;
    assert_eq!(
        key.verify(input.as_bytes(), &s),
        Err(Error::InvalidSignature)
    );
}

#[test]
fn key_sizes_admitted_at_load() {
    for (file, want) in [
        ("rsa1024.pub.pem", Err(Error::RsaModulusTooSmall)),
        ("rsa1536.pub.pem", Err(Error::RsaModulusTooSmall)),
        ("rsa8192.pub.pem", Err(Error::RsaModulusTooLarge)),
        ("rsa2048.pub.pem", Ok(2048)),
        (
            "rsa3072.pub.pem",
            if cfg!(feature = "rsa-4096") {
                Ok(3072)
            } else {
                Err(Error::RsaModulusTooLarge)
            },
        ),
        (
            "rsa4096.pub.pem",
            if cfg!(feature = "rsa-4096") {
                Ok(4096)
            } else {
                Err(Error::RsaModulusTooLarge)
            },
        ),
    ] {
        let got = RsaKey::from_pem(&data(file)).map(|k| k.modulus_bits());
        assert_eq!(got, want, "{file}");
    }
}

#[test]
fn modulus_and_exponent_rules() {
    let key = private_key(2048).to_public_key();
    let n = n_bytes(&key);
    let mut even = n.clone();
    *even.last_mut().unwrap() &= 0xfe;
    assert_eq!(
        RsaKey::from_components(&even, &[1, 0, 1]).err(),
        Some(Error::RsaInvalidModulus)
    );
    // 2047 bits: clear the top bit.
    let mut short = n.clone();
    short[0] &= 0x7f;
    assert_eq!(
        RsaKey::from_components(&short, &[1, 0, 1]).err(),
        Some(Error::RsaModulusTooSmall)
    );
    // Leading zero bytes are not bits.
    let mut padded = vec![0, 0];
    padded.extend_from_slice(&n);
    assert_eq!(
        RsaKey::from_components(&padded, &[0, 1, 0, 1])
            .unwrap()
            .modulus_bits(),
        2048
    );
    assert_eq!(
        RsaKey::from_components(&[], &[1, 0, 1]).err(),
        Some(Error::RsaModulusTooSmall)
    );
    for e in [
        &[][..],
        &[0],
        &[1],
        &[2],
        &[1, 0, 0],
        &[1, 0, 0, 0, 1],
        &[0xff, 0xff, 0xff, 0xfe],
    ] {
        assert_eq!(
            RsaKey::from_components(&n, e).err(),
            Some(Error::RsaInvalidExponent),
            "{e:?}"
        );
    }
    for e in [&[3u8][..], &[1, 0, 1], &[0xff, 0xff, 0xff, 0xff]] {
        assert_eq!(
            RsaKey::from_components(&n, e)
                .unwrap()
                .exponent()
                .to_be_bytes()
                .iter()
                .skip_while(|b| **b == 0)
                .count(),
            e.len()
        );
    }
}

#[test]
fn signature_lengths_and_values() {
    let sk = private_key(2048);
    let pk = sk.to_public_key();
    let key = RsaKey::from_components(&n_bytes(&pk), &e_bytes(&pk)).unwrap();
    let msg = b"header.payload";
    let good = sign_rs256(&sk, msg);
    assert_eq!(good.len(), 256);
    assert_eq!(key.verify(msg, &good), Ok(()));
    // 255 bytes (a leading zero dropped) and 257 (one added) are length errors even when the
    // value is the same number.
    let mut with_zero = vec![0u8];
    with_zero.extend_from_slice(&good);
    assert_eq!(key.verify(msg, &with_zero), Err(Error::SignatureLength));
    assert_eq!(key.verify(msg, &good[1..]), Err(Error::SignatureLength));
    assert_eq!(key.verify(msg, &[]), Err(Error::SignatureLength));

    let n = pk.n().clone();
    let one = BigUint::from(1u8);
    let fixed = |v: &BigUint| {
        let mut b = v.to_bytes_be();
        while b.len() < 256 {
            b.insert(0, 0);
        }
        b
    };
    for (what, v) in [
        ("0", BigUint::from(0u8)),
        ("1", one.clone()),
        ("n-1", &n - &one),
        ("n", n.clone()),
        ("n+1", &n + &one),
        ("s+n", BigUint::from_bytes_be(&good) + &n),
    ] {
        let b = fixed(&v);
        if b.len() != 256 {
            assert_eq!(key.verify(msg, &b), Err(Error::SignatureLength), "{what}");
        } else {
            assert_eq!(key.verify(msg, &b), Err(Error::InvalidSignature), "{what}");
        }
    }
}

/// Hand-built encoded blocks: each deviation from EMSA-PKCS1-v1_5 must fail, including the
/// DigestInfo without its NULL parameter that RFC 8017 §9.2 note 1 mentions.
#[test]
fn padding_is_compared_never_parsed() {
    use sha2::{Digest, Sha256};
    let sk = private_key(2048);
    let pk = sk.to_public_key();
    let key = RsaKey::from_components(&n_bytes(&pk), &e_bytes(&pk)).unwrap();
    let msg = b"signing input";
    let h = Sha256::digest(msg);
    let with_null: &[u8] = &[
        0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01,
        0x05, 0x00, 0x04, 0x20,
    ];
    let no_null: &[u8] = &[
        0x30, 0x2f, 0x30, 0x0b, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01,
        0x04, 0x20,
    ];
    let block = |prefix: &[u8], t: &[u8], h: &[u8], ps_byte: u8, sep: u8| {
        let mut em = prefix.to_vec();
        let ps = 256 - prefix.len() - 1 - t.len() - h.len();
        em.extend(std::iter::repeat_n(ps_byte, ps));
        em.push(sep);
        em.extend_from_slice(t);
        em.extend_from_slice(h);
        em
    };
    let good = block(&[0, 1], with_null, &h, 0xff, 0);
    assert_eq!(
        key.verify(msg, &raw_sign(&sk, &good)),
        Ok(()),
        "the builder itself is right"
    );
    let mut wrong_hash = h.to_vec();
    wrong_hash[0] ^= 1;
    let mut garbage_in_ps = good.clone();
    garbage_in_ps[50] = 0xfe;
    for (what, em) in [
        ("missing NULL", block(&[0, 1], no_null, &h, 0xff, 0)),
        ("block type 2", block(&[0, 2], with_null, &h, 0xff, 0)),
        ("leading 01", block(&[1, 1], with_null, &h, 0xff, 0)),
        ("PS of zeros", block(&[0, 1], with_null, &h, 0x00, 0)),
        ("separator 01", block(&[0, 1], with_null, &h, 0xff, 1)),
        (
            "wrong hash",
            block(&[0, 1], with_null, &wrong_hash, 0xff, 0),
        ),
        ("byte in PS", garbage_in_ps),
    ] {
        assert_eq!(
            key.verify(msg, &raw_sign(&sk, &em)),
            Err(Error::InvalidSignature),
            "{what}"
        );
    }
}

#[test]
fn malformed_keys() {
    let pem = String::from_utf8(data("rsa2048.pub.pem")).unwrap();
    assert_eq!(
        RsaKey::from_pem(pem.replace("PUBLIC KEY", "CERTIFICATE").as_bytes()).err(),
        Some(Error::UnsupportedKeyType)
    );
    // A private-key label is named as such, whatever the content (issue 19).
    assert_eq!(
        RsaKey::from_pem(pem.replace("PUBLIC KEY", "PRIVATE KEY").as_bytes()).err(),
        Some(Error::PrivateKey)
    );
    assert_eq!(
        RsaKey::from_pem(pem.replace("MIIB", "MIIC").as_bytes()).err(),
        Some(Error::KeyFormat)
    );
    assert_eq!(RsaKey::from_pem(b"not pem").err(), Some(Error::KeyFormat));
    assert_eq!(RsaKey::from_der(b"\x30\x00").err(), Some(Error::KeyFormat));
    let der = data("rsa2048.spki.der");
    assert_eq!(
        RsaKey::from_der(&der[..der.len() - 1]).err(),
        Some(Error::KeyFormat)
    );
    let mut trailing = der.clone();
    trailing.push(0);
    assert_eq!(RsaKey::from_der(&trailing).err(), Some(Error::KeyFormat));
    // A private key is not a public key.
    assert!(RsaKey::from_pem(&data("rsa2048.key.pem")).is_err());
}

/// RFC 8725 §2.1: an attacker MACs a token with the RSA public key's bytes as the HMAC secret
/// and says alg HS256. The key was loaded for RS256, so the header cannot turn it into one.
#[test]
fn algorithm_confusion_hs256_keyed_with_rsa_public_key() {
    let mut r = KeyRing::<2>::new();
    r.add_pem(
        jwtguard::Algorithm::RS256,
        Some("rsa"),
        &data("rsa2048.pub.pem"),
    )
    .unwrap();
    let v = Verifier::new(r, POLICY);
    for secret in [
        data("rsa2048.pub.pem"),
        data("rsa2048.spki.der"),
        data("rsa2048.pkcs1.der"),
        data("rsa2048.pkcs1.pem"),
    ] {
        let named = sign(r#"{"alg":"HS256","kid":"rsa"}"#, &claims_with(""), &secret);
        assert_eq!(
            check_with(&v, named.as_bytes(), NOW),
            Err(Error::AlgorithmMismatch)
        );
        let unnamed = sign(r#"{"alg":"HS256"}"#, &claims_with(""), &secret);
        assert_eq!(
            check_with(&v, unnamed.as_bytes(), NOW),
            Err(Error::AlgorithmMismatch)
        );
    }
    // And the other direction: an RS256 header naming an HS256 key.
    let mut r = KeyRing::<2>::new();
    r.add_hmac(jwtguard::Algorithm::HS256, Some("mac"), SECRET)
        .unwrap();
    let v = Verifier::new(r, POLICY);
    let t = sign_token(
        r#"{"alg":"RS256","kid":"mac"}"#,
        &claims_with(""),
        &private_key(2048),
    );
    assert_eq!(
        check_with(&v, t.as_bytes(), NOW),
        Err(Error::AlgorithmMismatch)
    );
}

#[cfg(feature = "rsa-4096")]
#[test]
fn rsa_and_hmac_keys_side_by_side() {
    let sk = private_key(2048);
    let mut r = KeyRing::<4>::new();
    r.add_hmac(jwtguard::Algorithm::HS256, None, SECRET)
        .unwrap();
    r.add_pem(jwtguard::Algorithm::RS256, None, &data("rsa2048.pub.pem"))
        .unwrap();
    r.add_pem(
        jwtguard::Algorithm::RS256,
        Some("big"),
        &data("rsa4096.pub.pem"),
    )
    .unwrap();
    let v = Verifier::new(r, POLICY);
    assert_eq!(check_with(&v, good_token().as_bytes(), NOW), Ok(()));
    let t = sign_token(r#"{"alg":"RS256"}"#, &claims_with(""), &sk);
    assert_eq!(check_with(&v, t.as_bytes(), NOW), Ok(()));
    let t = sign_token(
        r#"{"alg":"RS256","kid":"big"}"#,
        &claims_with(""),
        &private_key(4096),
    );
    assert_eq!(check_with(&v, t.as_bytes(), NOW), Ok(()));
    // The unnamed 2048-bit key is not a fallback for kid "big".
    let t = sign_token(r#"{"alg":"RS256","kid":"big"}"#, &claims_with(""), &sk);
    assert_eq!(
        check_with(&v, t.as_bytes(), NOW),
        Err(Error::SignatureLength)
    );
    let t = sign_token(r#"{"alg":"RS256","kid":"other"}"#, &claims_with(""), &sk);
    assert_eq!(check_with(&v, t.as_bytes(), NOW), Err(Error::UnknownKey));
}
