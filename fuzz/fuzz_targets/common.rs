//! Fixed keys and policy shared by the targets (included with `#[path]`).
#![allow(dead_code)]

use jwtguard::{KeyRing, MetadataField, Policy, Verifier};

pub const NOW: u64 = 1_700_000_000;
pub const SECRET: &[u8] = b"fuzz-hs256-secret-0123456789abcdefghij";
pub const RSA_PEM: &str = include_str!("../../crates/jwtguard/tests/data/rsa2048.pub.pem");
pub const RSA_KEY_PEM: &str = include_str!("../../crates/jwtguard/tests/data/rsa2048.key.pem");

pub static FIELDS: [MetadataField<'static>; 3] = [
    MetadataField::optional("user_data.name"),
    MetadataField::optional("user_data.aliases").named("aliases"),
    MetadataField::optional("n"),
];

pub static POLICY: Policy<'static> = Policy::new()
    .issuers(&["https://issuer.example"])
    .audiences(&["api"])
    .leeway(30)
    .require_sub(false)
    .metadata(&FIELDS);

pub fn verifier() -> Verifier<'static, 4> {
    let mut keys = KeyRing::new();
    keys.add_hmac(jwtguard::Algorithm::HS256, Some("h"), SECRET)
        .unwrap();
    keys.add_hmac(jwtguard::Algorithm::HS256, None, SECRET)
        .unwrap();
    keys.add_pem(jwtguard::Algorithm::RS256, Some("r"), RSA_PEM.as_bytes())
        .unwrap();
    keys.add_pem(jwtguard::Algorithm::RS256, None, RSA_PEM.as_bytes())
        .unwrap();
    Verifier::new(keys, POLICY)
}
