//! The one error type. Variants are grouped by the stage that reports them; verification stops at
//! the first failure, and the stages run in this order: format, header, key, signature, claim
//! format, time, issuer, audience, authorized party, subject, profile claims, permissions,
//! metadata. Key loading errors come from the key ring and never from verification.

use core::fmt;

/// Declares [`Error`], its messages and [`Error::ALL`] from one list, so the list of every
/// variant (which the C mapping is tested against) cannot fall out of step with the enum.
macro_rules! errors {
    ($( $(#[$doc:meta])* $name:ident => $msg:literal, )*) => {
        /// Why a token (or a key) was rejected.
        ///
        /// `Display` gives a short static message; [`Error::message`] returns the same text as a
        /// `&'static str`. The messages of [`Error::Expired`], [`Error::InvalidAudience`] and
        /// [`Error::InvalidAuthorizedParty`] are the ones API users already know and are kept verbatim.
        #[non_exhaustive]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Error {
            $( $(#[$doc])* $name, )*
        }

        impl Error {
            /// Every variant, in declaration order.
            pub const ALL: &'static [Error] = &[ $(Error::$name,)* ];

            /// The short static message (the same text as `Display`).
            pub const fn message(self) -> &'static str {
                match self {
                    $(Error::$name => $msg,)*
                }
            }

            /// The variant's name, as written in Rust (`"Expired"`).
            pub const fn name(self) -> &'static str {
                match self {
                    $(Error::$name => stringify!($name),)*
                }
            }
        }
    };
}

errors! {

    // ---- format (RFC 7515 §7.1, §2; RFC 8259) ----
    /// The token is longer than [`crate::limits::MAX_TOKEN_LEN`] bytes; nothing was decoded.
    TokenTooLong => "Token is too long",
    /// The token is not three `.`-separated segments (RFC 7515 §7.1, RFC 7519 §7.2 step 1).
    Malformed => "Token is malformed",
    /// The header or payload segment is empty (RFC 7519 §7.2: both are JSON objects).
    EmptySegment => "Token has an empty segment",
    /// A segment is not canonical unpadded base64url (RFC 7515 §2, RFC 4648 §5 and §3.5).
    Base64 => "Token is not canonical base64url",
    /// The token starts or ends with whitespace or a line break (typically read from a file or
    /// a header without trimming). Still rejected: RFC 7515 §7.1 has no room for it.
    TokenWhitespace => "Token has surrounding whitespace or a line break: trim it before verifying",
    /// A header or claims segment is not valid UTF-8 JSON (RFC 8259 §2-§8).
    JsonSyntax => "Token contains invalid JSON",
    /// A JSON object repeats a member name (RFC 7515 §4, RFC 7519 §4: names must be unique).
    JsonDuplicateMember => "Token JSON has a duplicate member",
    /// JSON nesting deeper than [`crate::limits::MAX_JSON_DEPTH`], or more members than the budget.
    JsonTooComplex => "Token JSON is nested too deeply or too large",
    /// The header or claims set is JSON but not an object (RFC 7515 §4, RFC 7519 §7.2 step 10).
    JsonNotObject => "Token JSON is not an object",

    // ---- header (RFC 7515 §4.1) ----
    /// The header has no `alg` (RFC 7515 §4.1.1: it MUST be present).
    MissingAlgorithm => "Token header has no algorithm",
    /// `alg` is `none`, unknown, or not exactly `HS256`/`RS256` (RFC 7518 §3.1, case-sensitive).
    UnsupportedAlgorithm => "Unsupported algorithm",
    /// A header parameter we read (`alg`, `kid`, `typ`) is not a JSON string (RFC 7515 §4.1).
    InvalidHeaderParameter => "Invalid token header parameter",
    /// The header has `crit`; we understand no extensions, so must reject (RFC 7515 §4.1.11).
    CriticalExtension => "Unsupported critical header extension",
    /// `typ` is not `JWT` (or the profile's type) (RFC 7519 §5.1, RFC 9068 §2.1).
    UnexpectedType => "Invalid token type",
    /// `cty` is `JWT`: the payload is itself a JWT (a nested token, RFC 7519 §5.2 and §7.2
    /// step 8). Nesting is not supported, so the payload is never read as claims.
    NestedToken => "Nested JWTs are not supported",

    // ---- key selection ----
    /// The token's `kid` names no loaded key; there is no fallback (RFC 7515 §4.1.4).
    UnknownKey => "Unknown signing key",
    /// The token has no `kid` and the key ring requires one ([`crate::KeyRing::require_kid`]),
    /// so a kid-less token cannot make the verifier try every key of its algorithm.
    MissingKeyId => "Token has no key id",
    /// The header `alg` differs from the algorithm the key was loaded for (RFC 8725 §3.1).
    AlgorithmMismatch => "Algorithm does not match the key",

    // ---- signature (RFC 7515 §5.2) ----
    /// The signature has the wrong length: 32 bytes for HS256 (RFC 7518 §3.2), the modulus
    /// length for RS256 (RFC 8017 §8.2.2 step 1).
    SignatureLength => "Invalid signature length",
    /// The signature does not verify under any candidate key.
    InvalidSignature => "Invalid signature",

    // ---- claim format (RFC 7519 §4.1) ----
    /// A claim has the wrong JSON type (e.g. `exp` a string, `aud` holding a number, `aud: []`).
    ClaimType => "Invalid claim type",
    /// A NumericDate is negative, or too large for a u64 (RFC 7519 §2).
    ClaimOutOfRange => "Claim value out of range",

    // ---- time (RFC 7519 §4.1.4-§4.1.6) ----
    /// `exp` is required by the policy and absent (RFC 7519 §4.1.4).
    MissingExpiration => "Token has no expiration",
    /// `now >= exp + leeway` (RFC 7519 §4.1.4).
    Expired => "Token has expired",
    /// `now + leeway < nbf` (RFC 7519 §4.1.5).
    NotYetValid => "Token is not yet valid",
    /// `iat` is more than the leeway in the future (RFC 7519 §4.1.6).
    IssuedInFuture => "Token was issued in the future",
    /// The policy sets a maximum age and `iat` is absent (RFC 7519 §4.1.6).
    MissingIssuedAt => "Token has no issued-at time",
    /// The token is older than the policy's maximum age, measured from `iat`.
    TooOld => "Token is too old",

    // ---- registered claims (RFC 7519 §4.1.1-§4.1.3, OIDC Core §2 for azp) ----
    /// `iss` is absent or not one of the configured issuers (RFC 7519 §4.1.1).
    InvalidIssuer => "Invalid issuer.",
    /// The token's `iss` is another provider's than the one whose key verified it
    /// ([`crate::Providers`]; RFC 8725 §3.8: the key must belong to the issuer).
    IssuerKeyMismatch => "Issuer is not the signing key's provider",
    /// `aud` is absent or names none of the configured audiences (RFC 7519 §4.1.3).
    InvalidAudience => "Invalid audience.",
    /// Authorized parties are configured and `azp` is absent or not one of them (OIDC Core §2).
    InvalidAuthorizedParty => "Invalid authorized party.",
    /// `sub` is required and absent, or the empty string (RFC 7519 §4.1.2).
    InvalidSubject => "Invalid subject.",
    /// The profile requires `client_id` and it is absent (RFC 9068 §2.2, RFC 8693 §4.3).
    MissingClientId => "Token has no client_id",
    /// The profile requires `jti` and it is absent (RFC 9068 §2.2).
    MissingJwtId => "Token has no jti",

    // ---- permissions (RFC 6750 §3.1 insufficient_scope) ----
    /// A required permission is not granted: the claim is absent or lacks an entry.
    InsufficientPermissions => "Insufficient permissions",

    // ---- metadata and output ----
    /// A required metadata field is absent from the claims ([`crate::Rejection`] says which).
    MissingMetadataField => "Missing required metadata field",
    /// A metadata field is misconfigured: empty path segment, output name empty or of 64 bytes
    /// or more, or two fields with one output name.
    InvalidMetadataField => "Invalid metadata field configuration",
    /// No issuer is configured and the policy did not waive the check
    /// ([`crate::Policy::any_issuer`]): RFC 8725 §3.8 asks verifiers to validate `iss`, and a
    /// forgotten line must not waive it silently.
    IssuerNotConfigured => "No issuer is configured: add one, or waive the issuer check explicitly",
    /// No audience is configured and the policy did not say that none is wanted
    /// ([`crate::Policy::without_audience`]; RFC 7519 §4.1.3, RFC 8725 §3.9).
    AudienceNotConfigured => "No audience is configured: add one, or declare explicitly that tokens carry none",
    /// A claim path in the configuration (the permissions claim) names nothing: a dot path with
    /// an empty segment (`a..b`, `.a`, `a.`), or a malformed JSON Pointer (RFC 6901 §4).
    InvalidClaimPath => "Invalid claim path: an empty segment, or a malformed JSON Pointer",
    /// A list of an owned policy ([`crate::lists::Owned`]) is full, or an entry is longer than
    /// its strings hold.
    CapacityExceeded => "Configuration capacity exceeded",
    /// An output buffer is too small ([`crate::Rejection`] says how many bytes are needed).
    BufferTooSmall => "Output buffer is too small",

    // ---- Authorization header (RFC 6750 §2.1, RFC 9110 §11.6.2) ----
    /// The `Authorization` scheme is not `Bearer`.
    NotBearer => "Authorization scheme is not Bearer",
    /// `Bearer` with no token.
    MissingBearerToken => "Bearer token is missing",
    /// The `Authorization` value is not `Bearer` and one token68 (RFC 9110 §11.4).
    MalformedAuthorization => "Malformed Authorization header",

    // ---- key loading (never returned by verification) ----
    /// An HMAC secret shorter than 32 bytes (RFC 7518 §3.2: at least the hash output size).
    KeyTooShort => "Key is too short",
    /// A key id longer than [`crate::limits::MAX_KID_LEN`] bytes, or empty.
    InvalidKeyId => "Invalid key id",
    /// A key with this key id is already loaded.
    DuplicateKeyId => "Duplicate key id",
    /// The key ring is full (its capacity is a const generic chosen by the user).
    KeyRingFull => "Key ring is full",
    /// The key text or DER is malformed (RFC 8017 A.1.1, RFC 5280 §4.1.2.7, RFC 7468).
    KeyFormat => "Malformed key",
    /// The key is not an RSA (rsaEncryption) or HMAC key, or its PEM label is not one we read.
    UnsupportedKeyType => "Unsupported key type",
    /// A private key (a `PRIVATE KEY` PEM, PKCS#1 `RSAPrivateKey` DER, or a JWK with `d`)
    /// where a public key is expected. Verification needs only the public key, and a gateway
    /// should not hold the signing key.
    PrivateKey => "This is a private key: pass the public key",
    /// An RSA modulus under 2048 bits (RFC 7518 §3.3).
    RsaModulusTooSmall => "RSA key is smaller than 2048 bits",
    /// An RSA modulus over 4096 bits, the largest this build verifies.
    RsaModulusTooLarge => "RSA key is larger than 4096 bits",
    /// An RSA modulus that is even (RFC 8017 §3.1: a product of odd primes).
    RsaInvalidModulus => "RSA modulus is invalid",
    /// An RSA public exponent that is even, below 3, or above 2^32-1 (RFC 8017 §3.1).
    RsaInvalidExponent => "RSA exponent is invalid",
    /// A JWK Set with no key usable for RS256 or HS256 verification (RFC 7517 §5).
    NoUsableKeys => "No usable key in the key set",
    /// An HMAC secret that is a key document (any PEM, SPKI or PKCS#1 DER, or a JWK): a
    /// gateway given the RSA public key file as its HMAC secret would let anyone holding that
    /// public key mint tokens (RS256/HS256 confusion, RFC 8725 §2.1). Load it as a key instead.
    SecretIsKey => "HMAC secret is a PEM, DER or JWK key: load it as a key, not as a secret",
    /// A key of another type than the algorithm it was loaded for needs (an EC key for RS256,
    /// an RSA key for ES256, a P-384 key for ES256, an HMAC algorithm for a public key): the
    /// key is bound to one algorithm, and it must be able to verify it.
    KeyTypeMismatch => "Key type does not fit the algorithm",
    /// An EC public key that is not a point of its curve, or is the identity (SEC 1
    /// §3.2.2.1); an Ed25519 key that does not decode (RFC 8032 §5.1.3).
    InvalidPublicKey => "Public key is not a valid curve point",
    /// An Ed25519 public key of small order: signatures under it prove nothing (RFC 8032
    /// §5.1.7, the strict checks of RFC 8037 deployments).
    WeakKey => "Public key is of small order",
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

// `core::error::Error` (stable since Rust 1.81, under the MSRV): `?` into `Box<dyn Error>` and
// error-reporting crates work in every build, `std` or not.
impl core::error::Error for Error {}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::Error;
    use std::format;
    use std::string::ToString;

    #[test]
    fn all_lists_each_variant_once_with_a_distinct_message() {
        for (i, e) in Error::ALL.iter().enumerate() {
            assert_eq!(Error::ALL.iter().position(|x| x == e), Some(i));
            assert!(!e.message().is_empty());
            assert_eq!(
                Error::ALL
                    .iter()
                    .filter(|x| x.message() == e.message())
                    .count(),
                1,
                "{e:?}"
            );
            assert_eq!(e.name(), format!("{e:?}"));
        }
        assert_eq!(Error::Expired.to_string(), "Token has expired");
        assert_eq!(Error::InvalidAudience.to_string(), "Invalid audience.");
        assert_eq!(
            Error::InvalidAuthorizedParty.to_string(),
            "Invalid authorized party."
        );
    }

    /// Issue 28: both error types are `core::error::Error` in every build (this test runs with
    /// and without `std`), so `?` reaches `Box<dyn Error>`; a rejection's source is its error.
    #[test]
    fn both_are_core_errors() {
        use core::error::Error as _;
        let boxed: std::boxed::Box<dyn core::error::Error> = std::boxed::Box::new(Error::Expired);
        assert_eq!(boxed.to_string(), "Token has expired");
        let r = super::Rejection::from(Error::InvalidAudience);
        let source = r.source().map(std::string::ToString::to_string);
        assert_eq!(source.as_deref(), Some("Invalid audience."));
        fn question_mark() -> Result<(), std::boxed::Box<dyn core::error::Error>> {
            Err(super::Rejection::from(Error::TooOld))?
        }
        assert_eq!(question_mark().unwrap_err().to_string(), "Token is too old");
    }
}

/// A rejection with the detail some failures carry: which metadata field, or how many bytes an
/// output buffer needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rejection {
    /// What went wrong.
    pub error: Error,
    /// For [`Error::MissingMetadataField`] and [`Error::InvalidMetadataField`]: the index of
    /// the field in the configured list.
    pub field: Option<usize>,
    /// For [`Error::BufferTooSmall`]: the bytes needed.
    pub needed: Option<usize>,
}

impl From<Error> for Rejection {
    fn from(error: Error) -> Self {
        Self {
            error,
            field: None,
            needed: None,
        }
    }
}

impl core::fmt::Display for Rejection {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.error.message())
    }
}

impl core::error::Error for Rejection {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        Some(&self.error)
    }
}
