//! The top-level index: where each member of a claims set stands, recorded by the validator
//! as it passes, so a registered claim is found without walking the object again.

use super::ESCAPED;
use super::strings::Str;
use super::value::Value;
use crate::scan;

/// How many top-level members [`index`](super::index) records: more than any claims set seen in practice
/// (a Clerk session token has about 12, an RFC 9068 access token about 10). A document with
/// more is still accepted; [`TopIndex::complete`] is then false and lookups of later members
/// walk the object. The index is 8 bytes per member, 258 bytes in all, on the stack beside the
/// claims.
pub(crate) const TOP_MEMBERS: usize = 32;

/// One top-level member: where its name's content and its value are in the document, as
/// 15-bit offsets (documents are at most `MAX_DOC_LEN` (see `validate.rs`) bytes), whether the name has
/// escapes (bit 15 of `name_at`), and whether the value's raw bytes are its [`Text`](super::Text) (bit 15
/// of `value_at`, see `Validator::top_value`).
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Member {
    name_at: u16,
    name_end: u16,
    value_at: u16,
    value_end: u16,
}

/// The top-level members of a validated object, in document order (see [`index`](super::index)).
#[derive(Clone, Copy, Debug)]
pub(crate) struct TopIndex {
    pub(super) members: [Member; TOP_MEMBERS],
    /// One byte per member from its name's first and last bytes and length ([`name_tag`]; 0 for a name
    /// with escapes), so a lookup tests a word of members at a time and compares names only
    /// where the tag matches.
    tags: [scan::Word; TOP_MEMBERS / scan::WORD],
    pub(super) len: u8,
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

    pub(super) fn push(
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

    /// The recorded members of `doc` (the document given to [`index`](super::index)).
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
        self.find(doc, name.as_bytes())?.value(doc)
    }

    /// Whether a member named `name` is recorded: `name` is a member name's raw bytes without
    /// escapes, so they are its text. The validator's duplicate check for the top-level object
    /// while the index is [`complete`](Self::complete): a word of tags at a time, where the
    /// scratch list compared every earlier name (the quadratic check was 14% of an HS256
    /// verify of a 700-character token).
    pub(super) fn has(&self, doc: &[u8], name: &[u8]) -> bool {
        self.find(doc, name).is_some()
    }

    /// The first recorded member whose name's text is `text`. Only members tagged like `text`
    /// or 0 (escaped) are compared, a word of tags at a time: the test may flag extra bytes
    /// above a true one, never miss one, and each flagged member is compared in full.
    fn find(&self, doc: &[u8], text: &[u8]) -> Option<&Member> {
        let len = usize::from(self.len);
        let want = name_tag(text);
        let mut base: usize = 0;
        for &word in &self.tags {
            if base >= len {
                break;
            }
            let mut flagged = scan::tag_bytes(word, want, len.saturating_sub(base));
            while flagged != 0 {
                let i = base.saturating_add((flagged.trailing_zeros() / 8) as usize);
                flagged &= flagged.wrapping_sub(1);
                // `i < len`: `tag_bytes` flags none of the bytes past `len - base`.
                if let Some(m) = self.members.get(i)
                    && m.is_named(doc, text)
                {
                    return Some(m);
                }
            }
            base = base.saturating_add(scan::WORD);
        }
        None
    }
}

impl Member {
    /// Whether the member's name is `text`, compared byte for byte (raw bytes when the name
    /// has no escapes, which is the same thing as comparing the text).
    #[inline(always)]
    fn is_named(&self, doc: &[u8], text: &[u8]) -> bool {
        if self.name_at & ESCAPED as u16 != 0 {
            return escaped_name_is(doc, self, text);
        }
        doc.get(usize::from(self.name_at)..usize::from(self.name_end))
            .is_some_and(|raw| raw == text)
    }

    /// The member's value in `doc`, and whether its raw bytes are its text.
    #[inline(always)]
    pub(super) fn value<'d>(&self, doc: &'d [u8]) -> Option<(Value<'d>, bool)> {
        let at = usize::from(self.value_at & !(ESCAPED as u16));
        let raw = doc.get(at..usize::from(self.value_end))?;
        Some((Value { raw }, self.value_at & ESCAPED as u16 != 0))
    }
}

/// Whether an escaped member name unescapes to `text` (rare: kept out of the lookup loop).
/// `text` is literal text (a caller's name, or a name without escapes, whose bytes are its
/// text), so it is compared as a `str`, never decoded: the text `\z` is the member written
/// `"\\z"`.
#[inline(never)]
fn escaped_name_is(doc: &[u8], m: &Member, text: &[u8]) -> bool {
    let at = usize::from(m.name_at & !(ESCAPED as u16));
    match (
        doc.get(at..usize::from(m.name_end)),
        core::str::from_utf8(text),
    ) {
        (Some(raw), Ok(text)) => Str { raw } == text,
        _ => false,
    }
}
