//! The `Authorization: Bearer <token>` header value (RFC 6750 §2.1, RFC 9110 §11.6.2).
//!
//! Rules, strict where the RFCs are:
//! - Optional whitespace (SP or HTAB) around the whole value is trimmed: RFC 9110 §5.5 excludes
//!   it from the field value, though some gateways pass it through.
//! - The scheme is `Bearer`, compared case-insensitively (RFC 9110 §11.1).
//! - One or more SP separate scheme and token (RFC 9110 §11.4: `1*SP`); a tab there is not SP.
//! - The token is one `b64token` (RFC 6750 §2.1): `A-Z a-z 0-9 - . _ ~ + /` then any `=`.
//!   A second word is [`Error::MalformedAuthorization`], as is any other character.

use crate::error::Error;

fn is_b64token_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'+' | b'/')
}

/// The token in an `Authorization` header value such as `Bearer eyJ...`.
///
/// Errors: another scheme is [`Error::NotBearer`]; `Bearer` alone is [`Error::MissingBearerToken`];
/// anything else malformed is [`Error::MalformedAuthorization`].
pub fn bearer_token(value: &[u8]) -> Result<&[u8], Error> {
    let ows = |b: &u8| *b == b' ' || *b == b'\t';
    let start = value.iter().position(|b| !ows(b)).unwrap_or(value.len());
    let end = value
        .iter()
        .rposition(|b| !ows(b))
        .map_or(start, |e| e.saturating_add(1));
    let value = value.get(start..end).ok_or(Error::MalformedAuthorization)?;

    let scheme_end = value
        .iter()
        .position(|b| *b == b' ' || *b == b'\t')
        .unwrap_or(value.len());
    let (scheme, rest) = value.split_at(scheme_end);
    if !scheme.eq_ignore_ascii_case(b"bearer") {
        return Err(if scheme.is_empty() {
            Error::MalformedAuthorization
        } else {
            Error::NotBearer
        });
    }
    if rest.is_empty() {
        return Err(Error::MissingBearerToken);
    }
    let token_start = rest.iter().position(|b| *b != b' ').unwrap_or(rest.len());
    let (sep, token) = rest.split_at(token_start);
    if sep.is_empty() || token.is_empty() {
        // A tab after the scheme, or only spaces (trimmed away above, so only the tab case).
        return Err(Error::MalformedAuthorization);
    }
    let body_end = token
        .iter()
        .position(|b| !is_b64token_char(*b))
        .unwrap_or(token.len());
    let (body, pad) = token.split_at(body_end);
    if body.is_empty() || !pad.iter().all(|b| *b == b'=') {
        return Err(Error::MalformedAuthorization);
    }
    Ok(token)
}
