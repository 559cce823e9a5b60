//! Differential test against the `rsa` crate (our reference oracle): random keys of 2048, 3072
//! and 4096 bits, random messages, valid and bit-flipped signatures, random signature values.
//! Ours must give the oracle's verdict every time.
//!
//! Seeded, so a failure reproduces: set JWTGUARD_DIFF_SEED to explore other seeds and
//! JWTGUARD_DIFF_ROUNDS for more messages per key.
#![allow(clippy::unwrap_used)]

mod common;
use common::rsa_keys::*;
use jwtguard::alg::RsaKey;
use rand::{Rng, RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rsa::RsaPrivateKey;
use rsa::traits::PublicKeyParts;

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn agree(key: &RsaPrivateKey, rng: &mut ChaCha8Rng, rounds: u64, seed: u64) {
    let pk = key.to_public_key();
    let ours = RsaKey::from_components(&n_bytes(&pk), &e_bytes(&pk)).unwrap();
    let len = key.size();
    for round in 0..rounds {
        let mut msg = vec![0u8; rng.gen_range(0..2048)];
        rng.fill_bytes(&mut msg);
        let sig = sign_rs256(key, &msg);
        let ctx = format!("seed {seed} bits {} round {round}", len * 8);
        assert!(oracle_verify(&pk, &msg, &sig), "{ctx}");
        assert_eq!(ours.verify(&msg, &sig), Ok(()), "{ctx}");

        // One flipped bit in the signature, anywhere.
        let mut bad = sig.clone();
        let bit = rng.gen_range(0..len * 8);
        bad[bit / 8] ^= 1 << (bit % 8);
        assert_eq!(
            ours.verify(&msg, &bad).is_ok(),
            oracle_verify(&pk, &msg, &bad),
            "{ctx} sig bit {bit}"
        );

        // One flipped bit in the message.
        if !msg.is_empty() {
            let mut m = msg.clone();
            let bit = rng.gen_range(0..m.len() * 8);
            m[bit / 8] ^= 1 << (bit % 8);
            assert_eq!(
                ours.verify(&m, &sig).is_ok(),
                oracle_verify(&pk, &m, &sig),
                "{ctx} msg bit {bit}"
            );
        }

        // A random value of the right length (may be >= n).
        let mut r = vec![0u8; len];
        rng.fill_bytes(&mut r);
        assert_eq!(
            ours.verify(&msg, &r).is_ok(),
            oracle_verify(&pk, &msg, &r),
            "{ctx} random"
        );
    }
}

#[test]
fn agrees_with_rsa_crate() {
    let seed = env_u64("JWTGUARD_DIFF_SEED", 0x6a77_7467);
    let rounds = env_u64("JWTGUARD_DIFF_ROUNDS", 24);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    // Fresh keys each seed (2048, and odd sizes that exercise padding of the top limb), plus
    // the committed 3072- and 4096-bit keys, whose generation would dominate the run time.
    for bits in [2048usize, 2056, 2568] {
        let key = RsaPrivateKey::new(&mut rng, bits).unwrap();
        agree(&key, &mut rng, rounds, seed);
    }
    for bits in [3072, 4096] {
        agree(&private_key(bits), &mut rng, rounds, seed);
    }
}
