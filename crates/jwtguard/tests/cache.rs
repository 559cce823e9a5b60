//! The verify cache (issue 31): a hit answers as a verify would, and nothing but the same
//! bytes, under the same keys and policy, ever hits.

mod common;

use common::*;
use jwtguard::cache::{CacheEntry, VerifyCache};
use jwtguard::{Algorithm, Error, KeyRing, Policy, Request, TokenBuf, Verifier};

fn two_key_verifier(policy: Policy<'static>, with_first: bool) -> Verifier<'static, 4> {
    let mut keys = KeyRing::new();
    if with_first {
        keys.add_hmac(Algorithm::HS256, Some("k1"), SECRET).unwrap();
    }
    keys.add_hmac(Algorithm::HS256, Some("k2"), OTHER_SECRET)
        .unwrap();
    Verifier::new(keys, policy)
}

fn token_k1() -> String {
    sign(
        r#"{"alg":"HS256","typ":"JWT","kid":"k1"}"#,
        &claims_with(r#""permissions":["read"],"#),
        SECRET,
    )
}

/// One cached verify of `t` at `now` into a fresh buffer: its verdict.
fn verify_at<const N: usize>(
    cv: &jwtguard::cache::CachedVerifier<'_, '_, N, jwtguard::lists::Borrowed<'static>>,
    cache: &mut VerifyCache<'_>,
    t: &[u8],
    now: u64,
) -> Result<(), Error> {
    let mut buf = TokenBuf::new();
    cv.verify(cache, t, now, &mut buf).map(|_| ())
}

/// Verify `t` twice through `cv`: a token is kept on its second verify.
fn prime<const N: usize>(
    cv: &jwtguard::cache::CachedVerifier<'_, '_, N, jwtguard::lists::Borrowed<'static>>,
    cache: &mut VerifyCache<'_>,
    t: &str,
) {
    for _ in 0..2 {
        let mut buf = TokenBuf::new();
        cv.verify(cache, t.as_bytes(), NOW, &mut buf).unwrap();
    }
}

/// A hit gives the claims a verify gives, and is counted as one.
#[test]
fn a_hit_answers_as_a_verify() {
    let v = two_key_verifier(POLICY, true);
    let cv = v.cached();
    let mut slots = [CacheEntry::EMPTY; 16];
    let mut cache = VerifyCache::new(&mut slots);
    let t = token_k1();
    let mut buf = TokenBuf::new();
    let first = cv.verify(&mut cache, t.as_bytes(), NOW, &mut buf).unwrap();
    let sub = first.subject().unwrap().to_string();
    assert_eq!(cache.stats(), (0, 1));
    assert!(cache.is_empty(), "a token seen once is not kept");
    verify_at(&cv, &mut cache, t.as_bytes(), NOW).unwrap();
    assert_eq!(
        (cache.stats(), cache.len()),
        ((0, 2), 1),
        "kept on its second verify"
    );
    let mut buf = TokenBuf::new();
    let again = cv.verify(&mut cache, t.as_bytes(), NOW, &mut buf).unwrap();
    assert_eq!(cache.stats(), (1, 2));
    assert_eq!(again.subject().unwrap().to_string(), sub);
    assert_eq!(
        again.issuer().unwrap().to_string(),
        "https://issuer.example"
    );
    assert_eq!(again.expires_at(), Some(NOW + 60));
    assert!(
        again
            .strings("permissions")
            .unwrap()
            .unwrap()
            .any(|p| p == "read")
    );
    // The buffer answers too, as after a verify.
    assert!(buf.validated_claims().is_some());
}

/// A token one byte different never hits: with its signature changed, a hit would accept it;
/// the full verify refuses it.
#[test]
fn a_token_one_byte_different_never_hits() {
    let v = two_key_verifier(POLICY, true);
    let cv = v.cached();
    let mut slots = [CacheEntry::EMPTY; 16];
    let mut cache = VerifyCache::new(&mut slots);
    let t = token_k1();
    verify_at(&cv, &mut cache, t.as_bytes(), NOW).unwrap();
    for at in [t.len() - 1, t.len() - 10, 5, t.find('.').unwrap() + 3] {
        let mut forged = t.clone().into_bytes();
        forged[at] = if forged[at] == b'A' { b'B' } else { b'A' };
        let mut buf = TokenBuf::new();
        assert!(
            cv.verify(&mut cache, &forged, NOW, &mut buf).is_err(),
            "byte {at} changed"
        );
    }
    assert_eq!(cache.stats().0, 0, "no lookup hit");
}

/// An expired token is refused on a hit, as by a verify; so is one not yet valid.
#[test]
fn time_is_checked_again_on_every_hit() {
    let v = two_key_verifier(POLICY, true);
    let cv = v.cached();
    let mut slots = [CacheEntry::EMPTY; 16];
    let mut cache = VerifyCache::new(&mut slots);
    let t = token_k1();
    prime(&cv, &mut cache, &t);
    let mut buf = TokenBuf::new();
    assert_eq!(
        cv.verify(&mut cache, t.as_bytes(), NOW + 60, &mut buf)
            .err(),
        Some(Error::Expired)
    );
    assert!(
        buf.validated_claims().is_none(),
        "a refused hit leaves no claims"
    );
    assert_eq!(
        verify_at(&cv, &mut cache, t.as_bytes(), NOW - 3600).err(),
        Some(Error::NotYetValid)
    );
    assert_eq!(cache.stats(), (2, 2));
}

/// A key removed by rotation stops its cached tokens at once: the new verifier's fingerprint
/// differs, so the entry is not found, and the full verify has no key.
#[test]
fn a_rotated_out_key_stops_its_cached_tokens() {
    let before = two_key_verifier(POLICY, true);
    let after = two_key_verifier(POLICY, false);
    assert_ne!(before.fingerprint(), after.fingerprint());
    let mut slots = [CacheEntry::EMPTY; 16];
    let mut cache = VerifyCache::new(&mut slots);
    let t = token_k1();
    prime(&before.cached(), &mut cache, &t);
    assert_eq!(cache.len(), 1);
    assert_eq!(
        verify_at(&after.cached(), &mut cache, t.as_bytes(), NOW).err(),
        Some(Error::UnknownKey)
    );
    assert_eq!(cache.stats().0, 0);
}

/// A cached token is refused by a verifier whose policy differs (another location): here
/// another audience.
#[test]
fn another_policy_never_shares_an_entry() {
    static OTHER: Policy<'static> = Policy::new()
        .issuers(&["https://issuer.example"])
        .audiences(&["other"])
        .authorized_parties(&["https://app.example"]);
    let here = two_key_verifier(POLICY, true);
    let there = two_key_verifier(OTHER, true);
    let mut slots = [CacheEntry::EMPTY; 16];
    let mut cache = VerifyCache::new(&mut slots);
    let t = token_k1();
    prime(&here.cached(), &mut cache, &t);
    assert_eq!(cache.len(), 1);
    assert_eq!(
        verify_at(&there.cached(), &mut cache, t.as_bytes(), NOW).err(),
        Some(Error::InvalidAudience)
    );
    // A leeway or a required claim is policy too.
    assert_ne!(POLICY.leeway(1).leeway_seconds(), POLICY.leeway_seconds());
    assert_ne!(
        two_key_verifier(POLICY.leeway(1), true).fingerprint(),
        here.fingerprint()
    );
    assert_ne!(
        two_key_verifier(POLICY.require_sub(false), true).fingerprint(),
        here.fingerprint()
    );
}

/// The call's own permissions are checked on a hit.
#[test]
fn a_hit_checks_the_calls_permissions() {
    let v = two_key_verifier(POLICY, true);
    let cv = v.cached();
    let mut slots = [CacheEntry::EMPTY; 16];
    let mut cache = VerifyCache::new(&mut slots);
    let t = token_k1();
    prime(&cv, &mut cache, &t);
    let mut buf = TokenBuf::new();
    let refused = cv.verify_request(
        &mut cache,
        t.as_bytes(),
        NOW,
        &mut buf,
        Request::new().require(&["write"]),
    );
    assert_eq!(
        refused.err().map(|r| r.error),
        Some(Error::InsufficientPermissions)
    );
    let mut buf = TokenBuf::new();
    let mut doc = [0u8; 128];
    let ok = cv
        .verify_request(
            &mut cache,
            t.as_bytes(),
            NOW,
            &mut buf,
            Request::new().require(&["read"]).metadata_into(&mut doc),
        )
        .unwrap();
    assert_eq!(ok.metadata_len, 2); // "{}": the policy names no field
    assert_eq!(cache.stats(), (2, 2));
}

/// Failed tokens are not cached; a full cache keeps its size and still answers.
#[test]
fn only_passing_tokens_are_kept_and_the_size_is_bounded() {
    let v = two_key_verifier(POLICY, true);
    let cv = v.cached();
    let mut slots = [CacheEntry::EMPTY; 8];
    let mut cache = VerifyCache::new(&mut slots);
    let bad = sign(
        HEADER,
        &claims_with(""),
        b"not the key, but long enough to be one",
    );
    let mut buf = TokenBuf::new();
    assert!(
        cv.verify(&mut cache, bad.as_bytes(), NOW, &mut buf)
            .is_err()
    );
    assert!(cache.is_empty());
    for i in 0..100 {
        let t = sign(
            r#"{"alg":"HS256","typ":"JWT","kid":"k1"}"#,
            &claims_with(&format!(r#""n":{i},"#)),
            SECRET,
        );
        prime(&cv, &mut cache, &t);
        verify_at(&cv, &mut cache, t.as_bytes(), NOW).unwrap();
    }
    assert_eq!(cache.len(), 8);
    assert_eq!(cache.stats(), (100, 201));
}

/// The fingerprint is computed once and forgotten on every change of the configuration, so a
/// verifier changed in place never answers from its old entries.
#[test]
fn a_verifier_changed_in_place_gets_a_new_fingerprint() {
    let mut v = two_key_verifier(POLICY, true);
    let before = v.fingerprint();
    assert_eq!(v.fingerprint(), before, "kept");
    let clone = v.clone();
    assert_eq!(clone.fingerprint(), before, "a clone computes the same");
    v.keys_mut()
        .add_hmac(
            Algorithm::HS256,
            Some("k3"),
            b"a-third-secret-that-is-long-enough!!",
        )
        .unwrap();
    assert_ne!(v.fingerprint(), before);
    let after_keys = v.fingerprint();
    v.set_max_token_len(4096);
    assert_ne!(v.fingerprint(), after_keys);
    let v = v.max_token_len(2048);
    assert_eq!(
        v.fingerprint(),
        after_keys,
        "back to the same configuration, the same print"
    );
}

/// The protected header is read back from the buffer after a verify and after a hit alike
/// (`TokenBuf::validated_header`, nginx's `$jwt_header_*`), and never after a failure.
#[test]
fn the_header_is_there_after_a_verify_and_a_hit() {
    let v = two_key_verifier(POLICY, true);
    let cv = v.cached();
    let mut slots = [CacheEntry::EMPTY; 16];
    let mut cache = VerifyCache::new(&mut slots);
    let t = token_k1();
    let kid = |buf: &TokenBuf| {
        buf.validated_header()
            .and_then(|h| h.get("kid"))
            .and_then(|k| k.as_str())
            .map(|k| k.to_string())
    };
    let mut buf = TokenBuf::new();
    cv.verify(&mut cache, t.as_bytes(), NOW, &mut buf).unwrap();
    assert_eq!(kid(&buf).as_deref(), Some("k1"), "after a verify");
    verify_at(&cv, &mut cache, t.as_bytes(), NOW).unwrap();
    verify_at(&cv, &mut cache, t.as_bytes(), NOW).unwrap();
    assert_eq!(cache.stats(), (1, 2));
    assert_eq!(kid(&buf).as_deref(), Some("k1"), "after a hit");
    let h = buf.validated_header().unwrap();
    assert_eq!(h.get("alg").and_then(|a| a.as_str()).unwrap(), "HS256");
    let mut out = [0u8; 64];
    let n = h.write_compact(&mut out);
    assert_eq!(&out[..n], br#"{"alg":"HS256","typ":"JWT","kid":"k1"}"#);
    // A refused hit (expired) leaves no header.
    let mut buf = TokenBuf::new();
    assert!(
        cv.verify(&mut cache, t.as_bytes(), NOW + 60, &mut buf)
            .is_err()
    );
    assert!(buf.validated_header().is_none());
}

/// A stream of tokens seen once (a scan, one-off tokens) never displaces a token that repeats:
/// they are remembered as probes only.
#[test]
fn tokens_seen_once_do_not_displace_a_repeated_one() {
    let v = two_key_verifier(POLICY, true);
    let cv = v.cached();
    let mut slots = [CacheEntry::EMPTY; 4];
    let mut cache = VerifyCache::new(&mut slots);
    let t = token_k1();
    prime(&cv, &mut cache, &t);
    for i in 0..200 {
        let other = sign(
            r#"{"alg":"HS256","typ":"JWT","kid":"k1"}"#,
            &claims_with(&format!(r#""n":{i},"#)),
            SECRET,
        );
        let mut buf = TokenBuf::new();
        cv.verify(&mut cache, other.as_bytes(), NOW, &mut buf)
            .unwrap();
    }
    assert_eq!(cache.len(), 1, "only the repeated token is kept");
    let hits = cache.stats().0;
    verify_at(&cv, &mut cache, t.as_bytes(), NOW).unwrap();
    assert_eq!(cache.stats().0, hits + 1, "and it still hits");
}

/// A full set whose tokens all expire at the same second (minted together, one lifetime) gives
/// up its ways in turn: the first tokens kept are not pinned while every newcomer takes the
/// same way, and the newest is always there.
#[test]
fn equal_expiries_take_turns() {
    let v = two_key_verifier(POLICY, true);
    let cv = v.cached();
    let mut slots = [CacheEntry::EMPTY; 4];
    let mut cache = VerifyCache::new(&mut slots);
    let tokens: Vec<String> = (0..40)
        .map(|i| {
            sign(
                r#"{"alg":"HS256","typ":"JWT","kid":"k1"}"#,
                &claims_with(&format!(r#""n":{i},"#)),
                SECRET,
            )
        })
        .collect();
    for t in &tokens {
        prime(&cv, &mut cache, t);
    }
    assert_eq!(cache.len(), 4);
    let hits = cache.stats().0;
    verify_at(&cv, &mut cache, tokens[39].as_bytes(), NOW).unwrap();
    assert_eq!(cache.stats().0, hits + 1, "the newest token is kept");
    for t in &tokens[..4] {
        verify_at(&cv, &mut cache, t.as_bytes(), NOW).unwrap();
    }
    assert_eq!(
        cache.stats().0,
        hits + 1,
        "none of the first four is pinned"
    );
}

/// Two tokens whose probes collide: the SHA-256 key decides, so the second is verified in
/// full (and refused when it must be), never answered from the first's entry. The collision
/// is made by putting the second token's claims under the first token's probe.
#[test]
fn a_probe_collision_is_no_hit() {
    let v = two_key_verifier(POLICY, true);
    let cv = v.cached();
    let mut slots = [CacheEntry::EMPTY; 4];
    let mut cache = VerifyCache::new(&mut slots);
    let good = token_k1();
    let bad = sign(
        HEADER,
        &claims_with(""),
        b"not the key, but long enough to be one",
    );
    // An entry under the bad token's probe, with the good token's key and claims.
    let mut buf = TokenBuf::new();
    let (_, kept) = cv
        .verify_miss(good.as_bytes(), NOW, &mut buf, Request::new(), true)
        .unwrap();
    cache.insert(
        &cv.probe(bad.as_bytes()),
        &cv.key(good.as_bytes()),
        kept.unwrap(),
    );
    let candidates = cache.candidates(&cv.probe(bad.as_bytes()));
    assert!(!candidates.is_empty() && !candidates.holds(&cv.key(bad.as_bytes())));
    let mut buf = TokenBuf::new();
    assert_eq!(
        cv.verify(&mut cache, bad.as_bytes(), NOW, &mut buf).err(),
        Some(Error::InvalidSignature)
    );
    assert_eq!(
        cache.stats(),
        (0, 1),
        "a probe match without the key is a miss"
    );
}
