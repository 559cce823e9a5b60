//! A policy that owns its lists (`Policy<'static, Owned<..>>`, what the C binding holds) gives
//! the same verdict as the borrowed policy with the same entries, and a `TokenBuf` gives back
//! the validated claims of its last token and nothing else.

mod common;

use common::*;
use jwtguard::lists::Owned;
use jwtguard::{Error, KeyRing, MetadataField, Policy, Request, TokenBuf, Verifier};

type Lists = Owned<2, 4, 4, 64>;

fn owned_verifier(policy: Policy<'static, Lists>) -> Verifier<'static, 4, Lists> {
    let mut keys = KeyRing::new();
    keys.add_hmac(jwtguard::Algorithm::HS256, None, SECRET)
        .unwrap();
    Verifier::new(keys, policy)
}

/// The owned twin of `BORROWED`, filled at run time.
fn owned() -> Policy<'static, Lists> {
    let mut p = Policy::owned().leeway(5);
    p.add_issuer("https://issuer.example").unwrap();
    p.add_audience("api").unwrap();
    p.add_audience("other").unwrap();
    p.add_authorized_party("https://app.example").unwrap();
    p.add_required_permission("read").unwrap();
    p.add_metadata_field("user.name", None, true).unwrap();
    p.add_metadata_field("user.plan", Some("tier"), false)
        .unwrap();
    p
}

static BORROWED: Policy<'static> = Policy::new()
    .leeway(5)
    .issuers(&["https://issuer.example"])
    .audiences(&["api", "other"])
    .authorized_parties(&["https://app.example"])
    .required_permissions(&["read"])
    .metadata(&[
        MetadataField::required("user.name"),
        MetadataField::optional("user.plan").named("tier"),
    ]);

const USER: &str = r#""permissions":["read"],"user":{"name":"Ada","plan":"pro"},"#;

#[test]
fn same_verdicts_as_the_borrowed_policy() {
    let payloads = [
        claims_with(USER),
        claims_with(r#""permissions":["read"],"user":{"plan":"pro"},"#),
        claims_with(r#""permissions":["write"],"user":{"name":"Ada"},"#),
        claims_with(r#""user":{"name":"Ada"},"#),
        with_member("iss", r#""https://evil.example""#),
        with_member("aud", r#"["x","other"]"#),
        with_member("aud", r#""nope""#),
        with_member("azp", r#""https://evil.example""#),
        with_member("exp", &(NOW - 6).to_string()),
        with_member("exp", &(NOW - 4).to_string()),
        with_member("exp", r#""soon""#),
        with_member("sub", r#""""#),
        with_member("permissions", r#""read write""#),
        with_member("permissions", r#"" read""#),
        r#"{"sub":"x"}"#.to_owned(),
    ];
    let (b, o) = (verifier(BORROWED), owned_verifier(owned()));
    let mut seen = std::collections::HashSet::new();
    for p in &payloads {
        let t = sign(HEADER, p, SECRET);
        let mut buf = TokenBuf::new();
        let want = b.verify(t.as_bytes(), NOW, &mut buf).map(|_| ());
        let got = o.verify(t.as_bytes(), NOW, &mut buf).map(|_| ());
        assert_eq!(got, want, "{p}");
        seen.insert(format!("{want:?}"));
    }
    // The catalogue reaches every stage, so agreement means something.
    assert!(seen.len() >= 8, "{seen:?}");
}

/// The passing claims set with one member's value replaced.
fn with_member(name: &str, value: &str) -> String {
    let members = [
        ("permissions", r#"["read"]"#.to_owned()),
        ("user", r#"{"name":"Ada","plan":"pro"}"#.to_owned()),
        ("iss", r#""https://issuer.example""#.to_owned()),
        ("sub", r#""user_1""#.to_owned()),
        ("aud", r#""api""#.to_owned()),
        ("azp", r#""https://app.example""#.to_owned()),
        ("exp", (NOW + 60).to_string()),
    ];
    assert!(members.iter().any(|(n, _)| *n == name), "{name}");
    let body: Vec<String> = members
        .iter()
        .map(|(n, v)| format!(r#""{n}":{}"#, if *n == name { value } else { v }))
        .collect();
    format!("{{{}}}", body.join(","))
}

#[test]
fn metadata_document_is_the_same() {
    let t = sign(HEADER, &claims_with(USER), SECRET);
    let (b, o) = (verifier(BORROWED), owned_verifier(owned()));
    let (mut x, mut y) = ([0u8; 128], [0u8; 128]);
    let mut buf = TokenBuf::new();
    let n = b
        .verify_request(
            t.as_bytes(),
            NOW,
            &mut buf,
            Request::new().metadata_into(&mut x),
        )
        .unwrap()
        .metadata_len;
    let m = o
        .verify_request(
            t.as_bytes(),
            NOW,
            &mut buf,
            Request::new().metadata_into(&mut y),
        )
        .unwrap()
        .metadata_len;
    assert_eq!(&x[..n], br#"{"name":"Ada","tier":"pro"}"#);
    assert_eq!(&y[..m], &x[..n]);
}

#[test]
fn capacities_and_bad_fields_are_refused_when_set() {
    let mut p: Policy<'static, Lists> = Policy::owned();
    p.add_issuer("a").unwrap();
    p.add_issuer("b").unwrap();
    assert_eq!(p.add_issuer("c"), Err(Error::CapacityExceeded));
    assert_eq!(
        p.add_audience(&"x".repeat(65)),
        Err(Error::CapacityExceeded)
    );
    p.add_audience(&"x".repeat(64)).unwrap();
    assert_eq!(
        p.set_permissions_claim(&"s".repeat(65)),
        Err(Error::CapacityExceeded)
    );
    // Issue 28: a path that names nothing is refused when set, not a silent 403 per request.
    for bad in ["realm_access..roles", "roles.", "", "/a~2"] {
        assert_eq!(
            p.set_permissions_claim(bad),
            Err(Error::InvalidClaimPath),
            "{bad:?}"
        );
    }
    p.set_permissions_claim("realm_access.roles").unwrap();
    assert_eq!(p.permissions_claim_name(), "realm_access.roles");
    let bad = |r: Result<(), jwtguard::Rejection>| r.map_err(|r| (r.error, r.field));
    p.add_metadata_field("a.b", None, false).unwrap();
    assert_eq!(
        bad(p.add_metadata_field("a..b", None, false)),
        Err((Error::InvalidMetadataField, Some(1)))
    );
    // Same output name as field 0: refused, and the list is unchanged.
    assert_eq!(
        bad(p.add_metadata_field("c.b", None, false)),
        Err((Error::InvalidMetadataField, Some(1)))
    );
    assert_eq!(
        bad(p.add_metadata_field("c", Some(""), false)),
        Err((Error::InvalidMetadataField, Some(1)))
    );
    assert_eq!(
        bad(p.add_metadata_field("c", Some(&"n".repeat(64)), false)),
        Err((Error::InvalidMetadataField, Some(1)))
    );
    p.add_metadata_field("c", Some(&"n".repeat(63)), false)
        .unwrap();
    assert_eq!(p.metadata_fields().len(), 2);
    assert_eq!(p.check().map_err(|r| r.error), Ok(()));
}

#[test]
fn settings_in_place_match_the_builders() {
    let token = sign(
        r#"{"alg":"HS256","typ":"at+jwt"}"#,
        &claims_with(r#""client_id":"c","jti":"j","scope":"read","#),
        SECRET,
    );
    // The permissions claim set explicitly wins over the profile's `scope`, in either order.
    let mut o = owned_verifier(owned());
    o.policy_mut().set_access_token_profile(true);
    let mut buf = TokenBuf::new();
    assert_eq!(
        o.verify(token.as_bytes(), NOW, &mut buf).map(|_| ()),
        Err(Error::MissingMetadataField)
    );
    let mut p = Policy::<'static, Lists>::owned();
    p.set_any_issuer(true);
    p.set_without_audience(false);
    p.add_audience("api").unwrap();
    p.set_permissions_claim("perms").unwrap();
    p.set_access_token_profile(true);
    p.add_required_permission("read").unwrap();
    assert_eq!(p.permissions_claim_name(), "perms");
    let o = owned_verifier(p);
    assert_eq!(
        o.verify(token.as_bytes(), NOW, &mut buf).map(|_| ()),
        Err(Error::InsufficientPermissions)
    );
    let b = verifier(
        Policy::new()
            .permissions_claim("perms")
            .access_token()
            .any_issuer()
            .audiences(&["api"])
            .required_permissions(&["read"]),
    );
    assert_eq!(
        b.verify(token.as_bytes(), NOW, &mut buf).map(|_| ()),
        Err(Error::InsufficientPermissions)
    );
    let b = verifier(
        Policy::new()
            .access_token()
            .any_issuer()
            .audiences(&["api"])
            .required_permissions(&["read"]),
    );
    assert_eq!(
        b.verify(token.as_bytes(), NOW, &mut buf).map(|_| ()),
        Ok(())
    );
}

#[test]
fn the_buffer_gives_back_only_validated_claims() {
    let v = verifier(POLICY);
    let mut buf = TokenBuf::new();
    assert!(buf.validated_claims().is_none(), "nothing before a verify");

    let token = good_token();
    let raw = v
        .verify(token.as_bytes(), NOW, &mut buf)
        .unwrap()
        .object()
        .raw()
        .to_vec();
    let kept = buf.validated_claims().expect("validated claims");
    assert!(kept.subject().is_some_and(|s| s == "user_1"));
    assert_eq!(kept.object().raw(), &raw[..]);
    assert_eq!(kept.expires_at(), Some(NOW + 60));
    // A clone keeps them too.
    assert!(buf.clone().validated_claims().is_some());

    // Every failure leaves nothing behind, not the previous token's claims: a bad signature,
    // a policy failure after a good signature, and a format error before anything.
    for bad in [
        sign(HEADER, &claims_with(""), OTHER_SECRET),
        sign(HEADER, &claims_with("").replace("\"api\"", "\"x\""), SECRET),
        "not a token".to_owned(),
    ] {
        v.verify(token.as_bytes(), NOW, &mut buf).unwrap();
        assert!(v.verify(bad.as_bytes(), NOW, &mut buf).is_err());
        assert!(buf.validated_claims().is_none(), "{bad}");
    }

    // Authenticated is not validated: the state-by-state chain without `validate` leaves none.
    v.verify(token.as_bytes(), NOW, &mut buf).unwrap();
    let _ = jwtguard::UntrustedToken::parse(token.as_bytes(), &mut buf)
        .unwrap()
        .verify_signature(v.keys())
        .unwrap()
        .claims()
        .unwrap();
    assert!(buf.validated_claims().is_none());
}
