//! The conformance file (`tests/conformance/cases.txt`, issue 33): the core gives every case the
//! status named there. The C tests, the CLI, the nginx module, the Lua binding and the HAProxy
//! module run the same file.

use jwtguard::lists::Owned;
use jwtguard::{Error, KeyRing, Policy, Providers, Request, TokenBuf, Verifier};

type Lists = Owned<4, 4, 0, 64>;
type V = Verifier<'static, 16, Lists>;

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/conformance");

/// A verifier for one `@policy` line, over its keys (`keys=FILE`, else keys.jwks.json).
fn verifier(settings: &str) -> V {
    let file = settings
        .split_whitespace()
        .find_map(|s| s.strip_prefix("keys="))
        .unwrap_or("keys.jwks.json");
    let mut keys = KeyRing::new();
    keys.add_jwks(&std::fs::read(format!("{ROOT}/{file}")).unwrap())
        .unwrap();
    let mut policy = Policy::<'static, Lists>::owned();
    for setting in settings.split_whitespace() {
        let (name, value) = setting.split_once('=').unwrap();
        match name {
            "keys" => {}
            "iss" => policy.add_issuer(value).unwrap(),
            "aud" => policy.add_audience(value).unwrap(),
            "azp" => policy.add_authorized_party(value).unwrap(),
            "permission" => policy.add_required_permission(value).unwrap(),
            "max_age" => policy.set_max_age(Some(value.parse().unwrap())),
            "access_token" => policy.set_access_token_profile(value == "on"),
            "require_kid" => keys.require_kid(value == "on"),
            other => panic!("unknown setting {other}"),
        }
    }
    Verifier::new(keys, policy)
}

#[test]
fn every_case_gets_its_status() {
    let text = std::fs::read_to_string(format!("{ROOT}/cases.txt")).unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let mut policies = std::collections::HashMap::new();
    let mut sets: std::collections::HashMap<String, Vec<String>> = Default::default();
    let mut seen = std::collections::BTreeSet::new();
    let mut cases = 0;
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        if let Some(rest) = line.strip_prefix("@policy ") {
            let (name, settings) = rest.split_once(' ').unwrap();
            policies.insert(name.to_string(), verifier(settings));
            continue;
        }
        if let Some(rest) = line.strip_prefix("@providers ") {
            let mut words = rest.split_whitespace().map(String::from);
            let name = words.next().unwrap();
            sets.insert(name, words.collect());
            continue;
        }
        let f: Vec<&str> = line.split(" | ").collect();
        let (name, policy, want, token) = (f[0], f[1], f[2], f[3]);
        let mut buf = TokenBuf::new();
        let got = match sets.get(policy) {
            Some(members) => {
                let list: Vec<&V> = members.iter().map(|m| &policies[m.as_str()]).collect();
                let set = Providers::new(&list).unwrap();
                set.verify_request(token.as_bytes(), now, &mut buf, Request::new())
                    .map(|_| ())
            }
            None => policies[policy]
                .verify_request(token.as_bytes(), now, &mut buf, Request::new())
                .map(|_| ()),
        };
        let got = match got {
            Ok(()) => "JWTGUARD_OK".to_string(),
            Err(r) => format!("JWTGUARD_{}", screaming(r.error.name())),
        };
        assert_eq!(got, want, "{name}");
        seen.insert(want.to_string());
        cases += 1;
    }
    assert!(cases >= 50, "{cases} cases");
    // Every status a token can get (the verdicts, declared first in `Error`, up to the
    // metadata field), but the two tests/conformance/README.md leaves out, with why.
    let left_out = [Error::TokenWhitespace, Error::MissingMetadataField];
    let last = Error::ALL
        .iter()
        .position(|e| *e == Error::MissingMetadataField)
        .unwrap();
    let mut want: std::collections::BTreeSet<String> = Error::ALL[..=last]
        .iter()
        .filter(|e| !left_out.contains(e))
        .map(|e| format!("JWTGUARD_{}", screaming(e.name())))
        .collect();
    want.insert("JWTGUARD_OK".into());
    assert_eq!(seen, want);
}

/// `Expired` -> `EXPIRED`, `InvalidAudience` -> `INVALID_AUDIENCE` (the C names).
fn screaming(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_uppercase());
    }
    out
}
