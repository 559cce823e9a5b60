//! Walking a validated document: [`Value`], [`Object`], [`Array`] and their iterators borrow
//! the document's bytes and find their ends by counting brackets outside strings.

use super::strings::{Str, Text};
use crate::scan;

fn skip_ws(doc: &[u8], mut pos: usize) -> usize {
    while matches!(doc.get(pos), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        pos = pos.saturating_add(1);
    }
    pos
}

/// The string starting with the `"` at `at`, as a [`Str`] of its raw (escaped) content.
fn str_at(doc: &[u8], at: usize) -> Option<Str<'_>> {
    let end = string_end(doc, at)?;
    let raw = doc.get(at.checked_add(1)?..end.checked_sub(1)?)?;
    Some(Str { raw })
}

/// Position just past the string whose opening quote is at `at`.
fn string_end(doc: &[u8], at: usize) -> Option<usize> {
    if doc.get(at) != Some(&b'"') {
        return None;
    }
    let mut i = at.checked_add(1)?;
    loop {
        i = scan::string_stop(doc, i);
        match doc.get(i)? {
            b'"' => return i.checked_add(1),
            b'\\' => i = i.checked_add(2)?,
            _ => i = i.checked_add(1)?,
        }
    }
}

/// Position just past the value starting at `at` (no leading whitespace).
fn value_end(doc: &[u8], at: usize) -> Option<usize> {
    match doc.get(at)? {
        b'"' => string_end(doc, at),
        b'{' | b'[' => {
            // Validated input: brackets balance outside strings, so count them.
            let mut depth = 0usize;
            let mut i = at;
            loop {
                match doc.get(i)? {
                    b'"' => {
                        i = string_end(doc, i)?;
                        continue;
                    }
                    b'{' | b'[' => depth = depth.checked_add(1)?,
                    b'}' | b']' => {
                        depth = depth.checked_sub(1)?;
                        if depth == 0 {
                            return i.checked_add(1);
                        }
                    }
                    _ => {}
                }
                i = i.checked_add(1)?;
            }
        }
        _ => {
            let mut i = at;
            while let Some(b) = doc.get(i) {
                if matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r') {
                    break;
                }
                i = i.checked_add(1)?;
            }
            Some(i)
        }
    }
}

/// A JSON value inside a validated document: its exact bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Value<'a> {
    pub(super) raw: &'a [u8],
}

/// The JSON type of a [`Value`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `{...}`
    Object,
    /// `[...]`
    Array,
    /// `"..."`
    String,
    /// A number, in any of RFC 8259's forms.
    Number,
    /// `true` or `false`.
    Bool,
    /// `null`.
    Null,
}

impl<'a> Value<'a> {
    /// The value's exact bytes as they stand in the document (compact or not).
    pub fn raw(&self) -> &'a [u8] {
        self.raw
    }

    /// Its JSON type.
    pub fn kind(&self) -> Kind {
        match self.raw.first() {
            Some(b'{') => Kind::Object,
            Some(b'[') => Kind::Array,
            Some(b'"') => Kind::String,
            Some(b't' | b'f') => Kind::Bool,
            Some(b'n') => Kind::Null,
            _ => Kind::Number,
        }
    }

    /// The value as a string, if it is one.
    pub fn as_str(&self) -> Option<Str<'a>> {
        if self.kind() != Kind::String {
            return None;
        }
        // A value's bytes are exactly the string, quotes included (it came from a validated
        // document), so its content is between the first and the last byte: no rescan.
        match self.raw {
            [b'"', content @ .., b'"'] => Some(Str { raw: content }),
            _ => None,
        }
    }

    /// The value as an object, if it is one.
    pub fn as_object(&self) -> Option<Object<'a>> {
        (self.kind() == Kind::Object).then_some(Object { raw: self.raw })
    }

    /// The value as an array, if it is one.
    pub fn as_array(&self) -> Option<Array<'a>> {
        (self.kind() == Kind::Array).then_some(Array { raw: self.raw })
    }

    /// The value as a boolean, if it is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self.raw {
            b"true" => Some(true),
            b"false" => Some(false),
            _ => None,
        }
    }

    /// The number's text, if the value is a number.
    pub fn as_number(&self) -> Option<&'a [u8]> {
        (self.kind() == Kind::Number).then_some(self.raw)
    }

    /// The value's [`Text`]: a string's unescaped text, anything else as compact JSON.
    pub fn text(&self) -> Text<'a> {
        Text::of(*self)
    }

    /// Write the value as compact JSON (no whitespace outside strings; strings exactly as in
    /// the token, escapes kept) into `out`, as much of it as fits, and return the length of the
    /// whole: call with an empty buffer to learn the size. `out[..n]` is the value when the
    /// returned `n <= out.len()`.
    pub fn write_compact(&self, out: &mut [u8]) -> usize {
        let mut n = 0usize;
        let (mut in_string, mut escaped) = (false, false);
        for &b in self.raw {
            let keep = if in_string {
                match (escaped, b) {
                    (true, _) => escaped = false,
                    (false, b'\\') => escaped = true,
                    (false, b'"') => in_string = false,
                    _ => {}
                }
                true
            } else if matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
                false
            } else {
                in_string = b == b'"';
                true
            };
            if keep {
                if let Some(slot) = out.get_mut(n) {
                    *slot = b;
                }
                n = n.saturating_add(1);
            }
        }
        n
    }
}

/// A JSON object inside a validated document.
#[derive(Clone, Copy, Debug)]
pub struct Object<'a> {
    raw: &'a [u8],
}

impl<'a> Object<'a> {
    /// Wrap a document that `validate` accepted: an object between optional whitespace, so
    /// trimming is enough (no second scan of the payload).
    pub(crate) fn from_validated(doc: &'a [u8]) -> Option<Self> {
        let start = skip_ws(doc, 0);
        let end = doc
            .iter()
            .rposition(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'))?;
        let raw = doc.get(start..=end)?;
        (raw.first() == Some(&b'{') && raw.last() == Some(&b'}')).then_some(Object { raw })
    }

    /// The object's exact bytes, `{` to `}`.
    pub fn raw(&self) -> &'a [u8] {
        self.raw
    }

    /// Write the object as compact JSON ([`Value::write_compact`]'s rules and return value).
    pub fn write_compact(&self, out: &mut [u8]) -> usize {
        Value { raw: self.raw }.write_compact(out)
    }

    /// `{}`.
    pub(crate) fn empty() -> Object<'static> {
        Object { raw: b"{}" }
    }

    /// Iterate over members in document order.
    pub fn members(&self) -> Members<'a> {
        Members {
            raw: self.raw,
            pos: 1,
        }
    }

    /// The member named `name` (compared after unescaping, byte for byte). Names are unique in
    /// validated documents, so the first match is the only one.
    pub fn get(&self, name: &str) -> Option<Value<'a>> {
        self.members().find(|(k, _)| *k == name).map(|(_, v)| v)
    }

    /// Follow a dot-separated path of member names (`user_data.name`). An empty segment matches
    /// nothing.
    pub fn get_path(&self, path: &str) -> Option<Value<'a>> {
        let mut segs = path.split('.');
        let mut v = self.get(non_empty(segs.next()?)?)?;
        for seg in segs {
            v = v.as_object()?.get(non_empty(seg)?)?;
        }
        Some(v)
    }
}

/// A dot path's segment, if it names something: an empty one (`a..b`, `.a`, `a.`) matches no
/// member, not even one named `""`, so a path can never reach what its text does not spell.
fn non_empty(seg: &str) -> Option<&str> {
    (!seg.is_empty()).then_some(seg)
}

/// Iterator over an [`Object`]'s members.
#[derive(Clone, Debug)]
pub struct Members<'a> {
    raw: &'a [u8],
    pos: usize,
}

impl<'a> Iterator for Members<'a> {
    type Item = (Str<'a>, Value<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        let doc = self.raw;
        let mut p = skip_ws(doc, self.pos);
        if doc.get(p) == Some(&b',') {
            p = skip_ws(doc, p.checked_add(1)?);
        }
        if doc.get(p) != Some(&b'"') {
            self.pos = doc.len();
            return None;
        }
        let key = str_at(doc, p)?;
        p = skip_ws(doc, string_end(doc, p)?);
        if doc.get(p) != Some(&b':') {
            return None;
        }
        p = skip_ws(doc, p.checked_add(1)?);
        let end = value_end(doc, p)?;
        let value = Value {
            raw: doc.get(p..end)?,
        };
        self.pos = end;
        Some((key, value))
    }
}

/// A JSON array inside a validated document.
#[derive(Clone, Copy, Debug)]
pub struct Array<'a> {
    raw: &'a [u8],
}

impl<'a> Array<'a> {
    /// Iterate over the elements in order.
    pub fn iter(&self) -> Elements<'a> {
        Elements {
            raw: self.raw,
            pos: 1,
        }
    }

    /// Whether the array has no elements.
    pub fn is_empty(&self) -> bool {
        self.iter().next().is_none()
    }
}

/// Iterator over an [`Array`]'s elements.
#[derive(Clone, Debug)]
pub struct Elements<'a> {
    raw: &'a [u8],
    pos: usize,
}

impl<'a> Iterator for Elements<'a> {
    type Item = Value<'a>;

    fn next(&mut self) -> Option<Self::Item> {
        let doc = self.raw;
        let mut p = skip_ws(doc, self.pos);
        if doc.get(p) == Some(&b',') {
            p = skip_ws(doc, p.checked_add(1)?);
        }
        if matches!(doc.get(p), None | Some(b']')) {
            self.pos = doc.len();
            return None;
        }
        let end = value_end(doc, p)?;
        self.pos = end;
        Some(Value {
            raw: doc.get(p..end)?,
        })
    }
}
