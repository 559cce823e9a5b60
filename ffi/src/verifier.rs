//! The verifier object: what it holds (keys and the policy's configuration), and its
//! lifetime (heap with `_new`/`_free`, caller storage with `_init`/`_deinit`).

use heapless::{String, Vec};
use jwtguard_core::{KeyRing, MetadataField, Policy};

use crate::capacity::*;
use crate::status::jwtguard_status::{self, *};
use crate::{c_write, contain, guard};

/// cbindgen:ignore
pub(crate) struct Field {
    pub(crate) path: Text,
    pub(crate) name: String<64>,
    pub(crate) required: bool,
}

/// A verifier: keys plus policy. Configure it, then share it: `jwtguard_verify` takes a
/// `const jwtguard_verifier *` and only reads it, so any number of threads may verify with one
/// verifier at once, as long as none is still configuring it.
pub struct jwtguard_verifier {
    config: Config,
}

/// What a verifier holds (kept out of the header).
/// cbindgen:ignore
#[doc(hidden)]
pub struct Config {
    pub(crate) keys: KeyRing<JWTGUARD_MAX_KEYS>,
    pub(crate) issuers: Vec<Text, JWTGUARD_MAX_ENTRIES>,
    pub(crate) audiences: Vec<Text, JWTGUARD_MAX_ENTRIES>,
    pub(crate) parties: Vec<Text, JWTGUARD_MAX_ENTRIES>,
    pub(crate) permissions: Vec<Text, JWTGUARD_MAX_PERMISSIONS>,
    pub(crate) permissions_claim: Option<String<64>>,
    pub(crate) fields: Vec<Field, JWTGUARD_MAX_FIELDS>,
    pub(crate) leeway: u64,
    pub(crate) max_age: Option<u64>,
    pub(crate) require_exp: bool,
    pub(crate) require_sub: bool,
    pub(crate) access_token: bool,
    pub(crate) any_issuer: bool,
    pub(crate) without_audience: bool,
}

impl jwtguard_verifier {
    pub(crate) fn new() -> Self {
        Self {
            config: Config::new(),
        }
    }
}

impl core::ops::Deref for jwtguard_verifier {
    type Target = Config;
    fn deref(&self) -> &Config {
        &self.config
    }
}

impl core::ops::DerefMut for jwtguard_verifier {
    fn deref_mut(&mut self) -> &mut Config {
        &mut self.config
    }
}

impl Config {
    fn new() -> Self {
        Self {
            keys: KeyRing::new(),
            issuers: Vec::new(),
            audiences: Vec::new(),
            parties: Vec::new(),
            permissions: Vec::new(),
            permissions_claim: None,
            fields: Vec::new(),
            leeway: 0,
            max_age: None,
            require_exp: true,
            require_sub: true,
            access_token: false,
            any_issuer: false,
            without_audience: false,
        }
    }

    /// The fail-safe defaults (as `Policy::check`): an issuer and an audience are configured,
    /// or explicitly waived. Two comparisons, so `jwtguard_verify` checks them on every call.
    pub(crate) fn setup_error(&self) -> Option<jwtguard_status> {
        if self.issuers.is_empty() && !self.any_issuer {
            return Some(JWTGUARD_ISSUER_NOT_CONFIGURED);
        }
        if self.audiences.is_empty() && !self.without_audience {
            return Some(JWTGUARD_AUDIENCE_NOT_CONFIGURED);
        }
        None
    }

    /// Build the policy over this verifier's strings and run `f` with it.
    pub(crate) fn with_policy<R>(&self, f: impl FnOnce(&Policy<'_>) -> R) -> R {
        fn strs(v: &[Text]) -> Vec<&str, JWTGUARD_MAX_PERMISSIONS> {
            v.iter().map(|s| s.as_str()).collect()
        }
        let (iss, aud, azp, perms) = (
            strs(&self.issuers),
            strs(&self.audiences),
            strs(&self.parties),
            strs(&self.permissions),
        );
        let fields: Vec<MetadataField<'_>, JWTGUARD_MAX_FIELDS> = self
            .fields
            .iter()
            .map(|f| {
                let base = if f.required {
                    MetadataField::required(&f.path)
                } else {
                    MetadataField::optional(&f.path)
                };
                if f.name.is_empty() {
                    base
                } else {
                    base.named(&f.name)
                }
            })
            .collect();
        let mut p = Policy::new();
        if self.access_token {
            p = p.access_token();
        }
        p = p
            .issuers(&iss)
            .audiences(&aud)
            .authorized_parties(&azp)
            .required_permissions(&perms)
            .metadata(&fields)
            .leeway(self.leeway)
            .require_exp(self.require_exp)
            .require_sub(self.require_sub);
        if let Some(claim) = &self.permissions_claim {
            p = p.permissions_claim(claim);
        }
        if let Some(age) = self.max_age {
            p = p.max_age(age);
        }
        if self.any_issuer {
            p = p.any_issuer();
        }
        if self.without_audience {
            p = p.without_audience();
        }
        f(&p)
    }
}

/// A new verifier on the heap, with the strict default policy (exp and sub required, no keys).
/// Returns NULL only if allocation fails. Free it with `jwtguard_verifier_free`.
/// Not in firmware (no_std) builds: use `jwtguard_verifier_init`.
#[cfg(feature = "std")]
#[unsafe(no_mangle)]
pub extern "C" fn jwtguard_verifier_new() -> *mut jwtguard_verifier {
    contain(core::ptr::null_mut(), || {
        Box::into_raw(Box::new(jwtguard_verifier::new()))
    })
}

/// Free a verifier from `jwtguard_verifier_new`, zeroizing its keys. NULL is a no-op.
///
/// # Safety
/// `verifier` must be NULL or from `jwtguard_verifier_new`, not freed before, and not in use.
#[cfg(feature = "std")]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_verifier_free(verifier: *mut jwtguard_verifier) {
    if verifier.is_null() {
        return;
    }
    contain((), || {
        // SAFETY: the caller guarantees `verifier` came from `jwtguard_verifier_new`, which
        // made it with `Box::into_raw` of a `Box<jwtguard_verifier>`, that it is freed only
        // once and that nothing uses it any more: exactly what `Box::from_raw` needs to take
        // the allocation back and drop it (which zeroizes the keys).
        let boxed = unsafe { Box::from_raw(verifier) };
        drop(boxed);
    });
}

/// Make a verifier in caller storage (no malloc) and set `*out` to it. `size` is
/// `sizeof(jwtguard_verifier_storage)`; it is checked, as is alignment. Release it with
/// `jwtguard_verifier_deinit`, not `_free`.
///
/// # Safety
/// `storage` must point to `size` writable bytes that outlive the verifier; `out` must be valid
/// for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_verifier_init(
    storage: *mut jwtguard_verifier_storage,
    size: usize,
    out: *mut *mut jwtguard_verifier,
) -> jwtguard_status {
    guard(|| {
        if storage.is_null() || out.is_null() {
            return Err(JWTGUARD_NULL_ARGUMENT);
        }
        let p = storage.cast::<jwtguard_verifier>();
        if size < size_of::<jwtguard_verifier>() || !p.is_aligned() {
            return Err(JWTGUARD_STORAGE_TOO_SMALL);
        }
        // SAFETY: `p` is non-NULL and aligned, and the caller guarantees `size` writable bytes,
        // which is at least a verifier's size (all checked above). Any live verifier in the
        // storage would be leaked, not freed twice: the header says to deinit first.
        unsafe { p.write(jwtguard_verifier::new()) };
        c_write!(out, p)
    })
}

/// Drop a verifier made by `jwtguard_verifier_init`, zeroizing its keys; the storage may then
/// be reused. NULL is a no-op.
///
/// # Safety
/// `verifier` must be NULL or from `jwtguard_verifier_init`, not deinitialised before, and not
/// in use.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_verifier_deinit(verifier: *mut jwtguard_verifier) {
    if verifier.is_null() {
        return;
    }
    // SAFETY: the caller guarantees `verifier` was written in place by
    // `jwtguard_verifier_init` (so it is a valid, aligned, initialised verifier), is dropped only
    // once and is no longer used: what `drop_in_place` needs. The storage is the caller's and
    // is not freed.
    contain((), || unsafe { core::ptr::drop_in_place(verifier) });
}
