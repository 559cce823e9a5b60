//! PS256/PS384/PS512 against the `rsa` crate's PSS verify under a fixed 2048-bit key: fuzzed
//! messages with fuzzed signatures, and real signatures with fuzzed bit flips. Any
//! disagreement is a crash. (RFC 7518 §3.5: MGF1 with the same hash, salt = hash length; the
//! `rsa` crate's `VerifyingKey` checks exactly that salt length.)
#![no_main]
use std::sync::OnceLock;

use arbitrary::Arbitrary;
use jwtguard::Algorithm;
use jwtguard::alg::RsaKey;
use libfuzzer_sys::fuzz_target;
use rsa::RsaPrivateKey;
use rsa::pkcs8::DecodePrivateKey;
use rsa::pss::{BlindedSigningKey, Signature, VerifyingKey};
use rsa::sha2::{Sha256, Sha384, Sha512};
use rsa::signature::{RandomizedSigner, SignatureEncoding, Verifier};

#[path = "common.rs"]
mod common;

#[derive(Arbitrary, Debug)]
enum Input {
    Raw {
        hash: u8,
        msg: Vec<u8>,
        sig: Vec<u8>,
    },
    Signed {
        hash: u8,
        msg: Vec<u8>,
        flips: Vec<u16>,
        seed: u64,
    },
}

fn ours(alg: Algorithm) -> &'static RsaKey {
    static K: OnceLock<[RsaKey; 3]> = OnceLock::new();
    let keys = K.get_or_init(|| {
        let key = || RsaKey::from_pem(common::RSA_PEM.as_bytes()).unwrap();
        [
            key().for_algorithm(Algorithm::PS256).unwrap(),
            key().for_algorithm(Algorithm::PS384).unwrap(),
            key().for_algorithm(Algorithm::PS512).unwrap(),
        ]
    });
    &keys[match alg {
        Algorithm::PS256 => 0,
        Algorithm::PS384 => 1,
        _ => 2,
    }]
}

fn private() -> &'static RsaPrivateKey {
    static K: OnceLock<RsaPrivateKey> = OnceLock::new();
    K.get_or_init(|| RsaPrivateKey::from_pkcs8_pem(common::RSA_KEY_PEM).unwrap())
}

macro_rules! theirs {
    ($h:ty, $msg:expr, $sig:expr) => {
        Signature::try_from($sig).is_ok_and(|s| {
            VerifyingKey::<$h>::new(private().to_public_key())
                .verify($msg, &s)
                .is_ok()
        })
    };
}

macro_rules! sign {
    ($h:ty, $msg:expr, $seed:expr) => {{
        use rsa::rand_core::SeedableRng;
        let mut rng = rand_chacha_compat::ChaCha8Rng::seed_from_u64($seed);
        BlindedSigningKey::<$h>::new(private().clone())
            .sign_with_rng(&mut rng, $msg)
            .to_vec()
    }};
}

fuzz_target!(|input: Input| {
    let (hash, msg, sig) = match input {
        Input::Raw { hash, msg, sig } => (hash % 3, msg, sig),
        Input::Signed {
            hash,
            msg,
            flips,
            seed,
        } => {
            let hash = hash % 3;
            let mut sig = match hash {
                0 => sign!(Sha256, &msg, seed),
                1 => sign!(Sha384, &msg, seed),
                _ => sign!(Sha512, &msg, seed),
            };
            for f in flips.iter().take(4) {
                let bit = usize::from(*f) % (sig.len() * 8);
                sig[bit / 8] ^= 1 << (bit % 8);
            }
            (hash, msg, sig)
        }
    };
    let (alg, theirs) = match hash {
        0 => (Algorithm::PS256, theirs!(Sha256, &msg, &sig[..])),
        1 => (Algorithm::PS384, theirs!(Sha384, &msg, &sig[..])),
        _ => (Algorithm::PS512, theirs!(Sha512, &msg, &sig[..])),
    };
    assert_eq!(
        ours(alg).verify(&msg, &sig).is_ok(),
        theirs,
        "{alg:?}, sig {} bytes",
        sig.len()
    );
});
