//! Every algorithm's verify path on arbitrary bytes (issue 17): a ring holding one key per
//! algorithm (the sample JWKS, kid = algorithm), and fuzzed payloads and signatures under each
//! algorithm's header, or whole fuzzed tokens. No panic; a key answers only its algorithm.
#![no_main]
use std::sync::OnceLock;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jwtguard::{Algorithm, Error, KeyRing, TokenBuf, UntrustedToken};
use libfuzzer_sys::fuzz_target;

const JWKS: &str = include_str!("../../examples/data/algs.jwks.json");

fn ring() -> &'static KeyRing<12> {
    static R: OnceLock<KeyRing<12>> = OnceLock::new();
    R.get_or_init(|| {
        let mut r = KeyRing::new();
        let report = r.add_jwks(JWKS.as_bytes()).unwrap();
        assert_eq!(report.loaded, 12);
        r
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&sel, rest)) = data.split_first() else {
        return;
    };
    let whole = sel & 0x80 != 0;
    let token = if whole {
        rest.to_vec()
    } else {
        let alg = Algorithm::ALL[usize::from(sel) % Algorithm::ALL.len()];
        // Half the headers name the algorithm's own key, half another algorithm's.
        let kid_alg = if sel & 0x40 == 0 {
            alg
        } else {
            Algorithm::ALL[usize::from(sel / 3) % Algorithm::ALL.len()]
        };
        let header = format!(
            r#"{{"alg":"{}","kid":"{}-key"}}"#,
            alg.name(),
            kid_alg.name().to_ascii_lowercase()
        );
        let split = rest.len() / 2;
        let (p, s) = rest.split_at(split);
        format!(
            "{}.{}.{}",
            URL_SAFE_NO_PAD.encode(header),
            URL_SAFE_NO_PAD.encode(p),
            URL_SAFE_NO_PAD.encode(s)
        )
        .into_bytes()
    };
    let mut buf = TokenBuf::new();
    if let Ok(t) = UntrustedToken::parse(&token, &mut buf) {
        let alg = t.algorithm();
        match t.verify_signature(ring()) {
            Ok(v) => {
                // A key never answers another algorithm than its own. A whole token may be a
                // real one (the seeds are); a signature the fuzzer made up never verifies.
                assert_eq!(v.algorithm(), alg);
                assert!(whole, "forged {alg:?} signature accepted");
            }
            Err(
                Error::InvalidSignature
                | Error::SignatureLength
                | Error::AlgorithmMismatch
                | Error::UnknownKey,
            ) => {}
            Err(e) => panic!("unexpected {e:?}"),
        }
    }
});
