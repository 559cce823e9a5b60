//! Where a [`crate::Policy`]'s lists live: borrowed slices ([`Borrowed`], the default, built
//! with `const fn`s so a policy can sit in flash) or fixed-capacity storage the policy owns
//! ([`Owned`], filled at run time, for a verifier configured from a file or over a C ABI).
//!
//! The checks are written once, over [`PolicyLists`]; the two storages differ only in who owns
//! the strings. An owned list is checked as it is filled, so a bad metadata field fails
//! configuration, and the per-token path re-checks nothing.

use heapless::{String, Vec};

use crate::error::Error;
#[cfg(feature = "metadata")]
use crate::error::Rejection;
use crate::limits::MAX_CLAIM_NAME_LEN;
#[cfg(feature = "metadata")]
use crate::metadata;
pub use crate::metadata::{FieldSpec, OwnedField};
use crate::metadata::{MetadataField, sealed};

/// The lists of a policy. Sealed: [`Borrowed`] and [`Owned`] are the two storages.
pub trait PolicyLists: sealed::Sealed {
    /// One configured string.
    type Text: AsRef<str>;
    /// One configured metadata field.
    type Field: FieldSpec;
    /// Whether the metadata fields were checked when they were set: true for [`Owned`], which
    /// refuses a bad field as it is added; false for [`Borrowed`], whose `const` slices are
    /// checked on each token (a few comparisons per field) unless the caller checked them.
    const FIELDS_CHECKED: bool;
    /// Accepted `iss` values.
    fn issuers(&self) -> &[Self::Text];
    /// Accepted `aud` values.
    fn audiences(&self) -> &[Self::Text];
    /// Accepted `azp` values.
    fn authorized_parties(&self) -> &[Self::Text];
    /// Permissions every token must grant.
    fn required_permissions(&self) -> &[Self::Text];
    /// Metadata fields to copy out.
    fn metadata(&self) -> &[Self::Field];
    /// The permissions claim, when one was set explicitly.
    fn permissions_claim(&self) -> Option<&str>;
}

/// Lists borrowed from the caller (often `'static` slices in flash).
#[derive(Debug, Clone, Copy)]
pub struct Borrowed<'p> {
    pub(crate) issuers: &'p [&'p str],
    pub(crate) audiences: &'p [&'p str],
    pub(crate) parties: &'p [&'p str],
    pub(crate) permissions: &'p [&'p str],
    pub(crate) metadata: &'p [MetadataField<'p>],
    pub(crate) permissions_claim: Option<&'p str>,
}

impl Borrowed<'_> {
    pub(crate) const EMPTY: Self = Self {
        issuers: &[],
        audiences: &[],
        parties: &[],
        permissions: &[],
        metadata: &[],
        permissions_claim: None,
    };
}

impl sealed::Sealed for Borrowed<'_> {}

impl<'p> PolicyLists for Borrowed<'p> {
    type Text = &'p str;
    type Field = MetadataField<'p>;
    const FIELDS_CHECKED: bool = false;
    fn issuers(&self) -> &[&'p str] {
        self.issuers
    }
    fn audiences(&self) -> &[&'p str] {
        self.audiences
    }
    fn authorized_parties(&self) -> &[&'p str] {
        self.parties
    }
    fn required_permissions(&self) -> &[&'p str] {
        self.permissions
    }
    fn metadata(&self) -> &[MetadataField<'p>] {
        self.metadata
    }
    fn permissions_claim(&self) -> Option<&str> {
        self.permissions_claim
    }
}

/// Lists the policy owns, in fixed capacities (no heap): up to `E` issuers, audiences and
/// authorized parties each, `P` required permissions, `F` metadata fields, and strings of up
/// to `T` bytes. A full list or a longer string is [`Error::CapacityExceeded`].
#[derive(Debug, Clone)]
pub struct Owned<const E: usize, const P: usize, const F: usize, const T: usize> {
    issuers: Vec<String<T>, E>,
    audiences: Vec<String<T>, E>,
    parties: Vec<String<T>, E>,
    permissions: Vec<String<T>, P>,
    metadata: Vec<OwnedField<T>, F>,
    permissions_claim: Option<String<MAX_CLAIM_NAME_LEN>>,
}

impl<const E: usize, const P: usize, const F: usize, const T: usize> Owned<E, P, F, T> {
    /// Empty lists.
    pub const fn new() -> Self {
        Self {
            issuers: Vec::new(),
            audiences: Vec::new(),
            parties: Vec::new(),
            permissions: Vec::new(),
            metadata: Vec::new(),
            permissions_claim: None,
        }
    }

    pub(crate) fn issuers_mut(&mut self) -> &mut Vec<String<T>, E> {
        &mut self.issuers
    }
    pub(crate) fn audiences_mut(&mut self) -> &mut Vec<String<T>, E> {
        &mut self.audiences
    }
    pub(crate) fn parties_mut(&mut self) -> &mut Vec<String<T>, E> {
        &mut self.parties
    }
    #[cfg(feature = "permissions")]
    pub(crate) fn permissions_mut(&mut self) -> &mut Vec<String<T>, P> {
        &mut self.permissions
    }

    #[cfg(feature = "permissions")]
    pub(crate) fn set_permissions_claim(&mut self, name: &str) -> Result<(), Error> {
        self.permissions_claim = Some(String::try_from(name).map_err(|_| Error::CapacityExceeded)?);
        Ok(())
    }

    #[cfg(feature = "metadata")]
    /// Append a metadata field, checking the whole list with it: a malformed path or name, or
    /// a name already used, is refused here (and the list is left as it was).
    pub(crate) fn add_field(
        &mut self,
        path: &str,
        name: Option<&str>,
        required: bool,
    ) -> Result<(), Rejection> {
        let at = self.metadata.len();
        let invalid = Rejection {
            error: Error::InvalidMetadataField,
            field: Some(at),
            needed: None,
        };
        let field = OwnedField {
            path: String::try_from(path).map_err(|_| Error::CapacityExceeded)?,
            // A name too long to hold is too long to be a field name (63 bytes at most).
            name: String::try_from(name.unwrap_or("")).map_err(|_| invalid)?,
            required,
        };
        if name.is_some_and(str::is_empty) {
            return Err(invalid);
        }
        self.metadata
            .push(field)
            .map_err(|_| Error::CapacityExceeded)?;
        let checked = metadata::check_fields(&self.metadata);
        if checked.is_err() {
            self.metadata.pop();
        }
        checked
    }
}

impl<const E: usize, const P: usize, const F: usize, const T: usize> Default for Owned<E, P, F, T> {
    fn default() -> Self {
        Self::new()
    }
}

/// Append `s` to an owned list.
pub(crate) fn push<const T: usize, const N: usize>(
    list: &mut Vec<String<T>, N>,
    s: &str,
) -> Result<(), Error> {
    let s = String::try_from(s).map_err(|_| Error::CapacityExceeded)?;
    list.push(s).map_err(|_| Error::CapacityExceeded)
}

impl<const E: usize, const P: usize, const F: usize, const T: usize> sealed::Sealed
    for Owned<E, P, F, T>
{
}

impl<const E: usize, const P: usize, const F: usize, const T: usize> PolicyLists
    for Owned<E, P, F, T>
{
    type Text = String<T>;
    type Field = OwnedField<T>;
    const FIELDS_CHECKED: bool = true;
    fn issuers(&self) -> &[String<T>] {
        &self.issuers
    }
    fn audiences(&self) -> &[String<T>] {
        &self.audiences
    }
    fn authorized_parties(&self) -> &[String<T>] {
        &self.parties
    }
    fn required_permissions(&self) -> &[String<T>] {
        &self.permissions
    }
    fn metadata(&self) -> &[OwnedField<T>] {
        &self.metadata
    }
    fn permissions_claim(&self) -> Option<&str> {
        self.permissions_claim.as_deref()
    }
}
