//! Status codes: stable, explicitly numbered, grouped in ranges by stage. Never renumber one;
//! add new codes at the end of their range.

#[cfg(any(feature = "messages", feature = "status-names"))]
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
    /// The call needs a feature this build of the library leaves out (a firmware build
    /// without `permissions`, given permissions to require).
    JWTGUARD_NOT_IN_BUILD = 10,
    /// An internal error was caught at the boundary (a bug: please report it).
    JWTGUARD_PANIC = 98,
    /// A Rust error this version does not map (should not happen).
    JWTGUARD_UNKNOWN_ERROR = 99,

    /// The token is longer than the verifier's limit (2048 bytes until
    /// `jwtguard_verifier_set_max_token_size` raises it).
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

/// The one table of codes, in the header's order: each code, the core error it stands for (if
/// any), and its own message (else the core's, verbatim). `ALL_STATUS`, the names,
/// `From<Error>` and the messages all come from it.
///
/// The enum above stays written out because the header is generated from it (cbindgen does
/// not expand macros); the exhaustive `match` this table generates fails the build if the two
/// disagree, and a status listed twice is an unreachable-pattern error.
macro_rules! statuses {
    ($( $v:ident $(, core $e:ident)? $(, $msg:literal)? ;)*) => {
        /// Every code, in the header's order: what `from_raw` searches, and the tests' list.
        pub(crate) const ALL_STATUS: &[jwtguard_status] = &[$($v),*];

        impl From<Error> for jwtguard_status {
            fn from(e: Error) -> Self {
                match e {
                    $($(Error::$e => $v,)?)*
                    // `Error` is non_exhaustive; a new variant answers this until it has a
                    // row, and the test over `Error::ALL` fails.
                    _ => JWTGUARD_UNKNOWN_ERROR,
                }
            }
        }

        impl jwtguard_status {
            /// The code's name as in the header, NUL-terminated.
            #[cfg_attr(not(feature = "status-names"), allow(dead_code))]
            pub(crate) fn name_c(self) -> &'static core::ffi::CStr {
                #[deny(unreachable_patterns)]
                match self {
                    $($v => {
                        const S: &str = concat!(stringify!($v), "\0");
                        cstr(S)
                    })*
                }
            }

            /// The static message, NUL-terminated: the row's own, else the core's verbatim.
            #[cfg_attr(not(feature = "messages"), allow(dead_code))]
            pub(crate) fn message_c(self) -> &'static core::ffi::CStr {
                match self {
                    $($v => message!($($msg)? ; $($e)?),)*
                }
            }
        }
    };
}

/// A row's message: its own literal, or its core error's message.
macro_rules! message {
    ($msg:literal ; $($e:ident)?) => {
        $msg
    };
    (; $e:ident) => {
        core_message(Error::$e)
    };
}

statuses! {
    JWTGUARD_OK, c"OK";
    JWTGUARD_NULL_ARGUMENT, c"A required argument is NULL";
    JWTGUARD_INVALID_ARGUMENT, c"Invalid argument";
    JWTGUARD_BUFFER_TOO_SMALL, core BufferTooSmall;
    JWTGUARD_STORAGE_TOO_SMALL, c"Storage is too small or misaligned";
    JWTGUARD_CAPACITY_EXCEEDED, core CapacityExceeded, c"Configuration capacity exceeded";
    JWTGUARD_NO_RESULT, c"No verified token in this result";
    JWTGUARD_CLAIM_NOT_FOUND, c"Claim not found";
    JWTGUARD_CLAIM_MISMATCH, c"Claim does not have a required value";
    JWTGUARD_CLAIM_HAS_SEPARATOR, c"An array claim's element contains the separator";
    JWTGUARD_NOT_IN_BUILD, c"This build of the library leaves out what the call needs";
    JWTGUARD_PANIC, c"Internal error";
    JWTGUARD_UNKNOWN_ERROR, c"Unknown error";
    JWTGUARD_TOKEN_TOO_LONG, core TokenTooLong;
    JWTGUARD_MALFORMED, core Malformed;
    JWTGUARD_EMPTY_SEGMENT, core EmptySegment;
    JWTGUARD_BASE64, core Base64;
    JWTGUARD_TOKEN_WHITESPACE, core TokenWhitespace;
    JWTGUARD_JSON_SYNTAX, core JsonSyntax;
    JWTGUARD_JSON_DUPLICATE_MEMBER, core JsonDuplicateMember;
    JWTGUARD_JSON_TOO_COMPLEX, core JsonTooComplex;
    JWTGUARD_JSON_NOT_OBJECT, core JsonNotObject;
    JWTGUARD_MISSING_ALGORITHM, core MissingAlgorithm;
    JWTGUARD_UNSUPPORTED_ALGORITHM, core UnsupportedAlgorithm;
    JWTGUARD_INVALID_HEADER_PARAMETER, core InvalidHeaderParameter;
    JWTGUARD_CRITICAL_EXTENSION, core CriticalExtension;
    JWTGUARD_UNEXPECTED_TYPE, core UnexpectedType;
    JWTGUARD_NESTED_TOKEN, core NestedToken;
    JWTGUARD_UNKNOWN_KEY, core UnknownKey;
    JWTGUARD_ALGORITHM_MISMATCH, core AlgorithmMismatch;
    JWTGUARD_MISSING_KEY_ID, core MissingKeyId;
    JWTGUARD_SIGNATURE_LENGTH, core SignatureLength;
    JWTGUARD_INVALID_SIGNATURE, core InvalidSignature;
    JWTGUARD_MISSING_EXPIRATION, core MissingExpiration;
    JWTGUARD_EXPIRED, core Expired;
    JWTGUARD_NOT_YET_VALID, core NotYetValid;
    JWTGUARD_ISSUED_IN_FUTURE, core IssuedInFuture;
    JWTGUARD_MISSING_ISSUED_AT, core MissingIssuedAt;
    JWTGUARD_TOO_OLD, core TooOld;
    JWTGUARD_CLAIM_TYPE, core ClaimType;
    JWTGUARD_CLAIM_OUT_OF_RANGE, core ClaimOutOfRange;
    JWTGUARD_INVALID_ISSUER, core InvalidIssuer;
    JWTGUARD_INVALID_AUDIENCE, core InvalidAudience;
    JWTGUARD_INVALID_AUTHORIZED_PARTY, core InvalidAuthorizedParty;
    JWTGUARD_INVALID_SUBJECT, core InvalidSubject;
    JWTGUARD_MISSING_CLIENT_ID, core MissingClientId;
    JWTGUARD_MISSING_JWT_ID, core MissingJwtId;
    JWTGUARD_MISSING_METADATA_FIELD, core MissingMetadataField;
    JWTGUARD_ISSUER_KEY_MISMATCH, core IssuerKeyMismatch;
    JWTGUARD_INSUFFICIENT_PERMISSIONS, core InsufficientPermissions;
    JWTGUARD_NOT_BEARER, core NotBearer;
    JWTGUARD_MISSING_BEARER_TOKEN, core MissingBearerToken;
    JWTGUARD_MALFORMED_AUTHORIZATION, core MalformedAuthorization;
    JWTGUARD_KEY_TOO_SHORT, core KeyTooShort;
    JWTGUARD_INVALID_KEY_ID, core InvalidKeyId;
    JWTGUARD_DUPLICATE_KEY_ID, core DuplicateKeyId;
    JWTGUARD_KEY_RING_FULL, core KeyRingFull;
    JWTGUARD_KEY_FORMAT, core KeyFormat;
    JWTGUARD_UNSUPPORTED_KEY_TYPE, core UnsupportedKeyType;
    JWTGUARD_RSA_MODULUS_TOO_SMALL, core RsaModulusTooSmall;
    JWTGUARD_RSA_MODULUS_TOO_LARGE, core RsaModulusTooLarge;
    JWTGUARD_RSA_INVALID_MODULUS, core RsaInvalidModulus;
    JWTGUARD_RSA_INVALID_EXPONENT, core RsaInvalidExponent;
    JWTGUARD_NO_USABLE_KEYS, core NoUsableKeys;
    JWTGUARD_SECRET_IS_KEY, core SecretIsKey;
    JWTGUARD_PRIVATE_KEY, core PrivateKey;
    JWTGUARD_KEY_TYPE_MISMATCH, core KeyTypeMismatch;
    JWTGUARD_INVALID_PUBLIC_KEY, core InvalidPublicKey;
    JWTGUARD_WEAK_KEY, core WeakKey;
    JWTGUARD_INVALID_METADATA_FIELD, core InvalidMetadataField;
    JWTGUARD_ISSUER_NOT_CONFIGURED, core IssuerNotConfigured;
    JWTGUARD_AUDIENCE_NOT_CONFIGURED, core AudienceNotConfigured;
    JWTGUARD_INVALID_CLAIM_PATH, core InvalidClaimPath;
}

// A result keeps its status in 16 bits: every code must fit.
const _: () = {
    let mut i = 0;
    while i < ALL_STATUS.len() {
        assert!((ALL_STATUS[i] as u32) <= u16::MAX as u32);
        i += 1;
    }
};

impl jwtguard_status {
    /// The code whose value is `raw`, if there is one: C hands statuses back as integers, and
    /// only values that are codes become the enum.
    /// A search of the table rather than a `match`: the same answer in less flash, off the
    /// verify path.
    #[cfg(any(feature = "messages", feature = "status-names"))]
    pub(crate) fn from_raw(raw: u32) -> Option<Self> {
        ALL_STATUS.iter().copied().find(|&s| s as u32 == raw)
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

#[cfg(feature = "messages")]
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

#[cfg(feature = "status-names")]
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
