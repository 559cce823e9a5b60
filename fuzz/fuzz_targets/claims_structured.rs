//! Well-formed tokens around fuzzed claims, signed inside the harness, so the claims parser,
//! the policy, typed access and metadata extraction are reached past the signature.
//! - Whatever verifies must be JSON serde_json reads too.
//! - The metadata document must re-parse with serde_json and hold the values serde_json reads
//!   from the same payload at the same paths.
//! - A claims set serde_json wrote, with valid registered claims, must verify.
//! - Every top-level claim's text (`Claims::text`, which trusts the verify's index to say when
//!   a value's bytes are its text) is the text found by scanning the value, and what
//!   serde_json reads: a string's own text, anything else the same JSON.
#![no_main]
use arbitrary::Arbitrary;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use jwtguard::{Request, TokenBuf};
use libfuzzer_sys::fuzz_target;
use serde_json::{Value, json};

#[path = "common.rs"]
mod common;

#[derive(Arbitrary, Debug)]
enum Payload {
    /// A claims set built by serde_json from fuzzed values.
    Built {
        exp_delta: u32,
        name: String,
        aliases: Vec<String>,
        n: Option<i64>,
        key: String,
        value: String,
    },
    /// The fuzzer's bytes, as they are.
    Raw(Vec<u8>),
}

fn sign(payload: &[u8]) -> Vec<u8> {
    let input = format!(
        "eyJhbGciOiJIUzI1NiIsImtpZCI6ImgifQ.{}",
        URL_SAFE_NO_PAD.encode(payload)
    );
    let mut m = Hmac::<sha2::Sha256>::new_from_slice(common::SECRET).unwrap();
    m.update(input.as_bytes());
    format!(
        "{input}.{}",
        URL_SAFE_NO_PAD.encode(m.finalize().into_bytes())
    )
    .into_bytes()
}

fn at_path<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.')
        .try_fold(v, |v, seg| v.as_object()?.get(seg))
}

fuzz_target!(|input: Payload| {
    let (payload, must_verify) = match &input {
        Payload::Built {
            exp_delta,
            name,
            aliases,
            n,
            key,
            value,
        } => {
            let mut claims = json!({
                "iss": "https://issuer.example",
                "aud": ["other", "api"],
                "exp": common::NOW + 1 + u64::from(*exp_delta),
                "user_data": {"name": name, "aliases": aliases},
            });
            if let Some(n) = n {
                claims["n"] = json!(n);
            }
            let registered = [
                "iss",
                "sub",
                "aud",
                "azp",
                "exp",
                "nbf",
                "iat",
                "jti",
                "client_id",
                "user_data",
                "n",
            ];
            let plain = !registered.contains(&key.as_str());
            if plain {
                claims[key.as_str()] = json!(value);
            }
            (serde_json::to_vec(&claims).unwrap(), plain)
        }
        Payload::Raw(bytes) => (bytes.clone(), false),
    };
    let token = sign(&payload);
    let v = common::verifier();
    let mut buf = TokenBuf::new();
    let mut out = vec![0u8; 4096];
    let result = v.verify_request(
        &token,
        common::NOW,
        &mut buf,
        Request::new().metadata_into(&mut out),
    );
    if must_verify && token.len() <= jwtguard::limits::MAX_TOKEN_LEN {
        assert!(
            result.is_ok(),
            "{result:?} for {}",
            String::from_utf8_lossy(&payload)
        );
    }
    let Ok(verified) = result else { return };
    let theirs: Value =
        serde_json::from_slice(&payload).expect("jwtguard accepted JSON serde_json rejects");
    let doc: Value =
        serde_json::from_slice(&out[..verified.metadata_len]).expect("metadata is not JSON");
    for f in &common::FIELDS {
        assert_eq!(
            doc.get(f.field_name()),
            at_path(&theirs, f.path()),
            "field {}",
            f.path()
        );
    }
    // Typed access agrees with serde_json on strings and integers.
    let c = &verified.claims;
    if let Ok(Some(name)) = c.string("user_data.name") {
        let mut b = vec![0u8; 2048];
        let s = name.unescape_into(&mut b).unwrap();
        assert_eq!(
            Some(s),
            at_path(&theirs, "user_data.name").and_then(Value::as_str)
        );
    }
    if let Ok(Some(n)) = c.integer("n") {
        assert_eq!(Some(n), at_path(&theirs, "n").and_then(Value::as_i64));
    }
    for (name, want) in theirs.as_object().into_iter().flatten() {
        // Dot paths and pointers name nested values; these names are taken as they are.
        if name.is_empty() || name.contains('.') || name.starts_with('/') {
            continue;
        }
        let text = c.text(name).expect("a top-level member has a text");
        let scanned = c.value(name).expect("and a value").text();
        let got = written(text);
        assert_eq!(got, written(scanned), "{name}: index and scan disagree");
        match want {
            Value::String(s) => assert_eq!(got, s.as_bytes(), "{name}"),
            other => assert_eq!(
                &serde_json::from_slice::<Value>(&got).expect("compact JSON"),
                other,
                "{name}"
            ),
        }
    }
});

/// A text as a gateway gets it: written out, and when borrowed, the same bytes.
fn written(text: jwtguard::json::Text<'_>) -> Vec<u8> {
    let mut out = vec![0u8; text.len()];
    assert_eq!(text.write_into(&mut out), Ok(out.len()));
    if let Some(bytes) = text.as_bytes() {
        assert_eq!(bytes, &out[..]);
    }
    out
}
