//! Where the claims' one pass found the registered claims, typed (feature `claims-cache`), so
//! that claims rebuilt later (the C accessors, after the verify) need no second typing: the
//! first pass checked every type. Without the feature, [`Typed`] is empty and every answer is
//! "not recorded": readers fall back to the fields `Claims::register` fills, and nothing else
//! in `claims` depends on which build this is.

#[cfg(feature = "claims-cache")]
pub(super) use on::Typed;

#[cfg(not(feature = "claims-cache"))]
pub(super) use off::Typed;

/// How many registered string-valued claims have a position (iss, sub, aud, azp, jti,
/// client_id), and how many dates (exp, nbf, iat).
pub(super) const STRINGS: usize = 6;
pub(super) const DATES: usize = 3;

#[cfg(feature = "claims-cache")]
mod on {
    use super::{DATES, STRINGS};
    use crate::json::{TopIndex, Value};

    /// Where a registered claim sits in the index: none.
    const ABSENT: u8 = u8::MAX;

    /// Plain integers with a presence mask rather than `Option`s: every field of a
    /// `TokenBuf` is an integer, so all zeros is a valid empty buffer.
    #[derive(Clone, Copy, Debug)]
    pub(in crate::claims) struct Typed {
        /// Index positions of the string-valued claims (`ABSENT` when absent).
        at: [u8; STRINGS],
        /// exp (rounded down), nbf and iat (rounded up).
        dates: [u64; DATES],
        /// Bit `i` set: `dates[i]` is present.
        dated: u8,
        /// Whether `at` and `dates` describe every registered claim (false when the document
        /// has more members than the index holds; the claims are then typed again on each
        /// rebuild).
        complete: bool,
    }

    impl Typed {
        /// Whether this build records anything (the caller skips the typing pass otherwise).
        pub(in crate::claims) const RECORDS: bool = true;

        pub(in crate::claims) const fn new() -> Self {
            Typed {
                at: [ABSENT; STRINGS],
                dates: [0; DATES],
                dated: 0,
                complete: false,
            }
        }

        /// Record what one typing pass over an index found: the index position of each
        /// string-valued claim, the dates, and whether the index held every member.
        pub(in crate::claims) fn record(
            &mut self,
            positions: impl Iterator<Item = (usize, usize)>,
            dates: [Option<u64>; DATES],
            complete: bool,
        ) {
            *self = Typed::new();
            for (slot, pos) in positions {
                if let (Some(at), Ok(pos)) = (self.at.get_mut(slot), u8::try_from(pos)) {
                    *at = pos;
                }
            }
            for (i, d) in dates.iter().enumerate() {
                if let (Some(d), Some(out)) = (d, self.dates.get_mut(i)) {
                    *out = *d;
                    self.dated |= 1 << i;
                }
            }
            self.complete = complete;
        }

        /// Whether every registered claim was typed into this record.
        #[inline]
        pub(in crate::claims) fn complete(&self) -> bool {
            self.complete
        }

        /// String-valued claim `slot`: `None` when nothing was recorded (the claims' fields
        /// hold it), else the claim's entry if it is present (its value, and whether its raw
        /// bytes are its text).
        #[inline]
        pub(in crate::claims) fn entry<'d>(
            &self,
            top: &TopIndex,
            doc: &'d [u8],
            slot: usize,
        ) -> Option<Option<(Value<'d>, bool)>> {
            let pos = *self.at.get(slot).filter(|_| self.complete)?;
            Some(
                (pos != ABSENT)
                    .then(|| top.value_at(doc, usize::from(pos)))
                    .flatten(),
            )
        }

        /// Date `i` (exp, nbf, iat), as [`Typed::entry`].
        #[inline]
        pub(in crate::claims) fn date(&self, i: usize) -> Option<Option<u64>> {
            if !self.complete {
                return None;
            }
            Some(
                (self.dated & (1 << i) != 0)
                    .then(|| self.dates.get(i).copied())
                    .flatten(),
            )
        }
    }
}

#[cfg(not(feature = "claims-cache"))]
mod off {
    use super::DATES;
    use crate::json::{TopIndex, Value};

    /// Nothing recorded: zero bytes in the `TokenBuf`.
    #[derive(Clone, Copy, Debug)]
    pub(in crate::claims) struct Typed;

    impl Typed {
        pub(in crate::claims) const RECORDS: bool = false;

        pub(in crate::claims) const fn new() -> Self {
            Typed
        }

        pub(in crate::claims) fn record(
            &mut self,
            _positions: impl Iterator<Item = (usize, usize)>,
            _dates: [Option<u64>; DATES],
            _complete: bool,
        ) {
        }

        #[inline(always)]
        pub(in crate::claims) fn complete(&self) -> bool {
            false
        }

        #[inline(always)]
        pub(in crate::claims) fn entry<'d>(
            &self,
            _top: &TopIndex,
            _doc: &'d [u8],
            _slot: usize,
        ) -> Option<Option<(Value<'d>, bool)>> {
            None
        }

        #[inline(always)]
        pub(in crate::claims) fn date(&self, _i: usize) -> Option<Option<u64>> {
            None
        }
    }
}
