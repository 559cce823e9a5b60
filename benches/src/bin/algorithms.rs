//! The algorithm families beyond HS256/RS256 (issue 17), jwtguard against jsonwebtoken, side by
//! side in one process with the interleaved method of `ratios` (src/timing.rs): RS256 (the
//! reference), RS384, RS512, PS256, PS384, PS512 on one 2048-bit key, ES256, ES384 and EdDSA.
//! Every candidate must accept its token before it is timed.
//!
//! `cargo run --release --bin algorithms [-- --provider aws-lc|rust-crypto] [--rounds N] [FILTER]`
//!
//! Prints each group's minima and jwtguard's ratio to jsonwebtoken, and jwtguard's own cost of
//! each RSA scheme relative to RS256 on the same key.

use std::hint::black_box;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jwtguard::{Algorithm, KeyRing, TokenBuf, Verifier};
use jwtguard_benches::timing::{Args, Candidate, fmt, measure};
use jwtguard_benches::*;
use rsa::pkcs8::{DecodePrivateKey, EncodePublicKey, LineEnding};
use rsa::signature::{RandomizedSigner, SignatureEncoding, Signer};

fn b64(b: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(b)
}

/// A token of `alg`, its verification key as SPKI PEM, and the claims a session token carries.
struct Case {
    alg: Algorithm,
    token: String,
    pem: String,
}

fn cases() -> Vec<Case> {
    use rand_chacha::rand_core::SeedableRng;
    let rsa_key = rsa::RsaPrivateKey::from_pkcs8_pem(include_str!(
        "../../../crates/jwtguard/tests/data/rsa2048.key.pem"
    ))
    .unwrap();
    let rsa_pem = rsa_key
        .to_public_key()
        .to_public_key_pem(LineEnding::LF)
        .unwrap();
    let es256 = p256::ecdsa::SigningKey::from_slice(&[0x25; 32]).unwrap();
    let es384 = p384::ecdsa::SigningKey::from_slice(&[0x38; 48]).unwrap();
    let ed = ed25519_dalek::SigningKey::from_bytes(&[0xed; 32]);
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(17);
    let claims = format!(
        r#"{{"iss":"{ISSUER}","sub":"user_2abc","aud":"{AUDIENCE}","azp":"{PARTY}","exp":4000000000,"nbf":1600000000,"iat":1600000000,"sid":"sess_2xyz","permissions":["read","write"],"org_id":"org_2mno","email":"jean@example.com","name":"Jean Valjean"}}"#
    );
    let mut out = Vec::new();
    // Every public-key algorithm, RS256 first (the reference the others are compared with).
    for &alg in Algorithm::ALL
        .iter()
        .filter(|a| !matches!(a, Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512))
    {
        let header = format!(r#"{{"alg":"{}","typ":"JWT","kid":"k"}}"#, alg.name());
        let input = format!("{}.{}", b64(header.as_bytes()), b64(claims.as_bytes()));
        let m = input.as_bytes();
        use rsa::sha2::{Sha256, Sha384, Sha512};
        let k = rsa_key.clone();
        let (sig, pem): (Vec<u8>, String) = match alg {
            Algorithm::RS256 => (
                rsa::pkcs1v15::SigningKey::<Sha256>::new(k).sign(m).to_vec(),
                rsa_pem.clone(),
            ),
            Algorithm::RS384 => (
                rsa::pkcs1v15::SigningKey::<Sha384>::new(k).sign(m).to_vec(),
                rsa_pem.clone(),
            ),
            Algorithm::RS512 => (
                rsa::pkcs1v15::SigningKey::<Sha512>::new(k).sign(m).to_vec(),
                rsa_pem.clone(),
            ),
            Algorithm::PS256 => (
                rsa::pss::BlindedSigningKey::<Sha256>::new(k)
                    .sign_with_rng(&mut rng, m)
                    .to_vec(),
                rsa_pem.clone(),
            ),
            Algorithm::PS384 => (
                rsa::pss::BlindedSigningKey::<Sha384>::new(k)
                    .sign_with_rng(&mut rng, m)
                    .to_vec(),
                rsa_pem.clone(),
            ),
            Algorithm::PS512 => (
                rsa::pss::BlindedSigningKey::<Sha512>::new(k)
                    .sign_with_rng(&mut rng, m)
                    .to_vec(),
                rsa_pem.clone(),
            ),
            Algorithm::ES256 => {
                use p256::pkcs8::EncodePublicKey as _;
                let s: p256::ecdsa::Signature = p256::ecdsa::signature::Signer::sign(&es256, m);
                (
                    s.to_bytes().to_vec(),
                    es256
                        .verifying_key()
                        .to_public_key_pem(p256::pkcs8::LineEnding::LF)
                        .unwrap(),
                )
            }
            Algorithm::ES384 => {
                use p384::pkcs8::EncodePublicKey as _;
                let s: p384::ecdsa::Signature = p384::ecdsa::signature::Signer::sign(&es384, m);
                (
                    s.to_bytes().to_vec(),
                    es384
                        .verifying_key()
                        .to_public_key_pem(p384::pkcs8::LineEnding::LF)
                        .unwrap(),
                )
            }
            _ => (
                ed25519_dalek::Signer::sign(&ed, m).to_bytes().to_vec(),
                ed25519_dalek::pkcs8::EncodePublicKey::to_public_key_pem(
                    &ed.verifying_key(),
                    ed25519_dalek::pkcs8::spki::der::pem::LineEnding::LF,
                )
                .unwrap(),
            ),
        };
        out.push(Case {
            alg,
            token: format!("{input}.{}", b64(&sig)),
            pem,
        });
    }
    out
}

struct Ours {
    verifier: Verifier<'static, 1>,
}

impl Ours {
    fn new(c: &Case) -> Self {
        let mut keys = KeyRing::new();
        keys.add_pem(c.alg, Some("k"), c.pem.as_bytes()).unwrap();
        Self {
            verifier: Verifier::new(keys, POLICY),
        }
    }

    fn verify(&self, token: &str) -> bool {
        let mut buf = TokenBuf::new();
        self.verifier
            .verify(token.as_bytes(), NOW, &mut buf)
            .is_ok()
    }
}

#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct Claims {
    iss: String,
    sub: String,
    aud: String,
    exp: u64,
    permissions: Vec<String>,
}

struct Theirs {
    key: jsonwebtoken::DecodingKey,
    validation: jsonwebtoken::Validation,
}

impl Theirs {
    fn new(c: &Case) -> Self {
        use jsonwebtoken::{Algorithm as A, DecodingKey};
        let pem = c.pem.as_bytes();
        let (key, alg) = match c.alg {
            Algorithm::RS256 => (DecodingKey::from_rsa_pem(pem).unwrap(), A::RS256),
            Algorithm::RS384 => (DecodingKey::from_rsa_pem(pem).unwrap(), A::RS384),
            Algorithm::RS512 => (DecodingKey::from_rsa_pem(pem).unwrap(), A::RS512),
            Algorithm::PS256 => (DecodingKey::from_rsa_pem(pem).unwrap(), A::PS256),
            Algorithm::PS384 => (DecodingKey::from_rsa_pem(pem).unwrap(), A::PS384),
            Algorithm::PS512 => (DecodingKey::from_rsa_pem(pem).unwrap(), A::PS512),
            Algorithm::ES256 => (DecodingKey::from_ec_pem(pem).unwrap(), A::ES256),
            Algorithm::ES384 => (DecodingKey::from_ec_pem(pem).unwrap(), A::ES384),
            _ => (DecodingKey::from_ed_pem(pem).unwrap(), A::EdDSA),
        };
        let mut validation = jsonwebtoken::Validation::new(alg);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.validate_nbf = true;
        Self { key, validation }
    }

    fn verify(&self, token: &str) -> bool {
        jsonwebtoken::decode::<Claims>(token, &self.key, &self.validation).is_ok()
    }
}

fn main() {
    let Args {
        rounds,
        filter,
        jsonwebtoken: name,
        ..
    } = Args::parse();
    println!("{rounds} interleaved rounds per group; ratio = jwtguard's minimum / {name}'s\n");
    println!("| group | jwtguard | {name} | jwtguard ÷ {name} |");
    println!("|---|---:|---:|---:|");
    let mut ours_min = Vec::new();
    for c in cases() {
        if !c.alg.name().contains(filter.as_str()) {
            continue;
        }
        let (ours, theirs) = (Ours::new(&c), Theirs::new(&c));
        let t = c.token.as_str();
        assert!(ours.verify(t) && theirs.verify(t), "{:?} fixture", c.alg);
        let cands: Vec<Candidate<'_>> = vec![
            ("jwtguard", Box::new(|| ours.verify(black_box(t)))),
            (name, Box::new(|| theirs.verify(black_box(t)))),
        ];
        let times = measure(&cands, rounds, Duration::from_micros(300));
        let min = |v: &Vec<f64>| v.iter().copied().fold(f64::INFINITY, f64::min);
        let (a, b) = (min(&times[0]), min(&times[1]));
        println!(
            "| {} | {} | {} | {:.2}× |",
            c.alg.name(),
            fmt(a),
            fmt(b),
            a / b
        );
        ours_min.push((c.alg, a));
    }
    let Some(&(_, rs256)) = ours_min.iter().find(|(a, _)| *a == Algorithm::RS256) else {
        return;
    };
    println!("\njwtguard, each RSA scheme against RS256 on the same 2048-bit key:");
    for (alg, t) in ours_min
        .iter()
        .filter(|(a, _)| a.name().starts_with(['R', 'P']))
    {
        println!("- {}: {:.2}×", alg.name(), t / rs256);
    }
}
