//! Metadata fields: claims copied out by dot path into a user-data document, the model of
//! custom-JWT login backends (`user_data.name` -> `name`).
//!
//! The document is compact JSON, `{"field_name":value,...}` in configuration order, each value
//! copied from the token with insignificant whitespace removed (RFC 8259 §2). A field whose path
//! is absent is left out, or is an error naming the field when it is required. A JSON `null`
//! at the path is a value, and is copied.

// Without the `metadata` feature only the field types remain (the policy's lists hold them);
// nothing reads or writes a document.
#![cfg_attr(not(feature = "metadata"), allow(dead_code))]

use crate::error::Error;
use crate::limits::MAX_FIELD_NAME_LEN;
use heapless::String;

use crate::claims::Claims;
use crate::error::Rejection;
use crate::json::Value;

pub(crate) mod sealed {
    pub trait Sealed {}
}

/// A configured metadata field, whichever storage holds it.
pub trait FieldSpec: sealed::Sealed {
    /// The dot path in the claims.
    fn path(&self) -> &str;
    /// The name in the output document.
    fn field_name(&self) -> &str;
    /// Whether a token must carry it.
    fn is_required(&self) -> bool;
}

impl sealed::Sealed for MetadataField<'_> {}

impl FieldSpec for MetadataField<'_> {
    fn path(&self) -> &str {
        MetadataField::path(self)
    }
    fn field_name(&self) -> &str {
        MetadataField::field_name(self)
    }
    fn is_required(&self) -> bool {
        MetadataField::is_required(self)
    }
}

/// A metadata field an owned policy ([`crate::lists::Owned`]) holds: its path (up to `T` bytes) and output name.
#[derive(Debug, Clone)]
pub struct OwnedField<const T: usize> {
    pub(crate) path: String<T>,
    /// Empty: the path's last segment.
    pub(crate) name: String<{ MAX_FIELD_NAME_LEN }>,
    pub(crate) required: bool,
}

impl<const T: usize> sealed::Sealed for OwnedField<T> {}

impl<const T: usize> FieldSpec for OwnedField<T> {
    fn path(&self) -> &str {
        &self.path
    }
    fn field_name(&self) -> &str {
        if self.name.is_empty() {
            last_segment(&self.path)
        } else {
            &self.name
        }
    }
    fn is_required(&self) -> bool {
        self.required
    }
}

/// One metadata field. Build with [`MetadataField::required`] or [`MetadataField::optional`],
/// then [`MetadataField::named`] to rename it; all `const`, so a field list can live in flash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MetadataField<'p> {
    path: &'p str,
    name: Option<&'p str>,
    required: bool,
}

impl<'p> MetadataField<'p> {
    /// A field the token must carry at `path` (dot-separated member names).
    pub const fn required(path: &'p str) -> Self {
        Self {
            path,
            name: None,
            required: true,
        }
    }

    /// A field copied when the token carries it.
    pub const fn optional(path: &'p str) -> Self {
        Self {
            path,
            name: None,
            required: false,
        }
    }

    /// The name in the output document (default: the path's last segment).
    pub const fn named(mut self, name: &'p str) -> Self {
        self.name = Some(name);
        self
    }

    /// The path in the claims.
    pub fn path(&self) -> &'p str {
        self.path
    }

    /// Whether the token must carry it.
    pub fn is_required(&self) -> bool {
        self.required
    }

    /// The output name: the configured one, else the last path segment.
    pub fn field_name(&self) -> &'p str {
        self.name.unwrap_or_else(|| last_segment(self.path))
    }

    /// Check a field list as [`crate::Policy::check`] does: paths that name something (no
    /// empty segment, a well-formed pointer), output names of 1 to 63 bytes, and no two fields
    /// with one output name; a bad field is [`Error::InvalidMetadataField`] naming its index.
    pub fn check_list(fields: &[Self]) -> Result<(), Rejection> {
        check_fields(fields)
    }
}

/// A path's last segment: a field's default output name (a pointer's last token; see
/// [`check_fields`] for one with escapes).
pub(crate) fn last_segment(path: &str) -> &str {
    let sep = if crate::pointer::is_pointer(path) {
        '/'
    } else {
        '.'
    };
    path.rsplit(sep).next().unwrap_or(path)
}

/// Check a field list: paths of non-empty segments, output names of 1 to 63 bytes, and no two
/// fields with the same output name.
pub(crate) fn check_fields<F: FieldSpec>(fields: &[F]) -> Result<(), Rejection> {
    for (i, f) in fields.iter().enumerate() {
        let bad = Rejection {
            error: Error::InvalidMetadataField,
            field: Some(i),
            needed: None,
        };
        let name = f.field_name();
        // A pointer must be well formed, and one whose last token has escapes (`~1`) must be
        // named: its default name would be the escaped text.
        let bad_path = !crate::pointer::is_valid_path(f.path())
            || (crate::pointer::is_pointer(f.path())
                && name == last_segment(f.path())
                && crate::pointer::last_plain_token(f.path()).is_none());
        if bad_path || name.is_empty() || name.len() > MAX_FIELD_NAME_LEN {
            return Err(bad);
        }
        if fields
            .get(..i)
            .unwrap_or(&[])
            .iter()
            .any(|g| g.field_name() == name)
        {
            return Err(bad);
        }
    }
    Ok(())
}

impl<'a> Claims<'a> {
    /// Write the user-data document for `fields` into `out` (see [`MetadataField`]); returns
    /// its length.
    #[cfg(feature = "metadata")]
    pub fn metadata<F: FieldSpec>(&self, fields: &[F], out: &mut [u8]) -> Result<usize, Rejection> {
        write(self, fields, out)
    }
}

/// Writes into a buffer, counting what it could not fit so the caller learns the size needed.
struct Sink<'o> {
    out: &'o mut [u8],
    len: usize,
}

impl Sink<'_> {
    fn byte(&mut self, b: u8) {
        if let Some(slot) = self.out.get_mut(self.len) {
            *slot = b;
        }
        self.len = self.len.saturating_add(1);
    }

    fn bytes(&mut self, bs: &[u8]) {
        for &b in bs {
            self.byte(b);
        }
    }

    /// A JSON string for a configured (trusted) name: quotes, backslashes and controls escaped.
    fn string(&mut self, s: &str) {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        self.byte(b'"');
        for &b in s.as_bytes() {
            match b {
                b'"' | b'\\' => self.bytes(&[b'\\', b]),
                0x00..=0x1f => {
                    self.bytes(b"\\u00");
                    self.byte(HEX.get(usize::from(b >> 4)).copied().unwrap_or(b'0'));
                    self.byte(HEX.get(usize::from(b & 15)).copied().unwrap_or(b'0'));
                }
                _ => self.byte(b),
            }
        }
        self.byte(b'"');
    }

    /// A value from a validated document, without whitespace outside strings.
    fn compact(&mut self, v: Value<'_>) {
        let rest = self.out.get_mut(self.len..).unwrap_or(&mut []);
        self.len = self.len.saturating_add(v.write_compact(rest));
    }
}

/// The policy's metadata rules without writing: the configuration holds (checked here unless
/// it was when the fields were set) and every required field is present.
pub(crate) fn check<F: FieldSpec>(
    claims: &Claims<'_>,
    fields: &[F],
    already_checked: bool,
) -> Result<(), Rejection> {
    if !already_checked {
        check_fields(fields)?;
    }
    match fields
        .iter()
        .position(|f| f.is_required() && claims.value(f.path()).is_none())
    {
        Some(i) => Err(Rejection {
            error: Error::MissingMetadataField,
            field: Some(i),
            needed: None,
        }),
        None => Ok(()),
    }
}

/// Write the user-data document for `fields` into `out`; returns its length.
pub(crate) fn write<F: FieldSpec>(
    claims: &Claims<'_>,
    fields: &[F],
    out: &mut [u8],
) -> Result<usize, Rejection> {
    check(claims, fields, false)?;
    write_checked(claims, fields, out)
}

/// [`write`] for fields already checked against these claims.
pub(crate) fn write_checked<F: FieldSpec>(
    claims: &Claims<'_>,
    fields: &[F],
    out: &mut [u8],
) -> Result<usize, Rejection> {
    let mut sink = Sink { out, len: 0 };
    sink.byte(b'{');
    let mut first = true;
    // Absent fields are optional ones (required ones were checked above): left out.
    for (f, v) in fields
        .iter()
        .filter_map(|f| Some((f, claims.value(f.path())?)))
    {
        if !first {
            sink.byte(b',');
        }
        first = false;
        sink.string(f.field_name());
        sink.byte(b':');
        sink.compact(v);
    }
    sink.byte(b'}');
    if sink.len > sink.out.len() {
        return Err(Rejection {
            error: Error::BufferTooSmall,
            field: None,
            needed: Some(sink.len),
        });
    }
    Ok(sink.len)
}
