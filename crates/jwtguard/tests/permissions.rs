//! Required permissions: array or space-delimited string, whole words, exact case.
#![allow(clippy::unwrap_used)]

mod common;
use common::*;
use jwtguard::{Error, Policy};

fn with(claim: &str, policy: Policy<'static>, required: &[&str]) -> Result<(), Error> {
    check_request(policy, HEADER, &claims_with(claim), required)
}

#[test]
fn array_form() {
    let c = r#""permissions":["org:read","org:write"],"#;
    assert_eq!(with(c, POLICY, &["org:read"]), Ok(()));
    assert_eq!(with(c, POLICY, &["org:read", "org:write"]), Ok(()));
    assert_eq!(with(c, POLICY, &[]), Ok(()));
    assert_eq!(
        with(c, POLICY, &["org:admin"]),
        Err(Error::InsufficientPermissions)
    );
    assert_eq!(
        with(c, POLICY, &["org:read", "org:admin"]),
        Err(Error::InsufficientPermissions)
    );
    // Case-sensitive, whole entries.
    assert_eq!(
        with(c, POLICY, &["ORG:READ"]),
        Err(Error::InsufficientPermissions)
    );
    assert_eq!(
        with(c, POLICY, &["org"]),
        Err(Error::InsufficientPermissions)
    );
    assert_eq!(
        with(r#""permissions":["superread"],"#, POLICY, &["read"]),
        Err(Error::InsufficientPermissions)
    );
    // Escapes decode before comparing.
    assert_eq!(
        with(r#""permissions":["org\u003aread"],"#, POLICY, &["org:read"]),
        Ok(())
    );
    assert_eq!(
        with(r#""permissions":[],"#, POLICY, &["x"]),
        Err(Error::InsufficientPermissions)
    );
}

#[test]
fn string_form() {
    let c = r#""permissions":"read write:all admin","#;
    assert_eq!(with(c, POLICY, &["read"]), Ok(()));
    assert_eq!(with(c, POLICY, &["admin", "write:all"]), Ok(()));
    assert_eq!(
        with(c, POLICY, &["write"]),
        Err(Error::InsufficientPermissions)
    );
    assert_eq!(
        with(c, POLICY, &["ad"]),
        Err(Error::InsufficientPermissions)
    );
    assert_eq!(
        with(c, POLICY, &["read write:all"]),
        Err(Error::InsufficientPermissions)
    );
    assert_eq!(
        with(r#""permissions":"superread","#, POLICY, &["read"]),
        Err(Error::InsufficientPermissions)
    );
    assert_eq!(with(r#""permissions":"read","#, POLICY, &["read"]), Ok(()));
    // Malformed scope strings are claim-type errors, even when the word is there.
    for bad in [r#"" read""#, r#""read ""#, r#""read  write""#, r#""""#] {
        assert_eq!(
            with(&format!(r#""permissions":{bad},"#), POLICY, &["read"]),
            Err(Error::ClaimType),
            "{bad}"
        );
    }
    // A tab is not a separator: it is part of the word.
    assert_eq!(
        with(r#""permissions":"read\twrite","#, POLICY, &["read"]),
        Err(Error::InsufficientPermissions)
    );
}

#[test]
fn wrong_types_and_missing_claim() {
    for bad in [
        "[1]",
        r#"["read",2]"#,
        r#"["read",null]"#,
        "{}",
        "true",
        "7",
        "null",
        r#"[["read"]]"#,
    ] {
        assert_eq!(
            with(&format!(r#""permissions":{bad},"#), POLICY, &["read"]),
            Err(Error::ClaimType),
            "{bad}"
        );
    }
    assert_eq!(
        with("", POLICY, &["read"]),
        Err(Error::InsufficientPermissions)
    );
    // Nothing required: the claim is not looked at.
    assert_eq!(with(r#""permissions":7,"#, POLICY, &[]), Ok(()));
}

#[test]
fn claim_name_and_policy_wide_requirements() {
    let scope = POLICY.permissions_claim("scope");
    assert_eq!(
        with(r#""scope":"openid profile email","#, scope, &["email"]),
        Ok(())
    );
    assert_eq!(
        with(r#""permissions":["email"],"#, scope, &["email"]),
        Err(Error::InsufficientPermissions)
    );
    let scp = POLICY.permissions_claim("scp");
    assert_eq!(with(r#""scp":["api.read"],"#, scp, &["api.read"]), Ok(()));
    // Policy-wide requirements apply to every call, and add to the call's.
    let always = POLICY.required_permissions(&["base"]);
    assert_eq!(
        with(r#""permissions":["base","extra"],"#, always, &[]),
        Ok(())
    );
    assert_eq!(
        with(r#""permissions":["extra"],"#, always, &["extra"]),
        Err(Error::InsufficientPermissions)
    );
    assert_eq!(
        with(r#""permissions":["base"],"#, always, &["extra"]),
        Err(Error::InsufficientPermissions)
    );
    // The plain verify() applies the policy-wide ones too.
    let v = verifier(always);
    let t = sign(HEADER, &claims_with(r#""permissions":["other"],"#), SECRET);
    assert_eq!(
        check_with(&v, t.as_bytes(), NOW),
        Err(Error::InsufficientPermissions)
    );
}

#[test]
fn permissions_come_after_the_registered_claims() {
    // An expired token without the permission reports the expiry.
    let t = sign(HEADER, r#"{"exp":1,"permissions":[]}"#, SECRET);
    let v = verifier(POLICY.required_permissions(&["x"]));
    assert_eq!(check_with(&v, t.as_bytes(), NOW), Err(Error::Expired));
}

/// Issue 28: the permissions claim may be a path, as metadata fields are: Keycloak keeps realm
/// roles in `realm_access.roles` and client roles in `resource_access.<client>.roles`, Auth0
/// names claims by URL. A path that names nothing fails the policy's check, instead of every
/// request being a silent 403.
#[test]
fn the_permissions_claim_may_be_a_path() {
    let keycloak = POLICY.permissions_claim("realm_access.roles");
    let roles = r#""realm_access":{"roles":["offline_access","admin"]},"#;
    assert_eq!(keycloak.check(), Ok(()));
    assert_eq!(with(roles, keycloak, &["admin"]), Ok(()));
    assert_eq!(
        with(roles, keycloak, &["auditor"]),
        Err(Error::InsufficientPermissions)
    );
    assert_eq!(
        with(r#""realm_access":{},"#, keycloak, &["admin"]),
        Err(Error::InsufficientPermissions)
    );
    assert_eq!(
        with(r#""realm_access":{"roles":"admin"},"#, keycloak, &["admin"]),
        Ok(())
    );
    assert_eq!(
        with(r#""realm_access":{"roles":[1]},"#, keycloak, &["admin"]),
        Err(Error::ClaimType)
    );
    let client = POLICY.permissions_claim("resource_access.my-app.roles");
    let client_roles = r#""resource_access":{"my-app":{"roles":["editor"]}},"#;
    assert_eq!(with(client_roles, client, &["editor"]), Ok(()));
    let auth0 = POLICY.permissions_claim("/https:~1~1example.com~1roles");
    let url_named = r#""https://example.com/roles":["admin"],"#;
    assert_eq!(auth0.check(), Ok(()));
    assert_eq!(with(url_named, auth0, &["admin"]), Ok(()));
    for bad in ["realm_access..roles", ".roles", "roles.", "", "/a~2b"] {
        assert_eq!(
            POLICY.permissions_claim(bad).check().map_err(|r| r.error),
            Err(Error::InvalidClaimPath),
            "{bad:?}"
        );
    }
}
