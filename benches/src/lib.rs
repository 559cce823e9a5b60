//! Fixtures and peer adapters for the benches: the same realistic session tokens, verified by
//! jwtguard and by the libraries a user would pick instead, each configured to check what
//! jwtguard checks (signature, exp/nbf, iss, aud) as far as its API allows.
//!
//! Every adapter's `verify` returns whether the token verified; `check_all` asserts that each
//! accepts the fixture and rejects a tampered copy, and the benches call it before measuring.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

pub mod timing;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use rsa::pkcs1v15::SigningKey;
use rsa::pkcs8::{DecodePrivateKey, EncodePublicKey, LineEnding};
use rsa::signature::{SignatureEncoding, Signer};
use rsa::traits::PublicKeyParts;
use serde::Deserialize;
use sha2::Sha256;

/// The `now` jwtguard is given. Peers read the system clock, so the fixture's exp is far in
/// the future and its nbf/iat in the past for both.
pub const NOW: u64 = 1_700_000_000;
pub const ISSUER: &str = "https://clerk.example.com";
pub const AUDIENCE: &str = "api.example.com";
pub const PARTY: &str = "https://app.example.com";
pub const HS_SECRET: &[u8] = b"bench-hs256-secret-0123456789abcdefghijklmnopqrstuvwxyz";

/// Algorithm and key size of a fixture.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Alg {
    Hs256,
    Rs256(usize),
}

impl Alg {
    /// The criterion group segment: `hs256`, `rs256-2048`, ...
    pub fn label(self) -> String {
        match self {
            Alg::Hs256 => "hs256".into(),
            Alg::Rs256(bits) => format!("rs256-{bits}"),
        }
    }
}

/// One signed token and the keys to verify it with.
pub struct Fixture {
    pub alg: Alg,
    pub token: String,
    /// Tokens like `token` but for their `sid` ([`fixture_with_variants`]).
    pub variants: Vec<String>,
    /// SPKI PEM of the RSA public key (RS256 only).
    pub public_pem: String,
    /// PKCS#1 DER of the RSA public key (RS256 only), for aws-lc-rs.
    pub public_pkcs1_der: Vec<u8>,
    /// RSA modulus and exponent, big-endian (RS256 only).
    pub n: Vec<u8>,
    pub e: Vec<u8>,
}

fn b64(b: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(b)
}

fn private_key(bits: usize) -> rsa::RsaPrivateKey {
    let pem = match bits {
        2048 => include_str!("../../crates/jwtguard/tests/data/rsa2048.key.pem"),
        3072 => include_str!("../../crates/jwtguard/tests/data/rsa3072.key.pem"),
        4096 => include_str!("../../crates/jwtguard/tests/data/rsa4096.key.pem"),
        _ => panic!("no {bits}-bit test key"),
    };
    rsa::RsaPrivateKey::from_pkcs8_pem(pem).unwrap()
}

/// Metadata claims of about `n` bytes, as a JWT template adds them (`,"name":...`).
fn metadata(n: usize) -> String {
    if n == 0 {
        return String::new();
    }
    let base = r#","org_id":"org_2mno","email":"jean@example.com","name":"Jean Valjean","bio":""#;
    format!("{base}{}\"", "x".repeat(n.saturating_sub(base.len() + 1)))
}

/// A session token like an identity provider issues: registered claims, a session id, a
/// permissions array and some metadata, with a `pad` claim grown until the whole token is
/// about `target_len` characters.
pub fn fixture(alg: Alg, target_len: usize) -> Fixture {
    fixture_with_variants(alg, target_len, 0)
}

/// [`fixture`], with `variants` more tokens of the same length and claims but another `sid`
/// each (`sess_0000`, `sess_0001`, ...): distinct tokens for a cache to miss on.
pub fn fixture_with_variants(alg: Alg, target_len: usize, variants: usize) -> Fixture {
    let header = match alg {
        Alg::Hs256 => r#"{"alg":"HS256","typ":"JWT"}"#.to_string(),
        Alg::Rs256(_) => r#"{"alg":"RS256","typ":"JWT","kid":"ins_2bench"}"#.to_string(),
    };
    let key = match alg {
        Alg::Rs256(bits) => Some(private_key(bits)),
        Alg::Hs256 => None,
    };
    let sign = |input: &str| -> Vec<u8> {
        match &key {
            Some(k) => SigningKey::<rsa::sha2::Sha256>::new(k.clone())
                .sign(input.as_bytes())
                .to_vec(),
            None => {
                let mut m = Hmac::<Sha256>::new_from_slice(HS_SECRET).unwrap();
                m.update(input.as_bytes());
                m.finalize().into_bytes().to_vec()
            }
        }
    };
    // Grow the metadata until the token reaches the target. RSA-3072 and -4096 signatures alone
    // are 512 and 683 characters, so their smallest tokens are longer than 700.
    let mut pad = 0usize;
    let token = loop {
        let claims = format!(
            r#"{{"iss":"{ISSUER}","sub":"user_2abc","aud":"{AUDIENCE}","azp":"{PARTY}","exp":4000000000,"nbf":1600000000,"iat":1600000000,"sid":"sess_2xyz","permissions":["read","write"]{}}}"#,
            metadata(pad)
        );
        let input = format!("{}.{}", b64(header.as_bytes()), b64(claims.as_bytes()));
        let token = format!("{input}.{}", b64(&sign(&input)));
        if token.len() >= target_len {
            break token;
        }
        pad += (target_len - token.len()).div_ceil(2).max(1);
    };
    let variants = (0..variants)
        .map(|i| {
            let claims = format!(
                r#"{{"iss":"{ISSUER}","sub":"user_2abc","aud":"{AUDIENCE}","azp":"{PARTY}","exp":4000000000,"nbf":1600000000,"iat":1600000000,"sid":"sess_{i:04}","permissions":["read","write"]{}}}"#,
                metadata(pad)
            );
            let input = format!("{}.{}", b64(header.as_bytes()), b64(claims.as_bytes()));
            format!("{input}.{}", b64(&sign(&input)))
        })
        .collect();
    let (public_pem, public_pkcs1_der, n, e) = match &key {
        Some(k) => {
            let pk = k.to_public_key();
            let pem = pk.to_public_key_pem(LineEnding::LF).unwrap();
            let der = rsa::pkcs1::EncodeRsaPublicKey::to_pkcs1_der(&pk)
                .unwrap()
                .as_bytes()
                .to_vec();
            (pem, der, pk.n().to_bytes_be(), pk.e().to_bytes_be())
        }
        None => Default::default(),
    };
    Fixture {
        alg,
        token,
        variants,
        public_pem,
        public_pkcs1_der,
        n,
        e,
    }
}

/// The fixture with one payload character changed (signature no longer matches).
pub fn tampered(token: &str) -> String {
    let mut parts: Vec<String> = token.split('.').map(str::to_string).collect();
    let p = &mut parts[1];
    let c = if p.as_bytes()[10] == b'A' { "B" } else { "A" };
    p.replace_range(10..11, c);
    parts.join(".")
}

// ---- jwtguard ----

pub struct Ours {
    verifier: jwtguard::Verifier<'static, 4>,
}

pub const POLICY: jwtguard::Policy<'static> = jwtguard::Policy::new()
    .issuers(&[ISSUER])
    .audiences(&[AUDIENCE])
    .authorized_parties(&[PARTY]);

impl Ours {
    pub fn new(f: &Fixture) -> Self {
        let mut keys = jwtguard::KeyRing::new();
        match f.alg {
            Alg::Hs256 => keys
                .add_hmac(jwtguard::Algorithm::HS256, None, HS_SECRET)
                .unwrap(),
            Alg::Rs256(_) => keys
                .add_pem(
                    jwtguard::Algorithm::RS256,
                    Some("ins_2bench"),
                    f.public_pem.as_bytes(),
                )
                .unwrap(),
        }
        Self {
            // Up to 16 KiB; a token over 2048 bytes goes into a 16 KiB buffer, as a gateway
            // configured for large tokens would do, the rest into the default one.
            verifier: jwtguard::Verifier::new(keys, POLICY).max_token_len(LARGE),
        }
    }

    #[inline]
    pub fn verify(&self, token: &str) -> bool {
        let t = token.as_bytes();
        if t.len() <= jwtguard::limits::MAX_TOKEN_LEN {
            let mut buf = jwtguard::TokenBuf::new();
            self.verifier.verify(t, NOW, &mut buf).is_ok()
        } else {
            let mut buf = jwtguard::TokenBuf::<jwtguard::capacity::Capacity16K>::empty();
            self.verifier.verify(t, NOW, &mut buf).is_ok()
        }
    }
}

// ---- jwtguard through its C ABI ----

/// A `jwtguard_cache` of `entries` entries in memory it owns.
pub struct CCache {
    _storage: Vec<u64>,
    ptr: *mut jwtguard_ffi::jwtguard_cache,
}

// SAFETY: a jwtguard_cache is documented thread-safe (a lock in its memory); the storage is
// owned and outlives the pointer.
unsafe impl Sync for CCache {}
// SAFETY: as above.
unsafe impl Send for CCache {}

impl CCache {
    pub fn new(entries: usize) -> Self {
        use jwtguard_ffi::*;
        let mut storage = vec![0u64; jwtguard_cache_size(entries).div_ceil(8)];
        let mut ptr = std::ptr::null_mut();
        // SAFETY: 8-byte aligned storage of the size asked for, and a writable out-pointer.
        let st = unsafe {
            jwtguard_cache_init(storage.as_mut_ptr().cast(), storage.len() * 8, &mut ptr)
        };
        assert_eq!(st, jwtguard_status::JWTGUARD_OK);
        Self {
            _storage: storage,
            ptr,
        }
    }

    /// Hits and misses so far.
    pub fn stats(&self) -> (u64, u64) {
        let (mut h, mut m) = (0, 0);
        // SAFETY: a cache from jwtguard_cache_init, two writable integers.
        unsafe { jwtguard_ffi::jwtguard_cache_stats(self.ptr, &mut h, &mut m) };
        (h, m)
    }
}

/// The same verifier as [`Ours`], configured and called through the `extern "C"` functions.
pub struct OursC {
    verifier: *mut jwtguard_ffi::jwtguard_verifier,
}

// SAFETY: a configured jwtguard_verifier is immutable and documented thread-safe for verify.
unsafe impl Sync for OursC {}
// SAFETY: as above; the pointer is owned and freed once, in Drop.
unsafe impl Send for OursC {}

impl OursC {
    pub fn new(f: &Fixture) -> Self {
        use jwtguard_ffi::*;
        let v = jwtguard_verifier_new();
        let s = |x: &str| (x.as_ptr(), x.len());
        // SAFETY: `v` is a fresh verifier; every (ptr, len) pair comes from a live &str or &[u8].
        unsafe {
            let st = match f.alg {
                Alg::Hs256 => jwtguard_verifier_add_hmac(
                    v,
                    JWTGUARD_ALG_HS256,
                    std::ptr::null(),
                    0,
                    HS_SECRET.as_ptr(),
                    HS_SECRET.len(),
                ),
                Alg::Rs256(_) => {
                    let kid = s("ins_2bench");
                    jwtguard_verifier_add_key_pem(
                        v,
                        JWTGUARD_ALG_RS256,
                        kid.0,
                        kid.1,
                        f.public_pem.as_ptr(),
                        f.public_pem.len(),
                    )
                }
            };
            assert_eq!(st, jwtguard_status::JWTGUARD_OK);
            for (add, x) in [
                (
                    jwtguard_verifier_add_issuer as unsafe extern "C" fn(_, _, _) -> _,
                    ISSUER,
                ),
                (jwtguard_verifier_add_audience, AUDIENCE),
                (jwtguard_verifier_add_authorized_party, PARTY),
            ] {
                let (p, n) = s(x);
                assert_eq!(add(v, p, n), jwtguard_status::JWTGUARD_OK);
            }
            assert_eq!(
                jwtguard_verifier_set_max_token_size(v, LARGE),
                jwtguard_status::JWTGUARD_OK
            );
        }
        Self { verifier: v }
    }

    #[inline]
    pub fn verify(&self, token: &str) -> bool {
        self.with_result(token, |_| true)
    }

    /// `jwtguard_verify_cached` through `cache` (tokens up to 2048 bytes; larger ones through
    /// `jwtguard_verify_cached_large`).
    #[inline]
    pub fn verify_cached(&self, cache: &CCache, token: &str) -> bool {
        use jwtguard_ffi::*;
        let t = token.as_bytes();
        // SAFETY: a configured verifier, a cache from jwtguard_cache_init, the token's bytes,
        // and a result of the type each call writes.
        unsafe {
            if t.len() <= 2048 {
                let mut r = std::mem::MaybeUninit::<jwtguard_result>::uninit();
                jwtguard_verify_cached(
                    self.verifier,
                    cache.ptr,
                    t.as_ptr(),
                    t.len(),
                    NOW,
                    std::ptr::null(),
                    0,
                    r.as_mut_ptr(),
                ) == jwtguard_status::JWTGUARD_OK
            } else {
                let mut r = Box::<jwtguard_large_result>::new_uninit();
                jwtguard_verify_cached_large(
                    self.verifier,
                    cache.ptr,
                    t.as_ptr(),
                    t.len(),
                    NOW,
                    std::ptr::null(),
                    0,
                    r.as_mut_ptr(),
                ) == jwtguard_status::JWTGUARD_OK
            }
        }
    }

    /// `jwtguard_verify` (or `jwtguard_verify_large` for a token over 2048 bytes, as a gateway
    /// configured for large tokens calls it), then `read` on the result if the token verified.
    #[inline]
    /// Verify `token` into a result on the stack and hand it to `read` (for the profilers'
    /// loops: a result read many times after one verify).
    pub fn with_result(
        &self,
        token: &str,
        read: impl FnOnce(*const jwtguard_ffi::jwtguard_result) -> bool,
    ) -> bool {
        use jwtguard_ffi::*;
        let (t, n) = (token.as_ptr(), token.len());
        if n <= JWTGUARD_DEFAULT_MAX_TOKEN_SIZE {
            let mut result = std::mem::MaybeUninit::<jwtguard_result>::uninit();
            // SAFETY: the verifier is valid; the token pair comes from a &str; result is
            // writable.
            let st = unsafe {
                jwtguard_verify(
                    self.verifier,
                    t,
                    n,
                    NOW,
                    std::ptr::null(),
                    0,
                    result.as_mut_ptr(),
                )
            };
            st == jwtguard_status::JWTGUARD_OK && read(result.as_ptr())
        } else {
            let mut result = std::mem::MaybeUninit::<jwtguard_large_result>::uninit();
            // SAFETY: as above, with a large result.
            let st = unsafe {
                jwtguard_verify_large(
                    self.verifier,
                    t,
                    n,
                    NOW,
                    std::ptr::null(),
                    0,
                    result.as_mut_ptr(),
                )
            };
            st == jwtguard_status::JWTGUARD_OK && read(jwtguard_large_result_get(result.as_ptr()))
        }
    }
}

/// The five claims a gateway forwards: `sub`, `iss`, `azp` and `sid` as text, `permissions`
/// as compact JSON.
const FIVE_CLAIMS: [&str; 5] = ["sub", "iss", "azp", "sid", "permissions"];

impl OursC {
    /// [`OursC::verify`], then five claims read back through the accessors, one call each.
    #[inline]
    pub fn verify_and_read(&self, token: &str) -> bool {
        // SAFETY: `with_result` hands over a result that a passing verify filled.
        self.with_result(token, |r| unsafe { read_five(r) })
    }

    /// The same five claims as [`OursC::verify_and_read`], in one `jwtguard_result_claims_batch`
    /// call.
    pub fn verify_and_read_batch(&self, token: &str) -> bool {
        // SAFETY: as in `verify_and_read`.
        self.with_result(token, |r| unsafe { read_five_batch(r) })
    }
}

/// Five claims read from a verified `result`, one accessor call each.
///
/// # Safety
/// `result` must point to a `jwtguard_result` that a verify filled (and passed).
#[inline]
pub unsafe fn read_five(result: *const jwtguard_ffi::jwtguard_result) -> bool {
    use jwtguard_ffi::*;
    let mut out = [0u8; 256];
    let mut total = 0usize;
    for path in FIVE_CLAIMS {
        let mut n = 0usize;
        // SAFETY: `result` was filled by a verify that passed; the path and output pairs come
        // from live locals.
        let st = unsafe {
            jwtguard_result_claim(
                result,
                path.as_ptr(),
                path.len(),
                out.as_mut_ptr(),
                out.len(),
                &mut n,
            )
        };
        if st != jwtguard_status::JWTGUARD_OK {
            return false;
        }
        total += n;
    }
    std::hint::black_box(total) > 0
}

/// The same five claims as [`read_five`], in one `jwtguard_result_claims_batch` call.
///
/// # Safety
/// As [`read_five`].
#[inline]
pub unsafe fn read_five_batch(result: *const jwtguard_ffi::jwtguard_result) -> bool {
    use jwtguard_ffi::*;
    let paths = FIVE_CLAIMS.map(|p| jwtguard_str {
        ptr: p.as_ptr(),
        len: p.len(),
    });
    let mut values = [jwtguard_str {
        ptr: std::ptr::null(),
        len: 0,
    }; 5];
    let mut out = [0u8; 256];
    let mut total = 0usize;
    // SAFETY: `result` was filled by a verify that passed; the paths, values and output come
    // from live locals of the lengths given.
    let st = unsafe {
        jwtguard_result_claims_batch(
            result,
            paths.as_ptr(),
            paths.len(),
            out.as_mut_ptr(),
            out.len(),
            values.as_mut_ptr(),
            &mut total,
        )
    };
    st == jwtguard_status::JWTGUARD_OK
        && values.iter().all(|v| !v.ptr.is_null())
        && std::hint::black_box(total) > 0
}

impl Drop for OursC {
    fn drop(&mut self) {
        // SAFETY: from jwtguard_verifier_new, freed once.
        unsafe { jwtguard_ffi::jwtguard_verifier_free(self.verifier) }
    }
}

// ---- jsonwebtoken (provider chosen by the bench binary) ----

#[derive(Deserialize)]
#[allow(dead_code)]
struct FullClaims {
    iss: String,
    sub: String,
    aud: String,
    azp: String,
    exp: u64,
    nbf: u64,
    iat: u64,
    sid: String,
    permissions: Vec<String>,
}

pub struct JsonWebToken {
    key: jsonwebtoken::DecodingKey,
    validation: jsonwebtoken::Validation,
}

impl JsonWebToken {
    pub fn new(f: &Fixture) -> Self {
        let (key, alg) = match f.alg {
            Alg::Hs256 => (
                jsonwebtoken::DecodingKey::from_secret(HS_SECRET),
                jsonwebtoken::Algorithm::HS256,
            ),
            Alg::Rs256(_) => (
                jsonwebtoken::DecodingKey::from_rsa_pem(f.public_pem.as_bytes()).unwrap(),
                jsonwebtoken::Algorithm::RS256,
            ),
        };
        let mut validation = jsonwebtoken::Validation::new(alg);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.validate_nbf = true;
        Self { key, validation }
    }

    #[inline]
    pub fn verify(&self, token: &str) -> bool {
        jsonwebtoken::decode::<FullClaims>(token, &self.key, &self.validation).is_ok()
    }
}

/// Install one jsonwebtoken provider for this process (it keeps a process-wide default).
pub fn install_jsonwebtoken_provider(aws_lc: bool) {
    let p = if aws_lc {
        &jsonwebtoken::crypto::aws_lc::DEFAULT_PROVIDER
    } else {
        &jsonwebtoken::crypto::rust_crypto::DEFAULT_PROVIDER
    };
    let _ = p.install_default();
}

// ---- jwt-compact ----

#[derive(Deserialize, serde::Serialize)]
#[allow(dead_code)]
struct SessionClaims {
    iss: String,
    sub: String,
    aud: String,
    azp: String,
    sid: String,
    permissions: Vec<String>,
}

pub enum JwtCompact {
    Hs(jwt_compact::alg::Hs256Key),
    Rs(jwt_compact::alg::RsaPublicKey),
}

impl JwtCompact {
    pub fn new(f: &Fixture) -> Self {
        match f.alg {
            Alg::Hs256 => JwtCompact::Hs(jwt_compact::alg::Hs256Key::new(HS_SECRET)),
            Alg::Rs256(_) => {
                let n = jwt_compact::alg::RsaPublicKey::new(
                    rsa::BigUint::from_bytes_be(&f.n),
                    rsa::BigUint::from_bytes_be(&f.e),
                );
                JwtCompact::Rs(n.unwrap())
            }
        }
    }

    #[inline]
    pub fn verify(&self, token: &str) -> bool {
        use jwt_compact::{AlgorithmExt, TimeOptions, UntrustedToken};
        let Ok(untrusted) = UntrustedToken::new(token) else {
            return false;
        };
        let validated = match self {
            JwtCompact::Hs(k) => jwt_compact::alg::Hs256
                .validator::<SessionClaims>(k)
                .validate(&untrusted),
            JwtCompact::Rs(k) => jwt_compact::alg::Rsa::rs256()
                .validator::<SessionClaims>(k)
                .validate(&untrusted),
        };
        let Ok(token) = validated else { return false };
        let claims = token.claims();
        let time = TimeOptions::default();
        // jwt-compact checks time claims on request and leaves iss/aud to the caller.
        claims.validate_expiration(&time).is_ok()
            && claims.validate_maturity(&time).is_ok()
            && claims.custom.iss == ISSUER
            && claims.custom.aud == AUDIENCE
    }
}

// ---- jwt-simple (pure-rust) ----

pub enum JwtSimple {
    Hs(jwt_simple::algorithms::HS256Key),
    Rs(jwt_simple::algorithms::RS256PublicKey),
}

#[derive(Deserialize, serde::Serialize)]
#[allow(dead_code)]
struct SimpleCustom {
    azp: String,
    sid: String,
    permissions: Vec<String>,
}

impl JwtSimple {
    pub fn new(f: &Fixture) -> Self {
        match f.alg {
            Alg::Hs256 => JwtSimple::Hs(jwt_simple::algorithms::HS256Key::from_bytes(HS_SECRET)),
            Alg::Rs256(_) => JwtSimple::Rs(
                jwt_simple::algorithms::RS256PublicKey::from_pem(&f.public_pem).unwrap(),
            ),
        }
    }

    fn options() -> jwt_simple::common::VerificationOptions {
        jwt_simple::common::VerificationOptions {
            allowed_issuers: Some([ISSUER.to_string()].into()),
            allowed_audiences: Some([AUDIENCE.to_string()].into()),
            ..Default::default()
        }
    }

    #[inline]
    pub fn verify(&self, token: &str) -> bool {
        use jwt_simple::algorithms::{MACLike, RSAPublicKeyLike};
        match self {
            JwtSimple::Hs(k) => k
                .verify_token::<SimpleCustom>(token, Some(Self::options()))
                .is_ok(),
            JwtSimple::Rs(k) => k
                .verify_token::<SimpleCustom>(token, Some(Self::options()))
                .is_ok(),
        }
    }
}

// ---- floors: the cryptography alone, on pre-decoded inputs ----

pub struct Floor {
    signing_input: Vec<u8>,
    signature: Vec<u8>,
    hmac: Hmac<Sha256>,
    rsa: Option<aws_lc_rs::signature::ParsedPublicKey>,
}

impl Floor {
    pub fn new(f: &Fixture) -> Self {
        let (input, sig) = f.token.rsplit_once('.').unwrap();
        let rsa = match f.alg {
            Alg::Rs256(_) => Some(
                aws_lc_rs::signature::ParsedPublicKey::new(
                    &aws_lc_rs::signature::RSA_PKCS1_2048_8192_SHA256,
                    &f.public_pkcs1_der,
                )
                .unwrap(),
            ),
            Alg::Hs256 => None,
        };
        Self {
            signing_input: input.as_bytes().to_vec(),
            signature: URL_SAFE_NO_PAD.decode(sig).unwrap(),
            hmac: Hmac::<Sha256>::new_from_slice(HS_SECRET).unwrap(),
            rsa,
        }
    }

    /// HMAC-SHA-256 over the signing input with a pre-keyed state, tag compared.
    #[inline]
    pub fn hmac(&self) -> bool {
        let mut m = self.hmac.clone();
        m.update(&self.signing_input);
        m.verify_slice(&self.signature).is_ok()
    }

    /// aws-lc-rs RSA PKCS#1 v1.5 SHA-256 verify with a parsed key.
    #[inline]
    pub fn aws_lc_rsa(&self) -> bool {
        self.rsa
            .as_ref()
            .is_some_and(|k| k.verify_sig(&self.signing_input, &self.signature).is_ok())
    }
}

/// Every library's verifier for one fixture, configured alike: what the side-by-side runs and
/// the allocation count measure.
pub struct Adapters {
    pub ours: Ours,
    pub ours_c: OursC,
    pub jsonwebtoken: JsonWebToken,
    pub jwt_compact: JwtCompact,
    pub jwt_simple: JwtSimple,
}

impl Adapters {
    pub fn new(f: &Fixture) -> Self {
        Self {
            ours: Ours::new(f),
            ours_c: OursC::new(f),
            jsonwebtoken: JsonWebToken::new(f),
            jwt_compact: JwtCompact::new(f),
            jwt_simple: JwtSimple::new(f),
        }
    }
}

/// Assert that every library verifies `f` and rejects a tampered copy, so a bench never
/// measures a fast failure. `jsonwebtoken` uses whichever provider the process installed.
pub fn check_all(f: &Fixture) {
    let bad = tampered(&f.token);
    let ours = Ours::new(f);
    assert!(
        ours.verify(&f.token) && !ours.verify(&bad),
        "jwtguard on {:?}",
        f.alg
    );
    let ours_c = OursC::new(f);
    for (what, read) in [
        ("verify", OursC::verify as fn(&OursC, &str) -> bool),
        ("verify and read 5 claims", OursC::verify_and_read),
        (
            "verify and read 5 claims in a batch",
            OursC::verify_and_read_batch,
        ),
    ] {
        assert!(
            read(&ours_c, &f.token) && !read(&ours_c, &bad),
            "jwtguard's C ABI ({what}) on {:?}",
            f.alg
        );
    }
    let jw = JsonWebToken::new(f);
    assert!(
        jw.verify(&f.token) && !jw.verify(&bad),
        "jsonwebtoken on {:?}",
        f.alg
    );
    let jc = JwtCompact::new(f);
    assert!(
        jc.verify(&f.token) && !jc.verify(&bad),
        "jwt-compact on {:?}",
        f.alg
    );
    let js = JwtSimple::new(f);
    assert!(
        js.verify(&f.token) && !js.verify(&bad),
        "jwt-simple on {:?}",
        f.alg
    );
    let floor = Floor::new(f);
    match f.alg {
        Alg::Hs256 => assert!(floor.hmac()),
        Alg::Rs256(_) => assert!(floor.aws_lc_rsa()),
    }
}

/// The largest tokens measured: Keycloak-sized, in a 16 KiB buffer.
pub const LARGE: usize = 16384;

/// The 16 KiB rows of the ratios bench (the C peers' harness keeps to [`cases`]).
pub fn large_cases() -> Vec<(Alg, usize)> {
    vec![(Alg::Hs256, 16000), (Alg::Rs256(2048), 16000)]
}

/// Every (algorithm, size) the suite measures.
pub fn cases() -> Vec<(Alg, usize)> {
    let mut v = Vec::new();
    for alg in [
        Alg::Hs256,
        Alg::Rs256(2048),
        Alg::Rs256(3072),
        Alg::Rs256(4096),
    ] {
        for len in [700, 2000] {
            v.push((alg, len));
        }
    }
    v
}
