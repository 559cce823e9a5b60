//! The validator and the walker, on documents RFC 8259 accepts and rejects.

extern crate std;
use super::validate::{index, validate};
use super::*;
use crate::error::Error;
use crate::limits::{MAX_JSON_DEPTH, MAX_JSON_MEMBERS};

fn check(doc: &str) -> Result<(), Error> {
    let mut keys = [0u32; MAX_JSON_MEMBERS];
    validate(doc.as_bytes(), &mut keys)
}

#[test]
fn accepts_ordinary_documents() {
    for d in [
        "{}",
        " { } ",
        r#"{"a":1,"b":[true,false,null,-0.5e+3,"x"],"c":{"d":{}}}"#,
        r#"{"s":"\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00"}"#,
        "{\"u\":\"é😀\"}",
        r#"{"a":{"x":1},"b":{"x":2}}"#,
    ] {
        assert_eq!(check(d), Ok(()), "{d}");
    }
}

#[test]
fn rejects_what_rfc8259_rejects() {
    for d in [
        "",
        "{",
        "{\"a\":1,}",
        "{\"a\" 1}",
        "{a:1}",
        "{\"a\":NaN}",
        "{\"a\":Infinity}",
        "{\"a\":01}",
        "{\"a\":1.}",
        "{\"a\":.5}",
        "{\"a\":1e}",
        "{\"a\":+1}",
        "{\"a\":tru}",
        "{\"a\":1}/* c */",
        "{\"a\":1} x",
        "{\"a\":1}{}",
        "\u{feff}{}",
        "{\"a\":\"\u{1}\"}",
        "{\"a\":\"\t\"}",
        "{\"a\":\"\\x\"}",
        "{\"a\":\"\\ud800\"}",
        "{\"a\":\"\\udc00\"}",
        "{\"a\":\"\\ud800\\u0041\"}",
        "{\"a\":\"\\u12\"}",
        "{\"a\":'x'}",
        "{\"a\":[1,]}",
    ] {
        assert_eq!(check(d), Err(Error::JsonSyntax), "{d:?}");
    }
    let mut keys = [0u32; 8];
    assert_eq!(
        validate(b"{\"a\":\"\xff\"}", &mut keys),
        Err(Error::JsonSyntax)
    );
}

#[test]
fn non_objects() {
    for d in ["[]", "1", "\"x\"", "null", "true"] {
        assert_eq!(check(d), Err(Error::JsonNotObject), "{d}");
    }
}

#[test]
fn duplicates_at_any_depth_and_after_unescaping() {
    for d in [
        r#"{"a":1,"a":2}"#,
        r#"{"a":1,"\u0061":2}"#,
        r#"{"x":{"b":1,"c":2,"b":3}}"#,
        r#"{"x":[{"b":1,"b":1}]}"#,
    ] {
        assert_eq!(check(d), Err(Error::JsonDuplicateMember), "{d}");
    }
    // Same name in sibling objects is fine, and names are case-sensitive.
    assert_eq!(check(r#"{"x":{"b":1},"y":{"b":1},"B":0,"b":0}"#), Ok(()));
}

#[test]
fn depth_and_member_budgets() {
    let mut deep = heapless::String::<256>::new();
    for _ in 0..MAX_JSON_DEPTH {
        deep.push_str("{\"a\":").ok();
    }
    deep.push('1').ok();
    for _ in 0..MAX_JSON_DEPTH {
        deep.push('}').ok();
    }
    assert_eq!(check(&deep), Ok(()));
    let mut deeper = heapless::String::<256>::new();
    deeper.push_str("{\"a\":").ok();
    deeper.push_str(&deep).ok();
    deeper.push('}').ok();
    assert_eq!(check(&deeper), Err(Error::JsonTooComplex));
    let arrays = "{\"a\":[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]}";
    assert_eq!(check(arrays), Err(Error::JsonTooComplex));

    let mut keys = [0u32; 2];
    assert_eq!(validate(br#"{"a":1,"b":2}"#, &mut keys), Ok(()));
    assert_eq!(
        validate(br#"{"a":1,"b":2,"c":3}"#, &mut keys),
        Err(Error::JsonTooComplex)
    );
    // Budget slots are reused when an inner object closes.
    assert_eq!(validate(br#"{"a":{"x":1},"b":2}"#, &mut keys), Ok(()));
}

#[test]
fn walking() {
    let doc = br#" {"a" : 1 , "b":{"c":[1, "two" ,{"d":null}]}, "e\/f":"x\u00e9\ud83d\ude00"} "#;
    let mut keys = [0u32; 16];
    validate(doc, &mut keys).unwrap();
    let o = Object::from_validated(doc).unwrap();
    assert_eq!(o.get("a").unwrap().as_number(), Some(&b"1"[..]));
    let c = o.get_path("b.c").unwrap().as_array().unwrap();
    let kinds: heapless::Vec<Kind, 4> = c.iter().map(|v| v.kind()).collect();
    assert_eq!(&kinds[..], &[Kind::Number, Kind::String, Kind::Object]);
    let e = o.get("e/f").unwrap().as_str().unwrap();
    assert!(e == "xé😀");
    assert_eq!(e.as_str(), Err(Escaped { needed: 7 }));
    assert_eq!(std::format!("{e:?}"), "\"xé😀\"");
    let mut buf = [0u8; 16];
    assert_eq!(e.unescape_into(&mut buf), Ok("xé😀"));
    let mut small = [0u8; 3];
    assert_eq!(e.unescape_into(&mut small), Err(7));
    assert!(o.get_path("b.c.d").is_none());
    assert!(o.get_path("a.").is_none());
    assert!(o.get("z").is_none());
}

/// The tag-filtered lookup agrees with walking the object, for every name present and for
/// absent ones: escaped names, names whose tags collide, members across several words of
/// tags, and documents with more members than the index holds.
#[test]
fn index_lookup_agrees_with_the_walk() {
    use std::format;
    use std::string::String;
    use std::vec::Vec;
    let mut docs: Vec<String> = [
        r#"{"iss":1,"sub":2,"aud":3,"azp":4,"exp":5,"nbf":6,"iat":7,"sid":8,"permissions":9}"#,
        r#"{"\u0073ub":1,"sub2":2,"s":3,"":4,"su\u0062x":5}"#,
        // Same first byte and length (same tag), and 0x25 ^ (1 * 37) == 0 -> tag 1.
        r#"{"ab":1,"ac":2,"ad":3,"%":4,"\u0001":5}"#,
    ]
    .iter()
    .map(|d| String::from(*d))
    .collect();
    for n in [7, 8, 9, 15, 16, 17, 31, 32, 33, 40] {
        let body: Vec<String> = (0..n).map(|i| format!(r#""m{i}":{i}"#)).collect();
        docs.push(format!("{{{}}}", body.join(",")));
    }
    for d in &docs {
        let mut keys = [0u32; MAX_JSON_MEMBERS];
        let mut top = TopIndex::new();
        index(d.as_bytes(), &mut keys, &mut top).unwrap();
        let object = Object::from_validated(d.as_bytes()).unwrap();
        let mut names: Vec<String> = object
            .members()
            .map(|(k, _)| k.bytes().map(char::from).collect())
            .collect();
        names.extend(["zz", "m99", "sub3", "a", "ae"].map(String::from));
        for name in &names {
            let walked = object.get(name).map(|v| v.raw());
            let looked = top.get(d.as_bytes(), name).map(|(v, _)| v.raw());
            if top.complete() || looked.is_some() {
                assert_eq!(looked, walked, "{d} {name}");
            } else {
                // Past the index: `Claims::member` walks the object for these.
                assert!(
                    object
                        .members()
                        .position(|(k, _)| k == name.as_str())
                        .unwrap_or(0)
                        >= TOP_MEMBERS
                        || walked.is_none(),
                    "{d} {name}"
                );
            }
        }
    }
}

fn written(t: Text<'_>) -> std::string::String {
    let mut buf = std::vec![0u8; t.len()];
    assert_eq!(t.write_into(&mut buf), Ok(buf.len()));
    if let Some(b) = t.as_bytes() {
        assert_eq!(b, &buf[..], "a borrowed text is the written one");
    }
    // Too short a buffer is refused with the size needed, never cut.
    if !buf.is_empty() {
        assert_eq!(
            t.write_into(&mut std::vec![0u8; buf.len() - 1]),
            Err(buf.len())
        );
    }
    std::string::String::from_utf8(buf).unwrap()
}

/// Each top-level value's text, as the index marks it (no scan where it says the bytes
/// are the text) and as found by looking at the value: always the same, and what a
/// gateway forwards (a string's unescaped text, anything else compact JSON).
#[test]
fn text_from_the_index_is_the_text() {
    let cases: &[(&str, &[&str])] = &[
        (
            r#"{"a":"plain","b":"x\"y\u00e9","c":[1, 2],"d":{"k":"v"},"e":12.5e3,"f":true,"g":null,"h":""}"#,
            &[
                "plain",
                "x\"y\u{e9}",
                "[1,2]",
                r#"{"k":"v"}"#,
                "12.5e3",
                "true",
                "null",
                "",
            ],
        ),
        (
            "{ \"a\" : [ \"s p\" , { \"k\" :\t1 } ] , \"b\":\n\"\\n\" }",
            &[r#"["s p",{"k":1}]"#, "\n"],
        ),
        (
            r#"{"a":["esc\"aped"],"b":{"n":"\u0041"},"c":"a b"}"#,
            &[r#"["esc\"aped"]"#, r#"{"n":"\u0041"}"#, "a b"],
        ),
        (
            r#"{"a":["s p"],"b":{"k":"\t"}}"#,
            &[r#"["s p"]"#, r#"{"k":"\t"}"#],
        ),
    ];
    for (doc, want) in cases {
        let mut keys = [0u32; MAX_JSON_MEMBERS];
        let mut top = TopIndex::new();
        index(doc.as_bytes(), &mut keys, &mut top).unwrap();
        let got: std::vec::Vec<_> = top
            .members
            .iter()
            .take(usize::from(top.len))
            .map(|m| {
                let (value, plain) = m.value(doc.as_bytes()).unwrap();
                let scanned = written(value.text());
                if plain {
                    assert_eq!(written(Text::verbatim(value)), scanned, "{doc}");
                }
                // Only the claims-cache build marks; it marks every value the scan finds
                // plain (and more: whitespace inside a nested string is no reason to look).
                if cfg!(feature = "claims-cache") && value.text().as_bytes().is_some() {
                    assert!(plain, "{doc}");
                }
                scanned
            })
            .collect();
        assert_eq!(&got, want, "{doc}");
    }
}

/// [`index`]'s answer for `doc` (its top-level duplicate check goes through the index's tags).
fn check_indexed(doc: &str) -> Result<(), Error> {
    let mut keys = [0u32; MAX_JSON_MEMBERS];
    let mut top = TopIndex::new();
    index(doc.as_bytes(), &mut keys, &mut top)
}

#[test]
fn duplicates_through_the_index() {
    // Both sides plain, either side escaped, both escaped, and one past the index's capacity.
    let mut past = std::string::String::from("{");
    for i in 0..TOP_MEMBERS + 3 {
        past.push_str(&std::format!("\"k{i}\":0,"));
    }
    let past_dup = std::format!("{past}\"k{}\":1}}", TOP_MEMBERS + 1);
    let past_dup_early = std::format!("{past}\"k1\":1}}");
    let past_ok = std::format!("{past}\"k\":1}}");
    for (d, want) in [
        (r#"{"a":1,"a":2}"#, Err(Error::JsonDuplicateMember)),
        (r#"{"a":1,"\u0061":2}"#, Err(Error::JsonDuplicateMember)),
        (r#"{"\u0061":1,"a":2}"#, Err(Error::JsonDuplicateMember)),
        (
            r#"{"\u0061":1,"\u0061":2}"#,
            Err(Error::JsonDuplicateMember),
        ),
        (
            r#"{"iss":1,"sub":2,"aud":3,"iat":4,"iss":5}"#,
            Err(Error::JsonDuplicateMember),
        ),
        (
            r#"{"iss":1,"sub":2,"aud":3,"iat":4,"azp":5,"sid":6}"#,
            Ok(()),
        ),
        (
            r#"{"ab":1,"a\u0062c":2,"abc":3}"#,
            Err(Error::JsonDuplicateMember),
        ),
        (r#"{"ab":1,"a\u0062c":2,"abd":3}"#, Ok(())),
        (&past_dup, Err(Error::JsonDuplicateMember)),
        (&past_dup_early, Err(Error::JsonDuplicateMember)),
        (&past_ok, Ok(())),
    ] {
        assert_eq!(check_indexed(d), want, "{d}");
        assert_eq!(check(d), want, "{d}");
    }
}

/// Random objects over a few names (so duplicates are common), some of them escaped, up to
/// past the index's capacity: the indexed check agrees with the plain one and with a set of
/// the decoded names.
#[test]
fn indexed_duplicate_check_matches_a_set() {
    use rand::{Rng, SeedableRng};
    let names = [
        "a", "b", "ab", "ba", "iss", "iat", "sub", "sid", "aud", "azp", "exp", "x1", "1x",
    ];
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    // Under Miri (which looks for undefined behaviour, not wrong answers) a sample.
    for _ in 0..if cfg!(miri) { 30 } else { 3000 } {
        let members = rng.gen_range(0..TOP_MEMBERS + 6);
        let (mut doc, mut seen, mut dup) = (std::string::String::from("{"), std::vec![], false);
        for i in 0..members {
            // Mostly unique filler names, so objects grow past the index without a duplicate.
            let name = if rng.gen_bool(0.3) {
                std::string::String::from(names[rng.gen_range(0..names.len())])
            } else {
                std::format!("m{i}")
            };
            dup |= seen.contains(&name);
            // Escape the first character now and then: `\u00XX`.
            let written = if rng.gen_bool(0.2) {
                let mut c = name.chars();
                let first = c.next().unwrap();
                std::format!("\\u{:04x}{}", first as u32, c.as_str())
            } else {
                name.clone()
            };
            seen.push(name);
            if i > 0 {
                doc.push(',');
            }
            doc.push_str(&std::format!("\"{written}\":{i}"));
        }
        doc.push('}');
        let want = if dup {
            Err(Error::JsonDuplicateMember)
        } else {
            Ok(())
        };
        assert_eq!(check_indexed(&doc), want, "{doc}");
        assert_eq!(check(&doc), want, "{doc}");
    }
}

/// The validator's UTF-8 check, character by character inside strings, against the standard
/// library's check of the whole document: random strings of valid characters of every length,
/// stray continuation bytes, truncated sequences, overlong forms, surrogates and bytes past
/// U+10FFFF, at every position, as a member's value and as its name.
#[test]
fn utf8_inside_strings_matches_the_standard_library() {
    use rand::{Rng, SeedableRng};
    let pieces: [&[u8]; 16] = [
        b"a",
        b"~",
        "é".as_bytes(),
        "€".as_bytes(),
        "𝄞".as_bytes(),
        "\u{7ff}".as_bytes(),
        "\u{10ffff}".as_bytes(),
        b"\x80",
        b"\xbf",
        b"\xc0\x80",
        b"\xc1\xbf",
        b"\xe0\x9f\xbf",
        b"\xed\xa0\x80",
        b"\xf4\x90\x80\x80",
        b"\xf5\x80\x80\x80",
        b"\xe2\x82",
    ];
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
    // Under Miri (which looks for undefined behaviour, not wrong answers) a sample.
    for round in 0..if cfg!(miri) { 200 } else { 20_000 } {
        let mut s = std::vec::Vec::new();
        for _ in 0..rng.gen_range(0..24) {
            s.extend_from_slice(pieces[rng.gen_range(0..pieces.len())]);
        }
        if round % 3 == 0 {
            // A lone random byte anywhere, too.
            let at = rng.gen_range(0..=s.len());
            s.insert(at, rng.gen_range(0x80..=0xff));
        }
        let want = if core::str::from_utf8(&s).is_ok() {
            Ok(())
        } else {
            Err(Error::JsonSyntax)
        };
        for doc in [
            [&b"{\"k\":\""[..], &s, b"\"}"].concat(),
            [&b"{\""[..], &s, b"\":0}"].concat(),
        ] {
            let mut keys = [0u32; MAX_JSON_MEMBERS];
            assert_eq!(validate(&doc, &mut keys), want, "{doc:x?}");
        }
    }
}

/// A name whose text has a backslash is written escaped, and a lookup of that text finds it:
/// the text is compared as text, not decoded again (a fuzzer found the lookup missing it).
#[test]
fn a_backslash_in_a_name_is_text() {
    let doc = br#"{"a":0,"\\z":1,"\u0061b":2}"#;
    let mut keys = [0u32; MAX_JSON_MEMBERS];
    let mut top = TopIndex::new();
    index(doc, &mut keys, &mut top).unwrap();
    assert_eq!(top.get(doc, "\\z").map(|(v, _)| v.raw), Some(&b"1"[..]));
    assert_eq!(top.get(doc, "ab").map(|(v, _)| v.raw), Some(&b"2"[..]));
    assert!(top.get(doc, "z").is_none());
    assert!(top.get(doc, "\\\\z").is_none());
    assert_eq!(
        check_indexed(r#"{"\\z":1,"\\z":2}"#),
        Err(Error::JsonDuplicateMember)
    );
}
