//! The explain walk (issue 32): every check in order with its outcome, the verdict a verify's
//! own, and no claim looked at before the signature holds. Table-driven: tokens that fail in
//! none, one, two and five ways, and before the signature.

mod common;

use common::*;
use jwtguard::explain::{Check, Step};
use jwtguard::{Algorithm, Error, KeyRing, Policy, Request, TokenBuf, Verifier};

const PERMS: Policy<'static> = POLICY.required_permissions(&["read"]);

/// A ring with three HS256 secrets, the signing one last (a kid-less token tries all three,
/// the named one too).
fn rotating() -> Verifier<'static, 4> {
    let mut keys = KeyRing::new();
    keys.add_hmac(
        Algorithm::HS256,
        None,
        b"old-secret-1-0123456789-abcdefghijklmno",
    )
    .unwrap();
    keys.add_hmac(Algorithm::HS256, Some("named"), OTHER_SECRET)
        .unwrap();
    keys.add_hmac(Algorithm::HS256, None, SECRET).unwrap();
    Verifier::new(keys, PERMS)
}

fn claims(iss: &str, aud: &str, azp: &str, exp: u64, nbf: u64, perms: &str) -> String {
    format!(
        r#"{{"iss":"{iss}","sub":"user_1","aud":"{aud}","azp":"{azp}","exp":{exp},"nbf":{nbf},"iat":{},"permissions":{perms}}}"#,
        NOW - 10
    )
}

const OK: Result<(), Error> = Ok(());

struct Case {
    name: &'static str,
    token: String,
    /// The steps after Format, Header, the key(s) and Signature (when the walk gets there).
    want: Vec<(Check, Result<(), Error>)>,
}

fn policy_steps(fails: &[(Check, Error)]) -> Vec<(Check, Result<(), Error>)> {
    [
        Check::Type,
        Check::ClaimsFormat,
        Check::Expiration,
        Check::NotBefore,
        Check::IssuedAt,
        Check::Issuer,
        Check::Audience,
        Check::AuthorizedParty,
        Check::Subject,
        Check::Permissions,
    ]
    .into_iter()
    .map(|c| {
        let outcome = fails
            .iter()
            .find(|(f, _)| *f == c)
            .map_or(OK, |(_, e)| Err(*e));
        (c, outcome)
    })
    .collect()
}

fn signed_steps() -> Vec<(Check, Result<(), Error>)> {
    vec![
        (Check::Format, OK),
        (Check::Header, OK),
        (Check::Key, Err(Error::InvalidSignature)),
        (Check::Key, Err(Error::InvalidSignature)),
        (Check::Key, OK),
        (Check::Signature, OK),
    ]
}

fn cases() -> Vec<Case> {
    let good = claims(
        "https://issuer.example",
        "api",
        "https://app.example",
        NOW + 60,
        NOW - 10,
        r#"["read"]"#,
    );
    let with = |steps: Vec<(Check, Result<(), Error>)>| {
        let mut all = signed_steps();
        all.extend(steps);
        all
    };
    vec![
        Case {
            name: "valid: every check passes",
            token: sign(HEADER, &good, SECRET),
            want: with(policy_steps(&[])),
        },
        Case {
            name: "one way: expired",
            token: sign(
                HEADER,
                &claims(
                    "https://issuer.example",
                    "api",
                    "https://app.example",
                    NOW - 1,
                    NOW - 10,
                    r#"["read"]"#,
                ),
                SECRET,
            ),
            want: with(policy_steps(&[(Check::Expiration, Error::Expired)])),
        },
        Case {
            name: "two ways: expired, wrong audience",
            token: sign(
                HEADER,
                &claims(
                    "https://issuer.example",
                    "other",
                    "https://app.example",
                    NOW - 1,
                    NOW - 10,
                    r#"["read"]"#,
                ),
                SECRET,
            ),
            want: with(policy_steps(&[
                (Check::Expiration, Error::Expired),
                (Check::Audience, Error::InvalidAudience),
            ])),
        },
        Case {
            name: "five ways: expired, not yet valid, issuer, audience, authorized party",
            token: sign(
                HEADER,
                &claims(
                    "https://evil.example",
                    "other",
                    "https://evil.example",
                    NOW - 1,
                    NOW + 600,
                    r#"["read"]"#,
                ),
                SECRET,
            ),
            want: with(policy_steps(&[
                (Check::Expiration, Error::Expired),
                (Check::NotBefore, Error::NotYetValid),
                (Check::Issuer, Error::InvalidIssuer),
                (Check::Audience, Error::InvalidAudience),
                (Check::AuthorizedParty, Error::InvalidAuthorizedParty),
            ])),
        },
        Case {
            name: "a permission missing and typ wrong",
            token: sign(
                r#"{"alg":"HS256","typ":"at+jwt"}"#,
                &claims(
                    "https://issuer.example",
                    "api",
                    "https://app.example",
                    NOW + 60,
                    NOW - 10,
                    r#"["write"]"#,
                ),
                SECRET,
            ),
            want: with(policy_steps(&[
                (Check::Type, Error::UnexpectedType),
                (Check::Permissions, Error::InsufficientPermissions),
            ])),
        },
        Case {
            name: "a bad signature: every kid-less key tried, then the walk stops (claims unread)",
            token: sign(
                HEADER,
                &claims(
                    "https://evil.example",
                    "other",
                    "x",
                    NOW - 1,
                    NOW - 10,
                    "[]",
                ),
                b"attacker-secret-0123456789-abcdefghijkl",
            ),
            want: vec![
                (Check::Format, OK),
                (Check::Header, OK),
                (Check::Key, Err(Error::InvalidSignature)),
                (Check::Key, Err(Error::InvalidSignature)),
                (Check::Key, Err(Error::InvalidSignature)),
                (Check::Signature, Err(Error::InvalidSignature)),
            ],
        },
        Case {
            name: "an unknown kid: key selection",
            token: sign(r#"{"alg":"HS256","kid":"nope"}"#, &good, SECRET),
            want: vec![
                (Check::Format, OK),
                (Check::Header, OK),
                (Check::KeySelection, Err(Error::UnknownKey)),
            ],
        },
        Case {
            name: "a named key, another algorithm: key selection",
            token: sign(r#"{"alg":"HS384","kid":"named"}"#, &good, SECRET),
            want: vec![
                (Check::Format, OK),
                (Check::Header, OK),
                (Check::KeySelection, Err(Error::AlgorithmMismatch)),
            ],
        },
        Case {
            name: "alg none: the header",
            token: format!("{}.{}.", b64(br#"{"alg":"none"}"#), b64(good.as_bytes())),
            want: vec![(Check::Header, Err(Error::UnsupportedAlgorithm))],
        },
        Case {
            name: "not base64url: the format",
            token: "a*b.c.d".into(),
            want: vec![(Check::Format, Err(Error::Base64))],
        },
    ]
}

#[test]
fn each_case_lists_its_checks_and_a_verify_gives_its_verdict() {
    let v = rotating();
    for case in cases() {
        let mut buf = TokenBuf::new();
        let mut steps = [Step::EMPTY; 32];
        let e = v.explain(case.token.as_bytes(), NOW, &mut buf, &[], &mut steps);
        let got: Vec<_> = steps[..e.steps]
            .iter()
            .map(|s| (s.check, s.outcome))
            .collect();
        assert_eq!(got, case.want, "{}", case.name);
        // The verdict is a verify's own...
        let mut buf2 = TokenBuf::new();
        let verdict = v
            .verify_request(case.token.as_bytes(), NOW, &mut buf2, Request::new())
            .map(|_| ())
            .map_err(|r| r.error);
        assert_eq!(e.verdict, verdict, "{}", case.name);
        // ...and the walk's first failing check (a key that did not verify is not one: the
        // next may) is that verdict.
        let first = got
            .iter()
            .filter(|(c, _)| *c != Check::Key)
            .find_map(|(_, o)| o.err());
        assert_eq!(first, verdict.err(), "{}", case.name);
        // The walk leaves no validated claims behind.
        assert!(buf.validated_claims().is_none(), "{}", case.name);
    }
}

/// The keys tried are named by their kid and algorithm; the token's own kid is not echoed.
#[test]
fn a_key_step_names_the_key() {
    let v = rotating();
    let t = sign(
        r#"{"alg":"HS256","kid":"named"}"#,
        &claims_with(r#""permissions":["read"],"#),
        OTHER_SECRET,
    );
    let mut buf = TokenBuf::new();
    let mut steps = [Step::EMPTY; 32];
    let e = v.explain(t.as_bytes(), NOW, &mut buf, &[], &mut steps);
    assert_eq!(e.verdict, Ok(()));
    let key = steps[..e.steps]
        .iter()
        .find(|s| s.check == Check::Key)
        .unwrap();
    assert_eq!(key.kid, Some(&b"named"[..]));
    assert_eq!(key.algorithm, Some(Algorithm::HS256));
    assert_eq!(steps[1].kid, None);
}

/// The call's permissions count, as in verify_request; and a short array gets the first steps
/// with the whole count.
#[test]
fn call_permissions_and_a_short_array() {
    let v = rotating();
    let t = sign(HEADER, &claims_with(r#""permissions":["read"],"#), SECRET);
    let mut buf = TokenBuf::new();
    let mut steps = [Step::EMPTY; 32];
    let e = v.explain(t.as_bytes(), NOW, &mut buf, &["admin"], &mut steps);
    assert_eq!(e.verdict, Err(Error::InsufficientPermissions));
    assert_eq!(
        steps[..e.steps].last().map(|s| (s.check, s.outcome)),
        Some((Check::Permissions, Err(Error::InsufficientPermissions)))
    );
    let mut few = [Step::EMPTY; 2];
    let short = v.explain(t.as_bytes(), NOW, &mut buf, &["admin"], &mut few);
    assert_eq!(short.steps, e.steps);
    assert_eq!(few[0].check, Check::Format);
    assert_eq!(few[1].check, Check::Header);
}

/// The access-token profile and a maximum age add their rules to the walk.
#[test]
fn profile_rules_are_listed() {
    let mut keys = KeyRing::<2>::new();
    keys.add_hmac(Algorithm::HS256, None, SECRET).unwrap();
    let v = Verifier::new(keys, POLICY.access_token().max_age(5));
    let t = sign(
        r#"{"alg":"HS256","typ":"at+jwt"}"#,
        &claims_with(""),
        SECRET,
    );
    let mut buf = TokenBuf::new();
    let mut steps = [Step::EMPTY; 32];
    let e = v.explain(t.as_bytes(), NOW, &mut buf, &[], &mut steps);
    let got: Vec<_> = steps[..e.steps]
        .iter()
        .map(|s| (s.check, s.outcome))
        .collect();
    assert!(got.contains(&(Check::MaxAge, Err(Error::TooOld))));
    assert!(got.contains(&(Check::ClientId, Err(Error::MissingClientId))));
    assert!(got.contains(&(Check::JwtId, Err(Error::MissingJwtId))));
    assert_eq!(e.verdict, Err(Error::TooOld));
}

/// `Request::count_keys`: the signature checks a verify cost, whatever its verdict, through a
/// verifier and through a set of providers.
#[test]
fn count_keys_counts_signature_checks() {
    let v = rotating();
    let tried = |token: &str| {
        let mut n = 99u32;
        let mut buf = TokenBuf::new();
        let _ = v.verify_request(
            token.as_bytes(),
            NOW,
            &mut buf,
            Request::new().count_keys(&mut n),
        );
        n
    };
    let body = claims_with(r#""permissions":["read"],"#);
    assert_eq!(
        tried(&sign(HEADER, &body, SECRET)),
        3,
        "kid-less: the third key"
    );
    assert_eq!(
        tried(&sign(
            HEADER,
            &body,
            b"nobody-0123456789-abcdefghijklmnopqrs"
        )),
        3
    );
    assert_eq!(
        tried(&sign(
            r#"{"alg":"HS256","kid":"named"}"#,
            &body,
            OTHER_SECRET
        )),
        1
    );
    assert_eq!(
        tried(&sign(r#"{"alg":"HS256","kid":"nope"}"#, &body, SECRET)),
        0
    );
    assert_eq!(tried("not.a.token"), 0);

    // Providers: the first provider's two keys, then the second's.
    let mut a = KeyRing::<4>::new();
    a.add_hmac(
        Algorithm::HS256,
        None,
        b"a-secret-1-0123456789-abcdefghijklmnopq",
    )
    .unwrap();
    a.add_hmac(
        Algorithm::HS256,
        None,
        b"a-secret-2-0123456789-abcdefghijklmnopq",
    )
    .unwrap();
    let mut b = KeyRing::<4>::new();
    b.add_hmac(Algorithm::HS256, None, SECRET).unwrap();
    let pa = Verifier::new(
        a,
        Policy::new()
            .issuers(&["https://a.example"])
            .audiences(&["api"]),
    );
    let pb = Verifier::new(b, POLICY);
    let list = [&pa, &pb];
    let set = jwtguard::Providers::new(&list).unwrap();
    let mut n = 0u32;
    let mut buf = TokenBuf::new();
    let token = sign(HEADER, &claims_with(""), SECRET);
    let got = set.verify_request(
        token.as_bytes(),
        NOW,
        &mut buf,
        Request::new().count_keys(&mut n),
    );
    assert!(got.is_ok());
    assert_eq!(n, 3);
}
