//! Every limit the crate enforces, in one place: what a token, a key set, a configuration may
//! be, and what a verify may cost. Each is checked arithmetic that ends in an [`crate::Error`],
//! never a panic.

/// Longest token accepted by default, in bytes: what a [`crate::capacity::Capacity2K`] buffer
/// holds, and every verifier's default runtime limit. Longer input is rejected before anything
/// is decoded.
pub const MAX_TOKEN_LEN: usize = 2048;

/// Longest key id accepted at load time, in bytes. Ids seen from identity providers are 20-50.
pub const MAX_KID_LEN: usize = 64;

/// How many keys of its algorithm a token without `kid` is tried against by default: enough for
/// a backend rotating a few signing secrets, few enough that a kid-less token cannot make a
/// gateway run an RSA check against every key of a large set (RFC 8725 §3.1's "do not trust
/// the header" applied to cost).
pub const DEFAULT_KIDLESS_LIMIT: u8 = 4;

/// Deepest nesting of objects and arrays accepted in a header or claims set (the top-level object
/// counts as 1). Recursion in validation is bounded by this, which bounds stack use.
pub const MAX_JSON_DEPTH: usize = 16;

/// Most object members accepted in one claims set of up to
/// [`crate::capacity::TOKEN_BUF_LEN`] bytes (the default capacity), across all nesting levels:
/// as many as such a payload can hold. Duplicate detection keeps one `u32` slot per member on
/// the stack (1 KiB), so this also bounds stack use.
pub const MAX_JSON_MEMBERS: usize = 256;

/// Most object members accepted in a larger claims set (a
/// [`crate::capacity::Capacity16K`] buffer's 12 KiB payload holds at most 2,048): 8 KiB of
/// stack for the duplicate check, taken only while such a payload is validated.
pub const MAX_JSON_MEMBERS_LARGE: usize = 2048;

/// Smallest RSA modulus accepted, in bits (RFC 7518 §3.3: "2048 bits or larger MUST be used").
pub const RSA_MIN_BITS: usize = 2048;
/// Largest RSA modulus accepted, in bits: 4096 with the `rsa-4096` feature (default), else 2048.
#[cfg(feature = "rsa-4096")]
pub const RSA_MAX_BITS: usize = 4096;
/// Largest RSA modulus accepted, in bits: 4096 with the `rsa-4096` feature (default), else 2048.
#[cfg(not(feature = "rsa-4096"))]
pub const RSA_MAX_BITS: usize = 2048;

/// Longest `oct` secret accepted from a JWK, in bytes (4096 bits).
pub const MAX_JWK_SECRET_LEN: usize = 512;

/// Longest output name of a metadata field: "must be less than 64 characters".
pub const MAX_FIELD_NAME_LEN: usize = 63;

/// Longest permissions claim name or path an owned policy ([`crate::lists::Owned`]) holds, in
/// bytes.
pub const MAX_CLAIM_NAME_LEN: usize = 64;
