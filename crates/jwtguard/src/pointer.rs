//! JSON Pointer paths (RFC 6901), for claim names that contain dots: Auth0 and others name
//! claims by URL (`https://example.com/roles`), which no dot path can spell. Wherever a dot path
//! is accepted, a path that starts with `/` is a pointer instead:
//! `/https:~1~1example.com~1roles`, `/user/emails/0`.
//!
//! - Reference tokens are unescaped as §4 says: `~1` is `/`, `~0` is `~`, and any other `~` makes
//!   the pointer invalid (it then names nothing).
//! - A token names an object member byte for byte after unescaping, or an array element by its
//!   index: `0`, or digits without a leading zero (§4); `-` and anything else name no element.
//! - Tokens are unescaped into a stack buffer of [`MAX_TOKEN_LEN`] bytes, so no allocation; a
//!   longer token names nothing.

use crate::json::Value;

/// Longest reference token, unescaped, in bytes.
pub(crate) const MAX_TOKEN_LEN: usize = 255;

/// Whether `path` is a JSON Pointer rather than a dot path.
pub(crate) fn is_pointer(path: &str) -> bool {
    path.starts_with('/')
}

/// Whether a pointer is well formed: every `~` escapes `0` or `1`, and every token fits.
pub(crate) fn is_valid(path: &str) -> bool {
    let mut buf = [0u8; MAX_TOKEN_LEN];
    path.strip_prefix('/')
        .is_some_and(|rest| rest.split('/').all(|raw| unescape(raw, &mut buf).is_some()))
}

/// Whether `path` names something: a well-formed pointer, or a dot path of non-empty segments
/// (what every configured claim path must be).
pub(crate) fn is_valid_path(path: &str) -> bool {
    if is_pointer(path) {
        is_valid(path)
    } else {
        !path.split('.').any(str::is_empty)
    }
}

/// The last reference token, when it needs no unescaping (the default output name of a metadata
/// field; one with escapes must be named explicitly).
pub(crate) fn last_plain_token(path: &str) -> Option<&str> {
    let last = path.rsplit('/').next()?;
    (!last.contains('~')).then_some(last)
}

/// Follow `path` from the document's top level, where `top` looks up a member by name.
pub(crate) fn walk<'a>(
    path: &str,
    top: impl FnOnce(&str) -> Option<Value<'a>>,
) -> Option<Value<'a>> {
    let mut buf = [0u8; MAX_TOKEN_LEN];
    let rest = path.strip_prefix('/')?;
    let mut tokens = rest.split('/');
    let mut value = top(unescape(tokens.next()?, &mut buf)?)?;
    for raw in tokens {
        let token = unescape(raw, &mut buf)?;
        value = step(value, token)?;
    }
    Some(value)
}

/// One step down: a member of an object, or an element of an array by index.
fn step<'a>(value: Value<'a>, token: &str) -> Option<Value<'a>> {
    if let Some(object) = value.as_object() {
        return object.get(token);
    }
    let index = array_index(token)?;
    value.as_array()?.iter().nth(index)
}

/// `0`, or a decimal number without a leading zero (RFC 6901 §4).
fn array_index(token: &str) -> Option<usize> {
    let bytes = token.as_bytes();
    if bytes.is_empty()
        || !bytes.iter().all(u8::is_ascii_digit)
        || (bytes.len() > 1 && bytes.first() == Some(&b'0'))
    {
        return None;
    }
    token.parse().ok()
}

/// A reference token unescaped into `buf` (`~1` -> `/`, `~0` -> `~`); `None` for any other `~`
/// or a token longer than the buffer.
fn unescape<'b>(raw: &str, buf: &'b mut [u8; MAX_TOKEN_LEN]) -> Option<&'b str> {
    if !raw.contains('~') {
        // The common case, without a copy: but it must fit, as every token must.
        let out = buf.get_mut(..raw.len())?;
        out.copy_from_slice(raw.as_bytes());
        return core::str::from_utf8(out).ok();
    }
    let mut n = 0usize;
    let mut bytes = raw.bytes();
    while let Some(b) = bytes.next() {
        let c = match b {
            b'~' => match bytes.next()? {
                b'0' => b'~',
                b'1' => b'/',
                _ => return None,
            },
            other => other,
        };
        *buf.get_mut(n)? = c;
        n = n.checked_add(1)?;
    }
    // Replacing `~0`/`~1` by ASCII keeps valid UTF-8 valid.
    core::str::from_utf8(buf.get(..n)?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_indexes() {
        let mut buf = [0u8; MAX_TOKEN_LEN];
        assert_eq!(unescape("a~1b~0c", &mut buf), Some("a/b~c"));
        assert_eq!(unescape("~01", &mut buf), Some("~1"));
        assert_eq!(unescape("a~2", &mut buf), None);
        assert_eq!(unescape("a~", &mut buf), None);
        assert!(is_valid("/https:~1~1example.com~1roles"));
        assert!(is_valid("/") && is_valid("//a"));
        assert!(!is_valid("a/b") && !is_valid("/a~") && !is_valid("/a~x"));
        for (t, want) in [
            ("0", Some(0)),
            ("10", Some(10)),
            ("01", None),
            ("-", None),
            ("", None),
            ("1a", None),
        ] {
            assert_eq!(array_index(t), want, "{t}");
        }
    }
}
