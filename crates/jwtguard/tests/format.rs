//! Token shape and encoding: length limit, segments, canonical base64url (RFC 7515 §2, §7.1).
#![allow(clippy::unwrap_used)]

mod common;
use common::*;
use jwtguard::Error;
use jwtguard::limits::MAX_TOKEN_LEN;

#[test]
fn good_token_verifies() {
    assert_eq!(check(&good_token()), Ok(()));
}

/// A valid token of exactly `len` bytes, padded through a custom claim and the header.
fn token_of_len(len: usize) -> String {
    for hpad in 0..4 {
        let header = format!(r#"{{"alg":"HS256","typ":"JWT"{}}}"#, " ".repeat(hpad));
        for k in 1000..1600 {
            let t = sign(
                &header,
                &claims_with(&format!(r#""pad":"{}","#, "x".repeat(k))),
                SECRET,
            );
            if t.len() == len {
                return t;
            }
        }
    }
    panic!("no token of length {len}");
}

#[test]
fn exactly_max_len_verifies_and_one_more_is_too_long() {
    assert_eq!(MAX_TOKEN_LEN, 2048);
    assert_eq!(check(&token_of_len(2048)), Ok(()));
    assert_eq!(check(&token_of_len(2049)), Err(Error::TokenTooLong));
    // Rejected before decoding: garbage of that length gets the same answer.
    assert_eq!(check(&"!".repeat(2049)), Err(Error::TokenTooLong));
    assert_eq!(check(&"a.b.c".repeat(1000)), Err(Error::TokenTooLong));
}

#[test]
fn segment_count() {
    let t = good_token();
    for bad in [
        String::new(),
        "abc".into(),
        "a.b".into(),
        format!("{t}."),
        format!("{t}.xyz"),
        format!("{t}.a.b"), // JWE-like, five segments
        t.replacen('.', "", 1),
        "...".into(),
        "a..b.c".into(),
        // The extra dot is what is wrong, whichever segment's decoding would notice first.
        format!("!!.{}", t.replacen('.', ".x.", 1)),
        t.replacen('.', ".!.", 1),
    ] {
        assert_eq!(check(&bad), Err(Error::Malformed), "{bad}");
    }
}

#[test]
fn empty_header_or_payload() {
    let t = good_token();
    let parts: Vec<&str> = t.split('.').collect();
    assert_eq!(
        check(&format!(".{}.{}", parts[1], parts[2])),
        Err(Error::EmptySegment)
    );
    assert_eq!(
        check(&format!("{}..{}", parts[0], parts[2])),
        Err(Error::EmptySegment)
    );
    assert_eq!(check(".."), Err(Error::EmptySegment));
    // An empty signature is a valid encoding of zero bytes: wrong length, not wrong format.
    assert_eq!(
        check(&format!("{}.{}.", parts[0], parts[1])),
        Err(Error::SignatureLength)
    );
}

/// Re-sign with each segment replaced by a non-canonical encoding of the same bytes.
#[test]
fn non_canonical_base64_in_each_segment() {
    let h = b64(HEADER.as_bytes());
    let p = b64(claims_with("").as_bytes());
    let good = sign_segments(&h, &p, SECRET);
    let sig = good.rsplit('.').next().unwrap().to_string();

    let variants = |seg: &str| -> Vec<String> {
        let mut v = vec![
            format!("{seg}="),                       // padding
            format!("{seg}=="),                      // padding
            seg.replace('-', "+").replace('_', "/"), // standard alphabet (when it differs)
            format!(" {seg}"),                       // whitespace
            format!("{seg}\n"),
            // A length of 1 mod 4 encodes no byte string.
            format!("{seg}{}", "A".repeat((5 - seg.len() % 4) % 4)),
        ];
        v.retain(|s| s != seg);
        v
    };
    // Whitespace at either end of the whole token is still rejected, and named as such
    // (a token read from a file with its newline); inside it is not base64url.
    let expected = |t: &str| {
        if t.starts_with(char::is_whitespace) || t.ends_with(char::is_whitespace) {
            Err(Error::TokenWhitespace)
        } else {
            Err(Error::Base64)
        }
    };
    for bad in variants(&h) {
        // MAC over the bad bytes so only the encoding is wrong.
        let t = sign_segments(&bad, &p, SECRET);
        assert_eq!(check(&t), expected(&t), "header {bad:?}");
    }
    for bad in variants(&p) {
        let t = sign_segments(&h, &bad, SECRET);
        assert_eq!(check(&t), Err(Error::Base64), "payload {bad:?}");
    }
    for bad in variants(&sig) {
        let t = format!("{h}.{p}.{bad}");
        assert_eq!(check(&t), expected(&t), "signature {bad:?}");
    }
    let good_with = |pre: &str, post: &str| format!("{pre}{good}{post}");
    for (pre, post) in [("", "\n"), ("", "\r\n"), (" ", ""), ("\t", " "), ("", " ")] {
        assert_eq!(check(&good_with(pre, post)), Err(Error::TokenWhitespace));
    }
}

#[test]
fn non_canonical_trailing_bits() {
    // 32 bytes encode to 43 characters; the last carries 4 bits, of which 2 are unused. Set
    // them: same bytes, different (non-canonical) text.
    let t = good_token();
    let (head, sig) = t.rsplit_once('.').unwrap();
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let last = sig.as_bytes()[sig.len() - 1];
    let idx = alphabet.iter().position(|&c| c == last).unwrap();
    assert_eq!(idx & 3, 0, "canonical encodings leave the low bits clear");
    for low in 1..4 {
        let mut s = sig.as_bytes().to_vec();
        *s.last_mut().unwrap() = alphabet[idx | low];
        let bad = format!("{head}.{}", String::from_utf8(s).unwrap());
        assert_eq!(check(&bad), Err(Error::Base64), "{bad}");
    }
    // Same for a payload whose length leaves unused bits: pick one that does.
    let p = b64(claims_with("\"x\":1,").as_bytes());
    let h = b64(HEADER.as_bytes());
    if !p.len().is_multiple_of(4) {
        let mut bytes = p.into_bytes();
        let last = *bytes.last().unwrap();
        let i = alphabet.iter().position(|&c| c == last).unwrap();
        *bytes.last_mut().unwrap() = alphabet[i ^ 1];
        let bad = String::from_utf8(bytes).unwrap();
        assert_eq!(check(&sign_segments(&h, &bad, SECRET)), Err(Error::Base64));
    }
}

#[test]
fn invalid_utf8_and_bom_in_header_and_claims() {
    let bom = "\u{feff}";
    assert_eq!(
        check(&sign(&format!("{bom}{HEADER}"), &claims_with(""), SECRET)),
        Err(Error::JsonSyntax)
    );
    assert_eq!(
        check(&sign(HEADER, &format!("{bom}{}", claims_with("")), SECRET)),
        Err(Error::JsonSyntax)
    );
    let p = b64(b"{\"sub\":\"\xff\xfe\",\"exp\":9999999999}");
    let t = sign_segments(&b64(HEADER.as_bytes()), &p, SECRET);
    assert_eq!(check(&t), Err(Error::JsonSyntax));
}
