//! The validator: RFC 8259's grammar, UTF-8, the nesting and member budgets, and duplicate
//! member names in every object (RFC 7515 §4, RFC 7519 §4), in one pass.

use super::ESCAPED;
use super::index::TopIndex;
use super::strings::{Str, hex_val, is_high_surrogate, is_low_surrogate};
use crate::error::Error;
use crate::limits::MAX_JSON_DEPTH;
use crate::scan;

/// Longest document accepted (32 KiB, far more than any token or key set we read): member
/// names are kept as 15-bit offsets in the duplicate-detection scratch.
pub(super) const MAX_DOC_LEN: usize = 1 << 15;

/// A member-name slot of the duplicate check: the name's content offset (15 bits), whether it
/// has escapes (bit 15), and its raw length (the high 16 bits). Spans, not just offsets, so a
/// comparison needs no rescan of the other name, and names of different lengths without
/// escapes are told apart without reading them.
fn slot(at: usize, len: usize, escaped: bool) -> Option<u32> {
    let at = u32::try_from(at).ok().filter(|&a| a < ESCAPED)?;
    let len = u32::try_from(len).ok().filter(|&l| l <= 0xffff)?;
    Some(at | if escaped { ESCAPED } else { 0 } | (len << 16))
}

/// Validate `doc` as a JSON object under the budgets, using `keys` as scratch for duplicate
/// detection (its length is the member budget).
pub(crate) fn validate(doc: &[u8], keys: &mut [u32]) -> Result<(), Error> {
    run(doc, keys, None)
}

/// [`validate`], recording the top-level members in `top` as it goes: the claims set's one
/// pass, after which its registered claims and top-level lookups need no second walk.
pub(crate) fn index(doc: &[u8], keys: &mut [u32], top: &mut TopIndex) -> Result<(), Error> {
    *top = TopIndex::new();
    run(doc, keys, Some(top))
}

fn run(doc: &[u8], keys: &mut [u32], top: Option<&mut TopIndex>) -> Result<(), Error> {
    // UTF-8 (RFC 8259 §8.1): outside strings the grammar admits ASCII alone, and inside them
    // `Validator::string` checks every character of 0x80 and up as its scan reaches it, so
    // the document is UTF-8 exactly when it passes. (A pass of the standard library's check
    // over the whole document first was 1.5% of an HS256 verify of 700 characters.)
    if doc.len() > MAX_DOC_LEN {
        return Err(Error::JsonTooComplex);
    }
    let mut v = Validator {
        doc,
        pos: 0,
        keys,
        nkeys: 0,
        top,
        #[cfg(feature = "claims-cache")]
        spaced: false,
    };
    v.ws();
    let is_object = v.peek() == Some(b'{');
    v.value(0)?;
    v.ws();
    if v.pos != doc.len() {
        return Err(Error::JsonSyntax);
    }
    if !is_object {
        return Err(Error::JsonNotObject);
    }
    Ok(())
}

struct Validator<'d, 'k, 't> {
    doc: &'d [u8],
    pos: usize,
    keys: &'k mut [u32],
    nkeys: usize,
    top: Option<&'t mut TopIndex>,
    /// Whether [`Validator::ws`] skipped any whitespace since this was last cleared: how a
    /// top-level value is found to be compact already (see [`Validator::top_value`]).
    #[cfg(feature = "claims-cache")]
    spaced: bool,
}

impl Validator<'_, '_, '_> {
    fn peek(&self) -> Option<u8> {
        self.doc.get(self.pos).copied()
    }

    fn bump(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.pos = self.pos.saturating_add(1);
        Some(b)
    }

    fn eat(&mut self, want: u8) -> Result<(), Error> {
        if self.bump() == Some(want) {
            Ok(())
        } else {
            Err(Error::JsonSyntax)
        }
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos = self.pos.saturating_add(1);
            // Only on whitespace, which tokens rarely have: the common path pays nothing.
            #[cfg(feature = "claims-cache")]
            {
                self.spaced = true;
            }
        }
    }

    /// A top-level member's value, validated as [`Validator::value`] does, and whether its raw
    /// bytes are already its [`Text`]: a string without escapes, or any other value with no
    /// whitespace in it (compact JSON). Known here for free, so reading a claim's text later
    /// needs no scan of it (the C accessors' common case).
    fn top_value(&mut self, depth: usize) -> Result<bool, Error> {
        #[cfg(feature = "claims-cache")]
        {
            if self.peek() == Some(b'"') {
                return self.string().map(|escaped| !escaped);
            }
            self.spaced = false;
            self.value(depth)?;
            Ok(!self.spaced)
        }
        // Without the cache nothing is recorded: readers scan, as for nested values.
        #[cfg(not(feature = "claims-cache"))]
        self.value(depth).map(|()| false)
    }

    fn value(&mut self, depth: usize) -> Result<(), Error> {
        match self.peek() {
            Some(b'{') => self.object(depth.saturating_add(1)),
            Some(b'[') => self.array(depth.saturating_add(1)),
            Some(b'"') => self.string().map(|_| ()),
            Some(b't') => self.literal(b"true"),
            Some(b'f') => self.literal(b"false"),
            Some(b'n') => self.literal(b"null"),
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => Err(Error::JsonSyntax),
        }
    }

    fn literal(&mut self, lit: &[u8]) -> Result<(), Error> {
        let end = self.pos.checked_add(lit.len()).ok_or(Error::JsonSyntax)?;
        if self.doc.get(self.pos..end) == Some(lit) {
            self.pos = end;
            Ok(())
        } else {
            Err(Error::JsonSyntax)
        }
    }

    fn digits(&mut self) -> Result<(), Error> {
        if !matches!(self.peek(), Some(b'0'..=b'9')) {
            return Err(Error::JsonSyntax);
        }
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.pos = self.pos.saturating_add(1);
        }
        Ok(())
    }

    /// RFC 8259 §6: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    fn number(&mut self) -> Result<(), Error> {
        if self.peek() == Some(b'-') {
            self.pos = self.pos.saturating_add(1);
        }
        match self.peek() {
            Some(b'0') => self.pos = self.pos.saturating_add(1),
            Some(b'1'..=b'9') => self.digits()?,
            _ => return Err(Error::JsonSyntax),
        }
        if self.peek() == Some(b'.') {
            self.pos = self.pos.saturating_add(1);
            self.digits()?;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos = self.pos.saturating_add(1);
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos = self.pos.saturating_add(1);
            }
            self.digits()?;
        }
        Ok(())
    }

    fn hex4(&mut self) -> Result<u16, Error> {
        let mut v: u16 = 0;
        for _ in 0..4 {
            let d = self.bump().and_then(hex_val).ok_or(Error::JsonSyntax)?;
            v = (v << 4) | u16::from(d);
        }
        Ok(v)
    }

    /// RFC 8259 §7, and its characters from 0x80 up are UTF-8. Returns whether the string
    /// contains an escape.
    fn string(&mut self) -> Result<bool, Error> {
        let mut escaped = false;
        self.eat(b'"')?;
        loop {
            self.pos = scan::string_stop(self.doc, self.pos);
            match self.bump().ok_or(Error::JsonSyntax)? {
                b'"' => return Ok(escaped),
                b'\\' => {
                    escaped = true;
                    self.escape()?;
                }
                0x00..=0x1f => return Err(Error::JsonSyntax),
                0x80..=0xff => self.utf8_char()?,
                _ => {}
            }
        }
    }

    /// The rest of a character whose first byte, 0x80 or more, was just read: its length from
    /// that byte (RFC 3629 §4), and the standard library's check of those bytes, which refuses
    /// bad continuation bytes, overlong forms, surrogates and values past U+10FFFF.
    fn utf8_char(&mut self) -> Result<(), Error> {
        let at = self.pos.saturating_sub(1);
        let len = match self.doc.get(at) {
            Some(0xc2..=0xdf) => 2,
            Some(0xe0..=0xef) => 3,
            Some(0xf0..=0xf4) => 4,
            _ => return Err(Error::JsonSyntax),
        };
        let end = at.saturating_add(len);
        let char_bytes = self.doc.get(at..end).ok_or(Error::JsonSyntax)?;
        if core::str::from_utf8(char_bytes).is_err() {
            return Err(Error::JsonSyntax);
        }
        self.pos = end;
        Ok(())
    }

    /// The rest of an escape after its backslash (RFC 8259 §7), surrogate pairs included.
    fn escape(&mut self) -> Result<(), Error> {
        match self.bump().ok_or(Error::JsonSyntax)? {
            b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => {}
            b'u' => {
                let u = self.hex4()?;
                if is_high_surrogate(u) {
                    // A high surrogate must be followed at once by an escaped low one.
                    self.eat(b'\\')?;
                    self.eat(b'u')?;
                    if !is_low_surrogate(self.hex4()?) {
                        return Err(Error::JsonSyntax);
                    }
                } else if is_low_surrogate(u) {
                    return Err(Error::JsonSyntax);
                }
            }
            _ => return Err(Error::JsonSyntax),
        }
        Ok(())
    }

    fn array(&mut self, depth: usize) -> Result<(), Error> {
        if depth > MAX_JSON_DEPTH {
            return Err(Error::JsonTooComplex);
        }
        self.eat(b'[')?;
        self.ws();
        if self.peek() == Some(b']') {
            self.pos = self.pos.saturating_add(1);
            return Ok(());
        }
        loop {
            self.ws();
            self.value(depth)?;
            self.ws();
            match self.bump() {
                Some(b',') => {}
                Some(b']') => return Ok(()),
                _ => return Err(Error::JsonSyntax),
            }
        }
    }

    /// The duplicate check against every earlier name of this object (`keys[first..]`):
    /// objects below the top level, escaped names, and top-level objects with more members
    /// than the index holds.
    fn duplicate_check(&self, first: usize, key: &[u8], key_escaped: bool) -> Result<(), Error> {
        for &other in self.keys.get(first..self.nkeys).unwrap_or(&[]) {
            let other_at = (other & (ESCAPED - 1)) as usize;
            let other_len = (other >> 16) as usize;
            let other_escaped = other & ESCAPED != 0;
            // Without escapes on either side, names are equal exactly when their bytes are;
            // otherwise compare decoded (so "a" and "\u0061" collide).
            let same = if key_escaped || other_escaped {
                let raw = self
                    .doc
                    .get(other_at..other_at.saturating_add(other_len))
                    .ok_or(Error::JsonSyntax)?;
                Str { raw } == Str { raw: key }
            } else {
                other_len == key.len()
                    && self
                        .doc
                        .get(other_at..other_at.saturating_add(other_len))
                        .is_some_and(|other| scan::bytes_eq(other, key))
            };
            if same {
                return Err(Error::JsonDuplicateMember);
            }
        }
        Ok(())
    }

    fn object(&mut self, depth: usize) -> Result<(), Error> {
        if depth > MAX_JSON_DEPTH {
            return Err(Error::JsonTooComplex);
        }
        self.eat(b'{')?;
        // This object's member names occupy keys[first..nkeys]; inner objects push above them
        // and are popped when they close.
        let first = self.nkeys;
        self.ws();
        if self.peek() == Some(b'}') {
            self.pos = self.pos.saturating_add(1);
            return Ok(());
        }
        loop {
            self.ws();
            let key_at = self.pos;
            let key_escaped = self.string()?;
            // The name's content: between the quotes `string` just consumed.
            let (name_at, name_end) = (key_at.saturating_add(1), self.pos.saturating_sub(1));
            let key = self.doc.get(name_at..name_end).ok_or(Error::JsonSyntax)?;
            // The top-level object's names are in the index as well, with a tag byte each:
            // when every earlier one is there and this one has no escapes, one lookup there
            // replaces the comparisons with every earlier name below.
            let indexed = match self.top.as_deref() {
                Some(top) if depth == 1 && !key_escaped && top.complete() => Some(top),
                _ => None,
            };
            if let Some(top) = indexed {
                if top.has(self.doc, key) {
                    return Err(Error::JsonDuplicateMember);
                }
            } else {
                self.duplicate_check(first, key, key_escaped)?;
            }
            let slot_ref = self.keys.get_mut(self.nkeys).ok_or(Error::JsonTooComplex)?;
            *slot_ref = slot(name_at, key.len(), key_escaped).ok_or(Error::JsonTooComplex)?;
            self.nkeys = self.nkeys.saturating_add(1);

            self.ws();
            self.eat(b':')?;
            self.ws();
            let value_at = self.pos;
            if depth == 1 && self.top.is_some() {
                let plain = self.top_value(depth)?;
                if let Some(top) = self.top.as_deref_mut() {
                    top.push(
                        self.doc,
                        (name_at, name_end),
                        key_escaped,
                        (value_at, self.pos),
                        plain,
                    );
                }
            } else {
                self.value(depth)?;
            }
            self.ws();
            match self.bump() {
                Some(b',') => {}
                Some(b'}') => break,
                _ => return Err(Error::JsonSyntax),
            }
        }
        self.nkeys = first;
        Ok(())
    }
}
