//! The JOSE header: alg (RFC 7515 §4.1.1), crit (§4.1.11), typ (§4.1.9), JSON strictness.
#![allow(clippy::unwrap_used)]

mod common;
use common::*;
use jwtguard::{Error, Policy};

fn with_header(h: &str) -> Result<(), Error> {
    check(&sign(h, &claims_with(""), SECRET))
}

#[test]
fn alg_none_in_any_casing_is_rejected() {
    for alg in ["none", "None", "NONE", "nOnE"] {
        let h = format!(r#"{{"alg":"{alg}","typ":"JWT"}}"#);
        assert_eq!(with_header(&h), Err(Error::UnsupportedAlgorithm), "{alg}");
        // Also the classic unsecured form, with an empty signature.
        let t = format!("{}.{}.", b64(h.as_bytes()), b64(claims_with("").as_bytes()));
        assert_eq!(check(&t), Err(Error::UnsupportedAlgorithm), "{alg}");
    }
}

#[test]
fn unknown_and_miscased_algorithms() {
    for alg in [
        "hs256",
        "Hs256",
        "HS256 ",
        " HS256",
        "ES512",
        "ES256K",
        "none",
        "eddsa",
        "Ed25519",
        "rs256",
        "",
        "HS2\\u0035\\u0036",
    ] {
        let h = format!(r#"{{"alg":"{alg}"}}"#);
        assert_eq!(with_header(&h), Err(Error::UnsupportedAlgorithm), "{alg}");
    }
    // Algorithms this build verifies, against a verifier holding only an HS256 key: the key
    // does not answer them. A build without the family does not know the name at all.
    for alg in jwtguard::Algorithm::ALL {
        if *alg == jwtguard::Algorithm::HS256 {
            continue;
        }
        let h = format!(r#"{{"alg":"{}"}}"#, alg.name());
        let want = if alg.is_built() {
            Error::AlgorithmMismatch
        } else {
            Error::UnsupportedAlgorithm
        };
        assert_eq!(with_header(&h), Err(want), "{alg:?}");
    }
}

#[test]
fn missing_or_mistyped_parameters() {
    assert_eq!(
        with_header(r#"{"typ":"JWT"}"#),
        Err(Error::MissingAlgorithm)
    );
    assert_eq!(with_header(r#"{}"#), Err(Error::MissingAlgorithm));
    for h in [
        r#"{"alg":null}"#,
        r#"{"alg":["HS256"]}"#,
        r#"{"alg":256}"#,
        r#"{"alg":"HS256","kid":1}"#,
        r#"{"alg":"HS256","kid":null}"#,
        r#"{"alg":"HS256","typ":{}}"#,
    ] {
        assert_eq!(with_header(h), Err(Error::InvalidHeaderParameter), "{h}");
    }
}

#[test]
fn crit_is_always_rejected() {
    for h in [
        r#"{"alg":"HS256","crit":["exp"],"exp":1}"#,
        r#"{"alg":"HS256","crit":["b64"],"b64":false}"#,
        r#"{"alg":"HS256","crit":[]}"#,
        r#"{"alg":"HS256","crit":null}"#,
        // An escaped spelling of the name is the same member.
        r#"{"alg":"HS256","\u0063rit":["x"]}"#,
    ] {
        assert_eq!(with_header(h), Err(Error::CriticalExtension), "{h}");
    }
}

#[test]
fn typ() {
    for ok in [
        r#""JWT""#,
        r#""jwt""#,
        r#""application/jwt""#,
        r#""Application/JWT""#,
    ] {
        assert_eq!(
            with_header(&format!(r#"{{"alg":"HS256","typ":{ok}}}"#)),
            Ok(()),
            "{ok}"
        );
    }
    assert_eq!(with_header(r#"{"alg":"HS256"}"#), Ok(()));
    for bad in [
        r#""at+jwt""#,
        r#""JWS""#,
        r#""JWT ""#,
        r#""""#,
        r#""application/""#,
        r#""x/jwt""#,
    ] {
        assert_eq!(
            with_header(&format!(r#"{{"alg":"HS256","typ":{bad}}}"#)),
            Err(Error::UnexpectedType),
            "{bad}"
        );
    }
    // A policy may expect another type, and then JWT is the wrong one.
    let at = POLICY.expected_type("at+jwt");
    let v = verifier(at);
    let t = sign(
        r#"{"alg":"HS256","typ":"application/at+jwt"}"#,
        &claims_with(""),
        SECRET,
    );
    assert_eq!(check_with(&v, t.as_bytes(), NOW), Ok(()));
    assert_eq!(
        check_with(&v, good_token().as_bytes(), NOW),
        Err(Error::UnexpectedType)
    );
}

#[test]
fn header_json_strictness() {
    assert_eq!(
        with_header(r#"{"alg":"HS256","alg":"HS256"}"#),
        Err(Error::JsonDuplicateMember)
    );
    assert_eq!(
        with_header(r#"{"alg":"HS256","\u0061lg":"none"}"#),
        Err(Error::JsonDuplicateMember)
    );
    assert_eq!(
        with_header(r#"{"alg":"HS256","x":{"a":1,"a":2}}"#),
        Err(Error::JsonDuplicateMember)
    );
    assert_eq!(with_header(r#"["HS256"]"#), Err(Error::JsonNotObject));
    assert_eq!(with_header(r#""HS256""#), Err(Error::JsonNotObject));
    assert_eq!(with_header(r#"{"alg":"HS256",}"#), Err(Error::JsonSyntax));
    assert_eq!(with_header(r#"{"alg":"HS256"} "#), Ok(()));
    assert_eq!(with_header(r#"{"alg":"HS256"}x"#), Err(Error::JsonSyntax));
    assert_eq!(
        with_header(r#"{"alg":"HS256"/*c*/}"#),
        Err(Error::JsonSyntax)
    );
    let deep = format!(
        r#"{{"alg":"HS256","x":{}1{}}}"#,
        "[".repeat(100),
        "]".repeat(100)
    );
    assert_eq!(with_header(&deep), Err(Error::JsonTooComplex));
    let many: String = (0..20).map(|i| format!(r#","m{i}":0"#)).collect();
    assert_eq!(
        with_header(&format!(r#"{{"alg":"HS256"{many}}}"#)),
        Err(Error::JsonTooComplex)
    );
    // Unknown members (jku, x5u, jwk, cty...) are ignored: they never select a key.
    assert_eq!(
        with_header(
            r#"{"alg":"HS256","jku":"https://evil.example/jwks","jwk":{"kty":"oct","k":"AAAA"}}"#
        ),
        Ok(())
    );
}

#[test]
fn policy_const_default_typ_is_jwt() {
    let v = verifier(Policy::new().require_sub(false));
    let t = sign(
        r#"{"alg":"HS256","typ":"JOSE"}"#,
        r#"{"exp":9999999999}"#,
        SECRET,
    );
    assert_eq!(
        check_with(&v, t.as_bytes(), NOW),
        Err(Error::UnexpectedType)
    );
}
