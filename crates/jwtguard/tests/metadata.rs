//! Metadata fields copied by dot path into a caller buffer.
#![allow(clippy::unwrap_used)]

mod common;
use common::*;
use jwtguard::{Error, MetadataField, Policy, Rejection, Request, TokenBuf};

const VALJEAN: &str = r#"{"sub":"24601","exp":9999999999,"user_data":{"name":"Jean Valjean","aliases":["Monsieur Madeleine","Ultime Fauchelevent","Urbain Fabre"]}}"#;
static FIELDS: [MetadataField<'static>; 2] = [
    MetadataField::required("user_data.name"),
    MetadataField::optional("user_data.aliases"),
];

fn run(
    payload: &str,
    fields: &'static [MetadataField<'static>],
    out: &mut [u8],
) -> Result<usize, Rejection> {
    let v = verifier(Policy::new().metadata(fields));
    let t = sign(HEADER, payload, SECRET);
    let mut buf = TokenBuf::new();
    v.verify_request(
        t.as_bytes(),
        NOW,
        &mut buf,
        Request::new().metadata_into(out),
    )
    .map(|r| r.metadata_len)
}

#[test]
fn the_custom_jwt_example_byte_for_byte() {
    let mut out = [0u8; 256];
    let n = run(VALJEAN, &FIELDS, &mut out).unwrap();
    assert_eq!(
        std::str::from_utf8(&out[..n]).unwrap(),
        r#"{"name":"Jean Valjean","aliases":["Monsieur Madeleine","Ultime Fauchelevent","Urbain Fabre"]}"#
    );
}

#[test]
fn values_of_every_type_are_copied_compactly() {
    static F: [MetadataField<'static>; 6] = [
        MetadataField::optional("o"),
        MetadataField::optional("n").named("number"),
        MetadataField::optional("t"),
        MetadataField::optional("z"),
        MetadataField::optional("s"),
        MetadataField::optional("deep.er.est"),
    ];
    let payload = "{\"exp\":9999999999,\"sub\":\"u\",\"o\":{ \"a\" : [1, 2 ,{\"b\":\"x y\"}] },\"n\":-1.5e3,\"t\":true,\"z\":null,\"s\":\"q\\\"uo\\u00e9 \\n\",\"deep\":{\"er\":{\"est\":\"!\"}}}";
    let mut out = [0u8; 256];
    let n = run(payload, &F, &mut out).unwrap();
    let doc = std::str::from_utf8(&out[..n]).unwrap();
    assert_eq!(
        doc,
        r#"{"o":{"a":[1,2,{"b":"x y"}]},"number":-1.5e3,"t":true,"z":null,"s":"q\"uo\u00e9 \n","est":"!"}"#
    );
    // It is JSON, with the values the token holds.
    let parsed: serde_like::Doc = serde_like::parse(doc);
    assert!(parsed.0.contains("\"est\":\"!\""));
}

// A tiny structural check without a JSON dependency: balanced and quoted correctly.
mod serde_like {
    pub struct Doc(pub String);
    pub fn parse(s: &str) -> Doc {
        let (mut depth, mut in_str, mut esc) = (0i32, false, false);
        for c in s.chars() {
            match (in_str, esc, c) {
                (true, true, _) => esc = false,
                (true, false, '\\') => esc = true,
                (true, false, '"') => in_str = false,
                (false, _, '"') => in_str = true,
                (false, _, '{' | '[') => depth += 1,
                (false, _, '}' | ']') => depth -= 1,
                (false, _, c) => assert!(!c.is_whitespace(), "whitespace outside strings: {s}"),
                _ => {}
            }
        }
        assert_eq!((depth, in_str), (0, false), "{s}");
        Doc(s.to_string())
    }
}

#[test]
fn missing_fields() {
    let mut out = [0u8; 256];
    // Optional missing: left out.
    let n = run(
        r#"{"sub":"1","exp":9999999999,"user_data":{"name":"J"}}"#,
        &FIELDS,
        &mut out,
    )
    .unwrap();
    assert_eq!(&out[..n], br#"{"name":"J"}"#);
    // Required missing: an error naming the field's index.
    let r = run(
        r#"{"sub":"1","exp":9999999999,"user_data":{}}"#,
        &FIELDS,
        &mut out,
    )
    .unwrap_err();
    assert_eq!(
        r,
        Rejection {
            error: Error::MissingMetadataField,
            field: Some(0),
            needed: None
        }
    );
    // A path through a non-object is missing, not a type error.
    let r = run(
        r#"{"sub":"1","exp":9999999999,"user_data":"flat"}"#,
        &FIELDS,
        &mut out,
    )
    .unwrap_err();
    assert_eq!(r.error, Error::MissingMetadataField);
    // null is a value.
    let n = run(
        r#"{"sub":"1","exp":9999999999,"user_data":{"name":null}}"#,
        &FIELDS,
        &mut out,
    )
    .unwrap();
    assert_eq!(&out[..n], br#"{"name":null}"#);
    // Without an output buffer, required fields are still enforced.
    let v = verifier(Policy::new().metadata(&FIELDS));
    let t = sign(HEADER, r#"{"sub":"1","exp":9999999999}"#, SECRET);
    let mut buf = TokenBuf::new();
    let r = v
        .verify_request(t.as_bytes(), NOW, &mut buf, Request::new())
        .unwrap_err();
    assert_eq!(r.error, Error::MissingMetadataField);
}

#[test]
fn buffer_too_small_reports_the_size_needed() {
    let want = r#"{"name":"Jean Valjean","aliases":["Monsieur Madeleine","Ultime Fauchelevent","Urbain Fabre"]}"#.len();
    for cap in [0, 1, 10, want - 1] {
        let mut out = vec![0u8; cap];
        let r = run(VALJEAN, &FIELDS, &mut out).unwrap_err();
        assert_eq!(
            r,
            Rejection {
                error: Error::BufferTooSmall,
                field: None,
                needed: Some(want)
            },
            "{cap}"
        );
    }
    let mut out = vec![0u8; want];
    assert_eq!(run(VALJEAN, &FIELDS, &mut out), Ok(want));
}

#[test]
fn field_names() {
    assert_eq!(
        MetadataField::required("user_data.name").field_name(),
        "name"
    );
    assert_eq!(
        MetadataField::required("location.primary.city").field_name(),
        "city"
    );
    assert_eq!(MetadataField::required("email").field_name(), "email");
    assert_eq!(MetadataField::required("a.b").named("x").field_name(), "x");
    let long: &'static str = Box::leak("n".repeat(64).into_boxed_str());
    let ok: &'static str = Box::leak("n".repeat(63).into_boxed_str());
    for (fields, bad) in [
        (vec![MetadataField::optional("a").named(long)], Some(0)),
        (vec![MetadataField::optional("a").named(ok)], None),
        (vec![MetadataField::optional("a.")], Some(0)),
        (vec![MetadataField::optional("")], Some(0)),
        (vec![MetadataField::optional("x..y")], Some(0)),
        (vec![MetadataField::optional("a").named("")], Some(0)),
        (
            vec![
                MetadataField::optional("a.name"),
                MetadataField::optional("b.name"),
            ],
            Some(1),
        ),
        (
            vec![
                MetadataField::optional("a.name"),
                MetadataField::optional("b.name").named("b"),
            ],
            None,
        ),
    ] {
        let got = MetadataField::check_list(&fields).err();
        assert_eq!(
            got.map(|r| (r.error, r.field)),
            bad.map(|i| (Error::InvalidMetadataField, Some(i))),
            "{fields:?}"
        );
    }
    // Names are written as JSON strings, escaped.
    static Q: [MetadataField<'static>; 1] = [MetadataField::required("sub").named("a\"b\\c")];
    let mut out = [0u8; 64];
    let n = run(r#"{"sub":"1","exp":9999999999}"#, &Q, &mut out).unwrap();
    assert_eq!(&out[..n], br#"{"a\"b\\c":"1"}"#);
}

#[test]
fn metadata_comes_after_permissions() {
    static F: [MetadataField<'static>; 1] = [MetadataField::required("missing")];
    let v = verifier(Policy::new().metadata(&F).required_permissions(&["p"]));
    let t = sign(HEADER, r#"{"sub":"1","exp":9999999999}"#, SECRET);
    let mut buf = TokenBuf::new();
    let mut out = [0u8; 8];
    let r = v
        .verify_request(
            t.as_bytes(),
            NOW,
            &mut buf,
            Request::new().metadata_into(&mut out),
        )
        .unwrap_err();
    assert_eq!(r.error, Error::InsufficientPermissions);
}
