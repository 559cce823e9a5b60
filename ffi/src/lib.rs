//! C ABI for jwtguard. See `include/jwtguard.h` (generated from this crate by cbindgen) for the
//! documentation C users read.
//!
//! Conventions (after rustls-ffi): every symbol starts with `jwtguard_`; inputs are
//! `(const uint8_t *ptr, size_t len)` pairs, never NUL-terminated strings; out-parameters come
//! last and are written only on success (a too-small buffer writes the size needed); every
//! pointer is checked for NULL; every entry point runs inside a panic boundary.
//!
//! One module per object, as rustls-ffi lays its crate out:
//! - `boundary`: the one place C's arguments become Rust values, with the safety contract
//!   they rest on stated once; panics kept from crossing;
//! - `capacity`: the fixed sizes and the caller-storage types;
//! - `verifier`: the verifier object and its lifetime; `keys` and `policy`: its setters;
//! - `verify`: `jwtguard_verify`; `result`: the result and its accessors;
//! - `providers`: a set of verifiers, one per identity provider, verified as one;
//! - `clock`: the time floor for devices without a trusted clock; `cache`: the verify cache;
//! - `status`: the numbered status codes and their messages; `bearer`: the Authorization
//!   header.
//!
//! Without the `std` feature the crate is `no_std` for firmware: the verifier lives only in
//! caller storage (`jwtguard_verifier_init`), and a panic, which the fuzzed verify path is built
//! never to raise, goes to the panic handler (the `panic-handler` feature's calls `abort()`)
//! because `catch_unwind` needs std.

#![cfg_attr(not(feature = "std"), no_std)]
#![allow(non_camel_case_types)]

mod algorithm;
mod bearer;
mod boundary;
// The verify cache needs 64-bit atomics for its counters: hosts, not Cortex-M.
#[cfg(target_has_atomic = "64")]
mod cache;
mod capacity;
mod clock;
#[cfg(not(feature = "small"))]
mod explain;
mod keys;
mod policy;
mod providers;
mod result;
mod status;
mod verifier;
mod verify;

#[cfg(feature = "std")]
pub(crate) use boundary::c_free_verifier;
pub(crate) use boundary::{
    c_array, c_bytes, c_deinit_verifier, c_held, c_held_mut, c_kid, c_out_array, c_output,
    c_place_verifier, c_stamp, c_text, c_texts, c_write, configure, contain, cursor, flag, guard,
    shared, verified, verified_header,
};
#[cfg(target_has_atomic = "64")]
pub(crate) use boundary::{c_cache, c_place_cache};

pub use algorithm::*;
pub use bearer::*;
#[cfg(target_has_atomic = "64")]
pub use cache::*;
pub use capacity::*;
pub use clock::*;
#[cfg(not(feature = "small"))]
pub use explain::*;
pub use keys::*;
pub use policy::*;
pub use providers::*;
pub use result::*;
pub use status::*;
pub use verifier::*;
pub use verify::*;
