//! `Claims::deserialize` (the `serde` feature): the seed 001 example (a custom-JWT login's
//! `user_data`), RFC 9068 access-token claims, and every way a claim can fail to fit a type,
//! each exactly `Error::ClaimType`.
#![cfg(feature = "serde")]
#![allow(clippy::unwrap_used)]

mod common;
use common::*;
use heapless::{String as HString, Vec as HVec};
use jwtguard::{Error, Policy, TokenBuf};
use serde::Deserialize;

/// Seed 001's example JWT, as an App Services custom-JWT provider receives it.
const SEED_001: &str = r#"{"aud":"myapp-abcde","exp":4516239022,"sub":"24601","user_data":{"name":"Jean Valjean","aliases":["Monsieur Madeleine","Ultime Fauchelevent","Urbain Fabre"]}}"#;

#[derive(Deserialize, Debug, PartialEq)]
struct UserData<'a> {
    name: &'a str,
    aliases: HVec<&'a str, 4>,
}

#[derive(Deserialize, Debug, PartialEq)]
struct Login<'a> {
    aud: &'a str,
    exp: u64,
    sub: &'a str,
    #[serde(borrow)]
    user_data: UserData<'a>,
}

fn verify_typed<T>(
    header: &str,
    policy: Policy<'static>,
    payload: &str,
    read: impl FnOnce(&jwtguard::Claims<'_>) -> T,
) -> Result<T, Error> {
    let v = verifier(policy);
    let t = sign(header, payload, SECRET);
    let mut buf = TokenBuf::new();
    let c = v.verify(t.as_bytes(), NOW, &mut buf)?;
    Ok(read(&c))
}

fn verify_with<T>(
    policy: Policy<'static>,
    payload: &str,
    read: impl FnOnce(&jwtguard::Claims<'_>) -> T,
) -> T {
    verify_typed(HEADER, policy, payload, read).unwrap()
}

#[test]
fn seed_001_user_data() {
    let policy = Policy::new().audiences(&["myapp-abcde"]).any_issuer();
    verify_with(policy, SEED_001, |c| {
        // Borrowed fields point into the caller's TokenBuf, so they live as long as it does.
        let login: Login<'_> = c.deserialize().unwrap();
        assert_eq!(login.aud, "myapp-abcde");
        assert_eq!(login.exp, 4_516_239_022);
        assert_eq!(login.sub, "24601");
        assert_eq!(login.user_data.name, "Jean Valjean");
        assert_eq!(
            login.user_data.aliases.as_slice(),
            ["Monsieur Madeleine", "Ultime Fauchelevent", "Urbain Fabre"]
        );
    });
}

/// RFC 9068 §2.2: the JWT access token's claims (scope as a space-delimited string,
/// client_id, jti), read into owned heapless strings.
#[test]
fn rfc9068_access_token() {
    #[derive(Deserialize)]
    struct AccessToken {
        iss: HString<64>,
        sub: HString<32>,
        aud: HString<32>,
        client_id: HString<32>,
        jti: HString<32>,
        scope: HString<64>,
        exp: u64,
        iat: u64,
        auth_time: Option<u64>,
        #[serde(default)]
        acr: Option<HString<16>>,
    }
    let payload = format!(
        r#"{{"iss":"https://issuer.example","sub":"5ba552d67","aud":"https://rs.example.com","client_id":"s6BhdRkqt3","jti":"dbe39bf3a3ba4238a513f51d6e1691c4","scope":"openid profile reademail","exp":{},"iat":{},"auth_time":{}}}"#,
        NOW + 60,
        NOW - 10,
        NOW - 20
    );
    let policy = Policy::new()
        .access_token()
        .issuers(&["https://issuer.example"])
        .audiences(&["https://rs.example.com"]);
    // RFC 9068 §2.1: the header's typ is at+jwt.
    let header = r#"{"alg":"HS256","typ":"at+jwt"}"#;
    let at = verify_typed(header, policy, &payload, |c| c.deserialize::<AccessToken>())
        .unwrap()
        .unwrap();
    assert_eq!(at.iss.as_str(), "https://issuer.example");
    assert_eq!(at.client_id.as_str(), "s6BhdRkqt3");
    assert_eq!(
        at.scope.split(' ').collect::<Vec<_>>(),
        ["openid", "profile", "reademail"]
    );
    assert_eq!(
        (at.exp, at.iat, at.auth_time),
        (NOW + 60, NOW - 10, Some(NOW - 20))
    );
    assert_eq!(at.sub.as_str(), "5ba552d67");
    assert_eq!(at.aud.as_str(), "https://rs.example.com");
    assert_eq!(at.jti.len(), 32);
    assert!(at.acr.is_none());
}

#[derive(Deserialize, Debug)]
#[allow(dead_code)]
struct Nested {
    sub: HString<16>,
    org: Org,
}

#[derive(Deserialize, Debug)]
#[allow(dead_code)]
struct Org {
    id: u32,
    admin: bool,
    roles: HVec<HString<8>, 2>,
}

const POLICY_ANY: Policy<'static> = Policy::new().any_issuer().without_audience();

fn nested(payload: &str) -> Result<Nested, Error> {
    verify_typed(HEADER, POLICY_ANY, payload, |c| c.deserialize::<Nested>())?
}

#[test]
fn nested_structs_numbers_bools() {
    let n =
        nested(r#"{"sub":"u1","exp":9999999999,"org":{"id":7,"admin":true,"roles":["a","b"]}}"#)
            .unwrap();
    assert_eq!((n.org.id, n.org.admin, n.org.roles.len()), (7, true, 2));
}

/// Each way a claim can fail to fit: always `ClaimType`, never a panic, never a truncation.
#[test]
fn mistyped_claims_are_claim_type() {
    let exp = r#""exp":9999999999"#;
    for bad in [
        // wrong type
        format!(r#"{{"sub":"u",{exp},"org":{{"id":"7","admin":true,"roles":[]}}}}"#),
        format!(r#"{{"sub":"u",{exp},"org":{{"id":7,"admin":"yes","roles":[]}}}}"#),
        format!(r#"{{"sub":"u",{exp},"org":{{"id":7,"admin":true,"roles":"a"}}}}"#),
        // out of range for u32, negative, fractional
        format!(r#"{{"sub":"u",{exp},"org":{{"id":4294967296,"admin":true,"roles":[]}}}}"#),
        format!(r#"{{"sub":"u",{exp},"org":{{"id":-1,"admin":true,"roles":[]}}}}"#),
        format!(r#"{{"sub":"u",{exp},"org":{{"id":1.5,"admin":true,"roles":[]}}}}"#),
        // missing field
        format!(r#"{{"sub":"u",{exp},"org":{{"id":7,"roles":[]}}}}"#),
        format!(r#"{{"sub":"u",{exp}}}"#),
        // longer than the field's capacity, more elements than the vector's
        format!(
            r#"{{"sub":"this-subject-is-too-long",{exp},"org":{{"id":7,"admin":true,"roles":[]}}}}"#
        ),
        format!(r#"{{"sub":"u",{exp},"org":{{"id":7,"admin":true,"roles":["a","b","c"]}}}}"#),
        format!(r#"{{"sub":"u",{exp},"org":{{"id":7,"admin":true,"roles":["toolongrole"]}}}}"#),
    ] {
        assert_eq!(nested(&bad).err(), Some(Error::ClaimType), "{bad}");
    }
}

/// Escapes: an owned string gets the decoded text; a borrowed `&str` cannot point at decoded
/// text in the token, so it is an error, never the raw escaped bytes.
#[test]
fn escaped_strings() {
    #[derive(Deserialize)]
    struct Owned {
        picture: HString<64>,
    }
    #[derive(Deserialize)]
    #[allow(dead_code)]
    struct Borrowed<'a> {
        picture: &'a str,
    }
    let payload = r#"{"sub":"u","exp":9999999999,"picture":"https:\/\/img.example\/j.png","name":"Zo\u00eb"}"#;
    let owned = verify_with(POLICY_ANY, payload, |c| c.deserialize::<Owned>().unwrap());
    assert_eq!(owned.picture.as_str(), "https://img.example/j.png");
    let borrowed = verify_with(POLICY_ANY, payload, |c| {
        c.deserialize::<Borrowed<'_>>().err()
    });
    assert_eq!(borrowed, Some(Error::ClaimType));
    #[derive(Deserialize)]
    struct Name {
        name: HString<8>,
    }
    let name = verify_with(POLICY_ANY, payload, |c| c.deserialize::<Name>().unwrap());
    assert_eq!(name.name.as_str(), "Zoë");
    // An escaped string longer than the field's capacity: an error, not a truncation.
    let long = format!(
        r#"{{"sub":"u","exp":9999999999,"picture":"{}"}}"#,
        "\\/".repeat(70)
    );
    let err = verify_with(POLICY_ANY, &long, |c| c.deserialize::<Owned>().err());
    assert_eq!(err, Some(Error::ClaimType));
}

/// Issue 28: a string claim with escapes that decodes to more than 512 bytes (the buffer's size
/// before) must not fail a struct that never reads it, at the default capacity and at 16 KiB;
/// one that reads it gets its text.
#[test]
fn a_long_escaped_claim_the_struct_skips() {
    #[derive(Deserialize, Debug)]
    struct Small<'a> {
        sub: &'a str,
    }
    #[derive(Deserialize, Debug)]
    struct Reads {
        bio: HString<1100>,
    }
    let bio = "\\u00e9".repeat(180); // 1,080 bytes escaped, 360 decoded
    let bio_long = "\\/".repeat(520); // 1,040 bytes escaped, 520 decoded
    for b in [&bio, &bio_long] {
        let payload = format!(r#"{{"sub":"u","exp":9999999999,"bio":"{b}"}}"#);
        let sub = verify_with(POLICY_ANY, &payload, |c| {
            c.deserialize::<Small<'_>>().map(|s| s.sub.len())
        });
        assert_eq!(sub, Ok(1));
        let read = verify_with(POLICY_ANY, &payload, |c| {
            c.deserialize::<Reads>().map(|r| r.bio.len())
        });
        assert!(read.is_ok(), "{read:?}");
    }
    // A 10 KB escaped claim in a 16 KiB token.
    let huge = format!(
        r#"{{"sub":"u","exp":9999999999,"bio":"{}"}}"#,
        "\\/".repeat(5000)
    );
    let v = verifier(POLICY_ANY).max_token_len(16384);
    let t = sign(HEADER, &huge, SECRET);
    let mut buf = TokenBuf::<jwtguard::capacity::Capacity16K>::empty();
    let c = v.verify(t.as_bytes(), NOW, &mut buf).unwrap();
    assert_eq!(c.deserialize::<Small<'_>>().map(|s| s.sub), Ok("u"));
}
