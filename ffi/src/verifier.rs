//! The verifier object: what it holds (keys and the policy's configuration), and its
//! lifetime (heap with `_new`/`_free`, caller storage with `_init`/`_deinit`).

use jwtguard_core::lists::Owned;
use jwtguard_core::{KeyRing, Policy, Verifier};

#[cfg(feature = "std")]
use crate::c_free_verifier;
use crate::capacity::*;
use crate::status::jwtguard_status::{self, *};
use crate::{c_deinit_verifier, c_place_verifier, c_write, contain, guard};

/// The core policy storage the C verifier holds: its lists, in the header's capacities.
/// cbindgen:ignore
pub(crate) type Lists =
    Owned<JWTGUARD_MAX_ENTRIES, JWTGUARD_MAX_PERMISSIONS, JWTGUARD_MAX_FIELDS, JWTGUARD_MAX_TEXT>;

/// A verifier: keys plus policy. Configure it, then share it: `jwtguard_verify` takes a
/// `const jwtguard_verifier *` and only reads it, so any number of threads may verify with one
/// verifier at once, as long as none is still configuring it.
pub struct jwtguard_verifier {
    /// The core's verifier, holding the whole configuration: the setters change it in place
    /// and `jwtguard_verify` runs it, with nothing rebuilt per call.
    pub(crate) core: Verifier<'static, JWTGUARD_MAX_KEYS, Lists>,
}

// The header's storage size is a constant, the same for 32- and 64-bit targets: this fails the
// build if a change makes the verifier outgrow it.
const _: () = assert!(core::mem::size_of::<jwtguard_verifier>() <= JWTGUARD_VERIFIER_STORAGE_SIZE);
const _: () = assert!(
    core::mem::align_of::<jwtguard_verifier>()
        <= core::mem::align_of::<jwtguard_verifier_storage>()
);

impl jwtguard_verifier {
    pub(crate) const fn new() -> Self {
        Self {
            core: Verifier::new(KeyRing::new(), Policy::owned()),
        }
    }

    /// The fail-safe defaults (as `Policy::check`): an issuer and an audience are configured,
    /// or explicitly waived. Two comparisons, so `jwtguard_verify` checks them on every call.
    pub(crate) fn setup_error(&self) -> Option<jwtguard_status> {
        self.core.policy().check_fail_safe().err().map(Into::into)
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
    contain((), || c_free_verifier!(verifier));
}

/// A new verifier on the heap holding a copy of `verifier`'s keys and policy, or NULL (NULL
/// argument, or allocation failed). For a configuration built once and then extended: a
/// gateway keeps its static keys and policy in one verifier and, each time it fetches an
/// identity provider's JWKS, clones it and adds the fetched keys to the copy
/// (`jwtguard_verifier_add_jwks_public`), without reading its secrets again. Free the copy with
/// `jwtguard_verifier_free`. Not in firmware (no_std) builds.
///
/// # Safety
/// `verifier` NULL or a valid verifier that no thread configures during the call.
#[cfg(feature = "std")]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_verifier_clone(
    verifier: *const jwtguard_verifier,
) -> *mut jwtguard_verifier {
    contain(core::ptr::null_mut(), || match crate::shared!(verifier) {
        Ok(v) => Box::into_raw(Box::new(jwtguard_verifier {
            core: v.core.clone(),
        })),
        Err(_) => core::ptr::null_mut(),
    })
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
        if out.is_null() {
            return Err(JWTGUARD_NULL_ARGUMENT);
        }
        let p = c_place_verifier!(storage, size)?;
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
    contain((), || c_deinit_verifier!(verifier));
}
