//! Claims after the signature: JSON strictness, NumericDate types, time boundaries, iss, aud,
//! azp, sub, and the order in which failures are reported.
#![allow(clippy::unwrap_used)]

mod common;
use common::*;
use jwtguard::{Error, Policy, TokenBuf};

fn at(payload: &str, now: u64) -> Result<(), Error> {
    check_claims(payload, POLICY, now)
}

/// Replace one member of the standard claims (`name` must be one of them) by `value`, or drop
/// it when `value` is `None`.
fn edit(name: &str, value: Option<&str>) -> String {
    let base = claims_with("");
    let start = base.find(&format!("\"{name}\":")).unwrap();
    let end = start + base[start..].find([',', '}']).unwrap();
    match value {
        Some(v) => format!("{}\"{name}\":{v}{}", &base[..start], &base[end..]),
        None => {
            let s = format!("{}{}", &base[..start], &base[end..]);
            s.replace(",,", ",").replace("{,", "{").replace(",}", "}")
        }
    }
}

#[test]
fn edit_helper_works() {
    assert_eq!(at(&edit("sub", Some("\"x\"")), NOW), Ok(()));
    assert!(!edit("sub", None).contains("sub"));
    assert_eq!(at(&edit("nbf", None), NOW), Ok(()));
}

#[test]
fn claims_json_strictness() {
    for (p, e) in [
        (r#"["sub"]"#.to_string(), Error::JsonNotObject),
        ("42".into(), Error::JsonNotObject),
        (format!("{} ", claims_with("")), Error::Expired), // trailing whitespace is fine: reaches time check
        (format!("{}x", claims_with("")), Error::JsonSyntax),
        (format!("{}{{}}", claims_with("")), Error::JsonSyntax),
        (claims_with(r#""c":1,/*x*/"#), Error::JsonSyntax),
        (claims_with(r#""n":NaN,"#), Error::JsonSyntax),
        (claims_with(r#""n":-Infinity,"#), Error::JsonSyntax),
        (claims_with("\"ctl\":\"a\u{1}b\","), Error::JsonSyntax),
        (claims_with(r#""s":"\ud800","#), Error::JsonSyntax),
        (claims_with(r#""s":"\udfff\ud800","#), Error::JsonSyntax),
        (claims_with(r#""sub":"dup","#), Error::JsonDuplicateMember),
        (
            claims_with(r#""\u0073ub":"dup","#),
            Error::JsonDuplicateMember,
        ),
        (
            claims_with(r#""m":{"k":1,"k":2},"#),
            Error::JsonDuplicateMember,
        ),
        (
            claims_with(&format!(r#""d":{}0{},"#, "[".repeat(16), "]".repeat(16))),
            Error::JsonTooComplex,
        ),
    ] {
        // Use a `now` after exp for the whitespace case so "reached the policy" is visible.
        let now = if e == Error::Expired { NOW + 1000 } else { NOW };
        assert_eq!(at(&p, now), Err(e), "{p}");
    }
    // Deep but within the bound is fine.
    assert_eq!(
        at(
            &claims_with(&format!(r#""d":{}0{},"#, "[".repeat(15), "]".repeat(15))),
            NOW
        ),
        Ok(())
    );
}

#[test]
fn registered_claim_types() {
    for (name, v) in [
        ("exp", r#""1700000060""#),
        ("exp", "null"),
        ("exp", "true"),
        ("exp", "[1700000060]"),
        ("nbf", r#""0""#),
        ("iat", "{}"),
        ("iss", "1"),
        ("iss", "null"),
        ("sub", "24601"),
        ("sub", "null"),
        ("sub", r#"["user_1"]"#),
        ("sub", "true"),
        ("azp", "{}"),
        ("aud", "[]"),
        ("aud", r#"["api",1]"#),
        ("aud", r#"["api",null]"#),
        ("aud", "null"),
        ("aud", "7"),
        ("aud", r#"{"api":true}"#),
    ] {
        assert_eq!(
            at(&edit(name, Some(v)), NOW),
            Err(Error::ClaimType),
            "{name}: {v}"
        );
    }
    assert_eq!(at(&claims_with(r#""jti":5,"#), NOW), Err(Error::ClaimType));
    // An escaped registered name is that claim, with its type rules.
    assert_eq!(
        at(&claims_with(r#""\u006ati":5,"#), NOW),
        Err(Error::ClaimType)
    );
}

#[test]
fn numeric_date_range() {
    for v in [
        "-1",
        "-1700000000",
        "1e20",
        "18446744073709551616",
        "1e999999",
    ] {
        assert_eq!(
            at(&edit("exp", Some(v)), NOW),
            Err(Error::ClaimOutOfRange),
            "{v}"
        );
        assert_eq!(
            at(&edit("nbf", Some(v)), NOW),
            Err(Error::ClaimOutOfRange),
            "{v}"
        );
    }
    // Non-integers and exponents are NumericDates too (RFC 7519 §2).
    assert_eq!(at(&edit("exp", Some("1700000060.75")), NOW), Ok(()));
    assert_eq!(at(&edit("exp", Some("1.70000006e9")), NOW), Ok(()));
}

#[test]
fn exp_boundaries_with_and_without_leeway() {
    let p = edit("exp", Some(&NOW.to_string()));
    assert_eq!(at(&p, NOW - 1), Ok(()));
    assert_eq!(at(&p, NOW), Err(Error::Expired));
    assert_eq!(at(&p, NOW + 1), Err(Error::Expired));
    let lee = POLICY.leeway(30);
    assert_eq!(check_claims(&p, lee, NOW + 29), Ok(()));
    assert_eq!(check_claims(&p, lee, NOW + 30), Err(Error::Expired));
    // exp is floored: 1700000000.9 expires at 1700000000.
    let frac = edit("exp", Some(&format!("{NOW}.9")));
    assert_eq!(at(&frac, NOW - 1), Ok(()));
    assert_eq!(at(&frac, NOW), Err(Error::Expired));
    // Near u64::MAX, exp + leeway saturates instead of wrapping into the past.
    let max = edit("exp", Some(&u64::MAX.to_string()));
    assert_eq!(check_claims(&max, POLICY.leeway(u64::MAX), NOW), Ok(()));
    assert_eq!(check_claims(&max, POLICY.leeway(10), u64::MAX - 1), Ok(()));
}

#[test]
fn exp_required_by_default() {
    let p = edit("exp", None);
    assert_eq!(at(&p, NOW), Err(Error::MissingExpiration));
    assert_eq!(check_claims(&p, POLICY.require_exp(false), NOW), Ok(()));
}

#[test]
fn nbf_boundaries() {
    let p = edit("nbf", Some(&(NOW + 10).to_string()));
    assert_eq!(at(&p, NOW + 9), Err(Error::NotYetValid));
    assert_eq!(at(&p, NOW + 10), Ok(()));
    assert_eq!(check_claims(&p, POLICY.leeway(10), NOW), Ok(()));
    assert_eq!(
        check_claims(&p, POLICY.leeway(9), NOW),
        Err(Error::NotYetValid)
    );
    // nbf is rounded up: NOW+9.1 means "not before NOW+10".
    let frac = edit("nbf", Some(&format!("{}.1", NOW + 9)));
    assert_eq!(at(&frac, NOW + 9), Err(Error::NotYetValid));
    assert_eq!(at(&frac, NOW + 10), Ok(()));
    // Saturation: now + leeway near u64::MAX does not wrap.
    let p = edit("nbf", Some("5"));
    assert_eq!(
        check_claims(
            &edit("exp", None).replace("\"nbf\":1699999990", "\"nbf\":5"),
            POLICY.require_exp(false).leeway(u64::MAX),
            u64::MAX
        ),
        Ok(())
    );
    assert_eq!(at(&p, NOW), Ok(()));
}

#[test]
fn iat_in_the_future_and_max_age() {
    let p = edit("iat", Some(&(NOW + 5).to_string()));
    assert_eq!(at(&p, NOW), Err(Error::IssuedInFuture));
    assert_eq!(at(&p, NOW + 5), Ok(()));
    assert_eq!(check_claims(&p, POLICY.leeway(5), NOW), Ok(()));
    assert_eq!(
        check_claims(&p, POLICY.leeway(4), NOW),
        Err(Error::IssuedInFuture)
    );

    let aged = POLICY.max_age(60);
    let p = edit("iat", Some(&(NOW - 60).to_string()));
    assert_eq!(check_claims(&p, aged, NOW), Ok(()));
    assert_eq!(check_claims(&p, aged, NOW + 1), Err(Error::TooOld));
    assert_eq!(check_claims(&p, aged.leeway(1), NOW + 1), Ok(()));
    assert_eq!(
        check_claims(&edit("iat", None), aged, NOW),
        Err(Error::MissingIssuedAt)
    );
    assert_eq!(at(&edit("iat", None), NOW), Ok(()));
}

#[test]
fn issuer() {
    assert_eq!(
        at(&edit("iss", Some(r#""https://issuer.example/""#)), NOW),
        Err(Error::InvalidIssuer)
    );
    assert_eq!(
        at(&edit("iss", Some(r#""HTTPS://issuer.example""#)), NOW),
        Err(Error::InvalidIssuer)
    );
    assert_eq!(at(&edit("iss", None), NOW), Err(Error::InvalidIssuer));
    // Escapes decode before comparing: JSON encoders that write "\/" are common.
    assert_eq!(
        at(&edit("iss", Some(r#""https:\/\/issuer.example""#)), NOW),
        Ok(())
    );
    // No issuer configured: not checked.
    let any = Policy::new().audiences(&["api"]);
    assert_eq!(
        check_claims(&edit("iss", Some(r#""someone""#)), any, NOW),
        Ok(())
    );
    // Several configured: any one of them.
    let two = POLICY.issuers(&["a", "https://issuer.example"]);
    assert_eq!(check_claims(&claims_with(""), two, NOW), Ok(()));
}

#[test]
fn audience_string_or_array() {
    assert_eq!(at(&edit("aud", Some(r#""api""#)), NOW), Ok(()));
    assert_eq!(at(&edit("aud", Some(r#"["other","api"]"#)), NOW), Ok(()));
    assert_eq!(at(&edit("aud", Some(r#"["api"]"#)), NOW), Ok(()));
    for bad in [
        r#""API""#,
        r#""api ""#,
        r#""ap""#,
        r#"["other"]"#,
        r#""other api""#,
        r#"["apii"]"#,
    ] {
        assert_eq!(
            at(&edit("aud", Some(bad)), NOW),
            Err(Error::InvalidAudience),
            "{bad}"
        );
    }
    assert_eq!(at(&edit("aud", None), NOW), Err(Error::InvalidAudience));
    // RFC 7519 §4.1.3: a token with an aud is for someone; with none configured we are not them.
    let no_aud = Policy::new();
    assert_eq!(
        check_claims(&claims_with(""), no_aud, NOW),
        Err(Error::InvalidAudience)
    );
    assert_eq!(check_claims(&edit("aud", None), no_aud, NOW), Ok(()));
    assert_eq!(Error::InvalidAudience.to_string(), "Invalid audience.");
}

#[test]
fn authorized_party() {
    assert_eq!(
        at(&edit("azp", None), NOW),
        Err(Error::InvalidAuthorizedParty)
    );
    assert_eq!(
        at(&edit("azp", Some(r#""https://evil.example""#)), NOW),
        Err(Error::InvalidAuthorizedParty)
    );
    assert_eq!(
        at(&edit("azp", Some(r#""https://app.example/""#)), NOW),
        Err(Error::InvalidAuthorizedParty)
    );
    // Not configured: not checked, present or not.
    let no_azp = Policy::new()
        .issuers(&["https://issuer.example"])
        .audiences(&["api"]);
    assert_eq!(check_claims(&edit("azp", None), no_azp, NOW), Ok(()));
    assert_eq!(
        check_claims(&edit("azp", Some(r#""x""#)), no_azp, NOW),
        Ok(())
    );
    assert_eq!(
        Error::InvalidAuthorizedParty.to_string(),
        "Invalid authorized party."
    );
}

#[test]
fn subject() {
    assert_eq!(at(&edit("sub", None), NOW), Err(Error::InvalidSubject));
    assert_eq!(
        at(&edit("sub", Some(r#""""#)), NOW),
        Err(Error::InvalidSubject)
    );
    assert_eq!(at(&edit("sub", Some(r#""24601""#)), NOW), Ok(()));
    assert_eq!(at(&edit("sub", Some(r#""\u00e9""#)), NOW), Ok(()));
    let optional = POLICY.require_sub(false);
    assert_eq!(check_claims(&edit("sub", None), optional, NOW), Ok(()));
    // Optional still means "a string if present".
    assert_eq!(
        check_claims(&edit("sub", Some("1")), optional, NOW),
        Err(Error::ClaimType)
    );
}

#[test]
fn first_failure_wins_in_the_documented_order() {
    let expired_bad_everything = r#"{"iss":"x","aud":"y","azp":"z","exp":1}"#;
    // Signature before claims: a bad MAC over an expired token reports the MAC.
    let t = sign(HEADER, expired_bad_everything, OTHER_SECRET);
    assert_eq!(check(&t), Err(Error::InvalidSignature));
    // Claim format before time.
    assert_eq!(at(r#"{"exp":1,"sub":5}"#, NOW), Err(Error::ClaimType));
    // Time before iss, iss before aud, aud before azp, azp before sub.
    assert_eq!(at(expired_bad_everything, NOW), Err(Error::Expired));
    assert_eq!(
        at(r#"{"iss":"x","aud":"y","azp":"z","exp":9999999999}"#, NOW),
        Err(Error::InvalidIssuer)
    );
    assert_eq!(
        at(
            r#"{"iss":"https://issuer.example","aud":"y","azp":"z","exp":9999999999}"#,
            NOW
        ),
        Err(Error::InvalidAudience)
    );
    assert_eq!(
        at(
            r#"{"iss":"https://issuer.example","aud":"api","azp":"z","exp":9999999999}"#,
            NOW
        ),
        Err(Error::InvalidAuthorizedParty)
    );
    assert_eq!(
        at(
            r#"{"iss":"https://issuer.example","aud":"api","azp":"https://app.example","exp":9999999999}"#,
            NOW
        ),
        Err(Error::InvalidSubject)
    );
    // Format before header: bad base64 in the payload and a header with crit.
    let h = b64(br#"{"alg":"HS256","crit":["x"]}"#);
    assert_eq!(check(&sign_segments(&h, "a+b", SECRET)), Err(Error::Base64));
    // Header before key: crit with an unknown kid.
    let t = sign(
        r#"{"alg":"HS256","kid":"nope","crit":["x"]}"#,
        &claims_with(""),
        SECRET,
    );
    assert_eq!(check(&t), Err(Error::CriticalExtension));
    // The claims parser never runs on an unauthenticated payload: invalid JSON under a bad MAC.
    let t = sign(HEADER, "{{{", OTHER_SECRET);
    assert_eq!(check(&t), Err(Error::InvalidSignature));
}

#[test]
fn verified_claims_are_exposed() {
    let v = verifier(POLICY);
    let t = sign(
        HEADER,
        &claims_with(r#""jti":"id-1","name":"Jean","#),
        SECRET,
    );
    let mut buf = TokenBuf::new();
    let c = v.verify(t.as_bytes(), NOW, &mut buf).unwrap();
    assert!(c.issuer().unwrap() == "https://issuer.example");
    assert_eq!(c.subject().unwrap().as_str(), Ok("user_1"));
    assert!(c.audience().unwrap().contains("api"));
    assert!(c.authorized_party().unwrap() == "https://app.example");
    assert!(c.jwt_id().unwrap() == "id-1");
    assert_eq!(c.expires_at(), Some(NOW + 60));
    assert_eq!(c.not_before(), Some(NOW - 10));
    assert_eq!(c.issued_at(), Some(NOW - 10));
    assert!(c.object().get("name").unwrap().as_str().unwrap() == "Jean");
}
