//! JSON Pointer paths (RFC 6901) wherever a dot path is accepted (issue 20, §3): claim names
//! that contain dots, as Auth0's namespaced claims do, and array elements.

mod common;

use common::*;
use jwtguard::{Error, MetadataField, Policy, Request, TokenBuf};

const ROLES: &str = r#""https://example.com/roles":["admin","ops"],"https://example.com/org":{"id":"o1","a.b":{"c~d":7}},"emails":["a@x","b@x"],"#;

fn claims() -> String {
    claims_with(ROLES)
}

#[test]
fn pointers_reach_what_dot_paths_cannot() {
    let v = verifier(POLICY);
    let t = sign(HEADER, &claims(), SECRET);
    let mut buf = TokenBuf::new();
    let c = v.verify(t.as_bytes(), NOW, &mut buf).unwrap();
    let raw = |p: &str| {
        c.value(p)
            .map(|v| String::from_utf8(v.raw().to_vec()).unwrap())
    };
    assert_eq!(
        raw("/https:~1~1example.com~1roles").as_deref(),
        Some(r#"["admin","ops"]"#)
    );
    assert_eq!(
        raw("/https:~1~1example.com~1roles/1").as_deref(),
        Some(r#""ops""#)
    );
    assert_eq!(
        raw("/https:~1~1example.com~1org/id").as_deref(),
        Some(r#""o1""#)
    );
    assert_eq!(
        raw("/https:~1~1example.com~1org/a.b/c~0d").as_deref(),
        Some("7")
    );
    assert_eq!(raw("/emails/0").as_deref(), Some(r#""a@x""#));
    assert_eq!(raw("/sub").as_deref(), Some(r#""user_1""#));
    // The dot path splits the URL and finds nothing; pointers that name nothing are None.
    assert!(c.value("https://example.com/roles").is_none());
    for nothing in [
        "/https://example.com/roles", // unescaped slashes are separators
        "/emails/2",
        "/emails/01",
        "/emails/-",
        "/https:~1~1example.com~1org/a.b/c~d", // `~d` is not an escape
        "/nope",
        "/",
    ] {
        assert!(c.value(nothing).is_none(), "{nothing}");
    }
    // Typed access and permissions-style arrays go through the same path.
    assert_eq!(
        c.strings("/https:~1~1example.com~1roles")
            .unwrap()
            .unwrap()
            .count(),
        2
    );
    assert_eq!(
        c.integer("/https:~1~1example.com~1org/a.b/c~0d"),
        Ok(Some(7))
    );
}

#[test]
fn metadata_fields_by_pointer() {
    static FIELDS: [MetadataField<'static>; 3] = [
        MetadataField::required("/https:~1~1example.com~1roles").named("roles"),
        MetadataField::optional("/https:~1~1example.com~1org/id"),
        MetadataField::optional("/emails/1").named("second_email"),
    ];
    let policy = POLICY.metadata(&FIELDS);
    assert_eq!(policy.check().map_err(|r| r.error), Ok(()));
    let v = verifier(policy);
    let t = sign(HEADER, &claims(), SECRET);
    let mut buf = TokenBuf::new();
    let mut out = [0u8; 256];
    let n = v
        .verify_request(
            t.as_bytes(),
            NOW,
            &mut buf,
            Request::new().metadata_into(&mut out),
        )
        .unwrap()
        .metadata_len;
    assert_eq!(
        std::str::from_utf8(&out[..n]).unwrap(),
        r#"{"roles":["admin","ops"],"id":"o1","second_email":"b@x"}"#
    );
    // Malformed pointers, and a last token with escapes but no name, are refused at check time.
    for bad in [
        MetadataField::optional("/a~2"),
        MetadataField::optional("/https:~1~1example.com~1roles"),
    ] {
        let fields = [bad];
        assert_eq!(
            jwtguard::MetadataField::check_list(&fields).map_err(|r| r.error),
            Err(Error::InvalidMetadataField),
            "{bad:?}"
        );
    }
    // A required pointer field that is absent is reported as such.
    static MISSING: [MetadataField<'static>; 1] = [MetadataField::required("/x~1y").named("xy")];
    let v = verifier(
        Policy::new()
            .any_issuer()
            .audiences(&["api"])
            .metadata(&MISSING),
    );
    let mut buf = TokenBuf::new();
    assert_eq!(
        v.verify(t.as_bytes(), NOW, &mut buf).map(|_| ()),
        Err(Error::MissingMetadataField)
    );
}
