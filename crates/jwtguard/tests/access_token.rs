//! The OAuth 2.0 JWT access token profile (RFC 9068).
#![allow(clippy::unwrap_used)]

mod common;
use common::*;
use jwtguard::Error;

fn at(header: &str, extra: &str, required: &[&str]) -> Result<(), Error> {
    check_request(POLICY.access_token(), header, &claims_with(extra), required)
}

const AT: &str = r#"{"alg":"HS256","typ":"at+jwt"}"#;
const FULL: &str = r#""client_id":"app-1","jti":"j-1","scope":"read write","#;

#[test]
fn a_conforming_access_token() {
    assert_eq!(at(AT, FULL, &["read"]), Ok(()));
    assert_eq!(
        at(
            r#"{"alg":"HS256","typ":"application/at+jwt"}"#,
            FULL,
            &["write"]
        ),
        Ok(())
    );
    assert_eq!(
        at(AT, FULL, &["admin"]),
        Err(Error::InsufficientPermissions)
    );
}

#[test]
fn typ_must_be_present_and_right() {
    assert_eq!(
        at(r#"{"alg":"HS256"}"#, FULL, &[]),
        Err(Error::UnexpectedType)
    );
    assert_eq!(at(HEADER, FULL, &[]), Err(Error::UnexpectedType));
    assert_eq!(at(r#"{"alg":"HS256","typ":"at+JWT"}"#, FULL, &[]), Ok(()));
}

#[test]
fn required_claims() {
    assert_eq!(
        at(AT, r#""jti":"j","scope":"read","#, &[]),
        Err(Error::MissingClientId)
    );
    assert_eq!(
        at(AT, r#""client_id":"c","scope":"read","#, &[]),
        Err(Error::MissingJwtId)
    );
    assert_eq!(
        at(AT, r#""client_id":5,"jti":"j","#, &[]),
        Err(Error::ClaimType)
    );
    // Permissions come from scope, not permissions.
    assert_eq!(
        at(
            AT,
            r#""client_id":"c","jti":"j","permissions":["read"],"#,
            &["read"]
        ),
        Err(Error::InsufficientPermissions)
    );
    // iat is required: drop it from the standard claims.
    let v = verifier(POLICY.access_token());
    let payload = claims_with(FULL).replace(&format!(",\"iat\":{}", NOW - 10), "");
    assert!(!payload.contains("iat"));
    let t = sign(AT, &payload, SECRET);
    assert_eq!(
        check_with(&v, t.as_bytes(), NOW),
        Err(Error::MissingIssuedAt)
    );
}
