//! RS256 against the `rsa` crate under a fixed 2048-bit key: fuzzed messages with fuzzed
//! signatures, and real signatures with fuzzed bit flips. Any disagreement is a crash.
#![no_main]
use std::sync::OnceLock;

use arbitrary::Arbitrary;
use jwtguard::alg::RsaKey;
use libfuzzer_sys::fuzz_target;
use rsa::pkcs8::DecodePrivateKey;
use rsa::sha2::{Digest, Sha256};
use rsa::{Pkcs1v15Sign, RsaPrivateKey, RsaPublicKey};

#[path = "common.rs"]
mod common;

#[derive(Arbitrary, Debug)]
enum Input {
    Raw {
        msg: Vec<u8>,
        sig: Vec<u8>,
    },
    Signed {
        msg: Vec<u8>,
        flips: Vec<u16>,
        extend: Option<u8>,
    },
}

fn keys() -> &'static (RsaPrivateKey, RsaPublicKey, RsaKey) {
    static K: OnceLock<(RsaPrivateKey, RsaPublicKey, RsaKey)> = OnceLock::new();
    K.get_or_init(|| {
        let private = RsaPrivateKey::from_pkcs8_pem(common::RSA_KEY_PEM).unwrap();
        let public = private.to_public_key();
        (
            private,
            public,
            RsaKey::from_pem(common::RSA_PEM.as_bytes()).unwrap(),
        )
    })
}

fuzz_target!(|input: Input| {
    let (private, public, ours) = keys();
    let (msg, sig) = match input {
        Input::Raw { msg, sig } => (msg, sig),
        Input::Signed { msg, flips, extend } => {
            let mut sig = private
                .sign(Pkcs1v15Sign::new::<Sha256>(), &Sha256::digest(&msg))
                .unwrap();
            for f in flips.iter().take(4) {
                let bit = usize::from(*f) % (sig.len() * 8);
                sig[bit / 8] ^= 1 << (bit % 8);
            }
            if let Some(b) = extend {
                sig.push(b);
            }
            (msg, sig)
        }
    };
    let theirs = public
        .verify(Pkcs1v15Sign::new::<Sha256>(), &Sha256::digest(&msg), &sig)
        .is_ok();
    assert_eq!(
        ours.verify(&msg, &sig).is_ok(),
        theirs,
        "sig {} bytes",
        sig.len()
    );
});
