//! Strict JSON (RFC 8259) for token headers and claims sets, with no allocation.
//!
//! Four parts, one file each:
//! - `validate` checks a whole document once: UTF-8, the exact grammar
//!   (no comments, NaN, trailing commas, raw control characters, or lone surrogate escapes), a
//!   nesting bound, a member budget, and duplicate member names in every object, compared after
//!   unescaping (so `"a"` and `"\u0061"` collide, as RFC 7515 §4 and RFC 7519 §4 require);
//! - `index` records the top-level members as the validator passes them, so the claims set's
//!   registered claims need no second walk;
//! - [`Value`], [`Object`] and [`Array`] (`value.rs`) then walk the validated bytes without
//!   copying. They still never index out of bounds or panic if handed bytes that were not
//!   validated; they just return `None`;
//! - [`Str`] and [`Text`] (`strings.rs`) compare and decode strings, escapes included.
//!
//! Why not serde-json-core for everything: its `ignored_any` skips scalars without checking them
//! and recurses into unknown nested values without a bound, and serde's derive only notices
//! duplicates of the fields a struct names. The `serde` feature uses it only for typed custom
//! claims (see `typed.rs`), after this validator has vouched for the bytes.

mod index;
mod strings;
mod validate;
mod value;

#[cfg(test)]
mod tests;

pub(crate) use index::{TOP_MEMBERS, TopIndex};
pub use strings::{Escaped, Str, Text, Unescaped};
pub(crate) use validate::{index, validate};
pub use value::{Array, Elements, Kind, Members, Object, Value};

/// Flag bit in a 15-bit document offset: offsets fit 15 bits because documents are at most
/// `validate::MAX_DOC_LEN` bytes, so the validator's name slots and the index's members carry one
/// flag each in bit 15.
const ESCAPED: u32 = 1 << 15;
