//! Larger tokens by choice: a buffer's capacity is chosen by type (`TokenBuf<Capacity16K>`),
//! and each verifier has a runtime limit (2048 by default) under it. Keycloak-like access
//! tokens of 2, 4, 8 and 16 KiB verify with a 16 KiB buffer and a raised limit, and the default
//! buffer refuses all but the first with `TokenTooLong`.

mod common;

use common::*;
use jwtguard::capacity::{
    Capacity, Capacity2K, Capacity4K, Capacity8K, Capacity16K, TOKEN_BUF_LEN, decoded_len,
};
use jwtguard::limits::{MAX_JSON_MEMBERS, MAX_JSON_MEMBERS_LARGE};
use jwtguard::{Error, KeyRing, Policy, Providers, TokenBuf, UntrustedToken, Verifier};

const ISS: &str = "https://sso.example/realms/acme";
const POLICY: Policy<'static> = Policy::new()
    .issuers(&[ISS])
    .audiences(&["account"])
    .require_sub(true);

/// Claims shaped like a Keycloak access token (realm and client roles, groups, scope), padded
/// with groups until the signed token is as close to `len` bytes as whole groups allow without
/// going over.
fn keycloak_token(len: usize) -> String {
    let claims = |groups: usize| {
        let group_list: Vec<String> = (0..groups)
            .map(|i| format!(r#""/acme/department-{:03}/team-{:03}""#, i / 7, i))
            .collect();
        let clients: Vec<String> = (0..6)
            .map(|c| format!(r#""client-{c}":{{"roles":["view-{c}","manage-{c}","query-{c}"]}}"#))
            .collect();
        format!(
            concat!(
                r#"{{"exp":{},"iat":{},"jti":"5f1c2a9e-7d3b-4c1e-9f0a-2b8d6e4c1a77","iss":"{}","#,
                r#""aud":"account","sub":"f81d4fae-7dec-11d0-a765-00a0c91e6bf6","typ":"Bearer","#,
                r#""azp":"gateway","session_state":"b3c1","acr":"1","#,
                r#""realm_access":{{"roles":["offline_access","uma_authorization","default-roles-acme"]}},"#,
                r#""resource_access":{{{}}},"scope":"openid profile email","#,
                r#""email_verified":true,"name":"Jean Valjean","preferred_username":"jvaljean","#,
                r#""groups":[{}]}}"#
            ),
            NOW + 300,
            NOW - 10,
            ISS,
            clients.join(","),
            group_list.join(",")
        )
    };
    let header = r#"{"alg":"HS256","typ":"JWT","kid":"kc-1"}"#;
    let token = |groups: usize| sign(header, &claims(groups), SECRET);
    assert!(token(0).len() <= len, "the smallest token is over {len}");
    // The most groups that fit, by bisection: a few signatures, not hundreds (this runs under
    // qemu on the aarch64 test host too).
    let (mut fits, mut over) = (0, len / 30 + 1);
    assert!(token(over).len() > len);
    while over - fits > 1 {
        let mid = (fits + over) / 2;
        if token(mid).len() <= len {
            fits = mid;
        } else {
            over = mid;
        }
    }
    token(fits)
}

fn verifier() -> Verifier<'static, 2> {
    let mut keys = KeyRing::new();
    keys.add_hmac(jwtguard::Algorithm::HS256, Some("kc-1"), SECRET)
        .unwrap();
    Verifier::new(keys, POLICY)
}

fn verdict<C: Capacity>(v: &Verifier<'static, 2>, token: &str) -> Result<usize, Error> {
    let mut buf = TokenBuf::<C>::empty();
    let claims = v.verify(token.as_bytes(), NOW, &mut buf)?;
    let groups = claims.value("groups").and_then(|g| g.as_array());
    Ok(groups.map_or(0, |g| g.iter().count()))
}

#[test]
fn keycloak_tokens_up_to_16k_verify_in_a_16k_buffer() {
    let large = verifier().max_token_len(Capacity16K::MAX_TOKEN_LEN);
    let default = verifier();
    for len in [2048, 4096, 8192, 16384] {
        let t = keycloak_token(len);
        assert!(t.len() > len - 64 && t.len() <= len, "{len}: {}", t.len());
        let groups = verdict::<Capacity16K>(&large, &t);
        assert!(groups.is_ok_and(|g| g > 0), "{len}: {groups:?}");
        // The default buffer and the default limit: only the 2 KiB token.
        let want = if len <= 2048 {
            groups
        } else {
            Err(Error::TokenTooLong)
        };
        assert_eq!(verdict::<Capacity2K>(&default, &t), want, "{len}");
        // A large buffer does not raise the verifier's limit, nor a raised limit the buffer's.
        assert_eq!(verdict::<Capacity16K>(&default, &t), want, "{len}");
        assert_eq!(verdict::<Capacity2K>(&large, &t), want, "{len}");
    }
}

#[test]
fn each_capacity_holds_exactly_its_tokens() {
    fn check<C: Capacity>() {
        let v = verifier().max_token_len(usize::MAX);
        // The largest Keycloak-like token under the capacity verifies; one byte over it is
        // refused before anything is decoded.
        let at = keycloak_token(C::MAX_TOKEN_LEN);
        assert!(verdict::<C>(&v, &at).is_ok(), "{}", C::MAX_TOKEN_LEN);
        let mut over = at.clone();
        while over.len() <= C::MAX_TOKEN_LEN {
            over.push('A');
        }
        let mut buf = TokenBuf::<C>::empty();
        assert_eq!(
            UntrustedToken::parse(over.as_bytes(), &mut buf).err(),
            Some(Error::TokenTooLong),
            "{}",
            C::MAX_TOKEN_LEN
        );
        // The boundary itself: a token of exactly the capacity is decoded (and fails for what
        // it is), one byte more is too long.
        for (n, too_long) in [(C::MAX_TOKEN_LEN, false), (C::MAX_TOKEN_LEN + 1, true)] {
            let mut t = "e30.e30.".to_string();
            t.push_str(&"A".repeat(n - t.len()));
            let mut buf = TokenBuf::<C>::empty();
            let err = UntrustedToken::parse(t.as_bytes(), &mut buf).err();
            assert_eq!(err == Some(Error::TokenTooLong), too_long, "{n}: {err:?}");
        }
        assert_eq!(
            core::mem::size_of::<<C as Capacity>::Bytes>(),
            decoded_len(C::MAX_TOKEN_LEN)
        );
    }
    check::<Capacity2K>();
    check::<Capacity4K>();
    check::<Capacity8K>();
    check::<Capacity16K>();
    assert_eq!(decoded_len(2048), TOKEN_BUF_LEN);
    // The smallest buffer and the default are one and the same.
    assert_eq!(
        core::mem::size_of::<TokenBuf>(),
        core::mem::size_of::<TokenBuf<Capacity2K>>()
    );
}

/// The member budget grows with the payload: a claims set of a 16 KiB token may hold more
/// members than the default budget.
#[test]
fn the_member_budget_scales_with_the_payload() {
    let v = verifier().max_token_len(16384);
    let members = |n: usize| {
        let extra: Vec<String> = (0..n).map(|i| format!(r#""m{i}":{i}"#)).collect();
        format!(
            r#"{{"iss":"{ISS}","aud":"account","sub":"u","exp":{},"x":{{{}}}}}"#,
            NOW + 60,
            extra.join(",")
        )
    };
    let header = r#"{"alg":"HS256","kid":"kc-1"}"#;
    let many = sign(header, &members(MAX_JSON_MEMBERS * 3), SECRET);
    assert!(many.len() <= 16384);
    let mut buf = TokenBuf::<Capacity16K>::empty();
    assert!(v.verify(many.as_bytes(), NOW, &mut buf).is_ok());
    // Each budget is at least as many members as fit its payloads (6 bytes each at least,
    // `"a":0,`): no token that fits a buffer is refused for its member count.
    const {
        assert!(TOKEN_BUF_LEN / 6 <= MAX_JSON_MEMBERS);
        assert!(decoded_len(Capacity16K::MAX_TOKEN_LEN) / 6 <= MAX_JSON_MEMBERS_LARGE);
    }
}

#[test]
fn a_providers_set_has_its_own_limit() {
    let a = verifier().max_token_len(16384);
    let list = [&a];
    let t = keycloak_token(8192);
    let set = Providers::new(&list).unwrap();
    let mut buf = TokenBuf::<Capacity16K>::empty();
    assert_eq!(
        set.verify(t.as_bytes(), NOW, &mut buf).err(),
        Some(Error::TokenTooLong)
    );
    let set = set.max_token_len(16384);
    let mut buf = TokenBuf::<Capacity16K>::empty();
    assert!(set.verify(t.as_bytes(), NOW, &mut buf).is_ok());
}
