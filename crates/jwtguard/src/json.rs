//! Strict JSON (RFC 8259) for token headers and claims sets, with no allocation.
//!
//! Two halves:
//! - `validate` checks a whole document once: UTF-8, the exact grammar (no comments, NaN,
//!   trailing commas, raw control characters, or lone surrogate escapes), a nesting bound, a
//!   member budget, and duplicate member names in every object, compared after unescaping (so
//!   `"a"` and `"\u0061"` collide, as RFC 7515 §4 and RFC 7519 §4 require).
//! - [`Value`], [`Object`], [`Array`] and [`Str`] then walk the validated bytes without copying.
//!   They still never index out of bounds or panic if handed bytes that were not validated;
//!   they just return `None`.
//!
//! Why not serde-json-core for everything: its `ignored_any` skips scalars without checking them
//! and recurses into unknown nested values without a bound, and serde's derive only notices
//! duplicates of the fields a struct names. We use it for the typed header (see `header.rs`),
//! after this validator has vouched for the bytes.

use crate::error::Error;
use crate::limits::MAX_JSON_DEPTH;
use crate::scan;

/// Longest document accepted (32 KiB, far more than any token or key set we read): member
/// names are kept as 15-bit offsets in the duplicate-detection scratch.
const MAX_DOC_LEN: usize = 1 << 15;

/// Flag bit in a member-name slot: the name contains an escape.
const ESCAPED: u32 = 1 << 15;

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
    // One pass of the standard library's UTF-8 check covers every string; the grammar below
    // then only needs to look at ASCII structure.
    if core::str::from_utf8(doc).is_err() {
        return Err(Error::JsonSyntax);
    }
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

/// How many top-level members [`index`] records: more than any claims set seen in practice
/// (a Clerk session token has about 12, an RFC 9068 access token about 10). A document with
/// more is still accepted; [`TopIndex::complete`] is then false and lookups of later members
/// walk the object. The index is 8 bytes per member, 258 bytes in all, on the stack beside the
/// claims.
pub(crate) const TOP_MEMBERS: usize = 32;

/// One top-level member: where its name's content and its value are in the document, as
/// 15-bit offsets (documents are at most [`MAX_DOC_LEN`] bytes), whether the name has
/// escapes (bit 15 of `name_at`), and whether the value's raw bytes are its [`Text`] (bit 15
/// of `value_at`, see [`Validator::top_value`]).
#[derive(Clone, Copy, Debug, Default)]
struct Member {
    name_at: u16,
    name_end: u16,
    value_at: u16,
    value_end: u16,
}

/// The top-level members of a validated object, in document order (see [`index`]).
#[derive(Clone, Copy, Debug)]
pub(crate) struct TopIndex {
    members: [Member; TOP_MEMBERS],
    /// One byte per member from its name's first and last bytes and length ([`name_tag`]; 0 for a name
    /// with escapes), so a lookup tests a word of members at a time and compares names only
    /// where the tag matches.
    tags: [scan::Word; TOP_MEMBERS / scan::WORD],
    len: u8,
    complete: bool,
}

/// A name's tag: its first and last bytes mixed with its length, never 0 (0 marks an escaped
/// name, whose raw bytes are not its text, so every lookup must compare it). The last byte
/// separates the registered names that share a first byte and a length (`iss`/`iat`,
/// `aud`/`azp`, `sub`/`sid`), so a lookup of one compares one name, not two.
#[inline(always)]
fn name_tag(raw: &[u8]) -> u8 {
    let len = raw.len() as u8; // only mixed in: truncation just makes more names share a tag
    let first = raw.first().copied().unwrap_or(0);
    let last = raw.last().copied().unwrap_or(0);
    match first ^ last.rotate_left(3) ^ len.wrapping_mul(37) {
        0 => 1,
        t => t,
    }
}

impl TopIndex {
    pub(crate) const fn new() -> Self {
        TopIndex {
            members: [Member {
                name_at: 0,
                name_end: 0,
                value_at: 0,
                value_end: 0,
            }; TOP_MEMBERS],
            tags: [0; TOP_MEMBERS / scan::WORD],
            len: 0,
            complete: true,
        }
    }

    fn push(
        &mut self,
        doc: &[u8],
        name: (usize, usize),
        escaped: bool,
        value: (usize, usize),
        plain: bool,
    ) {
        let off = |x: usize| u16::try_from(x).ok().filter(|&x| u32::from(x) < ESCAPED);
        let flag = |set: bool| if set { ESCAPED as u16 } else { 0 };
        let member = (|| {
            Some(Member {
                name_at: off(name.0)? | flag(escaped),
                name_end: off(name.1)?,
                value_at: off(value.0)? | flag(plain),
                value_end: off(value.1)?,
            })
        })();
        let i = usize::from(self.len);
        match (member, self.members.get_mut(i)) {
            (Some(m), Some(slot)) => {
                *slot = m;
                let tag = match doc.get(name.0..name.1) {
                    Some(raw) if !escaped => name_tag(raw),
                    _ => 0,
                };
                scan::put_byte(&mut self.tags, i, tag);
                self.len = self.len.saturating_add(1);
            }
            _ => self.complete = false,
        }
    }

    /// Whether every top-level member was recorded.
    pub(crate) fn complete(&self) -> bool {
        self.complete
    }

    /// The recorded members of `doc` (the document given to [`index`]).
    pub(crate) fn iter<'d>(
        &self,
        doc: &'d [u8],
    ) -> impl Iterator<Item = (Str<'d>, Value<'d>)> + use<'_, 'd> {
        let recorded = self.members.get(..usize::from(self.len)).unwrap_or(&[]);
        recorded.iter().filter_map(move |m| {
            let name_at = usize::from(m.name_at & !(ESCAPED as u16));
            let name = doc.get(name_at..usize::from(m.name_end))?;
            Some((Str { raw: name }, m.value(doc)?.0))
        })
    }

    /// The value of the recorded member at position `i` (document order), and whether its raw
    /// bytes are its text.
    #[cfg(feature = "claims-cache")]
    pub(crate) fn value_at<'d>(&self, doc: &'d [u8], i: usize) -> Option<(Value<'d>, bool)> {
        self.members
            .get(..usize::from(self.len))?
            .get(i)?
            .value(doc)
    }

    /// The recorded member named `name`, compared byte for byte after unescaping (raw bytes
    /// when the name has no escapes, which is the same thing), and whether its value's raw
    /// bytes are its text.
    pub(crate) fn get<'d>(&self, doc: &'d [u8], name: &str) -> Option<(Value<'d>, bool)> {
        let len = usize::from(self.len);
        let want = name_tag(name.as_bytes());
        let mut base: usize = 0;
        for &word in &self.tags {
            if base >= len {
                break;
            }
            // The members whose tag is `want` or 0 (escaped), a word at a time; the test may
            // flag extra bytes above a true one, never miss one, and each flagged member is
            // compared in full below.
            let mut flagged = scan::tag_bytes(word, want, len.saturating_sub(base));
            while flagged != 0 {
                let i = base.saturating_add((flagged.trailing_zeros() / 8) as usize);
                flagged &= flagged.wrapping_sub(1);
                if let Some(v) = self.member_named(doc, i, name) {
                    return Some(v);
                }
            }
            base = base.saturating_add(scan::WORD);
        }
        None
    }

    /// Member `i`'s value if its name is `name`, compared byte for byte (raw bytes when the
    /// name has no escapes, which is the same thing as comparing the text).
    #[inline(always)]
    fn member_named<'d>(&self, doc: &'d [u8], i: usize, name: &str) -> Option<(Value<'d>, bool)> {
        let m = self.members.get(..usize::from(self.len))?.get(i)?;
        let same = if m.name_at & ESCAPED as u16 != 0 {
            escaped_name_is(doc, m, name)
        } else {
            let raw = doc.get(usize::from(m.name_at)..usize::from(m.name_end))?;
            scan::bytes_eq(raw, name.as_bytes())
        };
        if !same {
            return None;
        }
        m.value(doc)
    }
}

impl Member {
    /// The member's value in `doc`, and whether its raw bytes are its text.
    #[inline(always)]
    fn value<'d>(&self, doc: &'d [u8]) -> Option<(Value<'d>, bool)> {
        let at = usize::from(self.value_at & !(ESCAPED as u16));
        let raw = doc.get(at..usize::from(self.value_end))?;
        Some((Value { raw }, self.value_at & ESCAPED as u16 != 0))
    }
}

/// Whether an escaped member name unescapes to `name` (rare: kept out of the lookup loop).
#[inline(never)]
fn escaped_name_is(doc: &[u8], m: &Member, name: &str) -> bool {
    let at = usize::from(m.name_at & !(ESCAPED as u16));
    doc.get(at..usize::from(m.name_end))
        .is_some_and(|raw| Str { raw } == name)
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

    /// RFC 8259 §7. UTF-8 was checked for the whole document already. Returns whether the
    /// string contains an escape.
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
                _ => {}
            }
        }
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

fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b.wrapping_sub(b'0')),
        b'a'..=b'f' => Some(b.wrapping_sub(b'a' - 10)),
        b'A'..=b'F' => Some(b.wrapping_sub(b'A' - 10)),
        _ => None,
    }
}

fn is_high_surrogate(u: u16) -> bool {
    (0xD800..=0xDBFF).contains(&u)
}

fn is_low_surrogate(u: u16) -> bool {
    (0xDC00..=0xDFFF).contains(&u)
}

// ---------------------------------------------------------------------------------------------
// Walking validated documents.
// ---------------------------------------------------------------------------------------------

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
    raw: &'a [u8],
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
    fn of(value: Value<'a>) -> Self {
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
    raw: &'a [u8],
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

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use crate::limits::MAX_JSON_MEMBERS;

    fn check(doc: &str) -> Result<(), Error> {
        let mut keys = [0u32; MAX_JSON_MEMBERS];
        validate(doc.as_bytes(), &mut keys)
    }

    #[test]
    fn accepts_ordinary_documents() {
        for d in [
            "{}",
            " { } ",
            r#"{"a":1,"b":[true,false,null,-0.5e+3,"x"],"c":{"d":{}}}"#,
            r#"{"s":"\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00"}"#,
            "{\"u\":\"é😀\"}",
            r#"{"a":{"x":1},"b":{"x":2}}"#,
        ] {
            assert_eq!(check(d), Ok(()), "{d}");
        }
    }

    #[test]
    fn rejects_what_rfc8259_rejects() {
        for d in [
            "",
            "{",
            "{\"a\":1,}",
            "{\"a\" 1}",
            "{a:1}",
            "{\"a\":NaN}",
            "{\"a\":Infinity}",
            "{\"a\":01}",
            "{\"a\":1.}",
            "{\"a\":.5}",
            "{\"a\":1e}",
            "{\"a\":+1}",
            "{\"a\":tru}",
            "{\"a\":1}/* c */",
            "{\"a\":1} x",
            "{\"a\":1}{}",
            "\u{feff}{}",
            "{\"a\":\"\u{1}\"}",
            "{\"a\":\"\t\"}",
            "{\"a\":\"\\x\"}",
            "{\"a\":\"\\ud800\"}",
            "{\"a\":\"\\udc00\"}",
            "{\"a\":\"\\ud800\\u0041\"}",
            "{\"a\":\"\\u12\"}",
            "{\"a\":'x'}",
            "{\"a\":[1,]}",
        ] {
            assert_eq!(check(d), Err(Error::JsonSyntax), "{d:?}");
        }
        let mut keys = [0u32; 8];
        assert_eq!(
            validate(b"{\"a\":\"\xff\"}", &mut keys),
            Err(Error::JsonSyntax)
        );
    }

    #[test]
    fn non_objects() {
        for d in ["[]", "1", "\"x\"", "null", "true"] {
            assert_eq!(check(d), Err(Error::JsonNotObject), "{d}");
        }
    }

    #[test]
    fn duplicates_at_any_depth_and_after_unescaping() {
        for d in [
            r#"{"a":1,"a":2}"#,
            r#"{"a":1,"\u0061":2}"#,
            r#"{"x":{"b":1,"c":2,"b":3}}"#,
            r#"{"x":[{"b":1,"b":1}]}"#,
        ] {
            assert_eq!(check(d), Err(Error::JsonDuplicateMember), "{d}");
        }
        // Same name in sibling objects is fine, and names are case-sensitive.
        assert_eq!(check(r#"{"x":{"b":1},"y":{"b":1},"B":0,"b":0}"#), Ok(()));
    }

    #[test]
    fn depth_and_member_budgets() {
        let mut deep = heapless::String::<256>::new();
        for _ in 0..MAX_JSON_DEPTH {
            deep.push_str("{\"a\":").ok();
        }
        deep.push('1').ok();
        for _ in 0..MAX_JSON_DEPTH {
            deep.push('}').ok();
        }
        assert_eq!(check(&deep), Ok(()));
        let mut deeper = heapless::String::<256>::new();
        deeper.push_str("{\"a\":").ok();
        deeper.push_str(&deep).ok();
        deeper.push('}').ok();
        assert_eq!(check(&deeper), Err(Error::JsonTooComplex));
        let arrays = "{\"a\":[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]}";
        assert_eq!(check(arrays), Err(Error::JsonTooComplex));

        let mut keys = [0u32; 2];
        assert_eq!(validate(br#"{"a":1,"b":2}"#, &mut keys), Ok(()));
        assert_eq!(
            validate(br#"{"a":1,"b":2,"c":3}"#, &mut keys),
            Err(Error::JsonTooComplex)
        );
        // Budget slots are reused when an inner object closes.
        assert_eq!(validate(br#"{"a":{"x":1},"b":2}"#, &mut keys), Ok(()));
    }

    #[test]
    fn walking() {
        let doc =
            br#" {"a" : 1 , "b":{"c":[1, "two" ,{"d":null}]}, "e\/f":"x\u00e9\ud83d\ude00"} "#;
        let mut keys = [0u32; 16];
        validate(doc, &mut keys).unwrap();
        let o = Object::from_validated(doc).unwrap();
        assert_eq!(o.get("a").unwrap().as_number(), Some(&b"1"[..]));
        let c = o.get_path("b.c").unwrap().as_array().unwrap();
        let kinds: heapless::Vec<Kind, 4> = c.iter().map(|v| v.kind()).collect();
        assert_eq!(&kinds[..], &[Kind::Number, Kind::String, Kind::Object]);
        let e = o.get("e/f").unwrap().as_str().unwrap();
        assert!(e == "xé😀");
        assert_eq!(e.as_str(), Err(Escaped { needed: 7 }));
        assert_eq!(std::format!("{e:?}"), "\"xé😀\"");
        let mut buf = [0u8; 16];
        assert_eq!(e.unescape_into(&mut buf), Ok("xé😀"));
        let mut small = [0u8; 3];
        assert_eq!(e.unescape_into(&mut small), Err(7));
        assert!(o.get_path("b.c.d").is_none());
        assert!(o.get_path("a.").is_none());
        assert!(o.get("z").is_none());
    }

    /// The tag-filtered lookup agrees with walking the object, for every name present and for
    /// absent ones: escaped names, names whose tags collide, members across several words of
    /// tags, and documents with more members than the index holds.
    #[test]
    fn index_lookup_agrees_with_the_walk() {
        use std::format;
        use std::string::String;
        use std::vec::Vec;
        let mut docs: Vec<String> = [
            r#"{"iss":1,"sub":2,"aud":3,"azp":4,"exp":5,"nbf":6,"iat":7,"sid":8,"permissions":9}"#,
            r#"{"\u0073ub":1,"sub2":2,"s":3,"":4,"su\u0062x":5}"#,
            // Same first byte and length (same tag), and 0x25 ^ (1 * 37) == 0 -> tag 1.
            r#"{"ab":1,"ac":2,"ad":3,"%":4,"\u0001":5}"#,
        ]
        .iter()
        .map(|d| String::from(*d))
        .collect();
        for n in [7, 8, 9, 15, 16, 17, 31, 32, 33, 40] {
            let body: Vec<String> = (0..n).map(|i| format!(r#""m{i}":{i}"#)).collect();
            docs.push(format!("{{{}}}", body.join(",")));
        }
        for d in &docs {
            let mut keys = [0u32; MAX_JSON_MEMBERS];
            let mut top = TopIndex::new();
            index(d.as_bytes(), &mut keys, &mut top).unwrap();
            let object = Object::from_validated(d.as_bytes()).unwrap();
            let mut names: Vec<String> = object
                .members()
                .map(|(k, _)| k.bytes().map(char::from).collect())
                .collect();
            names.extend(["zz", "m99", "sub3", "a", "ae"].map(String::from));
            for name in &names {
                let walked = object.get(name).map(|v| v.raw());
                let looked = top.get(d.as_bytes(), name).map(|(v, _)| v.raw());
                if top.complete() || looked.is_some() {
                    assert_eq!(looked, walked, "{d} {name}");
                } else {
                    // Past the index: `Claims::member` walks the object for these.
                    assert!(
                        object
                            .members()
                            .position(|(k, _)| k == name.as_str())
                            .unwrap_or(0)
                            >= TOP_MEMBERS
                            || walked.is_none(),
                        "{d} {name}"
                    );
                }
            }
        }
    }

    fn written(t: Text<'_>) -> std::string::String {
        let mut buf = std::vec![0u8; t.len()];
        assert_eq!(t.write_into(&mut buf), Ok(buf.len()));
        if let Some(b) = t.as_bytes() {
            assert_eq!(b, &buf[..], "a borrowed text is the written one");
        }
        // Too short a buffer is refused with the size needed, never cut.
        if !buf.is_empty() {
            assert_eq!(
                t.write_into(&mut std::vec![0u8; buf.len() - 1]),
                Err(buf.len())
            );
        }
        std::string::String::from_utf8(buf).unwrap()
    }

    /// Each top-level value's text, as the index marks it (no scan where it says the bytes
    /// are the text) and as found by looking at the value: always the same, and what a
    /// gateway forwards (a string's unescaped text, anything else compact JSON).
    #[test]
    fn text_from_the_index_is_the_text() {
        let cases: &[(&str, &[&str])] = &[
            (
                r#"{"a":"plain","b":"x\"y\u00e9","c":[1, 2],"d":{"k":"v"},"e":12.5e3,"f":true,"g":null,"h":""}"#,
                &[
                    "plain",
                    "x\"y\u{e9}",
                    "[1,2]",
                    r#"{"k":"v"}"#,
                    "12.5e3",
                    "true",
                    "null",
                    "",
                ],
            ),
            (
                "{ \"a\" : [ \"s p\" , { \"k\" :\t1 } ] , \"b\":\n\"\\n\" }",
                &[r#"["s p",{"k":1}]"#, "\n"],
            ),
            (
                r#"{"a":["esc\"aped"],"b":{"n":"\u0041"},"c":"a b"}"#,
                &[r#"["esc\"aped"]"#, r#"{"n":"\u0041"}"#, "a b"],
            ),
            (
                r#"{"a":["s p"],"b":{"k":"\t"}}"#,
                &[r#"["s p"]"#, r#"{"k":"\t"}"#],
            ),
        ];
        for (doc, want) in cases {
            let mut keys = [0u32; MAX_JSON_MEMBERS];
            let mut top = TopIndex::new();
            index(doc.as_bytes(), &mut keys, &mut top).unwrap();
            let got: std::vec::Vec<_> = top
                .members
                .iter()
                .take(usize::from(top.len))
                .map(|m| {
                    let (value, plain) = m.value(doc.as_bytes()).unwrap();
                    let scanned = written(value.text());
                    if plain {
                        assert_eq!(written(Text::verbatim(value)), scanned, "{doc}");
                    }
                    // Only the claims-cache build marks; it marks every value the scan finds
                    // plain (and more: whitespace inside a nested string is no reason to look).
                    if cfg!(feature = "claims-cache") && value.text().as_bytes().is_some() {
                        assert!(plain, "{doc}");
                    }
                    scanned
                })
                .collect();
            assert_eq!(&got, want, "{doc}");
        }
    }
}
