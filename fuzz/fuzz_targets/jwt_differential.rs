//! jwtguard against jsonwebtoken with its RustCrypto backend (issue 28): jwtguard must never
//! accept a token the reference rejects.
//!
//! Each input builds a well-formed token and then mutates it: the first byte picks the
//! algorithm (one key per family, the sample JWKS's), the rest splits into a header and a
//! payload that the target signs with that algorithm's private key, followed by edits applied
//! to the compact token (flip, replace, insert or delete a byte; cut a segment; swap the
//! header). Both verify it at the same clock, with the same issuer and audience, no leeway,
//! `exp` required; the reference picks its key by the header's `kid` (or, without one, tries
//! every key of the header's `alg`), as jwtguard does.
//!
//! jwtguard accepting what the reference rejects is a finding (a panic). The reverse, a
//! stricter rejection, is expected (duplicate members, `crit`, `typ`, a required `sub`,
//! canonical base64url, small-order Ed25519 points, ...): each class is printed once, and the
//! run goes on. One documented leniency is set aside: RFC 7519 §2 makes NumericDate a JSON
//! number, not an integer, and jwtguard reads fractional dates (rounding toward rejection),
//! where the reference refuses them.
#![no_main]
use std::collections::HashSet;
use std::sync::{Mutex, OnceLock};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jwtguard::{Algorithm, KeyRing, Policy, TokenBuf, Verifier};
use libfuzzer_sys::fuzz_target;

const JWKS: &str = include_str!("../../examples/data/algs.jwks.json");
const ISS: &str = "https://issuer.example";
const AUD: &str = "api.example";

struct Fixture {
    verifier: Verifier<'static, 12>,
    /// The reference's keys, by kid, with the algorithm each is bound to.
    reference: Vec<(String, jsonwebtoken::Algorithm, jsonwebtoken::DecodingKey)>,
    rsa: rsa::RsaPrivateKey,
}

/// The sample keys' private halves, as examples/data's generator makes them
/// (ffi/examples/make_sample_data.rs: fixed seeds, the 2048-bit test key).
fn hmac_secret(len: usize) -> Vec<u8> {
    (0..len).map(|i| b'a' + (i % 26) as u8).collect()
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let _ = jsonwebtoken::crypto::rust_crypto::DEFAULT_PROVIDER.install_default();
        let mut keys = KeyRing::new();
        assert_eq!(keys.add_jwks(JWKS.as_bytes()).unwrap().loaded, 12);
        static ISSUERS: [&str; 1] = [ISS];
        static AUDIENCES: [&str; 1] = [AUD];
        let verifier = Verifier::new(keys, Policy::new().issuers(&ISSUERS).audiences(&AUDIENCES));
        let set: jsonwebtoken::jwk::JwkSet = serde_json::from_str(JWKS).unwrap();
        let reference = set
            .keys
            .iter()
            .map(|jwk| {
                let kid = jwk.common.key_id.clone().unwrap();
                let alg = jsonwebtoken::Algorithm::from_str(&kid_alg(&kid)).unwrap();
                (kid, alg, jsonwebtoken::DecodingKey::from_jwk(jwk).unwrap())
            })
            .collect();
        let pem = include_str!("../../crates/jwtguard/tests/data/rsa2048.key.pem");
        let rsa =
            <rsa::RsaPrivateKey as rsa::pkcs8::DecodePrivateKey>::from_pkcs8_pem(pem).unwrap();
        Fixture {
            verifier,
            reference,
            rsa,
        }
    })
}

/// "ps256-key" -> "PS256", "eddsa-key" -> "EdDSA".
fn kid_alg(kid: &str) -> String {
    let name = kid.trim_end_matches("-key");
    if name == "eddsa" {
        "EdDSA".into()
    } else {
        name.to_ascii_uppercase()
    }
}

use std::str::FromStr as _;

fn sign(alg: Algorithm, input: &[u8], rsa_key: &rsa::RsaPrivateKey) -> Vec<u8> {
    use hmac::{KeyInit, Mac};
    use rsa::signature::{RandomizedSigner, SignatureEncoding, Signer};
    let mut rng = rand_chacha_compat::ChaCha8Rng::from_seed([7; 32]);
    macro_rules! hmac {
        ($h:ty, $len:expr) => {{
            let mut m = hmac::Hmac::<$h>::new_from_slice(&hmac_secret($len)).unwrap();
            m.update(input);
            m.finalize().into_bytes().to_vec()
        }};
    }
    let k = rsa_key.clone();
    match alg {
        Algorithm::HS256 => hmac!(sha2::Sha256, 32),
        Algorithm::HS384 => hmac!(sha2::Sha384, 48),
        Algorithm::HS512 => hmac!(sha2::Sha512, 64),
        Algorithm::RS256 => rsa::pkcs1v15::SigningKey::<rsa::sha2::Sha256>::new(k)
            .sign(input)
            .to_vec(),
        Algorithm::RS384 => rsa::pkcs1v15::SigningKey::<rsa::sha2::Sha384>::new(k)
            .sign(input)
            .to_vec(),
        Algorithm::RS512 => rsa::pkcs1v15::SigningKey::<rsa::sha2::Sha512>::new(k)
            .sign(input)
            .to_vec(),
        Algorithm::PS256 => rsa::pss::BlindedSigningKey::<rsa::sha2::Sha256>::new(k)
            .sign_with_rng(&mut rng, input)
            .to_vec(),
        Algorithm::PS384 => rsa::pss::BlindedSigningKey::<rsa::sha2::Sha384>::new(k)
            .sign_with_rng(&mut rng, input)
            .to_vec(),
        Algorithm::PS512 => rsa::pss::BlindedSigningKey::<rsa::sha2::Sha512>::new(k)
            .sign_with_rng(&mut rng, input)
            .to_vec(),
        Algorithm::ES256 => {
            let sk = p256::ecdsa::SigningKey::from_slice(&[0x25; 32]).unwrap();
            let s: p256::ecdsa::Signature = p256::ecdsa::signature::Signer::sign(&sk, input);
            s.to_bytes().to_vec()
        }
        Algorithm::ES384 => {
            let sk = p384::ecdsa::SigningKey::from_slice(&[0x38; 48]).unwrap();
            let s: p384::ecdsa::Signature = p384::ecdsa::signature::Signer::sign(&sk, input);
            s.to_bytes().to_vec()
        }
        Algorithm::EdDSA => {
            let sk = ed25519_dalek::SigningKey::from_bytes(&[0xed; 32]);
            ed25519_dalek::Signer::sign(&sk, input).to_bytes().to_vec()
        }
        _ => Vec::new(),
    }
}

use rand_chacha_compat::rand_core::SeedableRng as _;

/// `sign`, remembered: an RSA signature is most of an execution, and the fuzzer often changes
/// only the edits, not what is signed. (Cleared when it holds 4,096 signatures.)
fn signed(alg: Algorithm, input: &str, rsa_key: &rsa::RsaPrivateKey) -> Vec<u8> {
    static CACHE: Mutex<Option<std::collections::HashMap<(Algorithm, String), Vec<u8>>>> =
        Mutex::new(None);
    let mut cache = CACHE.lock().unwrap();
    let cache = cache.get_or_insert_with(Default::default);
    if let Some(sig) = cache.get(&(alg, input.to_string())) {
        return sig.clone();
    }
    if cache.len() >= 4096 {
        cache.clear();
    }
    let sig = sign(alg, input.as_bytes(), rsa_key);
    cache.insert((alg, input.to_string()), sig.clone());
    sig
}

/// Whether the reference accepts `token` with the key its header selects.
fn reference_accepts(f: &Fixture, token: &str) -> bool {
    let Ok(header) = jsonwebtoken::decode_header(token) else {
        return false;
    };
    f.reference
        .iter()
        .filter(|(kid, alg, _)| match &header.kid {
            Some(k) => k == kid && *alg == header.alg,
            None => *alg == header.alg,
        })
        .any(|(_, alg, key)| {
            let mut v = jsonwebtoken::Validation::new(*alg);
            v.leeway = 0;
            v.validate_nbf = true;
            v.set_issuer(&[ISS]);
            v.set_audience(&[AUD]);
            v.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
            jsonwebtoken::decode::<serde_json::Value>(token, key, &v).is_ok()
        })
}

/// A stricter rejection, printed once per class.
fn note_stricter(class: &str) {
    static SEEN: Mutex<Option<HashSet<String>>> = Mutex::new(None);
    let mut seen = SEEN.lock().unwrap();
    if seen
        .get_or_insert_with(HashSet::new)
        .insert(class.to_string())
    {
        eprintln!("stricter than jsonwebtoken: {class}");
    }
}

/// Whether the payload has a NumericDate that is not an integer (the leniency set aside).
fn fractional_date(token: &str) -> bool {
    let Some(payload) = token.split('.').nth(1) else {
        return false;
    };
    let Ok(bytes) = URL_SAFE_NO_PAD.decode(payload) else {
        return false;
    };
    let Ok(serde_json::Value::Object(claims)) = serde_json::from_slice::<serde_json::Value>(&bytes)
    else {
        return false;
    };
    ["exp", "nbf", "iat"]
        .iter()
        .any(|c| claims.get(*c).is_some_and(|v| v.is_number() && !v.is_u64()))
}

fuzz_target!(|data: &[u8]| {
    let f = fixture();
    let Some((&sel, rest)) = data.split_first() else {
        return;
    };
    let alg = Algorithm::ALL[usize::from(sel) % Algorithm::ALL.len()];
    // [header len][header][payload len][payload][edits...]
    let take = |buf: &[u8]| -> Option<(Vec<u8>, usize)> {
        let (&n, tail) = buf.split_first()?;
        let n = usize::from(n).min(tail.len());
        Some((tail[..n].to_vec(), n + 1))
    };
    let Some((header_extra, used_h)) = take(rest) else {
        return;
    };
    let Some((payload, used_p)) = take(&rest[used_h..]) else {
        return;
    };
    let edits = &rest[used_h + used_p..];
    // A header naming the algorithm and its key, with the fuzzed bytes as more members when
    // they make a JSON object's tail (else as they are: the header may be anything).
    let kid = format!("{}-key", alg.name().to_ascii_lowercase());
    let header = match std::str::from_utf8(&header_extra) {
        Ok(extra) if sel & 0x80 == 0 => {
            format!(r#"{{"alg":"{}","kid":"{kid}"{extra}}}"#, alg.name())
        }
        _ => String::from_utf8_lossy(&header_extra).into_owned(),
    };
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.as_bytes()),
        URL_SAFE_NO_PAD.encode(&payload)
    );
    let sig = signed(alg, &input, &f.rsa);
    let mut token = format!("{input}.{}", URL_SAFE_NO_PAD.encode(&sig)).into_bytes();
    for e in edits.chunks(3) {
        let [op, at, b] = *e else { break };
        if token.is_empty() {
            break;
        }
        let i = usize::from(at) * token.len() / 256;
        match op % 6 {
            0 => token[i] ^= 1 << (b % 8),
            1 => token[i] = b,
            2 => token.insert(i, b),
            3 => {
                token.remove(i);
            }
            4 => token.truncate(i),
            _ => {
                let j = usize::from(b) * token.len() / 256;
                token.swap(i, j);
            }
        }
    }
    let Ok(token) = std::str::from_utf8(&token) else {
        return;
    };
    let mut buf = TokenBuf::new();
    let ours = f
        .verifier
        .verify(token.as_bytes(), jwtguard::now_unix(), &mut buf);
    let theirs = reference_accepts(f, token);
    match (ours, theirs) {
        (Ok(_), false) if fractional_date(token) => {
            note_stricter("(theirs) fractional NumericDate")
        }
        (Ok(_), false) => panic!("jwtguard accepted a token jsonwebtoken rejects: {token}"),
        (Err(e), true) => note_stricter(e.name()),
        _ => {}
    }
});
