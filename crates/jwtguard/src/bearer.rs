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

const fn is_b64token_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'+' | b'/')
}

/// [`is_b64token_char`] for every byte: a gateway runs this scan on every request, over the
/// whole token (700 bytes and more), where the predicate's range tests cost about twelve
/// instructions a byte and a table lookup two.
// Evaluated at compile time: an index out of range here fails the build, not a verify.
#[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
static B64TOKEN: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        // (b < 256: the cast is exact.)
        #[allow(clippy::cast_possible_truncation)]
        let byte = b as u8;
        table[b] = is_b64token_char(byte);
        b += 1;
    }
    table
};

fn in_b64token(b: u8) -> bool {
    // Never `false` by the default: a u8 indexes a 256-entry table.
    B64TOKEN.get(usize::from(b)).copied().unwrap_or(false)
}

/// The length of the longest prefix of `token` made of `b64token` characters. Whole 16-byte
/// chunks are checked without a branch per byte; the chunk that fails, and the tail, byte by
/// byte.
fn b64token_prefix(token: &[u8]) -> usize {
    let mut done: usize = 0;
    for chunk in token.chunks_exact(16) {
        if !chunk.iter().fold(true, |all, &b| all & in_b64token(b)) {
            break;
        }
        done = done.saturating_add(chunk.len());
    }
    let rest = token.get(done..).unwrap_or_default();
    done.saturating_add(
        rest.iter()
            .position(|&b| !in_b64token(b))
            .unwrap_or(rest.len()),
    )
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
    let body_end = b64token_prefix(token);
    let (body, pad) = token.split_at(body_end);
    if body.is_empty() || !pad.iter().all(|b| *b == b'=') {
        return Err(Error::MalformedAuthorization);
    }
    Ok(token)
}

#[cfg(test)]
mod tests {
    extern crate std;

    use super::*;

    #[test]
    fn table_is_the_predicate() {
        for b in 0..=u8::MAX {
            assert_eq!(in_b64token(b), is_b64token_char(b), "{b:#04x}");
        }
    }

    /// The chunked scan against the byte-wise one: every length around the chunk size, with a
    /// stop character at every position (and none).
    #[test]
    fn prefix_matches_bytewise_scan() {
        let bytewise = |t: &[u8]| {
            t.iter()
                .position(|b| !is_b64token_char(*b))
                .unwrap_or(t.len())
        };
        // Under Miri the lengths at the chunk edges and two stops (the whole set took 4 min).
        let (lens, stops): (std::vec::Vec<usize>, &[u8]) = if cfg!(miri) {
            ([0, 1, 15, 16, 17, 32, 33, 49].into(), &[b'=', 0x80])
        } else {
            ((0..70).collect(), &[b'=', b' ', b',', 0, 0x80, 0xff])
        };
        for len in lens {
            let mut base = [0u8; 70];
            for (i, b) in base.iter_mut().enumerate() {
                *b = b"aZ09-._~+/"[i % 10];
            }
            let base = &base[..len];
            assert_eq!(b64token_prefix(base), len);
            for at in 0..len {
                for &stop in stops {
                    let mut t = [0u8; 70];
                    t[..len].copy_from_slice(base);
                    t[at] = stop;
                    let t = &t[..len];
                    assert_eq!(
                        b64token_prefix(t),
                        bytewise(t),
                        "len {len} at {at} {stop:#04x}"
                    );
                }
            }
        }
    }
}
