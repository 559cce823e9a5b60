//! Signs a token with the sample keys, for tests that need tokens made now (the nginx module's
//! tests verify against the real clock). Not for production: the keys are public test keys.
//!
//! `cargo run -p jwtguard-ffi --example mint_token -- HEADER_JSON CLAIMS_JSON`
//!
//! The header picks the key: `"alg":"HS256"` signs with examples/data/hs256.secret;
//! `"alg":"RS256"` with the 3072-bit test key if the kid is "rsa-2025", else the 2048-bit one
//! ("rsa-2024" in examples/data/jwks.json); `"alg":"none"` gets an empty signature.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use rsa::pkcs1v15::SigningKey;
use rsa::pkcs8::DecodePrivateKey;
use rsa::signature::{SignatureEncoding, Signer};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [header, claims] = args.as_slice() else {
        eprintln!("usage: mint_token HEADER_JSON CLAIMS_JSON");
        std::process::exit(2);
    };
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header),
        URL_SAFE_NO_PAD.encode(claims)
    );
    let sig = if header.contains(r#""alg":"HS256""#) {
        let secret = std::fs::read_to_string(format!("{root}/examples/data/hs256.secret")).unwrap();
        let mut m = Hmac::<sha2::Sha256>::new_from_slice(secret.trim_end().as_bytes()).unwrap();
        m.update(input.as_bytes());
        m.finalize().into_bytes().to_vec()
    } else if header.contains(r#""alg":"RS256""#) {
        let bits = if header.contains(r#""kid":"rsa-2025""#) {
            3072
        } else {
            2048
        };
        let pem = std::fs::read_to_string(format!(
            "{root}/crates/jwtguard/tests/data/rsa{bits}.key.pem"
        ))
        .unwrap();
        let key = rsa::RsaPrivateKey::from_pkcs8_pem(&pem).unwrap();
        SigningKey::<rsa::sha2::Sha256>::new(key)
            .sign(input.as_bytes())
            .to_vec()
    } else {
        Vec::new()
    };
    println!("{input}.{}", URL_SAFE_NO_PAD.encode(sig));
}
