//! Signs a token, for tests that need tokens made now (the nginx module's tests verify against
//! the real clock, with identity providers whose keys they generate). Not for production: the
//! sample keys are public test keys.
//!
//! ```text
//! cargo run -p jwtguard-ffi --example mint_token -- HEADER_JSON CLAIMS_JSON
//! cargo run -p jwtguard-ffi --example mint_token -- --key FILE HEADER_JSON CLAIMS_JSON
//! cargo run -p jwtguard-ffi --example mint_token -- --jwk FILE KID
//! ```
//!
//! Without `--key`, the header picks a sample key: `"alg":"HS256"` signs with
//! examples/data/hs256.secret; `"alg":"RS256"` with the 3072-bit test key if the kid is
//! "rsa-2025", else the 2048-bit one ("rsa-2024" in examples/data/jwks.json); `"alg":"none"`
//! gets an empty signature. With `--key FILE`, FILE signs: a PKCS#8 PEM private key (RSA for
//! RS256 and PS256, P-256 for ES256, Ed25519 for EdDSA) or, for HS256, a secret file (its bytes
//! without the trailing newline). `--jwk FILE KID` prints the public JWK of the PEM private key FILE, with that kid
//! and its algorithm (what a test identity provider publishes).
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use p256::ecdsa::signature::Signer as _;
use rsa::pkcs1v15::SigningKey;
use rsa::pkcs8::DecodePrivateKey;
use rsa::signature::{SignatureEncoding, Signer};
use rsa::traits::PublicKeyParts;

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn hs256(secret: &[u8], input: &str) -> Vec<u8> {
    let mut m = Hmac::<sha2::Sha256>::new_from_slice(secret).unwrap();
    m.update(input.as_bytes());
    m.finalize().into_bytes().to_vec()
}

fn rs256(pem: &str, input: &str) -> Vec<u8> {
    let key = rsa::RsaPrivateKey::from_pkcs8_pem(pem).unwrap();
    SigningKey::<rsa::sha2::Sha256>::new(key)
        .sign(input.as_bytes())
        .to_vec()
}

fn ps256(pem: &str, input: &str) -> Vec<u8> {
    use rsa::signature::RandomizedSigner as _;
    let key = rsa::RsaPrivateKey::from_pkcs8_pem(pem).unwrap();
    let mut rng = <rand_chacha::ChaCha20Rng as rand_chacha::rand_core::SeedableRng>::seed_from_u64(
        u64::try_from(input.len()).unwrap(),
    );
    rsa::pss::BlindedSigningKey::<rsa::sha2::Sha256>::new(key)
        .sign_with_rng(&mut rng, input.as_bytes())
        .to_vec()
}

fn eddsa(pem: &str, input: &str) -> Vec<u8> {
    use ed25519_dalek::pkcs8::DecodePrivateKey as _;
    let key = ed25519_dalek::SigningKey::from_pkcs8_pem(pem).unwrap();
    ed25519_dalek::Signer::sign(&key, input.as_bytes())
        .to_bytes()
        .to_vec()
}

fn es256(pem: &str, input: &str) -> Vec<u8> {
    let key =
        <p256::ecdsa::SigningKey as p256::pkcs8::DecodePrivateKey>::from_pkcs8_pem(pem).unwrap();
    let sig: p256::ecdsa::Signature = key.sign(input.as_bytes());
    sig.to_bytes().to_vec()
}

/// The public JWK of a PKCS#8 PEM private key (RSA or P-256).
fn jwk(pem: &str, kid: &str) -> String {
    if let Ok(key) = rsa::RsaPrivateKey::from_pkcs8_pem(pem) {
        return format!(
            r#"{{"kty":"RSA","kid":"{kid}","use":"sig","alg":"RS256","n":"{}","e":"{}"}}"#,
            b64(&key.n().to_bytes_be()),
            b64(&key.e().to_bytes_be())
        );
    }
    let key = <p256::ecdsa::SigningKey as p256::pkcs8::DecodePrivateKey>::from_pkcs8_pem(pem)
        .expect("an RSA or P-256 PKCS#8 key");
    let point = key.verifying_key().to_sec1_point(false);
    format!(
        r#"{{"kty":"EC","kid":"{kid}","use":"sig","alg":"ES256","crv":"P-256","x":"{}","y":"{}"}}"#,
        b64(point.x().unwrap()),
        b64(point.y().unwrap())
    )
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let (key, header, claims) = match args.as_slice() {
        [flag, file, kid] if flag == "--jwk" => {
            println!("{}", jwk(&std::fs::read_to_string(file).unwrap(), kid));
            return;
        }
        [flag, file, header, claims] if flag == "--key" => (Some(file), header, claims),
        [header, claims] => (None, header, claims),
        _ => {
            eprintln!("usage: mint_token [--key FILE] HEADER_JSON CLAIMS_JSON | --jwk FILE KID");
            std::process::exit(2);
        }
    };
    let input = format!("{}.{}", b64(header.as_bytes()), b64(claims.as_bytes()));
    let read = |path: &str| std::fs::read_to_string(path).unwrap();
    let sig = match (key, header) {
        (Some(file), h) if h.contains(r#""alg":"HS256""#) => {
            hs256(read(file).trim_end().as_bytes(), &input)
        }
        (Some(file), h) if h.contains(r#""alg":"ES256""#) => es256(&read(file), &input),
        (Some(file), h) if h.contains(r#""alg":"PS256""#) => ps256(&read(file), &input),
        (Some(file), h) if h.contains(r#""alg":"EdDSA""#) => eddsa(&read(file), &input),
        (Some(file), _) => rs256(&read(file), &input),
        (None, h) if h.contains(r#""alg":"HS256""#) => {
            let secret = read(&format!("{root}/examples/data/hs256.secret"));
            hs256(secret.trim_end().as_bytes(), &input)
        }
        (None, h) if h.contains(r#""alg":"RS256""#) => {
            let bits = if h.contains(r#""kid":"rsa-2025""#) {
                3072
            } else {
                2048
            };
            rs256(
                &read(&format!(
                    "{root}/crates/jwtguard/tests/data/rsa{bits}.key.pem"
                )),
                &input,
            )
        }
        (None, _) => Vec::new(),
    };
    println!("{input}.{}", b64(&sig));
}
