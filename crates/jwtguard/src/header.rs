//! The JOSE header (RFC 7515 §4). Only what picks a key leaves this module before the signature
//! is checked: `alg` and `kid`.
//!
//! The header is read with this crate's strict JSON walker rather than serde-json-core. Without
//! an unescape buffer serde-json-core matches member names on their raw, escaped bytes, so
//! `{"\u0063rit":[...]}` would be an ignored unknown member and a critical extension would slip
//! through; with one, the buffer has to be as large as the longest header string (an `x5c`
//! chain written with `\/` escapes runs to kilobytes). Our walker compares names after
//! unescaping, with no buffer (see `json.rs`).

use crate::alg::Algorithm;
use crate::error::Error;
use crate::json::{self, Str};

/// Member budget for a header: real ones have fewer than ten. A small budget also bounds the
/// quadratic duplicate check on bytes that are not yet authenticated.
const MAX_HEADER_MEMBERS: usize = 16;

/// The header parameters jwtguard acts on (and `cty`, which only ever rejects).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Header<'a> {
    pub(crate) alg: Algorithm,
    pub(crate) kid: Option<Str<'a>>,
    pub(crate) typ: Option<Str<'a>>,
}

fn string_param<'a>(
    top: &json::TopIndex,
    bytes: &'a [u8],
    name: &str,
) -> Result<Option<Str<'a>>, Error> {
    match top.get(bytes, name).map(|(v, _)| v) {
        None => Ok(None),
        // RFC 7515 §4.1.1, §4.1.4, §4.1.9: each of these is a string. `null` is not absent.
        Some(v) => v.as_str().map(Some).ok_or(Error::InvalidHeaderParameter),
    }
}

impl<'a> Header<'a> {
    /// Parse decoded header bytes. Error order: JSON, `crit`, `alg`, parameter types.
    pub(crate) fn parse(bytes: &'a [u8]) -> Result<Self, Error> {
        if let Some(header) = Self::compact(bytes) {
            // Debug builds (the tests, the fuzzers) hold every shortcut to the full answer.
            #[cfg(debug_assertions)]
            {
                let full = Self::parse_full(bytes);
                debug_assert!(
                    full.is_ok_and(|f| f.same_as(&header)),
                    "compact header differs from the full parse: {full:?}"
                );
            }
            return Ok(header);
        }
        Self::parse_full(bytes)
    }

    /// The shape almost every issuer writes: `{"alg":"…"}` with `typ` and `kid` perhaps, in
    /// any order, once each, no whitespace, values of printable ASCII without escapes. From
    /// such bytes [`Header::parse_full`] would conclude what is plain to see here (valid JSON,
    /// no duplicate, no `crit`, no `cty`, strings where strings are due), so the answer is the
    /// same without the validator's pass, its index and five lookups: 0.12 µs of a 1.45 µs
    /// HS256 verify of a 700-character token. Anything else, an unknown `alg` included, is
    /// `None` and takes the full way, which reports errors in their order.
    fn compact(bytes: &'a [u8]) -> Option<Self> {
        let mut rest = bytes.strip_prefix(b"{")?.strip_suffix(b"}")?;
        let (mut alg, mut kid, mut typ) = (None, None, None);
        loop {
            // `"nam":"value"`: every name we take has three letters.
            let (name, after) = rest.strip_prefix(b"\"")?.split_at_checked(3)?;
            let after = after.strip_prefix(b"\":\"")?;
            let end = after.iter().position(|&b| b == b'"')?;
            let (value, after) = after.split_at_checked(end)?;
            if !value
                .iter()
                .all(|&b| (0x20..0x7f).contains(&b) && b != b'\\')
            {
                return None;
            }
            let slot = match name {
                b"alg" => &mut alg,
                b"kid" => &mut kid,
                b"typ" => &mut typ,
                _ => return None,
            };
            if slot.replace(value).is_some() {
                return None; // a duplicate: the full parse names it
            }
            match after.get(1..)?.split_first() {
                None => break,
                Some((b',', more)) => rest = more,
                Some(_) => return None,
            }
        }
        Some(Header {
            alg: Algorithm::from_name(alg?)?,
            kid: kid.map(Str::plain),
            typ: typ.map(Str::plain),
        })
    }

    /// Whether two parses agree: the same algorithm, and the same `kid` and `typ` text.
    #[cfg(any(debug_assertions, test))]
    fn same_as(&self, other: &Self) -> bool {
        self.alg == other.alg && self.kid == other.kid && self.typ == other.typ
    }

    /// [`Header::parse`] for any header: the validator, then each parameter looked up.
    fn parse_full(bytes: &'a [u8]) -> Result<Self, Error> {
        let mut keys = [0u32; MAX_HEADER_MEMBERS];
        // The members, recorded by the validating pass (the budget of 16 is below the index's
        // capacity, so every member is in it): each lookup below reads the index.
        let mut top = json::TopIndex::new();
        json::index(bytes, &mut keys, &mut top)?;
        const _: () = assert!(MAX_HEADER_MEMBERS <= json::TOP_MEMBERS);
        // RFC 7515 §4.1.11: a recipient that does not understand a listed extension MUST reject
        // the JWS. We understand none (RFC 7797's `b64` included), so `crit` in any form is out.
        if top.get(bytes, "crit").is_some() {
            return Err(Error::CriticalExtension);
        }
        let alg = string_param(&top, bytes, "alg")?.ok_or(Error::MissingAlgorithm)?;
        // Algorithm names are ASCII; one with escapes (`"HS\u0032\u0035\u0036"`) is not matched
        // raw, and decoding it would only serve to accept a spelling no issuer produces.
        let alg = Algorithm::from_name(alg.raw()).ok_or(Error::UnsupportedAlgorithm)?;
        let kid = string_param(&top, bytes, "kid")?;
        let typ = string_param(&top, bytes, "typ")?;
        // RFC 7519 §5.2: `cty: "JWT"` says the payload is a JWT, not a claims set, and §7.2
        // step 8 has the recipient verify that inner token next. We do not support nesting,
        // and reading the inner token's compact form as claims would be wrong, so reject it.
        // The value is a media type, compared as `typ` is (case-insensitive, optional
        // `application/`).
        if string_param(&top, bytes, "cty")?.is_some_and(|cty| typ_matches(&cty, "JWT")) {
            return Err(Error::NestedToken);
        }
        Ok(Header { alg, kid, typ })
    }
}

/// Whether `typ` names the expected media type. RFC 7515 §4.1.9: compared case-insensitively,
/// and an `application/` prefix may be omitted.
pub(crate) fn typ_matches(typ: &Str<'_>, expected: &str) -> bool {
    let eq = |full: &mut dyn Iterator<Item = u8>| {
        let mut exp = expected.bytes();
        loop {
            match (full.next(), exp.next()) {
                (None, None) => return true,
                (Some(a), Some(b)) if a.eq_ignore_ascii_case(&b) => {}
                _ => return false,
            }
        }
    };
    if eq(&mut typ.bytes()) {
        return true;
    }
    // "application/JWT" equals "JWT": strip a case-insensitive prefix of exactly that.
    let prefix = b"application/";
    let mut bytes = typ.bytes();
    for p in prefix {
        match bytes.next() {
            Some(b) if b.eq_ignore_ascii_case(p) => {}
            _ => return false,
        }
    }
    eq(&mut bytes)
}

#[cfg(test)]
mod tests {
    extern crate std;
    use std::{format, string::String, vec::Vec};

    use rand::{Rng, SeedableRng};

    use super::*;

    /// Headers built from members that keep the compact shape and members that break it (an
    /// escape, whitespace, another name, `crit`, `cty`, a non-string, an unknown `alg`, a
    /// duplicate): wherever the shortcut answers, the full parse agrees (the assertion in
    /// `parse` checks that too, in debug builds), and every answer of `parse` is the full
    /// parse's, errors included.
    #[test]
    fn the_compact_shape_agrees_with_the_full_parse() {
        let members = [
            r#""alg":"HS256""#,
            r#""alg":"RS256""#,
            r#""alg":"ES256""#,
            r#""alg":"none""#,
            r#""alg":"HS\u0032\u0035\u0036""#,
            r#""alg":"""#,
            r#""typ":"JWT""#,
            r#""typ":"at+jwt""#,
            r#""typ":"application/JWT""#,
            r#""kid":"ins_2abc""#,
            r#""kid":"a b~!""#,
            r#""kid":"\u00e9t\u00e9""#,
            r#""kid":"é""#,
            r#""kid":1"#,
            r#""cty":"JWT""#,
            r#""crit":["exp"]"#,
            r#""x5t":"abc""#,
            r#""ki":"x""#,
            r#" "kid" : "y" "#,
        ];
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(9);
        let mut compact = 0;
        // Under Miri (which looks for undefined behaviour, not wrong answers) a sample.
        let rounds = if cfg!(miri) { 200 } else { 20_000 };
        for _ in 0..rounds {
            let n = rng.gen_range(0..5);
            let chosen: Vec<&str> = (0..n)
                .map(|_| members[rng.gen_range(0..members.len())])
                .collect();
            let doc = format!("{{{}}}", chosen.join(","));
            let bytes: &[u8] = doc.as_bytes();
            let full = Header::parse_full(bytes);
            if let Some(h) = Header::compact(bytes) {
                compact += 1;
                assert!(full.is_ok_and(|f| f.same_as(&h)), "{doc}: {full:?}");
            }
            let got = Header::parse(bytes);
            match (got, full) {
                (Ok(a), Ok(b)) => assert!(a.same_as(&b), "{doc}"),
                (a, b) => assert_eq!(a.err(), b.err(), "{doc}"),
            }
        }
        // The shortcut did run, on a fair share of the headers (about one in twenty).
        assert!(compact > rounds / 40, "{compact}");
    }

    #[test]
    fn the_compact_shape_is_exact() {
        let h = Header::compact(br#"{"typ":"JWT","kid":"k1","alg":"RS256"}"#).unwrap();
        assert_eq!(h.alg, Algorithm::RS256);
        assert_eq!(h.kid.map(|k| k.raw()), Some(&b"k1"[..]));
        assert_eq!(h.typ.map(|t| t.raw()), Some(&b"JWT"[..]));
        for no in [
            &br#"{"alg":"HS256","alg":"HS256"}"#[..],
            br#"{"alg":"HS256",}"#,
            br#"{"alg":"HS256"} "#,
            br#"{"alg":"HS256""#,
            br#"{"alg":"HS256","typ":"J\"WT"}"#,
            br#"{"alg":"HS256","typ":"J	WT"}"#,
            br#"{"typ":"JWT"}"#,
            br#"{"alg":"HS999"}"#,
        ] {
            assert!(
                Header::compact(no).is_none(),
                "{}",
                String::from_utf8_lossy(no)
            );
        }
    }
}
