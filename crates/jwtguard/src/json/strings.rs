//! Strings: [`Str`] compares and decodes escapes on the fly (RFC 8259 §7), and [`Text`] is a
//! value as a gateway forwards it.

use super::value::Value;
use crate::scan;

/// A value's text as a gateway forwards it (a header value, a log field, a C accessor's
/// output): a string as its unescaped UTF-8 text, anything else as compact JSON
/// ([`Value::write_compact`]). Most claims are already their own text in the token (strings
/// without escapes, values without whitespace), and [`Text::as_bytes`] then borrows it: no
/// copy is needed to know it.
#[derive(Clone, Copy, Debug)]
pub struct Text<'a> {
    /// The string's content (for [`Form::Verbatim`] strings and [`Form::Unescape`]) or the
    /// whole value.
    raw: &'a [u8],
    form: Form,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Form {
    /// `raw` is the text.
    Verbatim,
    /// A string with escapes: `raw` is its content, to be unescaped.
    Unescape,
    /// A non-string value with whitespace: `raw` is the value, to be written compactly.
    Compact,
}

impl<'a> Text<'a> {
    /// The text of `value`, found by looking at its bytes.
    pub(super) fn of(value: Value<'a>) -> Self {
        match value.as_str() {
            Some(s) => match s.verbatim() {
                Some(raw) => Text {
                    raw,
                    form: Form::Verbatim,
                },
                None => Text {
                    raw: s.raw,
                    form: Form::Unescape,
                },
            },
            None if !value.raw.iter().any(u8::is_ascii_whitespace) => Text {
                raw: value.raw,
                form: Form::Verbatim,
            },
            None => Text {
                raw: value.raw,
                form: Form::Compact,
            },
        }
    }

    /// The text of `value` when its raw bytes are known to be it (see
    /// `Validator::top_value`): the quotes off a string, nothing else to look at.
    pub(crate) fn verbatim(value: Value<'a>) -> Self {
        let raw = match value.raw {
            [b'"', content @ .., b'"'] => content,
            raw => raw,
        };
        Text {
            raw,
            form: Form::Verbatim,
        }
    }

    /// The text, borrowed from the token, when it stands there as it is (no escapes to undo,
    /// no whitespace to drop): the usual case.
    pub fn as_bytes(&self) -> Option<&'a [u8]> {
        (self.form == Form::Verbatim).then_some(self.raw)
    }

    /// The text's length in bytes.
    pub fn len(&self) -> usize {
        match self.form {
            Form::Verbatim => self.raw.len(),
            Form::Unescape => Str { raw: self.raw }.len(),
            Form::Compact => Value { raw: self.raw }.write_compact(&mut []),
        }
    }

    /// Whether the text is empty (an empty string; no other value's text is).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Write the text into `out`: `Ok(n)` with the text in `out[..n]`, or `Err(needed)` when
    /// `out` is shorter than the text (its contents are then unspecified).
    pub fn write_into(&self, out: &mut [u8]) -> Result<usize, usize> {
        let needed = self.len();
        let dst = out.get_mut(..needed).ok_or(needed)?;
        match self.form {
            Form::Verbatim => dst.copy_from_slice(self.raw),
            Form::Unescape => {
                Str { raw: self.raw }.unescape_into(dst)?;
            }
            Form::Compact => {
                Value { raw: self.raw }.write_compact(dst);
            }
        }
        Ok(needed)
    }
}

/// A JSON string from a validated document, still escaped.
///
/// Comparisons decode escapes on the fly, so `"https:\/\/issuer"` equals `https://issuer`.
/// To get the text:
/// - [`Str::as_str`] borrows it from the token when it has no escapes (the usual case) and
///   otherwise says so, with the size a buffer needs: it never answers "absent";
/// - [`Str::unescape_into`] decodes any string into a buffer of yours;
/// - `Display` (`to_string()` with `std`, `write!` without) writes the decoded text.
///
/// ```
/// # use jwtguard::json::Escaped;
/// # fn f(name: jwtguard::json::Str<'_>) {
/// let mut buf = [0u8; 256];
/// let text = match name.as_str() {
///     Ok(text) => text,                                   // "Jean Valjean": no copy
///     Err(Escaped { needed }) if needed <= buf.len() => {
///         name.unescape_into(&mut buf).unwrap()           // "Zoë" -> "Zoë"
///     }
///     Err(_) => return,                                   // longer than our buffer
/// };
/// # let _ = text; }
/// ```
#[derive(Clone, Copy)]
pub struct Str<'a> {
    pub(super) raw: &'a [u8],
}

/// Why [`Str::as_str`] could not borrow the text: the string has JSON escapes (`\u00eb`,
/// `\/`, `\"`, ...), so its text differs from its bytes in the token. Decode it with
/// [`Str::unescape_into`] into a buffer of at least `needed` bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Escaped {
    /// Bytes of UTF-8 the decoded text takes.
    pub needed: usize,
}

impl core::fmt::Display for Escaped {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "the string has JSON escapes: decode it with Str::unescape_into into {} bytes",
            self.needed
        )
    }
}

impl core::fmt::Debug for Str<'_> {
    /// The decoded text, quoted and escaped as Rust's `str` Debug does.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        use core::fmt::Write;
        f.write_char('"')?;
        for_each_chunk(self, |s| {
            for c in s.chars() {
                for e in c.escape_debug() {
                    f.write_char(e)?;
                }
            }
            Ok(())
        })?;
        f.write_char('"')
    }
}

impl<'a> Str<'a> {
    /// A string whose content `raw` is known to be valid and free of escapes (printable
    /// ASCII without `"` or `\\`, say): its raw bytes are its text.
    pub(crate) const fn plain(raw: &'a [u8]) -> Self {
        Str { raw }
    }

    /// The content between the quotes, escapes intact.
    pub fn raw(&self) -> &'a [u8] {
        self.raw
    }

    /// The text's UTF-8 bytes, borrowed from the payload, when the string has no escapes (its
    /// raw content is then its text): a zero-copy view for callers that want bytes, without
    /// the UTF-8 check [`Str::as_str`] makes to hand out a `&str` (the validator already
    /// checked the encoding of the whole document).
    pub fn verbatim(&self) -> Option<&'a [u8]> {
        scan::find_byte(self.raw, 0, b'\\')
            .is_none()
            .then_some(self.raw)
    }

    /// The text, borrowed from the payload, when the string has no escapes (the usual case);
    /// otherwise [`Escaped`], with the size [`Str::unescape_into`] needs. Never a silent
    /// "absent": a string with escapes is a present string.
    pub fn as_str(&self) -> Result<&'a str, Escaped> {
        if self.raw.contains(&b'\\') {
            return Err(Escaped { needed: self.len() });
        }
        // Validated JSON is UTF-8; the fallback keeps this total.
        core::str::from_utf8(self.raw).map_err(|_| Escaped { needed: self.len() })
    }

    /// Whether the decoded string is empty.
    pub fn is_empty(&self) -> bool {
        self.raw.is_empty()
    }

    /// The decoded string's length in bytes of UTF-8.
    pub fn len(&self) -> usize {
        // Without escapes (the usual case) the text is the raw bytes.
        if !self.raw.contains(&b'\\') {
            return self.raw.len();
        }
        self.bytes().count()
    }

    /// The decoded string as UTF-8 bytes.
    pub fn bytes(&self) -> Unescaped<'a> {
        Unescaped {
            raw: self.raw,
            pos: 0,
            pending: [0; 4],
            npending: 0,
            next_pending: 0,
        }
    }

    /// Decode into `buf`. On `Err`, the value is the number of bytes needed.
    pub fn unescape_into<'b>(&self, buf: &'b mut [u8]) -> Result<&'b str, usize> {
        if !self.raw.contains(&b'\\') {
            // Nothing to decode: one copy. Validated JSON is UTF-8; the check keeps this total.
            let dst = buf.get_mut(..self.raw.len()).ok_or(self.raw.len())?;
            dst.copy_from_slice(self.raw);
            return core::str::from_utf8(dst).map_err(|_| self.raw.len());
        }
        let mut n = 0usize;
        for b in self.bytes() {
            match buf.get_mut(n) {
                Some(slot) => *slot = b,
                None => return Err(self.len()),
            }
            n = n.saturating_add(1);
        }
        let out = buf.get(..n).ok_or(n)?;
        // Decoding validated JSON yields UTF-8; the check keeps this function total anyway.
        core::str::from_utf8(out).map_err(|_| n)
    }
}

impl PartialEq<str> for Str<'_> {
    fn eq(&self, other: &str) -> bool {
        // Fast path: no escapes means the raw bytes are the string.
        if !self.raw.contains(&b'\\') {
            return scan::bytes_eq(self.raw, other.as_bytes());
        }
        self.bytes().eq(other.bytes())
    }
}

impl PartialEq<&str> for Str<'_> {
    fn eq(&self, other: &&str) -> bool {
        *self == **other
    }
}

impl PartialEq for Str<'_> {
    fn eq(&self, other: &Str<'_>) -> bool {
        if !self.raw.contains(&b'\\') && !other.raw.contains(&b'\\') {
            return scan::bytes_eq(self.raw, other.raw);
        }
        self.bytes().eq(other.bytes())
    }
}

/// Call `out` with the decoded text of `s`, one scalar value at a time (no buffer).
fn for_each_chunk(
    s: &Str<'_>,
    mut out: impl FnMut(&str) -> core::fmt::Result,
) -> core::fmt::Result {
    let mut buf = [0u8; 4];
    let mut chunk = 0usize;
    for b in s.bytes() {
        if let Some(slot) = buf.get_mut(chunk) {
            *slot = b;
        }
        chunk = chunk.saturating_add(1);
        if let Some(text) = buf.get(..chunk).and_then(|c| core::str::from_utf8(c).ok()) {
            out(text)?;
            chunk = 0;
        } else if chunk >= 4 {
            return Err(core::fmt::Error);
        }
    }
    Ok(())
}

impl core::fmt::Display for Str<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        for_each_chunk(self, |s| f.write_str(s))
    }
}

/// Iterator over the UTF-8 bytes of a decoded [`Str`].
#[derive(Clone, Debug)]
pub struct Unescaped<'a> {
    raw: &'a [u8],
    pos: usize,
    pending: [u8; 4],
    npending: u8,
    next_pending: u8,
}

impl Unescaped<'_> {
    fn hex4_at(&self, at: usize) -> Option<u32> {
        let mut v = 0u32;
        for i in 0..4 {
            v = (v << 4) | u32::from(hex_val(*self.raw.get(at.checked_add(i)?)?)?);
        }
        Some(v)
    }
}

impl Iterator for Unescaped<'_> {
    type Item = u8;

    fn next(&mut self) -> Option<u8> {
        if self.next_pending < self.npending {
            let b = self.pending.get(usize::from(self.next_pending)).copied();
            self.next_pending = self.next_pending.saturating_add(1);
            return b;
        }
        let b = *self.raw.get(self.pos)?;
        if b != b'\\' {
            self.pos = self.pos.saturating_add(1);
            return Some(b);
        }
        let esc = *self.raw.get(self.pos.checked_add(1)?)?;
        let ch = match esc {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let hi = self.hex4_at(self.pos.checked_add(2)?)?;
                let (cp, used) = if (0xD800..0xDC00).contains(&hi) {
                    // Validated: an escaped low surrogate follows (`\uDC00`..`\uDFFF`).
                    let lo = self.hex4_at(self.pos.checked_add(8)?)?;
                    let cp = 0x10000u32
                        .checked_add((hi.checked_sub(0xD800)? << 10) | lo.checked_sub(0xDC00)?)?;
                    (cp, 12usize)
                } else {
                    (hi, 6usize)
                };
                self.pos = self.pos.checked_add(used)?;
                let c = char::from_u32(cp)?;
                let s = c.encode_utf8(&mut self.pending);
                let n = u8::try_from(s.len()).ok()?;
                self.npending = n;
                self.next_pending = 1;
                return self.pending.first().copied();
            }
            _ => return None,
        };
        self.pos = self.pos.checked_add(2)?;
        u8::try_from(u32::from(ch)).ok()
    }
}

pub(super) fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b.wrapping_sub(b'0')),
        b'a'..=b'f' => Some(b.wrapping_sub(b'a' - 10)),
        b'A'..=b'F' => Some(b.wrapping_sub(b'A' - 10)),
        _ => None,
    }
}

pub(super) fn is_high_surrogate(u: u16) -> bool {
    (0xD800..=0xDBFF).contains(&u)
}

pub(super) fn is_low_surrogate(u: u16) -> bool {
    (0xDC00..=0xDFFF).contains(&u)
}
