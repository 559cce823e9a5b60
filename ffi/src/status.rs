//! Status codes: stable, explicitly numbered, grouped in ranges by stage. Never renumber one;
//! add new codes at the end of their range.

use core::ffi::c_char;

use jwtguard_core::Error;

/// The result of every jwtguard call. 0 is success.
///
/// Ranges: 1-99 arguments and buffers, 100 format, 200 header, 300 key selection, 400 signature,
/// 500 time, 600 claims, 700 permissions and the Authorization header, 800 key loading,
/// 900 configuration. `jwtguard_error_message` gives each a static message.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum jwtguard_status {
    /// Success.
    JWTGUARD_OK = 0,

    /// A required pointer argument was NULL.
    JWTGUARD_NULL_ARGUMENT = 1,
    /// An argument is out of range or not UTF-8 where text is required.
    JWTGUARD_INVALID_ARGUMENT = 2,
    /// An output buffer is too small; the length out-parameter holds the size needed.
    JWTGUARD_BUFFER_TOO_SMALL = 3,
    /// Caller-provided storage is too small or misaligned.
    JWTGUARD_STORAGE_TOO_SMALL = 4,
    /// A configuration list (issuers, fields, ...) is full.
    JWTGUARD_CAPACITY_EXCEEDED = 5,
    /// The result holds no verified token (verification failed or never ran).
    JWTGUARD_NO_RESULT = 6,
    /// The claim asked for is not in the token.
    JWTGUARD_CLAIM_NOT_FOUND = 7,
    /// The claim is in the token, without the value required (`jwtguard_result_claim_matches`).
    JWTGUARD_CLAIM_MISMATCH = 8,
    /// An element of an array claim contains the separator it would be joined with, so the
    /// joined text would be ambiguous (`jwtguard_result_claim_joined`).
    JWTGUARD_CLAIM_HAS_SEPARATOR = 9,
    /// An internal error was caught at the boundary (a bug: please report it).
    JWTGUARD_PANIC = 98,
    /// A Rust error this version does not map (should not happen).
    JWTGUARD_UNKNOWN_ERROR = 99,

    /// The token is longer than 2048 bytes.
    JWTGUARD_TOKEN_TOO_LONG = 100,
    /// The token is not three dot-separated segments.
    JWTGUARD_MALFORMED = 101,
    /// The header or payload segment is empty.
    JWTGUARD_EMPTY_SEGMENT = 102,
    /// A segment is not canonical unpadded base64url (an embedded NUL is this too).
    JWTGUARD_BASE64 = 103,
    /// Invalid JSON in the header or claims.
    JWTGUARD_JSON_SYNTAX = 104,
    /// The token has surrounding whitespace or a line break (trim it before verifying).
    JWTGUARD_TOKEN_WHITESPACE = 108,
    /// A JSON object repeats a member name.
    JWTGUARD_JSON_DUPLICATE_MEMBER = 105,
    /// JSON nested too deeply or with too many members.
    JWTGUARD_JSON_TOO_COMPLEX = 106,
    /// The header or claims are not a JSON object.
    JWTGUARD_JSON_NOT_OBJECT = 107,

    /// The header has no alg.
    JWTGUARD_MISSING_ALGORITHM = 200,
    /// alg is none, unknown, mis-cased, or of a family this build leaves out (also for key
    /// loading with such an algorithm).
    JWTGUARD_UNSUPPORTED_ALGORITHM = 201,
    /// alg, kid or typ is not a string.
    JWTGUARD_INVALID_HEADER_PARAMETER = 202,
    /// The header has crit.
    JWTGUARD_CRITICAL_EXTENSION = 203,
    /// typ is not the expected type.
    JWTGUARD_UNEXPECTED_TYPE = 204,
    /// cty is JWT: a nested token, which is not supported.
    JWTGUARD_NESTED_TOKEN = 205,

    /// kid names no loaded key.
    JWTGUARD_UNKNOWN_KEY = 300,
    /// alg differs from the algorithm the key was loaded for.
    JWTGUARD_ALGORITHM_MISMATCH = 301,
    /// The token has no kid and the verifier requires one.
    JWTGUARD_MISSING_KEY_ID = 302,

    /// The signature has the wrong length.
    JWTGUARD_SIGNATURE_LENGTH = 400,
    /// The signature does not verify.
    JWTGUARD_INVALID_SIGNATURE = 401,

    /// exp is required and absent.
    JWTGUARD_MISSING_EXPIRATION = 500,
    /// Token has expired.
    JWTGUARD_EXPIRED = 501,
    /// nbf is in the future.
    JWTGUARD_NOT_YET_VALID = 502,
    /// iat is in the future.
    JWTGUARD_ISSUED_IN_FUTURE = 503,
    /// iat is required and absent.
    JWTGUARD_MISSING_ISSUED_AT = 504,
    /// The token is older than the maximum age.
    JWTGUARD_TOO_OLD = 505,

    /// A claim has the wrong JSON type.
    JWTGUARD_CLAIM_TYPE = 600,
    /// A NumericDate is negative or too large.
    JWTGUARD_CLAIM_OUT_OF_RANGE = 601,
    /// iss is absent or not configured.
    JWTGUARD_INVALID_ISSUER = 602,
    /// Invalid audience.
    JWTGUARD_INVALID_AUDIENCE = 603,
    /// Invalid authorized party.
    JWTGUARD_INVALID_AUTHORIZED_PARTY = 604,
    /// sub is required and absent or empty.
    JWTGUARD_INVALID_SUBJECT = 605,
    /// client_id is required and absent (access-token profile).
    JWTGUARD_MISSING_CLIENT_ID = 606,
    /// jti is required and absent (access-token profile).
    JWTGUARD_MISSING_JWT_ID = 607,
    /// A required metadata field is absent; the result says which.
    JWTGUARD_MISSING_METADATA_FIELD = 608,
    /// iss belongs to another provider than the key that verified the token.
    JWTGUARD_ISSUER_KEY_MISMATCH = 609,

    /// A required permission is not granted (HTTP 403, insufficient_scope).
    JWTGUARD_INSUFFICIENT_PERMISSIONS = 700,
    /// The Authorization scheme is not Bearer.
    JWTGUARD_NOT_BEARER = 701,
    /// Bearer with no token.
    JWTGUARD_MISSING_BEARER_TOKEN = 702,
    /// A malformed Authorization value.
    JWTGUARD_MALFORMED_AUTHORIZATION = 703,

    /// An HMAC secret shorter than 32 bytes.
    JWTGUARD_KEY_TOO_SHORT = 800,
    // 801 was JWTGUARD_INVALID_SECRET_FORMAT, retired with the legacy loaders before 0.1.
    /// A key id that is empty or longer than 64 bytes.
    JWTGUARD_INVALID_KEY_ID = 802,
    /// A key with this id is already loaded.
    JWTGUARD_DUPLICATE_KEY_ID = 803,
    /// The key ring is full.
    JWTGUARD_KEY_RING_FULL = 804,
    /// Malformed key text or DER.
    JWTGUARD_KEY_FORMAT = 805,
    /// Not an RSA or HMAC key, or an unknown PEM label.
    JWTGUARD_UNSUPPORTED_KEY_TYPE = 806,
    /// An RSA modulus under 2048 bits.
    JWTGUARD_RSA_MODULUS_TOO_SMALL = 807,
    /// An RSA modulus over the largest supported size.
    JWTGUARD_RSA_MODULUS_TOO_LARGE = 808,
    /// An even RSA modulus.
    JWTGUARD_RSA_INVALID_MODULUS = 809,
    /// An RSA exponent that is even, below 3 or above 2^32-1.
    JWTGUARD_RSA_INVALID_EXPONENT = 810,
    /// A JWKS with no usable signing key.
    JWTGUARD_NO_USABLE_KEYS = 811,
    /// An HMAC secret that is a PEM, DER or JWK key (load it as a key).
    JWTGUARD_SECRET_IS_KEY = 812,
    /// A private key where a public key is expected (pass the public key).
    JWTGUARD_PRIVATE_KEY = 813,
    /// A key of another type than its algorithm needs (an EC key for RS256, a P-384 key for
    /// ES256, an HMAC algorithm for a public key).
    JWTGUARD_KEY_TYPE_MISMATCH = 814,
    /// An EC public key that is not a point of its curve (or is the identity), or an Ed25519
    /// key that does not decode.
    JWTGUARD_INVALID_PUBLIC_KEY = 815,
    /// An Ed25519 public key of small order.
    JWTGUARD_WEAK_KEY = 816,

    /// A metadata field is misconfigured (empty path segment, name of 64+ bytes, duplicate name).
    JWTGUARD_INVALID_METADATA_FIELD = 900,
    /// No issuer is configured and none was waived (jwtguard_verifier_allow_any_issuer).
    JWTGUARD_ISSUER_NOT_CONFIGURED = 901,
    /// No audience is configured and none was waived (jwtguard_verifier_allow_no_audience).
    JWTGUARD_AUDIENCE_NOT_CONFIGURED = 902,
    /// A configured claim path names nothing: an empty segment, or a malformed JSON Pointer.
    JWTGUARD_INVALID_CLAIM_PATH = 903,
}

use jwtguard_status::*;

/// Expands `$m!(every code)`: the one list both `ALL_STATUS` and the name table come from.
macro_rules! every_status {
    ($m:ident) => {
        $m!(
            JWTGUARD_OK,
            JWTGUARD_NULL_ARGUMENT,
            JWTGUARD_INVALID_ARGUMENT,
            JWTGUARD_BUFFER_TOO_SMALL,
            JWTGUARD_STORAGE_TOO_SMALL,
            JWTGUARD_CAPACITY_EXCEEDED,
            JWTGUARD_NO_RESULT,
            JWTGUARD_CLAIM_NOT_FOUND,
            JWTGUARD_CLAIM_MISMATCH,
            JWTGUARD_CLAIM_HAS_SEPARATOR,
            JWTGUARD_PANIC,
            JWTGUARD_UNKNOWN_ERROR,
            JWTGUARD_TOKEN_TOO_LONG,
            JWTGUARD_MALFORMED,
            JWTGUARD_EMPTY_SEGMENT,
            JWTGUARD_BASE64,
            JWTGUARD_TOKEN_WHITESPACE,
            JWTGUARD_JSON_SYNTAX,
            JWTGUARD_JSON_DUPLICATE_MEMBER,
            JWTGUARD_JSON_TOO_COMPLEX,
            JWTGUARD_JSON_NOT_OBJECT,
            JWTGUARD_MISSING_ALGORITHM,
            JWTGUARD_UNSUPPORTED_ALGORITHM,
            JWTGUARD_INVALID_HEADER_PARAMETER,
            JWTGUARD_CRITICAL_EXTENSION,
            JWTGUARD_UNEXPECTED_TYPE,
            JWTGUARD_NESTED_TOKEN,
            JWTGUARD_UNKNOWN_KEY,
            JWTGUARD_ALGORITHM_MISMATCH,
            JWTGUARD_MISSING_KEY_ID,
            JWTGUARD_SIGNATURE_LENGTH,
            JWTGUARD_INVALID_SIGNATURE,
            JWTGUARD_MISSING_EXPIRATION,
            JWTGUARD_EXPIRED,
            JWTGUARD_NOT_YET_VALID,
            JWTGUARD_ISSUED_IN_FUTURE,
            JWTGUARD_MISSING_ISSUED_AT,
            JWTGUARD_TOO_OLD,
            JWTGUARD_CLAIM_TYPE,
            JWTGUARD_CLAIM_OUT_OF_RANGE,
            JWTGUARD_INVALID_ISSUER,
            JWTGUARD_INVALID_AUDIENCE,
            JWTGUARD_INVALID_AUTHORIZED_PARTY,
            JWTGUARD_INVALID_SUBJECT,
            JWTGUARD_MISSING_CLIENT_ID,
            JWTGUARD_MISSING_JWT_ID,
            JWTGUARD_MISSING_METADATA_FIELD,
            JWTGUARD_ISSUER_KEY_MISMATCH,
            JWTGUARD_INSUFFICIENT_PERMISSIONS,
            JWTGUARD_NOT_BEARER,
            JWTGUARD_MISSING_BEARER_TOKEN,
            JWTGUARD_MALFORMED_AUTHORIZATION,
            JWTGUARD_KEY_TOO_SHORT,
            JWTGUARD_INVALID_KEY_ID,
            JWTGUARD_DUPLICATE_KEY_ID,
            JWTGUARD_KEY_RING_FULL,
            JWTGUARD_KEY_FORMAT,
            JWTGUARD_UNSUPPORTED_KEY_TYPE,
            JWTGUARD_RSA_MODULUS_TOO_SMALL,
            JWTGUARD_RSA_MODULUS_TOO_LARGE,
            JWTGUARD_RSA_INVALID_MODULUS,
            JWTGUARD_RSA_INVALID_EXPONENT,
            JWTGUARD_NO_USABLE_KEYS,
            JWTGUARD_SECRET_IS_KEY,
            JWTGUARD_PRIVATE_KEY,
            JWTGUARD_KEY_TYPE_MISMATCH,
            JWTGUARD_INVALID_PUBLIC_KEY,
            JWTGUARD_WEAK_KEY,
            JWTGUARD_INVALID_METADATA_FIELD,
            JWTGUARD_ISSUER_NOT_CONFIGURED,
            JWTGUARD_AUDIENCE_NOT_CONFIGURED,
            JWTGUARD_INVALID_CLAIM_PATH,
        )
    };
}

macro_rules! status_array {
    ($($v:ident),* $(,)?) => { &[$($v),*] };
}

/// Every code, in the header's order: what `from_raw` searches, and the tests' list.
pub(crate) const ALL_STATUS: &[jwtguard_status] = every_status!(status_array);

// A result keeps its status in 16 bits: every code must fit.
const _: () = {
    let mut i = 0;
    while i < ALL_STATUS.len() {
        assert!((ALL_STATUS[i] as u32) <= u16::MAX as u32);
        i += 1;
    }
};

impl From<Error> for jwtguard_status {
    fn from(e: Error) -> Self {
        match e {
            Error::TokenTooLong => JWTGUARD_TOKEN_TOO_LONG,
            Error::Malformed => JWTGUARD_MALFORMED,
            Error::EmptySegment => JWTGUARD_EMPTY_SEGMENT,
            Error::Base64 => JWTGUARD_BASE64,
            Error::TokenWhitespace => JWTGUARD_TOKEN_WHITESPACE,
            Error::JsonSyntax => JWTGUARD_JSON_SYNTAX,
            Error::JsonDuplicateMember => JWTGUARD_JSON_DUPLICATE_MEMBER,
            Error::JsonTooComplex => JWTGUARD_JSON_TOO_COMPLEX,
            Error::JsonNotObject => JWTGUARD_JSON_NOT_OBJECT,
            Error::MissingAlgorithm => JWTGUARD_MISSING_ALGORITHM,
            Error::UnsupportedAlgorithm => JWTGUARD_UNSUPPORTED_ALGORITHM,
            Error::InvalidHeaderParameter => JWTGUARD_INVALID_HEADER_PARAMETER,
            Error::CriticalExtension => JWTGUARD_CRITICAL_EXTENSION,
            Error::UnexpectedType => JWTGUARD_UNEXPECTED_TYPE,
            Error::NestedToken => JWTGUARD_NESTED_TOKEN,
            Error::UnknownKey => JWTGUARD_UNKNOWN_KEY,
            Error::AlgorithmMismatch => JWTGUARD_ALGORITHM_MISMATCH,
            Error::MissingKeyId => JWTGUARD_MISSING_KEY_ID,
            Error::SignatureLength => JWTGUARD_SIGNATURE_LENGTH,
            Error::InvalidSignature => JWTGUARD_INVALID_SIGNATURE,
            Error::ClaimType => JWTGUARD_CLAIM_TYPE,
            Error::ClaimOutOfRange => JWTGUARD_CLAIM_OUT_OF_RANGE,
            Error::MissingExpiration => JWTGUARD_MISSING_EXPIRATION,
            Error::Expired => JWTGUARD_EXPIRED,
            Error::NotYetValid => JWTGUARD_NOT_YET_VALID,
            Error::IssuedInFuture => JWTGUARD_ISSUED_IN_FUTURE,
            Error::MissingIssuedAt => JWTGUARD_MISSING_ISSUED_AT,
            Error::TooOld => JWTGUARD_TOO_OLD,
            Error::InvalidIssuer => JWTGUARD_INVALID_ISSUER,
            Error::IssuerKeyMismatch => JWTGUARD_ISSUER_KEY_MISMATCH,
            Error::InvalidAudience => JWTGUARD_INVALID_AUDIENCE,
            Error::InvalidAuthorizedParty => JWTGUARD_INVALID_AUTHORIZED_PARTY,
            Error::InvalidSubject => JWTGUARD_INVALID_SUBJECT,
            Error::MissingClientId => JWTGUARD_MISSING_CLIENT_ID,
            Error::MissingJwtId => JWTGUARD_MISSING_JWT_ID,
            Error::InsufficientPermissions => JWTGUARD_INSUFFICIENT_PERMISSIONS,
            Error::MissingMetadataField => JWTGUARD_MISSING_METADATA_FIELD,
            Error::InvalidMetadataField => JWTGUARD_INVALID_METADATA_FIELD,
            Error::BufferTooSmall => JWTGUARD_BUFFER_TOO_SMALL,
            Error::NotBearer => JWTGUARD_NOT_BEARER,
            Error::MissingBearerToken => JWTGUARD_MISSING_BEARER_TOKEN,
            Error::MalformedAuthorization => JWTGUARD_MALFORMED_AUTHORIZATION,
            Error::KeyTooShort => JWTGUARD_KEY_TOO_SHORT,
            Error::InvalidKeyId => JWTGUARD_INVALID_KEY_ID,
            Error::DuplicateKeyId => JWTGUARD_DUPLICATE_KEY_ID,
            Error::KeyRingFull => JWTGUARD_KEY_RING_FULL,
            Error::KeyFormat => JWTGUARD_KEY_FORMAT,
            Error::UnsupportedKeyType => JWTGUARD_UNSUPPORTED_KEY_TYPE,
            Error::RsaModulusTooSmall => JWTGUARD_RSA_MODULUS_TOO_SMALL,
            Error::RsaModulusTooLarge => JWTGUARD_RSA_MODULUS_TOO_LARGE,
            Error::RsaInvalidModulus => JWTGUARD_RSA_INVALID_MODULUS,
            Error::RsaInvalidExponent => JWTGUARD_RSA_INVALID_EXPONENT,
            Error::NoUsableKeys => JWTGUARD_NO_USABLE_KEYS,
            Error::SecretIsKey => JWTGUARD_SECRET_IS_KEY,
            Error::PrivateKey => JWTGUARD_PRIVATE_KEY,
            Error::KeyTypeMismatch => JWTGUARD_KEY_TYPE_MISMATCH,
            Error::InvalidPublicKey => JWTGUARD_INVALID_PUBLIC_KEY,
            Error::WeakKey => JWTGUARD_WEAK_KEY,
            Error::IssuerNotConfigured => JWTGUARD_ISSUER_NOT_CONFIGURED,
            Error::AudienceNotConfigured => JWTGUARD_AUDIENCE_NOT_CONFIGURED,
            Error::InvalidClaimPath => JWTGUARD_INVALID_CLAIM_PATH,
            Error::CapacityExceeded => JWTGUARD_CAPACITY_EXCEEDED,
            // `Error` is non_exhaustive; a new variant shows up here until it is mapped, and
            // the test over `Error::ALL` fails.
            _ => JWTGUARD_UNKNOWN_ERROR,
        }
    }
}

impl jwtguard_status {
    /// `Ok` for `JWTGUARD_OK`, else the status as an error (for composing entry points).
    pub(crate) fn into_result(self) -> Result<(), jwtguard_status> {
        if self == JWTGUARD_OK {
            Ok(())
        } else {
            Err(self)
        }
    }

    /// The code whose value is `raw`, if there is one: C hands statuses back as integers, and
    /// only values that are codes become the enum.
    /// A search of the table rather than a `match`: the same answer in half the flash
    /// (300 B on the firmware build), off the verify path.
    pub(crate) fn from_raw(raw: u32) -> Option<Self> {
        ALL_STATUS.iter().copied().find(|&s| s as u32 == raw)
    }

    /// The code's name as in the header, NUL-terminated.
    pub(crate) fn name_c(self) -> &'static core::ffi::CStr {
        macro_rules! names {
            ($($v:ident),* $(,)?) => {
                match self { $( $v => { const S: &str = concat!(stringify!($v), "\0"); cstr(S) } )* }
            };
        }
        every_status!(names)
    }

    /// The static message, NUL-terminated. Core errors use the core's message verbatim.
    pub(crate) fn message_c(self) -> &'static core::ffi::CStr {
        match self {
            JWTGUARD_OK => c"OK",
            JWTGUARD_NULL_ARGUMENT => c"A required argument is NULL",
            JWTGUARD_INVALID_ARGUMENT => c"Invalid argument",
            JWTGUARD_STORAGE_TOO_SMALL => c"Storage is too small or misaligned",
            JWTGUARD_CAPACITY_EXCEEDED => c"Configuration capacity exceeded",
            JWTGUARD_NO_RESULT => c"No verified token in this result",
            JWTGUARD_CLAIM_NOT_FOUND => c"Claim not found",
            JWTGUARD_CLAIM_MISMATCH => c"Claim does not have a required value",
            JWTGUARD_CLAIM_HAS_SEPARATOR => c"An array claim's element contains the separator",
            JWTGUARD_PANIC => c"Internal error",
            JWTGUARD_UNKNOWN_ERROR => c"Unknown error",
            other => core_error(other).map_or(c"Unknown error", core_message),
        }
    }
}

const fn cstr(s: &'static str) -> &'static core::ffi::CStr {
    match core::ffi::CStr::from_bytes_with_nul(s.as_bytes()) {
        Ok(c) => c,
        Err(_) => c"?",
    }
}

/// Longest core message, plus its NUL.
const MESSAGE_ROOM: usize = 96;

/// The core's messages, NUL-terminated, in `Error::ALL` order: copied at compile time, so C
/// gets the core's text verbatim and the core needs no C-only API.
static CORE_MESSAGES: [[u8; MESSAGE_ROOM]; Error::ALL.len()] = {
    let mut table = [[0u8; MESSAGE_ROOM]; Error::ALL.len()];
    let mut i = 0;
    while i < Error::ALL.len() {
        let text = Error::ALL[i].message().as_bytes();
        // Fails the build if a message outgrows the room (the last byte stays the NUL).
        assert!(text.len() < MESSAGE_ROOM);
        let mut j = 0;
        while j < text.len() {
            table[i][j] = text[j];
            j += 1;
        }
        i += 1;
    }
    table
};

/// `e`'s message as a C string.
fn core_message(e: Error) -> &'static core::ffi::CStr {
    Error::ALL
        .iter()
        .position(|x| *x == e)
        .and_then(|i| CORE_MESSAGES.get(i))
        .and_then(|m| core::ffi::CStr::from_bytes_until_nul(m).ok())
        .unwrap_or(c"Unknown error")
}

/// The core error a code stands for, if it stands for one.
pub(crate) fn core_error(status: jwtguard_status) -> Option<Error> {
    Error::ALL
        .iter()
        .copied()
        .find(|e| jwtguard_status::from(*e) == status)
}

/// A static, NUL-terminated English message for `status` (never NULL; valid forever). The
/// messages API users know are kept verbatim: "Token has expired", "Invalid audience.",
/// "Invalid authorized party.". Any value is accepted: one that is not a `jwtguard_status`
/// code gives "Unknown status".
#[unsafe(no_mangle)]
pub extern "C" fn jwtguard_error_message(status: u32) -> *const c_char {
    // An integer, mapped totally: C can pass any bit pattern, which as a Rust enum would be
    // undefined behaviour.
    jwtguard_status::from_raw(status)
        .map_or(c"Unknown status", jwtguard_status::message_c)
        .as_ptr()
}

/// The code's name as written in this header, e.g. "JWTGUARD_EXPIRED" (static, never NULL);
/// "JWTGUARD_UNKNOWN" for a value that is not a `jwtguard_status` code.
#[unsafe(no_mangle)]
pub extern "C" fn jwtguard_error_name(status: u32) -> *const c_char {
    jwtguard_status::from_raw(status)
        .map_or(c"JWTGUARD_UNKNOWN", jwtguard_status::name_c)
        .as_ptr()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jwtguard_core::Error;

    #[test]
    fn every_rust_error_has_its_own_code_and_message() {
        let mut seen = std::collections::HashSet::new();
        for e in Error::ALL {
            let s = jwtguard_status::from(*e);
            assert_ne!(s, JWTGUARD_UNKNOWN_ERROR, "{e:?} is not mapped");
            assert!(seen.insert(s as i32), "{e:?} shares code {}", s as i32);
            assert_eq!(s.message_c().to_str().unwrap(), e.message(), "{e:?}");
            assert!(ALL_STATUS.contains(&s), "{e:?}");
        }
        for s in ALL_STATUS {
            let name = s.name_c().to_str().unwrap();
            assert!(name.starts_with("JWTGUARD_"), "{name}");
            assert_eq!(format!("{s:?}"), name);
            assert!(!s.message_c().to_bytes().is_empty());
        }
        assert_eq!(
            JWTGUARD_EXPIRED.message_c().to_str().unwrap(),
            "Token has expired"
        );
        assert_eq!(
            JWTGUARD_INVALID_AUDIENCE.message_c().to_str().unwrap(),
            "Invalid audience."
        );
        assert_eq!(
            JWTGUARD_INVALID_AUTHORIZED_PARTY
                .message_c()
                .to_str()
                .unwrap(),
            "Invalid authorized party."
        );
    }

    #[test]
    fn codes_are_in_their_ranges() {
        let range = |s: jwtguard_status| s as i32 / 100;
        assert_eq!(range(JWTGUARD_BASE64), 1);
        assert_eq!(range(JWTGUARD_CRITICAL_EXTENSION), 2);
        assert_eq!(range(JWTGUARD_UNKNOWN_KEY), 3);
        assert_eq!(range(JWTGUARD_INVALID_SIGNATURE), 4);
        assert_eq!(range(JWTGUARD_EXPIRED), 5);
        assert_eq!(range(JWTGUARD_INVALID_AUDIENCE), 6);
        assert_eq!(range(JWTGUARD_INSUFFICIENT_PERMISSIONS), 7);
        assert_eq!(range(JWTGUARD_KEY_FORMAT), 8);
        assert_eq!(range(JWTGUARD_INVALID_METADATA_FIELD), 9);
    }
}
