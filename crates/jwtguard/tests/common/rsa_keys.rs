//! RSA test keys (committed under tests/data, generated with openssl for these tests only) and
//! signing through the `rsa` crate, our reference oracle.
#![allow(dead_code, clippy::unwrap_used)]

use rsa::pkcs8::DecodePrivateKey;
use rsa::sha2::{Digest, Sha256};
use rsa::traits::{PrivateKeyParts, PublicKeyParts};
use rsa::{BigUint, Pkcs1v15Sign, RsaPrivateKey, RsaPublicKey};

pub fn data(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

pub fn private_key(bits: usize) -> RsaPrivateKey {
    let pem = String::from_utf8(data(&format!("rsa{bits}.key.pem"))).unwrap();
    RsaPrivateKey::from_pkcs8_pem(&pem).unwrap()
}

pub fn sign_rs256(key: &RsaPrivateKey, msg: &[u8]) -> Vec<u8> {
    key.sign(Pkcs1v15Sign::new::<Sha256>(), &Sha256::digest(msg))
        .unwrap()
}

/// The oracle's verdict on an RS256 signature.
pub fn oracle_verify(key: &RsaPublicKey, msg: &[u8], sig: &[u8]) -> bool {
    key.verify(Pkcs1v15Sign::new::<Sha256>(), &Sha256::digest(msg), sig)
        .is_ok()
}

/// Raw RSA private operation on a chosen encoded block: lets tests build signatures whose
/// padding is wrong in a precise way.
pub fn raw_sign(key: &RsaPrivateKey, em: &[u8]) -> Vec<u8> {
    let m = BigUint::from_bytes_be(em);
    let s = m.modpow(key.d(), key.n());
    let mut out = s.to_bytes_be();
    while out.len() < key.size() {
        out.insert(0, 0);
    }
    out
}

pub fn n_bytes(key: &RsaPublicKey) -> Vec<u8> {
    key.n().to_bytes_be()
}

pub fn e_bytes(key: &RsaPublicKey) -> Vec<u8> {
    key.e().to_bytes_be()
}

/// A token signed RS256 with `key`.
pub fn sign_token(header: &str, payload: &str, key: &RsaPrivateKey) -> String {
    let input = format!(
        "{}.{}",
        super::b64(header.as_bytes()),
        super::b64(payload.as_bytes())
    );
    let sig = sign_rs256(key, input.as_bytes());
    format!("{input}.{}", super::b64(&sig))
}
