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
use rsa::pkcs1::EncodeRsaPublicKey;
use rsa::pkcs1v15::SigningKey;
use rsa::pkcs8::DecodePrivateKey;
use rsa::signature::{SignatureEncoding, Signer};
use rsa::traits::PublicKeyParts;

const NOW: u64 = 1_700_000_000;
const SECRET: &str = "231a58b00632c9c4d8ac02b268ca4caf8dd48fd020e3dffa72666523d860988f";

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

    let mut tokens = String::from(
        "# Sample tokens for jwtguard-verify: one per line; '#' lines are comments.\n",
    );
    for (what, t) in &samples {
        writeln!(tokens, "# {what}\n{t}").unwrap();
    }
    std::fs::write(format!("{out}/tokens.txt"), tokens).unwrap();

    // The firmware example (examples/embedded) keeps its inputs in flash: a C header.
    let rsa_der = match &s1 {
        Signer_::Rsa(k) => k.to_public_key().to_pkcs1_der().unwrap().into_vec(),
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
        for chunk in v.as_bytes().chunks(72) {
            writeln!(h, "    \"{}\"", std::str::from_utf8(chunk).unwrap()).unwrap();
        }
        writeln!(h, "    ;\n").unwrap();
    };
    c_str(&mut h, "EX_HS256_SECRET", SECRET);
    writeln!(
        h,
        "/* PKCS#1 RSAPublicKey, DER: the 2048-bit key \"rsa-2024\". */"
    )
    .unwrap();
    writeln!(
        h,
        "static const uint8_t EX_RSA2048_DER[{}] = {{",
        rsa_der.len()
    )
    .unwrap();
    for chunk in rsa_der.chunks(12) {
        let row: Vec<String> = chunk.iter().map(|b| format!("0x{b:02x}")).collect();
        writeln!(h, "    {},", row.join(", ")).unwrap();
    }
    writeln!(h, "}};\n").unwrap();
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
    h.push_str("#endif\n");
    std::fs::write(format!("{out}/embedded_vectors.h"), h).unwrap();
    eprintln!("wrote {} tokens to {out}", samples.len());
}
