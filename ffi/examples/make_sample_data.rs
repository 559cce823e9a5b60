//! Writes examples/data/: the JWKS, secret, policy and sample tokens that `jwtguard-verify`
//! checks when run with no options. Deterministic (PKCS#1 v1.5 and HMAC signatures are), so
//! `scripts/test.sh` can regenerate it and fail on any difference.
//!
//! `cargo run -p jwtguard-ffi --example make_sample_data [OUT_DIR]`
#![allow(missing_docs, clippy::unwrap_used)]

use std::fmt::Write as _;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use rsa::pkcs1v15::SigningKey;
use rsa::pkcs8::DecodePrivateKey;
use rsa::signature::{SignatureEncoding, Signer};
use rsa::traits::PublicKeyParts;

const NOW: u64 = 1_700_000_000;
const SECRET: &str = "231a58b00632c9c4d8ac02b268ca4caf8dd48fd020e3dffa72666523d860988f";

/// HMAC of `msg` under `key` with the digest `$d`.
macro_rules! hmac_tag {
    ($d:ty, $key:expr, $msg:expr) => {{
        let mut m = Hmac::<$d>::new_from_slice($key).unwrap();
        m.update($msg);
        m.finalize().into_bytes().to_vec()
    }};
}

fn b64(b: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(b)
}

fn key(bits: usize) -> rsa::RsaPrivateKey {
    let path = format!(
        "{}/../crates/jwtguard/tests/data/rsa{bits}.key.pem",
        env!("CARGO_MANIFEST_DIR")
    );
    rsa::RsaPrivateKey::from_pkcs8_pem(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[allow(clippy::large_enum_variant)] // three values, built once
enum Signer_ {
    Rsa(rsa::RsaPrivateKey),
    Hmac,
    None,
}

fn token(header: &str, claims: &str, signer: &Signer_) -> String {
    let input = format!("{}.{}", b64(header.as_bytes()), b64(claims.as_bytes()));
    let sig = match signer {
        Signer_::Rsa(k) => SigningKey::<rsa::sha2::Sha256>::new(k.clone())
            .sign(input.as_bytes())
            .to_vec(),
        Signer_::Hmac => {
            let mut m = Hmac::<sha2::Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
            m.update(input.as_bytes());
            m.finalize().into_bytes().to_vec()
        }
        Signer_::None => Vec::new(),
    };
    format!("{input}.{}", b64(&sig))
}

fn claims(extra: &str, exp: u64) -> String {
    format!(
        r#"{{"iss":"https://issuer.example","sub":"user_24601","aud":"api.example","azp":"https://app.example","exp":{exp},"nbf":{},"iat":{}{extra}}}"#,
        NOW - 60,
        NOW - 60
    )
}

fn main() {
    let out = std::env::args()
        .nth(1)
        .unwrap_or_else(|| format!("{}/../examples/data", env!("CARGO_MANIFEST_DIR")));
    std::fs::create_dir_all(&out).unwrap();
    let (k1, k2) = (key(2048), key(3072));

    let jwk = |kid: &str, k: &rsa::RsaPrivateKey| {
        let p = k.to_public_key();
        format!(
            r#"{{"kty":"RSA","kid":"{kid}","use":"sig","alg":"RS256","n":"{}","e":"{}"}}"#,
            b64(&p.n().to_bytes_be()),
            b64(&p.e().to_bytes_be())
        )
    };
    let jwks = format!(
        "{{\"keys\":[\n{},\n{},\n{{\"kty\":\"oct\",\"kid\":\"hmac-1\",\"alg\":\"HS256\",\"k\":\"{}\"}}\n]}}\n",
        jwk("rsa-2024", &k1),
        jwk("rsa-2025", &k2),
        b64(SECRET.as_bytes())
    );
    std::fs::write(format!("{out}/jwks.json"), jwks).unwrap();
    std::fs::write(format!("{out}/hs256.secret"), format!("{SECRET}\n")).unwrap();
    std::fs::write(
        format!("{out}/policy.args"),
        "# The policy jwtguard-verify applies when run with no options (one option per line;\n\
         # paths are relative to this file).\n\
         --jwks jwks.json\n--iss https://issuer.example\n--aud api.example\n--azp https://app.example\n\
         --require leagues:read\n--field user_data.name:name!\n--field user_data.aliases\n--now 1700000000\n",
    )
    .unwrap();

    let user = r#","permissions":["leagues:read","leagues:write"],"user_data":{"name":"Jean Valjean","aliases":["Monsieur Madeleine","Ultime Fauchelevent"]}"#;
    let exp = NOW + 3600;
    let rs1 = r#"{"alg":"RS256","typ":"JWT","kid":"rsa-2024"}"#;
    let rs2 = r#"{"alg":"RS256","typ":"JWT","kid":"rsa-2025"}"#;
    let (s1, s2) = (Signer_::Rsa(k1), Signer_::Rsa(k2));
    let tampered = {
        let t = token(rs1, &claims(user, exp), &s1);
        let mut parts: Vec<String> = t.split('.').map(String::from).collect();
        parts[1] = b64(claims(
            &user.replace("leagues:read\",", "leagues:read\",\"admin\","),
            exp,
        )
        .as_bytes());
        parts.join(".")
    };
    let samples = [
        (
            "valid RS256, first key",
            token(rs1, &claims(user, exp), &s1),
        ),
        (
            "valid RS256, second key (3072-bit), permissions as a scope string",
            token(
                rs2,
                &claims(
                    r#","permissions":"leagues:read teams:read","user_data":{"name":"Cosette"}"#,
                    exp,
                ),
                &s2,
            ),
        ),
        (
            "valid HS256",
            token(
                r#"{"alg":"HS256","typ":"JWT","kid":"hmac-1"}"#,
                &claims(user, exp),
                &Signer_::Hmac,
            ),
        ),
        ("expired", token(rs1, &claims(user, NOW - 1), &s1)),
        (
            "wrong audience",
            token(
                rs1,
                &claims(user, exp).replace("api.example", "other.example"),
                &s1,
            ),
        ),
        (
            "no azp (minted by a backend API)",
            token(
                rs1,
                &claims(user, exp).replace(r#""azp":"https://app.example","#, ""),
                &s1,
            ),
        ),
        ("payload changed after signing", tampered),
        (
            "unknown kid",
            token(
                r#"{"alg":"RS256","kid":"rsa-2019"}"#,
                &claims(user, exp),
                &s1,
            ),
        ),
        (
            "alg none",
            token(r#"{"alg":"none"}"#, &claims(user, exp), &Signer_::None),
        ),
        (
            "missing permission",
            token(
                rs1,
                &claims(
                    r#","permissions":["teams:read"],"user_data":{"name":"Javert"}"#,
                    exp,
                ),
                &s1,
            ),
        ),
        (
            "missing required metadata field",
            token(
                rs1,
                &claims(r#","permissions":["leagues:read"],"user_data":{}"#, exp),
                &s1,
            ),
        ),
    ];
    // Extra inputs for the tool's tests: one JWK on its own, and an RFC 9068 access token.
    std::fs::write(
        format!("{out}/rsa-2024.jwk.json"),
        format!(
            "{}\n",
            jwk(
                "rsa-2024",
                match &s1 {
                    Signer_::Rsa(k) => k,
                    _ => unreachable!(),
                }
            )
        ),
    )
    .unwrap();
    let at = token(
        r#"{"alg":"HS256","typ":"at+jwt","kid":"hmac-1"}"#,
        &claims(
            r#","client_id":"cli-app","jti":"at-1","scope":"leagues:read openid","user_data":{"name":"Fantine"}"#,
            exp,
        ),
        &Signer_::Hmac,
    );
    std::fs::write(format!("{out}/access-token.txt"), format!("{at}\n")).unwrap();
    // A Keycloak-sized token (issue 20): the first HS256 sample's claims with 15.9 KB of group
    // paths, for the 16 KiB capacity of the host library, the CLI and the nginx module.
    let large = {
        let groups = |n: usize| {
            let list: Vec<String> = (0..n)
                .map(|i| format!(r#""/acme/department-{:03}/team-{i:04}""#, i / 9))
                .collect();
            format!(r#"{user},"groups":[{}]"#, list.join(","))
        };
        let head = r#"{"alg":"HS256","typ":"JWT","kid":"hmac-1"}"#;
        let mut n = 0;
        while token(head, &claims(&groups(n + 1), exp), &Signer_::Hmac).len() <= 16000 {
            n += 1;
        }
        token(head, &claims(&groups(n), exp), &Signer_::Hmac)
    };
    std::fs::write(format!("{out}/large-token.txt"), format!("{large}\n")).unwrap();

    let mut tokens = String::from(
        "# Sample tokens for jwtguard-verify: one per line; '#' lines are comments.\n",
    );
    for (what, t) in &samples {
        writeln!(tokens, "# {what}\n{t}").unwrap();
    }
    std::fs::write(format!("{out}/tokens.txt"), tokens).unwrap();

    // The firmware example (examples/embedded) keeps its inputs in flash: a C header.
    // The key as the device loads it: its modulus and exponent, big-endian, for
    // `jwtguard_verifier_add_rsa_components` (no DER parser in the image).
    // The same key in the formats a firmware opts into (features der, pem, jwk), for the
    // feature-cost builds of scripts/embedded.sh.
    let (rsa_n, rsa_e, rsa_der, rsa_pem) = match &s1 {
        Signer_::Rsa(k) => {
            use rsa::pkcs1::EncodeRsaPublicKey;
            use rsa::pkcs8::EncodePublicKey;
            let public = k.to_public_key();
            (
                public.n().to_bytes_be(),
                public.e().to_bytes_be(),
                public.to_pkcs1_der().unwrap().into_vec(),
                public
                    .to_public_key_pem(rsa::pkcs8::LineEnding::LF)
                    .unwrap(),
            )
        }
        _ => unreachable!(),
    };
    let rsa_jwk = match &s1 {
        Signer_::Rsa(k) => jwk("rsa-2024", k),
        _ => unreachable!(),
    };
    let mut h = String::from(
        "/* Generated by ffi/examples/make_sample_data.rs: the keys and tokens the firmware\n \
         * example verifies, kept in flash. Do not edit. */\n\
         #ifndef JWTGUARD_EMBEDDED_VECTORS_H\n#define JWTGUARD_EMBEDDED_VECTORS_H\n\n\
         #include <stdint.h>\n\n",
    );
    writeln!(h, "#define EX_NOW {NOW}u\n").unwrap();
    let c_str = |h: &mut String, name: &str, v: &str| {
        writeln!(h, "static const char {name}[] =").unwrap();
        // Escaped per chunk, so no escape sequence is split between two literals.
        for chunk in v.as_bytes().chunks(72) {
            let text = std::str::from_utf8(chunk).unwrap();
            let text = text
                .replace('\\', "\\\\")
                .replace('"', "\\\"")
                .replace('\n', "\\n");
            writeln!(h, "    \"{text}\"").unwrap();
        }
        writeln!(h, "    ;\n").unwrap();
    };
    c_str(&mut h, "EX_HS256_SECRET", SECRET);
    let c_bytes = |h: &mut String, name: &str, what: &str, v: &[u8]| {
        writeln!(h, "/* {what} */").unwrap();
        writeln!(h, "static const uint8_t {name}[{}] = {{", v.len()).unwrap();
        for chunk in v.chunks(12) {
            let row: Vec<String> = chunk.iter().map(|b| format!("0x{b:02x}")).collect();
            writeln!(h, "    {},", row.join(", ")).unwrap();
        }
        writeln!(h, "}};\n").unwrap();
    };
    c_bytes(
        &mut h,
        "EX_RSA2048_N",
        "The 2048-bit key \"rsa-2024\": its modulus n, big-endian.",
        &rsa_n,
    );
    c_bytes(
        &mut h,
        "EX_RSA2048_E",
        "Its public exponent e, big-endian.",
        &rsa_e,
    );
    c_bytes(
        &mut h,
        "EX_RSA2048_DER",
        "The same key as PKCS#1 DER.",
        &rsa_der,
    );
    h.push_str("/* The same key as SPKI PEM. */\n");
    c_str(&mut h, "EX_RSA2048_PEM", &rsa_pem);
    h.push_str("/* The same key as a JWK. */\n");
    c_str(&mut h, "EX_RSA2048_JWK", &rsa_jwk);
    let pick = |what: &str| {
        samples
            .iter()
            .find(|(w, _)| *w == what)
            .map(|(_, t)| t.as_str())
            .unwrap()
    };
    c_str(&mut h, "EX_TOKEN_HS256", pick("valid HS256"));
    c_str(&mut h, "EX_TOKEN_RS256", pick("valid RS256, first key"));
    c_str(
        &mut h,
        "EX_TOKEN_TAMPERED",
        pick("payload changed after signing"),
    );
    c_str(&mut h, "EX_TOKEN_EXPIRED", pick("expired"));
    // For the time floor: an HS256 token that was valid two hours before EX_NOW and expired
    // an hour before it. A clock set back passes it; the floor raised by EX_TOKEN_HS256 does not.
    h.push_str("/* Valid from EX_NOW - 7200 to EX_NOW - 3600: what a replay after a clock reset offers. */\n");
    let old_claims = format!(
        r#"{{"iss":"https://issuer.example","sub":"user_24601","aud":"api.example","azp":"https://app.example","exp":{},"nbf":{},"iat":{}{user}}}"#,
        NOW - 3600,
        NOW - 7200,
        NOW - 7200
    );
    let old = token(
        r#"{"alg":"HS256","typ":"JWT","kid":"hmac-1"}"#,
        &old_claims,
        &Signer_::Hmac,
    );
    c_str(&mut h, "EX_TOKEN_OLD", &old);
    // ES256 on the device (the es256 feature): a P-256 key as its SEC 1 point, and a token
    // the example's policy accepts, signed with it.
    let es256 = p256::ecdsa::SigningKey::from_slice(&[0x25; 32]).unwrap();
    let point = es256.verifying_key().to_sec1_point(false);
    c_bytes(
        &mut h,
        "EX_ES256_POINT",
        "A P-256 public key \"es256-key\" as its SEC 1 point (04 || x || y).",
        point.as_bytes(),
    );
    let es_input = format!(
        "{}.{}",
        b64(br#"{"alg":"ES256","typ":"JWT","kid":"es256-key"}"#),
        b64(claims(user, exp).as_bytes())
    );
    let es_sig: p256::ecdsa::Signature =
        p256::ecdsa::signature::Signer::sign(&es256, es_input.as_bytes());
    c_str(
        &mut h,
        "EX_TOKEN_ES256",
        &format!("{es_input}.{}", b64(&es_sig.to_bytes())),
    );
    h.push_str("#endif\n");
    std::fs::write(format!("{out}/embedded_vectors.h"), h).unwrap();
    eprintln!("wrote {} tokens to {out}", samples.len());
    algorithm_samples(&out);
    provider_samples(&out, &s1);
    rsa4096_samples(&out);
    explain_samples(&out, &s1);
    // The conformance file every binding runs (tests/conformance), when a second directory is
    // given (scripts/test.sh's drift check) or by default beside examples/data.
    let conformance = std::env::args()
        .nth(2)
        .unwrap_or_else(|| format!("{}/../tests/conformance", env!("CARGO_MANIFEST_DIR")));
    conformance_samples(&conformance);
}

/// Two providers and tokens that tell binding apart from pooling (`providers.tokens.txt`):
/// provider A signs HS256 with `hs256.secret` and no kid, as `https://a.example` for `a-api`;
/// provider B signs RS256 with the `rsa-2024` key, as `https://b.example` for `b-api`, and
/// allows 120 s of leeway. Each line is `NAME EXPECTED PROVIDER TOKEN`: the status name without
/// its `JWTGUARD_` prefix, and the index of the provider that accepts it (-1 for none).
fn provider_samples(out: &str, b_key: &Signer_) {
    let body = |iss: &str, aud: &str, exp: u64| {
        format!(r#"{{"iss":"{iss}","sub":"user_24601","aud":"{aud}","exp":{exp},"iat":{NOW}}}"#)
    };
    let a_head = r#"{"alg":"HS256","typ":"JWT"}"#;
    let b_head = r#"{"alg":"RS256","typ":"JWT","kid":"rsa-2024"}"#;
    let (a, b) = ("https://a.example", "https://b.example");
    let exp = NOW + 3600;
    let cases = [
        (
            "a-ok",
            "OK",
            0,
            a_head,
            body(a, "a-api", exp),
            &Signer_::Hmac,
        ),
        ("b-ok", "OK", 1, b_head, body(b, "b-api", exp), b_key),
        (
            "a-key-b-issuer",
            "ISSUER_KEY_MISMATCH",
            -1,
            a_head,
            body(b, "b-api", exp),
            &Signer_::Hmac,
        ),
        (
            "b-key-a-issuer",
            "ISSUER_KEY_MISMATCH",
            -1,
            b_head,
            body(a, "a-api", exp),
            b_key,
        ),
        (
            "a-key-b-audience",
            "INVALID_AUDIENCE",
            -1,
            a_head,
            body(a, "b-api", exp),
            &Signer_::Hmac,
        ),
        (
            "b-expired-within-leeway",
            "OK",
            1,
            b_head,
            body(b, "b-api", NOW - 60),
            b_key,
        ),
        (
            "a-expired",
            "EXPIRED",
            -1,
            a_head,
            body(a, "a-api", NOW - 60),
            &Signer_::Hmac,
        ),
        (
            "unknown-issuer",
            "INVALID_ISSUER",
            -1,
            a_head,
            body("https://c.example", "a-api", exp),
            &Signer_::Hmac,
        ),
    ];
    let mut text = String::from(
        "# Provider binding samples (ffi/examples/make_sample_data.rs): NAME EXPECTED PROVIDER TOKEN.\n\
         # A: HS256 with hs256.secret, iss https://a.example, aud a-api.\n\
         # B: RS256 with rsa-2024, iss https://b.example, aud b-api, leeway 120 s.\n",
    );
    for (name, want, provider, head, claims, signer) in cases {
        writeln!(
            text,
            "{name} {want} {provider} {}",
            token(head, &claims, signer)
        )
        .unwrap();
    }
    std::fs::write(format!("{out}/providers.tokens.txt"), text).unwrap();

    // One key set for several tenants (issue 28): providers 0-2 each hold the rsa-2024 key and
    // list one tenant's issuer; provider 3 holds the HS256 secret and lists tenant 4.
    let tenant = |n: u32| format!("https://login.example/tenant-{n}/v2.0");
    let mut text = String::from(
        "# Tenant samples (ffi/examples/make_sample_data.rs): NAME EXPECTED PROVIDER TOKEN.\n\
         # Providers 0-2: the rsa-2024 key, iss https://login.example/tenant-N/v2.0 (N = 1-3), aud api.\n\
         # Provider 3: HS256 with hs256.secret, iss .../tenant-4/v2.0, aud api.\n",
    );
    let cases = [
        ("tenant-1", "OK", 0, b_head, tenant(1), b_key),
        ("tenant-2", "OK", 1, b_head, tenant(2), b_key),
        ("tenant-3", "OK", 2, b_head, tenant(3), b_key),
        (
            "tenant-4-own-key",
            "OK",
            3,
            a_head,
            tenant(4),
            &Signer_::Hmac,
        ),
        (
            "tenant-4-shared-key",
            "ISSUER_KEY_MISMATCH",
            -1,
            b_head,
            tenant(4),
            b_key,
        ),
        ("tenant-9", "INVALID_ISSUER", -1, b_head, tenant(9), b_key),
    ];
    for (name, want, provider, head, iss, signer) in cases {
        let claims = body(&iss, "api", exp);
        writeln!(
            text,
            "{name} {want} {provider} {}",
            token(head, &claims, signer)
        )
        .unwrap();
    }
    std::fs::write(format!("{out}/tenants.tokens.txt"), text).unwrap();
}

/// The deepest RSA verifies, for the stack measurement (`ffi/tests/c/stack.c`): one 4096-bit
/// key bound to RS256 and to PS512 (`rsa4096.jwks.json`), and a token for each
/// (`rsa4096.tokens.txt`, RS256 then PS512). PSS draws its salt from a seeded generator.
fn rsa4096_samples(out: &str) {
    use rand_chacha::rand_core::SeedableRng;
    use rsa::signature::{RandomizedSigner, SignatureEncoding, Signer};
    let k = key(4096);
    let pk = k.to_public_key();
    let (n, e) = (b64(&pk.n().to_bytes_be()), b64(&pk.e().to_bytes_be()));
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(4096);
    let mut keys = Vec::new();
    let mut tokens = String::new();
    for alg in ["RS256", "PS512"] {
        let kid = format!("{}-4096", alg.to_ascii_lowercase());
        keys.push(format!(
            r#"{{"kty":"RSA","kid":"{kid}","alg":"{alg}","n":"{n}","e":"{e}"}}"#
        ));
        let header = format!(r#"{{"alg":"{alg}","typ":"JWT","kid":"{kid}"}}"#);
        let input = format!(
            "{}.{}",
            b64(header.as_bytes()),
            b64(claims("", NOW + 3600).as_bytes())
        );
        let sig = if alg == "RS256" {
            rsa::pkcs1v15::SigningKey::<rsa::sha2::Sha256>::new(k.clone())
                .sign(input.as_bytes())
                .to_vec()
        } else {
            rsa::pss::BlindedSigningKey::<rsa::sha2::Sha512>::new(k.clone())
                .sign_with_rng(&mut rng, input.as_bytes())
                .to_vec()
        };
        writeln!(tokens, "{input}.{}", b64(&sig)).unwrap();
    }
    std::fs::write(
        format!("{out}/rsa4096.jwks.json"),
        format!("{{\"keys\":[{}]}}\n", keys.join(",")),
    )
    .unwrap();
    std::fs::write(format!("{out}/rsa4096.tokens.txt"), tokens).unwrap();
}

/// The sample key of each algorithm (`algs.jwks.json`): one RSA-2048 key for RS* and PS*,
/// fixed P-256, P-384 and Ed25519 keys, and HMAC secrets of the hash's length.
struct AlgKeys {
    rsa: rsa::RsaPrivateKey,
    es256: p256::ecdsa::SigningKey,
    es384: p384::ecdsa::SigningKey,
    ed: ed25519_dalek::SigningKey,
}

impl AlgKeys {
    fn new() -> Self {
        Self {
            rsa: key(2048),
            es256: p256::ecdsa::SigningKey::from_slice(&[0x25; 32]).unwrap(),
            es384: p384::ecdsa::SigningKey::from_slice(&[0x38; 48]).unwrap(),
            ed: ed25519_dalek::SigningKey::from_bytes(&[0xed; 32]),
        }
    }

    fn secret(alg: &str) -> Vec<u8> {
        let len = match alg {
            "HS256" => 32,
            "HS384" => 48,
            _ => 64,
        };
        (0..len).map(|i| b'a' + (i % 26) as u8).collect()
    }

    /// The public JWK of `alg`'s key, with `kid`.
    fn jwk(&self, alg: &str, kid: &str) -> String {
        match alg {
            "HS256" | "HS384" | "HS512" => format!(
                r#"{{"kty":"oct","kid":"{kid}","alg":"{alg}","k":"{}"}}"#,
                b64(&Self::secret(alg))
            ),
            "ES256" => {
                let point = self.es256.verifying_key().to_sec1_point(false);
                format!(
                    r#"{{"kty":"EC","kid":"{kid}","crv":"P-256","x":"{}","y":"{}"}}"#,
                    b64(&point.as_bytes()[1..33]),
                    b64(&point.as_bytes()[33..])
                )
            }
            "ES384" => {
                let point = self.es384.verifying_key().to_sec1_point(false);
                format!(
                    r#"{{"kty":"EC","kid":"{kid}","crv":"P-384","alg":"ES384","x":"{}","y":"{}"}}"#,
                    b64(&point.as_bytes()[1..49]),
                    b64(&point.as_bytes()[49..])
                )
            }
            "EdDSA" => format!(
                r#"{{"kty":"OKP","kid":"{kid}","crv":"Ed25519","x":"{}"}}"#,
                b64(self.ed.verifying_key().as_bytes())
            ),
            _ => {
                let pk = self.rsa.to_public_key();
                format!(
                    r#"{{"kty":"RSA","kid":"{kid}","alg":"{alg}","n":"{}","e":"{}"}}"#,
                    b64(&pk.n().to_bytes_be()),
                    b64(&pk.e().to_bytes_be())
                )
            }
        }
    }

    /// `alg`'s signature over `m` (PSS salts drawn from `rng`).
    fn sign(&self, alg: &str, m: &[u8], rng: &mut rand_chacha::ChaCha8Rng) -> Vec<u8> {
        use rsa::sha2::{Sha256, Sha384, Sha512};
        use rsa::signature::RandomizedSigner;
        let k = || self.rsa.clone();
        match alg {
            "HS256" => hmac_tag!(sha2::Sha256, &Self::secret(alg), m),
            "HS384" => hmac_tag!(sha2::Sha384, &Self::secret(alg), m),
            "HS512" => hmac_tag!(sha2::Sha512, &Self::secret(alg), m),
            "RS256" => rsa::pkcs1v15::SigningKey::<Sha256>::new(k())
                .sign(m)
                .to_vec(),
            "RS384" => rsa::pkcs1v15::SigningKey::<Sha384>::new(k())
                .sign(m)
                .to_vec(),
            "RS512" => rsa::pkcs1v15::SigningKey::<Sha512>::new(k())
                .sign(m)
                .to_vec(),
            "PS256" => rsa::pss::BlindedSigningKey::<Sha256>::new(k())
                .sign_with_rng(rng, m)
                .to_vec(),
            "PS384" => rsa::pss::BlindedSigningKey::<Sha384>::new(k())
                .sign_with_rng(rng, m)
                .to_vec(),
            "PS512" => rsa::pss::BlindedSigningKey::<Sha512>::new(k())
                .sign_with_rng(rng, m)
                .to_vec(),
            "ES256" => {
                let sig: p256::ecdsa::Signature =
                    p256::ecdsa::signature::Signer::sign(&self.es256, m);
                sig.to_bytes().to_vec()
            }
            "ES384" => {
                let sig: p384::ecdsa::Signature =
                    p384::ecdsa::signature::Signer::sign(&self.es384, m);
                sig.to_bytes().to_vec()
            }
            _ => ed25519_dalek::Signer::sign(&self.ed, m).to_bytes().to_vec(),
        }
    }
}

const ALGS: [&str; 12] = [
    "HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256",
    "ES384", "EdDSA",
];

/// One key and one valid token per algorithm (`algs.jwks.json`, `algs.tokens.txt`, one token
/// per line in the keys' order), and the keys some tests load from files (`hs512.secret`,
/// `es256.pub.pem`, `ed25519.pub.pem`). PSS draws its salt from a seeded generator.
fn algorithm_samples(out: &str) {
    use p256::pkcs8::{EncodePublicKey as _, LineEnding};
    use rand_chacha::rand_core::SeedableRng;
    let ak = AlgKeys::new();
    let mut pss_rng = rand_chacha::ChaCha8Rng::seed_from_u64(7520);
    let mut keys = Vec::new();
    let mut tokens = String::new();
    let user = r#","permissions":["leagues:read"],"user_data":{"name":"Jean Valjean"}"#;
    for alg in ALGS {
        let kid = format!("{}-key", alg.to_ascii_lowercase());
        let header = format!(r#"{{"alg":"{alg}","typ":"JWT","kid":"{kid}"}}"#);
        let input = format!(
            "{}.{}",
            b64(header.as_bytes()),
            b64(claims(user, NOW + 3600).as_bytes())
        );
        let sig = ak.sign(alg, input.as_bytes(), &mut pss_rng);
        keys.push(ak.jwk(alg, &kid));
        writeln!(tokens, "{input}.{}", b64(&sig)).unwrap();
    }
    std::fs::write(format!("{out}/hs512.secret"), AlgKeys::secret("HS512")).unwrap();
    let pem = ak
        .es256
        .verifying_key()
        .to_public_key_pem(LineEnding::LF)
        .unwrap();
    std::fs::write(format!("{out}/es256.pub.pem"), pem).unwrap();
    let pem = ed25519_dalek::pkcs8::EncodePublicKey::to_public_key_pem(
        &ak.ed.verifying_key(),
        ed25519_dalek::pkcs8::spki::der::pem::LineEnding::LF,
    )
    .unwrap();
    std::fs::write(format!("{out}/ed25519.pub.pem"), pem).unwrap();
    std::fs::write(
        format!("{out}/algs.jwks.json"),
        format!("{{\"keys\":[\n{}\n]}}\n", keys.join(",\n")),
    )
    .unwrap();
    std::fs::write(format!("{out}/algs.tokens.txt"), tokens).unwrap();
}

/// Tokens that fail in none, one, two and five ways, and before the signature, under the
/// bundled policy (`policy.args`), with what `jwtguard_explain` must answer
/// (`explain.cases.txt`): the C tests and the CLI's read the same table.
fn explain_samples(out: &str, key: &Signer_) {
    let rs = r#"{"alg":"RS256","typ":"JWT","kid":"rsa-2024"}"#;
    let user = r#""permissions":["leagues:read"],"user_data":{"name":"Jean Valjean"}"#;
    let body = |iss: &str, aud: &str, azp: &str, exp: u64, nbf: u64| {
        format!(
            r#"{{"iss":"{iss}","sub":"user_24601","aud":"{aud}","azp":"{azp}","exp":{exp},"nbf":{nbf},"iat":{},{user}}}"#,
            NOW - 60
        )
    };
    let (iss, aud, azp) = (
        "https://issuer.example",
        "api.example",
        "https://app.example",
    );
    let good = body(iss, aud, azp, NOW + 3600, NOW - 60);
    let forged = {
        let t = token(rs, &good, key);
        let mut parts: Vec<String> = t.split('.').map(String::from).collect();
        parts[1] = b64(body("https://evil.example", "x", "x", NOW - 1, NOW + 600).as_bytes());
        parts.join(".")
    };
    let cases = [
        ("none", "JWTGUARD_OK", "-", token(rs, &good, key)),
        (
            "one",
            "JWTGUARD_EXPIRED",
            "exp",
            token(rs, &body(iss, aud, azp, NOW - 1, NOW - 60), key),
        ),
        (
            "two",
            "JWTGUARD_EXPIRED",
            "exp,aud",
            token(rs, &body(iss, "other.example", azp, NOW - 1, NOW - 60), key),
        ),
        (
            "five",
            "JWTGUARD_EXPIRED",
            "exp,nbf,iss,aud,azp",
            token(
                rs,
                &body(
                    "https://evil.example",
                    "other.example",
                    "https://evil.example",
                    NOW - 1,
                    NOW + 600,
                ),
                key,
            ),
        ),
        (
            "claims changed after signing (they would fail five ways): the walk ends at the signature",
            "JWTGUARD_INVALID_SIGNATURE",
            "signature",
            forged,
        ),
        (
            "a kid the key set does not have",
            "JWTGUARD_UNKNOWN_KEY",
            "key selection",
            token(r#"{"alg":"RS256","kid":"rsa-1999"}"#, &good, key),
        ),
    ];
    let mut text = String::from(
        "# jwtguard_explain under policy.args at 1700000000: WAYS | VERDICT | FAILING CHECKS (in\n\
         # order, keys left out; - for none) | TOKEN.\n",
    );
    for (ways, verdict, failing, t) in cases {
        writeln!(text, "{ways} | {verdict} | {failing} | {t}").unwrap();
    }
    std::fs::write(format!("{out}/explain.cases.txt"), text).unwrap();
}

/// The conformance file (`tests/conformance/cases.txt`, its keys in `keys.jwks.json`): a token
/// for every status a token can get through a gateway, with every algorithm, under two
/// policies, with the status every binding must give. The times are fixed and far from now
/// (issued in 2023, expiring in 2100, a maximum age of 50 years), so the gateways verify them
/// against their own clocks, with the same verdicts until 2073.
fn conformance_samples(dir: &str) {
    use rand_chacha::rand_core::SeedableRng;
    std::fs::create_dir_all(dir).unwrap();
    let ak = AlgKeys::new();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(32);
    let keys: Vec<String> = ALGS
        .iter()
        .map(|alg| ak.jwk(alg, &format!("{}-key", alg.to_ascii_lowercase())))
        .collect();
    std::fs::write(
        format!("{dir}/keys.jwks.json"),
        format!("{{\"keys\":[\n{}\n]}}\n", keys.join(",\n")),
    )
    .unwrap();
    // Two identity providers' key sets, for the providers cases: A signs with HMAC and RSA, B
    // with EC and EdDSA.
    for (name, algs) in [("a", ["HS256", "RS256"]), ("b", ["ES256", "EdDSA"])] {
        let set: Vec<String> = algs
            .iter()
            .map(|alg| ak.jwk(alg, &format!("{}-key", alg.to_ascii_lowercase())))
            .collect();
        std::fs::write(
            format!("{dir}/keys-{name}.jwks.json"),
            format!("{{\"keys\":[\n{}\n]}}\n", set.join(",\n")),
        )
        .unwrap();
    }

    const ISSUED: u64 = 1_700_000_000; // 2023-11-14
    const LATER: u64 = 4_102_444_800; // 2100-01-01
    let head = |alg: &str| {
        format!(
            r#"{{"alg":"{alg}","typ":"JWT","kid":"{}-key"}}"#,
            alg.to_ascii_lowercase()
        )
    };
    // The base policy's valid claims, with `edit` applied to the JSON text.
    let body = |edit: &dyn Fn(String) -> String| {
        edit(format!(
            r#"{{"iss":"https://issuer.example","sub":"user_1","aud":"api.example","azp":"https://app.example","exp":{LATER},"nbf":{ISSUED},"iat":{ISSUED},"permissions":["read"]}}"#
        ))
    };
    let same = |c: String| c;
    let at_body = |edit: &dyn Fn(String) -> String| {
        edit(format!(
            r#"{{"iss":"https://issuer.example","sub":"user_1","aud":"api.example","exp":{LATER},"iat":{ISSUED},"jti":"j-1","client_id":"app-1","scope":"orders profile"}}"#
        ))
    };
    let mut sign = |alg: &str, header: &str, claims: &str| {
        let input = format!("{}.{}", b64(header.as_bytes()), b64(claims.as_bytes()));
        let sig = ak.sign(alg, input.as_bytes(), &mut rng);
        format!("{input}.{}", b64(&sig))
    };
    let mut cases: Vec<(String, &str, &str, String)> = Vec::new();
    for alg in ALGS {
        cases.push((
            format!("valid {alg}"),
            "base",
            "JWTGUARD_OK",
            sign(alg, &head(alg), &body(&same)),
        ));
    }
    let hs = head("HS256");
    let good = body(&same);
    let raw =
        |h: &str, c: &str, sig: &str| format!("{}.{}.{sig}", b64(h.as_bytes()), b64(c.as_bytes()));
    let mut add = |name: &str, policy: &'static str, want: &'static str, token: String| {
        cases.push((name.to_string(), policy, want, token));
    };
    // Format (RFC 7515 §7.1, §2; RFC 8259).
    let long = body(&|c| c.replace("\"read\"]", &format!("\"read\",\"{}\"]", "x".repeat(1600))));
    add(
        "longer than 2048 bytes",
        "base",
        "JWTGUARD_TOKEN_TOO_LONG",
        sign("HS256", &hs, &long),
    );
    add(
        "two segments",
        "base",
        "JWTGUARD_MALFORMED",
        format!("{}.{}", b64(hs.as_bytes()), b64(good.as_bytes())),
    );
    add(
        "an empty header segment",
        "base",
        "JWTGUARD_EMPTY_SEGMENT",
        format!(".{}.c2ln", b64(good.as_bytes())),
    );
    add(
        "not base64url",
        "base",
        "JWTGUARD_BASE64",
        format!("{}!.{}.c2ln", b64(hs.as_bytes()), b64(good.as_bytes())),
    );
    add(
        "a header that is not JSON",
        "base",
        "JWTGUARD_JSON_SYNTAX",
        raw(r#"{"alg":"HS256",}"#, &good, "c2ln"),
    );
    add(
        "a header with alg twice",
        "base",
        "JWTGUARD_JSON_DUPLICATE_MEMBER",
        raw(
            r#"{"alg":"HS256","alg":"none","kid":"hs256-key"}"#,
            &good,
            "c2ln",
        ),
    );
    add(
        "claims with sub twice (signed: libjwt and jwt-cpp take the last)",
        "base",
        "JWTGUARD_JSON_DUPLICATE_MEMBER",
        sign(
            "HS256",
            &hs,
            &body(&|c| c.replace(r#""sub":"user_1","#, r#""sub":"user_1","sub":"admin","#)),
        ),
    );
    add(
        "claims nested 40 deep",
        "base",
        "JWTGUARD_JSON_TOO_COMPLEX",
        sign(
            "HS256",
            &hs,
            &body(&|c| {
                c.replace(
                    "\"read\"]",
                    &format!("\"read\",{}{}]", "[".repeat(40), "]".repeat(40)),
                )
            }),
        ),
    );
    add(
        "claims that are an array",
        "base",
        "JWTGUARD_JSON_NOT_OBJECT",
        sign("HS256", &hs, "[1,2]"),
    );
    // Header (RFC 7515 §4.1).
    add(
        "no alg",
        "base",
        "JWTGUARD_MISSING_ALGORITHM",
        raw(r#"{"typ":"JWT","kid":"hs256-key"}"#, &good, "c2ln"),
    );
    add(
        "alg none",
        "base",
        "JWTGUARD_UNSUPPORTED_ALGORITHM",
        raw(r#"{"alg":"none","kid":"hs256-key"}"#, &good, ""),
    );
    add(
        "a kid that is a number",
        "base",
        "JWTGUARD_INVALID_HEADER_PARAMETER",
        raw(r#"{"alg":"HS256","kid":7}"#, &good, "c2ln"),
    );
    add(
        "crit",
        "base",
        "JWTGUARD_CRITICAL_EXTENSION",
        sign(
            "HS256",
            r#"{"alg":"HS256","kid":"hs256-key","crit":["exp"],"exp":1}"#,
            &good,
        ),
    );
    add(
        "cty JWT (a nested token)",
        "base",
        "JWTGUARD_NESTED_TOKEN",
        sign(
            "HS256",
            r#"{"alg":"HS256","kid":"hs256-key","cty":"JWT"}"#,
            &good,
        ),
    );
    // Keys (RFC 7515 §4.1.4, RFC 8725 §3.1).
    add(
        "a kid the key set lacks",
        "base",
        "JWTGUARD_UNKNOWN_KEY",
        sign("HS256", r#"{"alg":"HS256","kid":"nobody"}"#, &good),
    );
    add(
        "no kid where one is required",
        "base",
        "JWTGUARD_MISSING_KEY_ID",
        sign("HS256", r#"{"alg":"HS256","typ":"JWT"}"#, &good),
    );
    add(
        "the RS256 key's kid with alg PS256",
        "base",
        "JWTGUARD_ALGORITHM_MISMATCH",
        sign("PS256", r#"{"alg":"PS256","kid":"rs256-key"}"#, &good),
    );
    // Signatures (RFC 7515 §5.2).
    add(
        "an HS256 signature of 16 bytes",
        "base",
        "JWTGUARD_SIGNATURE_LENGTH",
        raw(&hs, &good, &b64(&[7u8; 16])),
    );
    for alg in ["HS256", "RS256", "PS256", "ES256", "ES384", "EdDSA"] {
        let t = sign(alg, &head(alg), &good);
        let mut parts: Vec<String> = t.split('.').map(String::from).collect();
        parts[1] = b64(body(&|c| c.replace("user_1", "admin")).as_bytes());
        add(
            &format!("{alg}, claims changed after signing"),
            "base",
            "JWTGUARD_INVALID_SIGNATURE",
            parts.join("."),
        );
    }
    // Claims (RFC 7519 §4.1), each signed by another family in turn.
    type Edit = Box<dyn Fn(String) -> String>;
    let claim_cases: [(&str, &'static str, Edit); 13] = [
        (
            "exp a string",
            "JWTGUARD_CLAIM_TYPE",
            Box::new(move |c: String| c.replace(&format!("\"exp\":{LATER}"), "\"exp\":\"2100\"")),
        ),
        (
            "exp negative",
            "JWTGUARD_CLAIM_OUT_OF_RANGE",
            Box::new(move |c: String| c.replace(&format!("\"exp\":{LATER}"), "\"exp\":-1")),
        ),
        (
            "no exp",
            "JWTGUARD_MISSING_EXPIRATION",
            Box::new(move |c: String| c.replace(&format!("\"exp\":{LATER},"), "")),
        ),
        (
            "expired in 2023",
            "JWTGUARD_EXPIRED",
            Box::new(move |c: String| {
                c.replace(
                    &format!("\"exp\":{LATER}"),
                    &format!("\"exp\":{}", ISSUED + 60),
                )
            }),
        ),
        (
            "nbf in 2100",
            "JWTGUARD_NOT_YET_VALID",
            Box::new(move |c: String| {
                c.replace(&format!("\"nbf\":{ISSUED}"), &format!("\"nbf\":{LATER}"))
            }),
        ),
        (
            "iat in 2100",
            "JWTGUARD_ISSUED_IN_FUTURE",
            Box::new(move |c: String| {
                c.replace(&format!("\"iat\":{ISSUED}"), &format!("\"iat\":{LATER}"))
            }),
        ),
        (
            "no iat where a maximum age is set",
            "JWTGUARD_MISSING_ISSUED_AT",
            Box::new(move |c: String| c.replace(&format!("\"iat\":{ISSUED},"), "")),
        ),
        (
            "issued in 1970, over the 50-year maximum age",
            "JWTGUARD_TOO_OLD",
            Box::new(move |c: String| {
                c.replace(&format!("\"iat\":{ISSUED}"), "\"iat\":1")
                    .replace(&format!("\"nbf\":{ISSUED}"), "\"nbf\":1")
            }),
        ),
        (
            "another issuer",
            "JWTGUARD_INVALID_ISSUER",
            Box::new(|c: String| c.replace("https://issuer.example", "https://evil.example")),
        ),
        (
            "another audience",
            "JWTGUARD_INVALID_AUDIENCE",
            Box::new(|c: String| c.replace("api.example", "other.example")),
        ),
        (
            "another authorized party",
            "JWTGUARD_INVALID_AUTHORIZED_PARTY",
            Box::new(|c: String| c.replace("https://app.example", "https://evil.example")),
        ),
        (
            "an empty sub",
            "JWTGUARD_INVALID_SUBJECT",
            Box::new(|c: String| c.replace("\"user_1\"", "\"\"")),
        ),
        (
            "without the permission",
            "JWTGUARD_INSUFFICIENT_PERMISSIONS",
            Box::new(|c: String| c.replace("[\"read\"]", "[\"write\"]")),
        ),
    ];
    let families = ["HS256", "RS256", "PS256", "ES256", "ES384", "EdDSA"];
    for (i, (name, want, edit)) in claim_cases.iter().enumerate() {
        let alg = families[i % families.len()];
        add(
            &format!("{name} ({alg})"),
            "base",
            want,
            sign(alg, &head(alg), &body(&**edit)),
        );
    }
    add(
        "an access token at a JWT location (typ at+jwt)",
        "base",
        "JWTGUARD_UNEXPECTED_TYPE",
        sign(
            "ES256",
            r#"{"alg":"ES256","typ":"at+jwt","kid":"es256-key"}"#,
            &good,
        ),
    );
    // The access-token profile (RFC 9068).
    let at = |alg: &str| {
        format!(
            r#"{{"alg":"{alg}","typ":"at+jwt","kid":"{}-key"}}"#,
            alg.to_ascii_lowercase()
        )
    };
    add(
        "an RFC 9068 access token",
        "access",
        "JWTGUARD_OK",
        sign("RS256", &at("RS256"), &at_body(&same)),
    );
    add(
        "an access token typed JWT",
        "access",
        "JWTGUARD_UNEXPECTED_TYPE",
        sign("RS256", &head("RS256"), &at_body(&same)),
    );
    add(
        "an access token without client_id",
        "access",
        "JWTGUARD_MISSING_CLIENT_ID",
        sign(
            "EdDSA",
            &at("EdDSA"),
            &at_body(&|c| c.replace(r#","client_id":"app-1""#, "")),
        ),
    );
    add(
        "an access token without jti",
        "access",
        "JWTGUARD_MISSING_JWT_ID",
        sign(
            "ES256",
            &at("ES256"),
            &at_body(&|c| c.replace(r#","jti":"j-1""#, "")),
        ),
    );
    add(
        "an access token without the scope",
        "access",
        "JWTGUARD_INSUFFICIENT_PERMISSIONS",
        sign(
            "HS256",
            &at("HS256"),
            &at_body(&|c| c.replace("orders profile", "profile")),
        ),
    );

    // Two providers in one set (RFC 8725 §3.8: each key bound to its provider's issuer).
    let tenant = |iss: &str| {
        format!(
            r#"{{"iss":"{iss}","sub":"user_1","aud":"api.example","exp":{LATER},"iat":{ISSUED}}}"#
        )
    };
    let (ia, ib) = ("https://a.example", "https://b.example");
    add(
        "provider A's key and issuer",
        "ab",
        "JWTGUARD_OK",
        sign("RS256", &head("RS256"), &tenant(ia)),
    );
    add(
        "provider B's key and issuer",
        "ab",
        "JWTGUARD_OK",
        sign("EdDSA", &head("EdDSA"), &tenant(ib)),
    );
    add(
        "provider A's key, provider B's issuer",
        "ab",
        "JWTGUARD_ISSUER_KEY_MISMATCH",
        sign("HS256", &head("HS256"), &tenant(ib)),
    );
    add(
        "provider B's key, provider A's issuer",
        "ab",
        "JWTGUARD_ISSUER_KEY_MISMATCH",
        sign("ES256", &head("ES256"), &tenant(ia)),
    );
    add(
        "a provider's key, an issuer neither lists",
        "ab",
        "JWTGUARD_INVALID_ISSUER",
        sign("RS256", &head("RS256"), &tenant("https://c.example")),
    );
    add(
        "a kid neither provider has",
        "ab",
        "JWTGUARD_UNKNOWN_KEY",
        sign("PS256", &head("PS256"), &tenant(ia)),
    );

    let mut text = String::from(
        "# The conformance file (tests/conformance/README.md): every binding verifies each token under\n\
         # its policy, with keys.jwks.json and the real clock, and must give the status named.\n\
         # @policy NAME SETTING=VALUE...   @providers NAME POLICY...   NAME | POLICY | STATUS | TOKEN\n\
         # (keys=FILE: the policy's key set; keys.jwks.json without it)\n\
         @policy base iss=https://issuer.example aud=api.example azp=https://app.example permission=read max_age=1577836800 require_kid=on\n\
         @policy access iss=https://issuer.example aud=api.example permission=orders access_token=on require_kid=on\n\
         @policy a keys=keys-a.jwks.json iss=https://a.example aud=api.example require_kid=on\n\
         @policy b keys=keys-b.jwks.json iss=https://b.example aud=api.example require_kid=on\n\
         @providers ab a b\n",
    );
    for (name, policy, want, token) in &cases {
        writeln!(text, "{name} | {policy} | {want} | {token}").unwrap();
    }
    std::fs::write(format!("{dir}/cases.txt"), text).unwrap();
}
