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

/// A claim's text as a gateway forwards it: `Claims::text` borrows what stands in the token as
/// its text and writes the rest (escapes undone, whitespace dropped), for top-level names
/// (from the verify's index), dot paths and JSON Pointers alike.
#[test]
fn claim_text() {
    let v = verifier(Policy::new().audiences(&["convex"]));
    let payload = r#"{"sub":"user_1","exp":9999999999,"aud":"convex","picture":"https:\/\/img.example\/j.png","org":{"roles":[ "admin", "billing" ],"seats":-3},"tags":["a b"],"n":1e3,"empty":""}"#;
    let t = sign(HEADER, payload, SECRET);
    let mut buf = TokenBuf::new();
    let c = v.verify(t.as_bytes(), NOW, &mut buf).unwrap();
    let write = |path: &str| {
        let text = c.text(path).unwrap();
        let mut out = vec![0u8; text.len()];
        assert_eq!(text.write_into(&mut out), Ok(out.len()), "{path}");
        (String::from_utf8(out).unwrap(), text.as_bytes().is_some())
    };
    // (path, text, borrowed from the token)
    for (path, want, borrowed) in [
        ("sub", "user_1", true),
        ("exp", "9999999999", true),
        ("picture", "https://img.example/j.png", false),
        ("org", r#"{"roles":["admin","billing"],"seats":-3}"#, false),
        ("org.roles", r#"["admin","billing"]"#, false),
        ("org.seats", "-3", true),
        ("/org/roles/1", "billing", true),
        // A space inside a string is no whitespace to drop: the verify's index knows, a scan
        // (without the claims cache) looks at bytes and writes the same text.
        ("tags", r#"["a b"]"#, cfg!(feature = "claims-cache")),
        ("n", "1e3", true),
        ("empty", "", true),
    ] {
        assert_eq!(write(path), (want.to_string(), borrowed), "{path}");
    }
    let sub = c.text("sub").unwrap();
    assert_eq!(sub.as_bytes(), Some(&b"user_1"[..]));
    assert_eq!(
        sub.write_into(&mut [0u8; 5]),
        Err(6),
        "too short: the size needed"
    );
    assert!(c.text("empty").unwrap().is_empty());
    for absent in ["nickname", "org.missing", "sub.x", "/org/roles/2", "", "."] {
        assert!(c.text(absent).is_none(), "{absent}");
    }
}
