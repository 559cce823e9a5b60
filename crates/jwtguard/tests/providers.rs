//! Providers: each issuer bound to its own keys (RFC 8725 §3.8), each provider's policy applied
//! to its own tokens only, and a kid-less token tried against a bounded number of keys in all.

mod common;

use std::num::NonZeroU8;

use common::*;
use jwtguard::{Error, KeyRing, MetadataField, Policy, Providers, Request, TokenBuf, Verifier};

const A_ISS: &str = "https://a.example";
const B_ISS: &str = "https://b.example";
const A_SECRET: &[u8] = b"provider-a-secret-0123456789-abcdefgh";
const B_SECRET: &[u8] = b"provider-b-secret-0123456789-abcdefgh";

const A_POLICY: Policy<'static> = Policy::new().issuers(&[A_ISS]).audiences(&["a-api"]);
const B_POLICY: Policy<'static> = Policy::new()
    .issuers(&[B_ISS])
    .audiences(&["b-api"])
    .leeway(120);

fn provider(secret: &[u8], kid: Option<&str>, policy: Policy<'static>) -> Verifier<'static, 8> {
    let mut keys = KeyRing::new();
    keys.add_hmac(jwtguard::Algorithm::HS256, kid, secret)
        .unwrap();
    Verifier::new(keys, policy)
}

fn token(kid: Option<&str>, iss: &str, aud: &str, exp: u64, secret: &[u8]) -> String {
    let header = match kid {
        Some(k) => format!(r#"{{"alg":"HS256","kid":"{k}"}}"#),
        None => r#"{"alg":"HS256"}"#.to_string(),
    };
    let payload = format!(r#"{{"iss":"{iss}","sub":"u","aud":"{aud}","exp":{exp}}}"#);
    sign(&header, &payload, secret)
}

fn verdict<const N: usize>(set: &Providers<'_, '_, N>, token: &str) -> Result<usize, Error> {
    let mut buf = TokenBuf::new();
    set.verify(token.as_bytes(), NOW, &mut buf).map(|(i, _)| i)
}

#[test]
fn each_token_is_checked_by_the_provider_whose_key_verified_it() {
    let a = provider(A_SECRET, None, A_POLICY);
    let b = provider(B_SECRET, None, B_POLICY);
    let list = [&a, &b];
    let set = Providers::new(&list).unwrap();
    let exp = NOW + 60;
    assert_eq!(
        verdict(&set, &token(None, A_ISS, "a-api", exp, A_SECRET)),
        Ok(0)
    );
    assert_eq!(
        verdict(&set, &token(None, B_ISS, "b-api", exp, B_SECRET)),
        Ok(1)
    );
    // Provider A's key, provider B's issuer: the confusion RFC 8725 §3.8 warns of.
    assert_eq!(
        verdict(&set, &token(None, B_ISS, "b-api", exp, A_SECRET)),
        Err(Error::IssuerKeyMismatch)
    );
    assert_eq!(
        verdict(&set, &token(None, A_ISS, "a-api", exp, B_SECRET)),
        Err(Error::IssuerKeyMismatch)
    );
    // An issuer no provider lists is just not an issuer of the key's provider.
    assert_eq!(
        verdict(
            &set,
            &token(None, "https://c.example", "a-api", exp, A_SECRET)
        ),
        Err(Error::InvalidIssuer)
    );
    // No provider's key: the signature fails everywhere.
    assert_eq!(
        verdict(&set, &token(None, A_ISS, "a-api", exp, OTHER_SECRET)),
        Err(Error::InvalidSignature)
    );
}

#[test]
fn each_providers_policy_applies_only_to_its_tokens() {
    let a = provider(A_SECRET, None, A_POLICY);
    let b = provider(B_SECRET, None, B_POLICY);
    let list = [&a, &b];
    let set = Providers::new(&list).unwrap();
    // Audiences: B's audience does not open A's tokens, nor the other way round.
    assert_eq!(
        verdict(&set, &token(None, A_ISS, "b-api", NOW + 60, A_SECRET)),
        Err(Error::InvalidAudience)
    );
    assert_eq!(
        verdict(&set, &token(None, B_ISS, "a-api", NOW + 60, B_SECRET)),
        Err(Error::InvalidAudience)
    );
    // Leeway: B allows 120 s, A none. A token that expired 30 s ago passes only as B's.
    assert_eq!(
        verdict(&set, &token(None, A_ISS, "a-api", NOW - 30, A_SECRET)),
        Err(Error::Expired)
    );
    assert_eq!(
        verdict(&set, &token(None, B_ISS, "b-api", NOW - 30, B_SECRET)),
        Ok(1)
    );
}

#[test]
fn metadata_fields_are_the_verifying_providers() {
    static A_FIELDS: [MetadataField<'static>; 1] = [MetadataField::optional("sub").named("a_user")];
    static B_FIELDS: [MetadataField<'static>; 1] = [MetadataField::optional("sub").named("b_user")];
    let a = provider(A_SECRET, None, A_POLICY.metadata(&A_FIELDS));
    let b = provider(B_SECRET, None, B_POLICY.metadata(&B_FIELDS));
    let list = [&a, &b];
    let set = Providers::new(&list).unwrap();
    for (secret, iss, aud, want) in [
        (A_SECRET, A_ISS, "a-api", r#"{"a_user":"u"}"#),
        (B_SECRET, B_ISS, "b-api", r#"{"b_user":"u"}"#),
    ] {
        let t = token(None, iss, aud, NOW + 60, secret);
        let mut buf = TokenBuf::new();
        let mut out = [0u8; 64];
        let (_, accepted) = set
            .verify_request(
                t.as_bytes(),
                NOW,
                &mut buf,
                Request::new().metadata_into(&mut out),
            )
            .unwrap();
        let n = accepted.metadata_len;
        assert_eq!(std::str::from_utf8(&out[..n]).unwrap(), want);
    }
}

/// Five HS256 keys in two providers, the right one last: a kid-less token reaches it only if
/// the set's limit lets it try five. The limit counts keys in all providers, not per provider.
#[test]
fn a_kidless_token_tries_at_most_the_limit_in_all_providers() {
    let wrong = |i: u8| {
        let mut s = b"wrong-secret-0123456789-abcdefghijklmn-".to_vec();
        s.push(b'0' + i);
        s
    };
    let mut a_keys = KeyRing::<8>::new();
    for i in 0..3 {
        a_keys
            .add_hmac(jwtguard::Algorithm::HS256, None, &wrong(i))
            .unwrap();
    }
    let mut b_keys = KeyRing::<8>::new();
    b_keys
        .add_hmac(jwtguard::Algorithm::HS256, None, &wrong(3))
        .unwrap();
    b_keys
        .add_hmac(jwtguard::Algorithm::HS256, None, B_SECRET)
        .unwrap();
    let a = Verifier::new(a_keys, A_POLICY);
    let b = Verifier::new(b_keys, B_POLICY);
    let list = [&a, &b];
    let t = token(None, B_ISS, "b-api", NOW + 60, B_SECRET);
    let default = Providers::new(&list).unwrap();
    assert_eq!(verdict(&default, &t), Err(Error::InvalidSignature));
    let five = default.kidless_limit(NonZeroU8::new(5).unwrap());
    assert_eq!(verdict(&five, &t), Ok(1));
    let four = default.kidless_limit(NonZeroU8::new(4).unwrap());
    assert_eq!(verdict(&four, &t), Err(Error::InvalidSignature));
    // With a kid the limit does not apply: the key is named.
    let mut named = KeyRing::<8>::new();
    for i in 0..3 {
        named
            .add_hmac(jwtguard::Algorithm::HS256, None, &wrong(i))
            .unwrap();
    }
    let a = Verifier::new(named, A_POLICY);
    let mut b_keys = KeyRing::<8>::new();
    b_keys
        .add_hmac(jwtguard::Algorithm::HS256, Some("b1"), B_SECRET)
        .unwrap();
    let b = Verifier::new(b_keys, B_POLICY);
    let list = [&a, &b];
    let one = Providers::new(&list)
        .unwrap()
        .kidless_limit(NonZeroU8::new(1).unwrap());
    let t = token(Some("b1"), B_ISS, "b-api", NOW + 60, B_SECRET);
    assert_eq!(verdict(&one, &t), Ok(1));
}

#[test]
fn require_kid_is_per_provider() {
    let mut a_keys = KeyRing::<8>::new();
    a_keys
        .add_hmac(jwtguard::Algorithm::HS256, Some("a1"), A_SECRET)
        .unwrap();
    a_keys.require_kid(true);
    let a = Verifier::new(a_keys, A_POLICY);
    let b = provider(B_SECRET, None, B_POLICY);
    let list = [&a, &b];
    let set = Providers::new(&list).unwrap();
    // A kid-less token of A's key is not tried against A's keys, and B's do not verify it.
    assert_eq!(
        verdict(&set, &token(None, A_ISS, "a-api", NOW + 60, A_SECRET)),
        Err(Error::InvalidSignature)
    );
    assert_eq!(
        verdict(&set, &token(Some("a1"), A_ISS, "a-api", NOW + 60, A_SECRET)),
        Ok(0)
    );
    // B takes kid-less tokens.
    assert_eq!(
        verdict(&set, &token(None, B_ISS, "b-api", NOW + 60, B_SECRET)),
        Ok(1)
    );
    // Only providers that require a kid: the token's missing kid is the reason.
    let list = [&a];
    let only_a = Providers::new(&list).unwrap();
    assert_eq!(
        verdict(&only_a, &token(None, A_ISS, "a-api", NOW + 60, A_SECRET)),
        Err(Error::MissingKeyId)
    );
}

#[test]
fn a_kid_may_repeat_across_providers() {
    let a = provider(A_SECRET, Some("key-1"), A_POLICY);
    let b = provider(B_SECRET, Some("key-1"), B_POLICY);
    let list = [&a, &b];
    let set = Providers::new(&list).unwrap();
    let t = token(Some("key-1"), B_ISS, "b-api", NOW + 60, B_SECRET);
    assert_eq!(verdict(&set, &t), Ok(1));
    let t = token(Some("key-1"), B_ISS, "b-api", NOW + 60, A_SECRET);
    assert_eq!(verdict(&set, &t), Err(Error::IssuerKeyMismatch));
    let t = token(Some("key-2"), B_ISS, "b-api", NOW + 60, B_SECRET);
    assert_eq!(verdict(&set, &t), Err(Error::UnknownKey));
}

#[test]
fn every_provider_must_list_its_issuers() {
    let a = provider(A_SECRET, None, A_POLICY);
    let waived = provider(
        B_SECRET,
        None,
        Policy::new().any_issuer().audiences(&["b-api"]),
    );
    let list = [&a, &waived];
    assert_eq!(
        Providers::new(&list).err().map(|r| r.error),
        Some(Error::IssuerNotConfigured)
    );
    // An unchecked set refuses on every token all the same, whichever key verified it.
    let set = Providers::unchecked(&list);
    assert_eq!(
        verdict(&set, &token(None, A_ISS, "a-api", NOW + 60, A_SECRET)),
        Ok(0)
    );
    assert_eq!(
        verdict(&set, &token(None, B_ISS, "b-api", NOW + 60, B_SECRET)),
        Err(Error::IssuerNotConfigured)
    );
    let none: [&Verifier<'static, 8>; 0] = [];
    let empty = Providers::new(&none).unwrap();
    assert_eq!(
        verdict(&empty, &token(None, A_ISS, "a-api", NOW + 60, A_SECRET)),
        Err(Error::UnknownKey)
    );
}

/// One provider in a set gives the verdict the provider's own verifier gives, on tokens that
/// pass and on each kind that fails.
#[test]
fn one_provider_is_its_verifier() {
    let a = provider(A_SECRET, Some("a1"), A_POLICY);
    let list = [&a];
    let set = Providers::new(&list).unwrap();
    for t in [
        token(Some("a1"), A_ISS, "a-api", NOW + 60, A_SECRET),
        token(Some("a1"), A_ISS, "a-api", NOW - 1, A_SECRET),
        token(Some("a1"), B_ISS, "a-api", NOW + 60, A_SECRET),
        token(Some("a1"), A_ISS, "b-api", NOW + 60, A_SECRET),
        token(Some("a2"), A_ISS, "a-api", NOW + 60, A_SECRET),
        token(None, A_ISS, "a-api", NOW + 60, A_SECRET),
        token(Some("a1"), A_ISS, "a-api", NOW + 60, B_SECRET),
        "e30.e30".to_string(),
    ] {
        let mut b1 = TokenBuf::new();
        let mut b2 = TokenBuf::new();
        let alone = a.verify(t.as_bytes(), NOW, &mut b1).map(|_| 0);
        let in_set = set.verify(t.as_bytes(), NOW, &mut b2).map(|(i, _)| i);
        assert_eq!(alone, in_set, "{t}");
    }
}

/// Issue 28: a multi-tenant identity provider publishes one key set, and each tenant is a
/// provider with its own issuer (Entra ID's `common` keys). Every tenant's genuine token is
/// judged by its own tenant, whichever provider comes first; an issuer listed only by a provider
/// without the key is still `IssuerKeyMismatch`, one nobody lists `InvalidIssuer`.
#[test]
fn providers_sharing_one_key_set_each_judge_their_own_tenant() {
    const SHARED: &[u8] = b"multi-tenant-shared-key-0123456789abcd";
    let tenant = |iss: &'static [&'static str], kid: Option<&str>| {
        provider(SHARED, kid, Policy::new().issuers(iss).audiences(&["api"]))
    };
    for kid in [Some("common-1"), None] {
        let t1 = tenant(&["https://login.example/tenant-1/v2.0"], kid);
        let t2 = tenant(&["https://login.example/tenant-2/v2.0"], kid);
        let t3 = tenant(&["https://login.example/tenant-3/v2.0"], kid);
        // A fourth provider with another key, which lists tenant 4.
        let other = provider(
            B_SECRET,
            kid,
            Policy::new()
                .issuers(&["https://login.example/tenant-4/v2.0"])
                .audiences(&["api"]),
        );
        let list = [&t1, &t2, &t3, &other];
        let set = Providers::new(&list).unwrap();
        for (i, n) in [(0, 1), (1, 2), (2, 3)] {
            let iss = format!("https://login.example/tenant-{n}/v2.0");
            assert_eq!(
                verdict(&set, &token(kid, &iss, "api", NOW + 60, SHARED)),
                Ok(i),
                "tenant {n}, kid {kid:?}"
            );
        }
        let t4 = "https://login.example/tenant-4/v2.0";
        assert_eq!(
            verdict(&set, &token(kid, t4, "api", NOW + 60, SHARED)),
            Err(Error::IssuerKeyMismatch)
        );
        assert_eq!(
            verdict(&set, &token(kid, t4, "api", NOW + 60, B_SECRET)),
            Ok(3)
        );
        let nobody = "https://login.example/tenant-9/v2.0";
        assert_eq!(
            verdict(&set, &token(kid, nobody, "api", NOW + 60, SHARED)),
            Err(Error::InvalidIssuer)
        );
        // The tenant that judges is the one whose policy applies: tenant 3's expired token
        // is expired, not another tenant's issuer.
        let expired = token(
            kid,
            "https://login.example/tenant-3/v2.0",
            "api",
            NOW - 1,
            SHARED,
        );
        assert_eq!(verdict(&set, &expired), Err(Error::Expired));
    }
}
