//! Capacities and caller storage: the fixed sizes a verifier is built with (documented in the
//! header; the `small` feature selects the firmware ones), and the storage types whose sizes
//! the header states as constants.

use core::mem::size_of;

/// Keys a verifier holds.
#[cfg(not(feature = "small"))]
pub const JWTGUARD_MAX_KEYS: usize = 16;
/// Issuers, audiences or authorized parties a verifier holds (each).
#[cfg(not(feature = "small"))]
pub const JWTGUARD_MAX_ENTRIES: usize = 8;
/// Longest issuer, audience, party, permission or metadata path, in bytes.
#[cfg(not(feature = "small"))]
pub const JWTGUARD_MAX_TEXT: usize = 256;
/// Required permissions a verifier holds.
#[cfg(not(feature = "small"))]
pub const JWTGUARD_MAX_PERMISSIONS: usize = 16;
/// Metadata fields a verifier holds.
#[cfg(not(feature = "small"))]
pub const JWTGUARD_MAX_FIELDS: usize = 16;
/// Required permissions one `jwtguard_verify` call may add.
#[cfg(not(feature = "small"))]
pub const JWTGUARD_MAX_CALL_PERMISSIONS: usize = 16;
/// Providers (verifiers) a `jwtguard_providers` set holds.
#[cfg(not(feature = "small"))]
pub const JWTGUARD_MAX_PROVIDERS: usize = 8;

/// Longest token this build verifies: 16 KiB (Keycloak-sized access tokens), through
/// `jwtguard_verify_large` and a `jwtguard_large_result`; `jwtguard_verify` takes tokens of up
/// to 2048 bytes. Each verifier accepts 2048 bytes until `jwtguard_verifier_set_max_token_size`
/// raises its limit.
#[cfg(not(feature = "small"))]
pub const JWTGUARD_MAX_TOKEN_CAPACITY: usize = 16384;

/// Keys a verifier holds (firmware capacities, JWTGUARD_SMALL).
#[cfg(feature = "small")]
pub const JWTGUARD_MAX_KEYS: usize = 4;
/// Issuers, audiences or authorized parties a verifier holds (each).
#[cfg(feature = "small")]
pub const JWTGUARD_MAX_ENTRIES: usize = 2;
/// Longest issuer, audience, party, permission or metadata path, in bytes.
#[cfg(feature = "small")]
pub const JWTGUARD_MAX_TEXT: usize = 64;
/// Required permissions a verifier holds.
#[cfg(feature = "small")]
pub const JWTGUARD_MAX_PERMISSIONS: usize = 4;
/// Metadata fields a verifier holds.
#[cfg(feature = "small")]
pub const JWTGUARD_MAX_FIELDS: usize = 4;
/// Required permissions one `jwtguard_verify` call may add.
#[cfg(feature = "small")]
pub const JWTGUARD_MAX_CALL_PERMISSIONS: usize = 4;
/// Longest token this build verifies (firmware: the 2 KiB default).
#[cfg(feature = "small")]
pub const JWTGUARD_MAX_TOKEN_CAPACITY: usize = 2048;
/// The longest token a verifier or a providers set accepts until told otherwise.
pub const JWTGUARD_DEFAULT_MAX_TOKEN_SIZE: usize = 2048;
#[cfg(not(feature = "small"))]
const _: () = assert!(
    <jwtguard_core::capacity::Capacity16K as jwtguard_core::capacity::Capacity>::MAX_TOKEN_LEN
        == JWTGUARD_MAX_TOKEN_CAPACITY
);
const _: () = assert!(JWTGUARD_DEFAULT_MAX_TOKEN_SIZE == jwtguard_core::limits::MAX_TOKEN_LEN);
/// Providers (verifiers) a `jwtguard_providers` set holds.
#[cfg(feature = "small")]
pub const JWTGUARD_MAX_PROVIDERS: usize = 2;

/// Caller-provided storage for a verifier, for firmware without malloc: declare one (it may be
/// `static`), pass it to `jwtguard_verifier_init`, and `jwtguard_verifier_deinit` it when done.
/// Its size is `JWTGUARD_VERIFIER_STORAGE_SIZE` bytes, 16-byte aligned (the HMAC-SHA-512 state
/// holds a 128-bit counter).
#[repr(C, align(16))]
pub struct jwtguard_verifier_storage {
    _opaque: [u64; JWTGUARD_VERIFIER_STORAGE_WORDS],
}

/// Bytes of `jwtguard_verifier_storage`.
#[cfg(not(feature = "small"))]
pub const JWTGUARD_VERIFIER_STORAGE_SIZE: usize = 45056;
/// Bytes of `jwtguard_verifier_storage` (firmware capacities, 2048-bit RSA key slots).
#[cfg(all(feature = "small", not(feature = "rsa-4096")))]
pub const JWTGUARD_VERIFIER_STORAGE_SIZE: usize = 5120;
/// Bytes of `jwtguard_verifier_storage` (firmware capacities, 4096-bit RSA key slots).
#[cfg(all(feature = "small", feature = "rsa-4096"))]
pub const JWTGUARD_VERIFIER_STORAGE_SIZE: usize = 8192;
/// `JWTGUARD_VERIFIER_STORAGE_SIZE` in 8-byte words.
pub const JWTGUARD_VERIFIER_STORAGE_WORDS: usize = JWTGUARD_VERIFIER_STORAGE_SIZE / 8;
const _: () = assert!(size_of::<jwtguard_verifier_storage>() == JWTGUARD_VERIFIER_STORAGE_SIZE);
