//! Required permissions: every required entry must be one of the token's, byte for byte.
//!
//! The claim (`permissions` by default; `scope` or `scp` for OAuth tokens) is either a JSON
//! array of strings or one string of space-delimited words (RFC 6749 §3.3, RFC 8693 §4.2).
//! Words are whole: `read` does not match `superread` or `Read`. In the string form an empty
//! word (a leading, trailing or doubled space) makes the claim malformed.

use crate::error::Error;
use crate::json::{Str, Value};

/// Check `required` against the claim's value (`None`: the claim is absent).
pub(crate) fn check<R: AsRef<str>>(claim: Option<Value<'_>>, required: &[R]) -> Result<(), Error> {
    if required.is_empty() {
        return Ok(());
    }
    let claim = claim.ok_or(Error::InsufficientPermissions)?;
    if let Some(words) = claim.as_str() {
        // Validate the whole string first: a malformed claim is an error even if the words
        // needed happen to be present.
        if !well_formed(words) {
            return Err(Error::ClaimType);
        }
        for r in required {
            if !has_word(words, r.as_ref().as_bytes()) {
                return Err(Error::InsufficientPermissions);
            }
        }
        return Ok(());
    }
    let array = claim.as_array().ok_or(Error::ClaimType)?;
    if array.iter().any(|v| v.as_str().is_none()) {
        return Err(Error::ClaimType);
    }
    for r in required {
        if !array
            .iter()
            .filter_map(|v| v.as_str())
            .any(|p| p == r.as_ref())
        {
            return Err(Error::InsufficientPermissions);
        }
    }
    Ok(())
}

/// Non-empty, with single spaces between words and none at either end.
fn well_formed(s: Str<'_>) -> bool {
    let mut prev = b' ';
    let mut any = false;
    for b in s.bytes() {
        if b == b' ' && prev == b' ' {
            return false;
        }
        prev = b;
        any = true;
    }
    any && prev != b' '
}

/// Whether `word` is one of the space-separated words of `s` (decoded), compared as it streams.
fn has_word(s: Str<'_>, word: &[u8]) -> bool {
    let mut bytes = s.bytes();
    loop {
        let (mut matched, mut i, mut end) = (true, 0usize, false);
        loop {
            match bytes.next() {
                None => {
                    end = true;
                    break;
                }
                Some(b' ') => break,
                Some(b) => {
                    matched &= word.get(i) == Some(&b);
                    i = i.saturating_add(1);
                }
            }
        }
        if matched && i == word.len() {
            return true;
        }
        if end {
            return false;
        }
    }
}
