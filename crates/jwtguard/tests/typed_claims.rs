//! Typed claim access by dot path, as JWT templates produce it.
#![allow(clippy::unwrap_used)]

mod common;
use common::*;
use jwtguard::{Error, Policy, TokenBuf};

const TEMPLATE: &str = r#"{"sub":"user_1","exp":9999999999,"aud":"convex","name":"Jean Valjean","email":"jean@example.com","email_verified":true,"picture":"https:\/\/img.example\/j.png","updated_at":1700000000,"org":{"roles":["admin","billing"],"seats":-3,"big":9223372036854775808,"frac":1.5,"exp10":1e3}}"#;

#[test]
fn typed_access() {
    let v = verifier(Policy::new().audiences(&["convex"]));
    let t = sign(HEADER, TEMPLATE, SECRET);
    let mut buf = TokenBuf::new();
    let c = v.verify(t.as_bytes(), NOW, &mut buf).unwrap();

    assert!(c.string("name").unwrap().unwrap() == "Jean Valjean");
    assert_eq!(
        c.string("email").unwrap().unwrap().as_str(),
        Ok("jean@example.com")
    );
    let pic = c.string("picture").unwrap().unwrap();
    // Escaped: as_str says so, with the size to decode into (never a silent "absent").
    assert_eq!(
        pic.as_str(),
        Err(jwtguard::json::Escaped { needed: 25 }),
        "escaped: needs unescaping"
    );
    assert_eq!(format!("{pic:?}"), "\"https://img.example/j.png\"");
    assert_eq!(pic.to_string(), "https://img.example/j.png");
    let mut out = [0u8; 64];
    assert_eq!(pic.unescape_into(&mut out), Ok("https://img.example/j.png"));
    assert_eq!(c.boolean("email_verified"), Ok(Some(true)));
    assert_eq!(c.integer("updated_at"), Ok(Some(1_700_000_000)));
    assert_eq!(c.integer("org.seats"), Ok(Some(-3)));
    let roles: Vec<String> = c
        .strings("org.roles")
        .unwrap()
        .unwrap()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(roles, ["admin", "billing"]);

    // Missing is Ok(None); wrong type is an error.
    assert_eq!(c.string("nickname"), Ok(None));
    assert_eq!(c.boolean("org.missing"), Ok(None));
    assert_eq!(c.integer("name.x"), Ok(None));
    assert!(c.strings("nope").unwrap().is_none());
    assert_eq!(c.string("email_verified").err(), Some(Error::ClaimType));
    assert_eq!(c.boolean("email").err(), Some(Error::ClaimType));
    assert_eq!(c.integer("name").err(), Some(Error::ClaimType));
    assert_eq!(c.integer("org.frac").err(), Some(Error::ClaimType));
    assert_eq!(c.integer("org.exp10").err(), Some(Error::ClaimType));
    assert_eq!(c.integer("org.big").err(), Some(Error::ClaimOutOfRange));
    assert!(matches!(c.strings("org.seats"), Err(Error::ClaimType)));
    assert!(matches!(c.strings("org"), Err(Error::ClaimType)));
    assert!(c.value("org.roles").is_some());
}

#[test]
fn strings_rejects_mixed_arrays() {
    let v = verifier(Policy::new());
    let t = sign(
        HEADER,
        r#"{"sub":"1","exp":9999999999,"r":["a",1]}"#,
        SECRET,
    );
    let mut buf = TokenBuf::new();
    let c = v.verify(t.as_bytes(), NOW, &mut buf).unwrap();
    assert!(matches!(c.strings("r"), Err(Error::ClaimType)));
}
