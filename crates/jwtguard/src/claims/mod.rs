//! The JWT claims set (RFC 7519 §4), parsed from authenticated bytes only.
//!
//! Registered claims are typed once, at parse time: a claim of the wrong type is an error, never
//! "absent". Every other member stays reachable through [`Claims::object`].

use crate::error::Error;
use crate::json::{self, Array, Object, Str, Text, Value};
use crate::numbers::{self, Round};
use crate::pointer;
use crate::scan;

mod cache;

use cache::Typed;

/// `aud`: one string or a non-empty array of strings (RFC 7519 §4.1.3).
#[derive(Debug, Clone, Copy)]
pub enum Audience<'a> {
    /// `"aud": "x"`
    One(Str<'a>),
    /// `"aud": ["x", "y"]`; every element is a string.
    Many(Array<'a>),
}

impl<'a> Audience<'a> {
    /// Each audience value.
    pub fn iter(&self) -> impl Iterator<Item = Str<'a>> + 'a {
        let (one, many) = match *self {
            Audience::One(s) => (Some(s), None),
            Audience::Many(a) => (None, Some(a.iter().filter_map(|v| v.as_str()))),
        };
        one.into_iter().chain(many.into_iter().flatten())
    }

    /// Whether `name` is one of the values, byte for byte.
    pub fn contains(&self, name: &str) -> bool {
        self.iter().any(|a| a == name)
    }
}

/// A parsed claims set. Strings borrow from the decoded payload ([`Str`] decodes escapes when
/// compared or copied out).
#[derive(Debug, Clone, Copy)]
pub struct Claims<'a> {
    object: Object<'a>,
    /// The payload `top` indexes (the object, with any whitespace around it).
    payload: &'a [u8],
    /// The top-level members, recorded by the validating pass (kept in the `TokenBuf`):
    /// registered claims, permissions, metadata paths and the accessors start here instead of
    /// walking the object again.
    /// `None` for the empty claims set (no index: a static one would cost firmware flash).
    index: Option<&'a ClaimsIndex>,
    iss: Option<Str<'a>>,
    sub: Option<Str<'a>>,
    aud: Option<Audience<'a>>,
    azp: Option<Str<'a>>,
    jti: Option<Str<'a>>,
    client_id: Option<Str<'a>>,
    exp: Option<u64>,
    nbf: Option<u64>,
    iat: Option<u64>,
}

fn string_claim(v: Value<'_>) -> Result<Str<'_>, Error> {
    v.as_str().ok_or(Error::ClaimType)
}

fn date_claim(v: Value<'_>, round: Round) -> Result<u64, Error> {
    numbers::numeric_date(v.as_number().ok_or(Error::ClaimType)?, round)
}

fn integer_claim(v: Value<'_>) -> Result<i64, Error> {
    numbers::integer(v.as_number().ok_or(Error::ClaimType)?)
}

/// What the claims' one pass leaves in the [`crate::TokenBuf`]: the index of the top-level
/// members, and where the registered claims are, typed (see `cache.rs`). The claims can then be
/// rebuilt (by the C accessors, after the verify) with no second typing.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ClaimsIndex {
    pub(crate) top: json::TopIndex,
    typed: Typed,
}

impl ClaimsIndex {
    pub(crate) const fn new() -> Self {
        ClaimsIndex {
            top: json::TopIndex::new(),
            typed: Typed::new(),
        }
    }
}

/// [`json::index`] with a duplicate-detection scratch of `K` members on the stack.
#[inline(never)]
fn index_members<const K: usize>(payload: &[u8], top: &mut json::TopIndex) -> Result<(), Error> {
    let mut keys = [0u32; K];
    json::index(payload, &mut keys, top)
}

impl<'a> Claims<'a> {
    /// Validate `payload` and record its top-level members into `index` in one pass, then type
    /// the registered claims (recording where they are, for [`Claims::from_index`]).
    pub(crate) fn parse(payload: &'a [u8], index: &'a mut ClaimsIndex) -> Result<Self, Error> {
        *index = ClaimsIndex::new();
        // The member budget is the most members a payload of the default capacity can hold
        // (6 bytes each at least: `"a":0,`), so it never refuses a token that fits there; a
        // larger payload gets the budget of the largest capacity, in a frame of its own, so
        // the default path's stack is unchanged.
        if payload.len() <= crate::capacity::TOKEN_BUF_LEN {
            index_members::<{ crate::limits::MAX_JSON_MEMBERS }>(payload, &mut index.top)?;
        } else {
            index_members::<{ crate::limits::MAX_JSON_MEMBERS_LARGE }>(payload, &mut index.top)?;
        }
        // Type each registered claim once, here, and remember where it is.
        if Typed::RECORDS {
            let mut probe = Claims::empty();
            let mut positions = [(usize::MAX, 0); cache::STRINGS];
            for (i, (name, v)) in index.top.iter(payload).enumerate() {
                if let Some(slot) = probe.register(name, v)?
                    && let Some(p) = positions.get_mut(slot)
                {
                    *p = (slot, i);
                }
            }
            let dates = [probe.exp, probe.nbf, probe.iat];
            let complete = index.top.complete();
            index.typed.record(positions.into_iter(), dates, complete);
        }
        let index: &'a ClaimsIndex = index;
        Self::from_index(payload, index)
    }

    /// [`Claims::from_index`] for a caller that only needs to know whether it worked (a
    /// `TokenBuf` giving back its validated claims, once per C accessor call): built in place
    /// as one value, because a `Claims` is about 180 bytes and every move of it through a
    /// `Result` was a `memcpy` of that.
    #[inline]
    pub(crate) fn rebuild(payload: &'a [u8], index: &'a ClaimsIndex) -> Option<Self> {
        if index.typed.complete() {
            return Some(Claims::bare(
                Object::from_validated(payload)?,
                payload,
                Some(index),
            ));
        }
        Self::from_index(payload, index).ok()
    }

    /// The claims of a payload that [`Claims::parse`] accepted with this `index`: no second
    /// validation, and no second typing either when every member was indexed.
    pub(crate) fn from_index(payload: &'a [u8], index: &'a ClaimsIndex) -> Result<Self, Error> {
        let top = &index.top;
        let object = Object::from_validated(payload).ok_or(Error::JsonSyntax)?;
        let mut c = Claims {
            object,
            payload,
            index: Some(index),
            ..Claims::empty()
        };
        // Typed by `parse`: the getters read each registered claim from the index when asked.
        if index.typed.complete() {
            return Ok(c);
        }
        // Names are unique (validated), so each registered claim is set at most once.
        for (name, v) in top.iter(payload) {
            c.register(name, v)?;
        }
        if !top.complete() {
            // More top-level members than the index holds: the rest by walking the object.
            for (name, v) in object.members().skip(json::TOP_MEMBERS) {
                c.register(name, v)?;
            }
        }
        Ok(c)
    }

    /// Type a top-level member if it is a registered claim this crate reads; returns its
    /// slot in [`ClaimsIndex`]'s positions for the string-valued ones.
    #[inline]
    fn register(&mut self, name: Str<'a>, v: Value<'a>) -> Result<Option<usize>, Error> {
        let Some(which) = Registered::of(name) else {
            return Ok(None);
        };
        match which {
            Registered::Iss => self.iss = Some(string_claim(v)?),
            Registered::Sub => self.sub = Some(string_claim(v)?),
            Registered::Aud => self.aud = Some(audience(v)?),
            Registered::Azp => self.azp = Some(string_claim(v)?),
            Registered::Jti => self.jti = Some(string_claim(v)?),
            Registered::ClientId => self.client_id = Some(string_claim(v)?),
            // RFC 7519 §4.1.4: expired "on or after" exp, so round it down; nbf and iat
            // round up: both directions err towards rejecting.
            Registered::Exp => self.exp = Some(date_claim(v, Round::Down)?),
            Registered::Nbf => self.nbf = Some(date_claim(v, Round::Up)?),
            Registered::Iat => self.iat = Some(date_claim(v, Round::Up)?),
        }
        Ok(which.slot())
    }

    /// The top-level member `name` (compared after unescaping), from the index.
    pub(crate) fn member(&self, name: &str) -> Option<Value<'a>> {
        self.entry(name).map(|(v, _)| v)
    }

    /// [`Claims::member`], and whether the value's raw bytes are its [`Text`] (known from the
    /// index; `false` means "look").
    fn entry(&self, name: &str) -> Option<(Value<'a>, bool)> {
        // The string-valued registered claims (`sub`, `iss`, `azp`, ..., the ones read most)
        // are where the typed index says: no scan of the members.
        let index = self.index?;
        if let Some(v) = Registered::of_path(name)
            .and_then(Registered::slot)
            .and_then(|slot| index.typed.entry(&index.top, self.payload, slot))
        {
            return v;
        }
        let top = &index.top;
        match top.get(self.payload, name) {
            Some(entry) => Some(entry),
            None if top.complete() => None,
            None => self.object.get(name).map(|v| (v, false)),
        }
    }

    /// Registered claim `which`: from the record `parse` typed when there is one (feature
    /// `claims-cache`), else from the field `register` filled. The one place the two
    /// representations meet, so each getter is one line.
    #[inline]
    fn registered<T>(
        &self,
        which: Registered,
        field: Option<T>,
        read: fn(Found<'a>) -> Option<T>,
    ) -> Option<T> {
        let Some(index) = self.index else {
            return field;
        };
        let recorded = match (which.slot(), which.date()) {
            (Some(slot), _) => index
                .typed
                .entry(&index.top, self.payload, slot)
                .map(|e| e.and_then(|(v, _)| read(Found::Value(v)))),
            (None, Some(i)) => index
                .typed
                .date(i)
                .map(|d| d.and_then(|d| read(Found::Date(d)))),
            (None, None) => None,
        };
        recorded.unwrap_or(field)
    }

    /// An empty claims set.
    pub(crate) fn empty() -> Self {
        Claims::bare(Object::empty(), b"{}", None)
    }

    /// Claims over `object` with no registered claim typed into the fields (they are read from
    /// a typed index, or filled in by the caller). One literal, built where it is returned.
    #[inline]
    const fn bare(object: Object<'a>, payload: &'a [u8], index: Option<&'a ClaimsIndex>) -> Self {
        Claims {
            object,
            payload,
            index,
            iss: None,
            sub: None,
            aud: None,
            azp: None,
            jti: None,
            client_id: None,
            exp: None,
            nbf: None,
            iat: None,
        }
    }

    /// The payload these claims were parsed from (the object, with any whitespace around it):
    /// what the index's offsets refer to.
    #[cfg(feature = "serde")]
    pub(crate) fn payload(&self) -> &'a [u8] {
        self.payload
    }

    /// The index these claims were built over (`None` for the empty claims set): what a verify
    /// cache keeps, so that a hit rebuilds the claims without parsing them again.
    pub(crate) fn index(&self) -> Option<&'a ClaimsIndex> {
        self.index
    }

    /// The whole claims object, for custom claims.
    pub fn object(&self) -> Object<'a> {
        self.object
    }

    /// `iss` (RFC 7519 §4.1.1).
    pub fn issuer(&self) -> Option<Str<'a>> {
        self.registered(Registered::Iss, self.iss, Found::string)
    }

    /// `sub` (RFC 7519 §4.1.2).
    pub fn subject(&self) -> Option<Str<'a>> {
        self.registered(Registered::Sub, self.sub, Found::string)
    }

    /// `aud` (RFC 7519 §4.1.3).
    pub fn audience(&self) -> Option<Audience<'a>> {
        self.registered(Registered::Aud, self.aud, Found::audience)
    }

    /// `azp`, the authorized party (OpenID Connect Core §2).
    pub fn authorized_party(&self) -> Option<Str<'a>> {
        self.registered(Registered::Azp, self.azp, Found::string)
    }

    /// `jti` (RFC 7519 §4.1.7).
    pub fn jwt_id(&self) -> Option<Str<'a>> {
        self.registered(Registered::Jti, self.jti, Found::string)
    }

    /// `client_id` (RFC 8693 §4.3, RFC 9068 §2.2).
    pub fn client_id(&self) -> Option<Str<'a>> {
        self.registered(Registered::ClientId, self.client_id, Found::string)
    }

    /// The value at a path, any type: a dot path (`user_data.name`), or a JSON Pointer
    /// (RFC 6901) when the path starts with `/`, for member names that contain dots
    /// (`/https:~1~1example.com~1roles`) and array elements (`/emails/0`).
    pub fn value(&self, path: &str) -> Option<Value<'a>> {
        // A JSON Pointer (RFC 6901), for names that contain dots: `/https:~1~1example.com~1roles`.
        if pointer::is_pointer(path) {
            return pointer::walk(path, |name| self.member(name));
        }
        // A top-level name (most lookups) straight from the index, without splitting.
        if scan::find_byte(path.as_bytes(), 0, b'.').is_none() {
            return self.member(Some(path).filter(|s| !s.is_empty())?);
        }
        let mut segs = path.split('.');
        let mut v = self.member(segs.next().filter(|s| !s.is_empty())?)?;
        for seg in segs {
            // As `Object::get_path`: an empty segment names nothing.
            v = v.as_object()?.get(Some(seg).filter(|s| !s.is_empty())?)?;
        }
        Some(v)
    }

    /// The [`Text`] of the claim at a path (as [`Claims::value`] takes it): a string's
    /// unescaped text, anything else as compact JSON, the way a gateway forwards a claim in a
    /// header. A top-level claim's text is known from the index the verify built, so reading
    /// one needs no scan of it.
    pub fn text(&self, path: &str) -> Option<Text<'a>> {
        if !pointer::is_pointer(path) && !scan::contains(path.as_bytes(), b'.') {
            return match self.entry(Some(path).filter(|s| !s.is_empty())?)? {
                (v, true) => Some(Text::verbatim(v)),
                (v, false) => Some(v.text()),
            };
        }
        self.value(path).map(|v| v.text())
    }

    /// A string claim by path: `Ok(None)` when absent, [`Error::ClaimType`] when not a string.
    pub fn string(&self, path: &str) -> Result<Option<Str<'a>>, Error> {
        self.value(path)
            .map(|v| v.as_str().ok_or(Error::ClaimType))
            .transpose()
    }

    /// A boolean claim by path (`email_verified`): `Ok(None)` when absent,
    /// [`Error::ClaimType`] when not `true`/`false`.
    pub fn boolean(&self, path: &str) -> Result<Option<bool>, Error> {
        self.value(path)
            .map(|v| v.as_bool().ok_or(Error::ClaimType))
            .transpose()
    }

    /// An integer claim by path, written as a JSON integer (no fraction or exponent):
    /// `Ok(None)` when absent, [`Error::ClaimType`] for other types and forms,
    /// [`Error::ClaimOutOfRange`] outside `i64`.
    pub fn integer(&self, path: &str) -> Result<Option<i64>, Error> {
        self.value(path).map(integer_claim).transpose()
    }

    /// An array-of-strings claim by path: `Ok(None)` when absent, [`Error::ClaimType`] when not
    /// an array or when any element is not a string.
    pub fn strings(&self, path: &str) -> Result<Option<impl Iterator<Item = Str<'a>> + 'a>, Error> {
        let Some(v) = self.value(path) else {
            return Ok(None);
        };
        let arr = v.as_array().ok_or(Error::ClaimType)?;
        if arr.iter().any(|e| e.as_str().is_none()) {
            return Err(Error::ClaimType);
        }
        Ok(Some(arr.iter().filter_map(|e| e.as_str())))
    }

    /// `exp` in unix seconds, rounded down (RFC 7519 §4.1.4).
    pub fn expires_at(&self) -> Option<u64> {
        self.registered(Registered::Exp, self.exp, Found::date)
    }

    /// `nbf` in unix seconds, rounded up (RFC 7519 §4.1.5).
    pub fn not_before(&self) -> Option<u64> {
        self.registered(Registered::Nbf, self.nbf, Found::date)
    }

    /// `iat` in unix seconds, rounded up (RFC 7519 §4.1.6).
    pub fn issued_at(&self) -> Option<u64> {
        self.registered(Registered::Iat, self.iat, Found::date)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Registered {
    Iss,
    Sub,
    Aud,
    Azp,
    Jti,
    Exp,
    Nbf,
    Iat,
    ClientId,
}

impl Registered {
    const ALL: [(&'static str, Registered); 9] = [
        ("iss", Registered::Iss),
        ("sub", Registered::Sub),
        ("aud", Registered::Aud),
        ("azp", Registered::Azp),
        ("jti", Registered::Jti),
        ("exp", Registered::Exp),
        ("nbf", Registered::Nbf),
        ("iat", Registered::Iat),
        ("client_id", Registered::ClientId),
    ];

    /// The string-valued claims' positions in the record (the dates are kept as values).
    const fn slot(self) -> Option<usize> {
        match self {
            Registered::Iss => Some(0),
            Registered::Sub => Some(1),
            Registered::Aud => Some(2),
            Registered::Azp => Some(3),
            Registered::Jti => Some(4),
            Registered::ClientId => Some(5),
            Registered::Exp | Registered::Nbf | Registered::Iat => None,
        }
    }

    /// The dates' positions in the record (exp, nbf, iat).
    const fn date(self) -> Option<usize> {
        match self {
            Registered::Exp => Some(0),
            Registered::Nbf => Some(1),
            Registered::Iat => Some(2),
            _ => None,
        }
    }

    /// Which string-valued registered claim a lookup's name is (a caller's text, so no
    /// escapes to undo).
    #[inline]
    fn of_path(name: &str) -> Option<Self> {
        Self::of_text(name.as_bytes()).filter(|r| r.slot().is_some())
    }

    /// Which registered claim the text `name` is. A match, which the compiler turns into a
    /// switch on the length and a word comparison or two: every member of every claims set
    /// comes through here, and a walk of [`Registered::ALL`] comparing names one by one was
    /// 4% of an HS256 verify of a 700-character token.
    #[inline]
    fn of_text(name: &[u8]) -> Option<Self> {
        match name {
            b"iss" => Some(Registered::Iss),
            b"sub" => Some(Registered::Sub),
            b"aud" => Some(Registered::Aud),
            b"azp" => Some(Registered::Azp),
            b"jti" => Some(Registered::Jti),
            b"exp" => Some(Registered::Exp),
            b"nbf" => Some(Registered::Nbf),
            b"iat" => Some(Registered::Iat),
            b"client_id" => Some(Registered::ClientId),
            _ => None,
        }
    }

    /// Which registered claim `name` is. Compared after unescaping, like every member name, so
    /// `"\u0065xp"` is `exp`; names without escapes (all real ones) are their text.
    fn of(name: Str<'_>) -> Option<Self> {
        if !crate::scan::contains(name.raw(), b'\\') {
            return Self::of_text(name.raw());
        }
        Self::ALL.iter().find(|(n, _)| name == *n).map(|(_, r)| *r)
    }
}

/// A registered claim as the record holds it: a value `parse` typed, or a date it parsed.
#[derive(Clone, Copy)]
enum Found<'a> {
    Value(Value<'a>),
    Date(u64),
}

impl<'a> Found<'a> {
    fn string(self) -> Option<Str<'a>> {
        match self {
            Found::Value(v) => v.as_str(),
            Found::Date(_) => None,
        }
    }

    /// Typed by `parse` already: a string or an array of strings.
    fn audience(self) -> Option<Audience<'a>> {
        match self {
            Found::Value(v) => match v.as_str() {
                Some(s) => Some(Audience::One(s)),
                None => v.as_array().map(Audience::Many),
            },
            Found::Date(_) => None,
        }
    }

    fn date(self) -> Option<u64> {
        match self {
            Found::Date(d) => Some(d),
            Found::Value(_) => None,
        }
    }
}

fn audience(v: Value<'_>) -> Result<Audience<'_>, Error> {
    if let Some(s) = v.as_str() {
        return Ok(Audience::One(s));
    }
    let arr = v.as_array().ok_or(Error::ClaimType)?;
    // An empty list names no recipient, and a non-string member is not an audience: both are
    // malformed rather than "no audience".
    if arr.is_empty() || arr.iter().any(|e| e.as_str().is_none()) {
        return Err(Error::ClaimType);
    }
    Ok(Audience::Many(arr))
}

#[cfg(test)]
mod index_tests {
    extern crate std;
    use super::*;
    use std::format;
    use std::string::String;

    /// The match of raw names and the table of the escaped path name the same claims, and
    /// nothing else is one (a near miss of each length included).
    #[test]
    fn registered_names_agree() {
        for (name, r) in Registered::ALL {
            assert_eq!(Registered::of_text(name.as_bytes()), Some(r), "{name}");
            assert_eq!(Registered::of(json::Str::plain(name.as_bytes())), Some(r));
            let escaped = format!("\\u{:04x}{}", name.as_bytes()[0], &name[1..]);
            assert_eq!(
                Registered::of(json::Str::plain(escaped.as_bytes())),
                Some(r)
            );
            assert_eq!(
                Registered::of_path(name),
                r.slot().is_some().then_some(r),
                "{name}"
            );
        }
        for near in ["is", "isss", "ISS", "sid", "client_i", "client_ib", "exp "] {
            assert_eq!(Registered::of_text(near.as_bytes()), None, "{near}");
        }
    }

    /// More top-level members than the index records: registered claims and lookups past the
    /// index are still found (by walking), and the index's members by the index.
    #[test]
    fn claims_beyond_the_index() {
        let mut doc = String::from("{");
        for i in 0..json::TOP_MEMBERS + 5 {
            doc.push_str(&format!("\"m{i}\":{i},"));
        }
        doc.push_str(r#""iss":"late","exp":17,"permissions":["a"]}"#);
        let mut index = ClaimsIndex::new();
        let c = Claims::parse(doc.as_bytes(), &mut index).unwrap();
        assert!(!c.index.unwrap().top.complete());
        assert!(c.issuer().is_some_and(|s| s == "late"));
        assert_eq!(c.expires_at(), Some(17));
        assert_eq!(c.member("m0").map(|v| v.raw()), Some(&b"0"[..]));
        let last = format!("m{}", json::TOP_MEMBERS + 4);
        assert!(c.member(&last).is_some());
        assert!(c.member("permissions").is_some());
        assert!(c.member("absent").is_none());
        // A claim of the wrong type past the index is still an error, not "absent".
        let bad = doc.replace(r#""exp":17"#, r#""exp":"17""#);
        let mut index = ClaimsIndex::new();
        assert_eq!(
            Claims::parse(bad.as_bytes(), &mut index).err(),
            Some(Error::ClaimType)
        );
    }

    /// Registered names spelled with escapes are the same claims (RFC 7519 §4 compares names
    /// after unescaping), found through the index's slow path.
    #[test]
    fn escaped_registered_names() {
        let doc = br#"{"\u0069ss":"a","e\u0078p":5,"sub":"s","d\u0061ta":{"x":1}}"#;
        let mut index = ClaimsIndex::new();
        let c = Claims::parse(doc, &mut index).unwrap();
        assert!(c.index.unwrap().top.complete());
        assert!(c.issuer().is_some_and(|s| s == "a"));
        assert_eq!(c.expires_at(), Some(5));
        assert_eq!(c.value("data.x").map(|v| v.raw()), Some(&b"1"[..]));
        assert!(c.value("data.").is_none() && c.value(".data").is_none());
        let dup = br#"{"iss":"a","\u0069ss":"b"}"#;
        let mut index = ClaimsIndex::new();
        assert_eq!(
            Claims::parse(dup, &mut index).err(),
            Some(Error::JsonDuplicateMember)
        );
    }
}
