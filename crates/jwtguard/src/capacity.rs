//! How long a token a [`crate::TokenBuf`] holds: a capacity chosen at build time, by type, and
//! the bytes each needs.

use crate::limits::MAX_TOKEN_LEN;

/// Room for the decoded header, payload and signature of any token of at most `max_token_len`
/// bytes: base64url carries 3 bytes in 4 characters, and two of the characters are dots.
pub const fn decoded_len(max_token_len: usize) -> usize {
    (max_token_len.saturating_sub(2) / 4)
        .saturating_mul(3)
        .saturating_add(2)
}

/// [`decoded_len`] of [`MAX_TOKEN_LEN`]: the default buffer's bytes.
pub const TOKEN_BUF_LEN: usize = decoded_len(MAX_TOKEN_LEN);

/// How long a token a [`crate::TokenBuf`] holds: a capacity chosen at build time, by type. Real access
/// tokens exceed 2 KB (Entra ID tokens with group claims, Keycloak tokens of 9-30 KiB); a
/// device or a gateway that never sees them keeps the 2 KiB default and its smaller buffer.
pub trait Capacity {
    /// Longest token accepted into a buffer of this capacity, in bytes.
    const MAX_TOKEN_LEN: usize;
    /// The decoded segments' storage: [`decoded_len`]`(MAX_TOKEN_LEN)` bytes.
    type Bytes: AsRef<[u8]> + AsMut<[u8]> + Clone;
    /// The storage, zeroed.
    const EMPTY: Self::Bytes;
}

macro_rules! capacities {
    ($($(#[$doc:meta])* $name:ident = $len:expr;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy)]
        pub enum $name {}

        impl Capacity for $name {
            const MAX_TOKEN_LEN: usize = $len;
            type Bytes = [u8; decoded_len($len)];
            const EMPTY: Self::Bytes = [0; decoded_len($len)];
        }

        // Offsets into the buffer are kept as u16, and JSON offsets in 15 bits
        // (`json::MAX_DOC_LEN`): every capacity stays under both.
        const _: () = assert!(decoded_len($len) < 1 << 15);
    )*};
}

capacities! {
    /// Tokens of up to 2048 bytes (1,535 bytes decoded): the default, and the firmware's.
    Capacity2K = MAX_TOKEN_LEN;
    /// Tokens of up to 4 KiB (3,071 bytes decoded).
    Capacity4K = 4096;
    /// Tokens of up to 8 KiB (6,143 bytes decoded).
    Capacity8K = 8192;
    /// Tokens of up to 16 KiB (12,287 bytes decoded): Keycloak-sized access tokens.
    Capacity16K = 16384;
}
