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
