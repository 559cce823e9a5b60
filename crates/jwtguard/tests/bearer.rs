//! `Authorization: Bearer <token>` (RFC 6750 §2.1, RFC 9110 §11.6.2).

use jwtguard::{Error, bearer_token};

#[test]
fn accepted_forms() {
    for (value, token) in [
        ("Bearer abc.def.ghi", "abc.def.ghi"),
        ("bearer abc.def.ghi", "abc.def.ghi"),
        ("BEARER abc", "abc"),
        ("BeArEr a-b_c~d+e/f==", "a-b_c~d+e/f=="),
        // RFC 9110 §11.4: 1*SP between scheme and token.
        ("Bearer   abc", "abc"),
        // Surrounding optional whitespace is not part of the value.
        ("  Bearer abc \t", "abc"),
    ] {
        assert_eq!(
            bearer_token(value.as_bytes()),
            Ok(token.as_bytes()),
            "{value:?}"
        );
    }
}

#[test]
fn rejected_forms() {
    for (value, err) in [
        ("Basic dXNlcjpwYXNz", Error::NotBearer),
        ("Token abc", Error::NotBearer),
        ("Bearerabc", Error::NotBearer),
        ("Bearer", Error::MissingBearerToken),
        ("Bearer ", Error::MissingBearerToken),
        ("  bearer  ", Error::MissingBearerToken),
        ("", Error::MalformedAuthorization),
        ("   ", Error::MalformedAuthorization),
        ("Bearer\tabc", Error::MalformedAuthorization),
        ("Bearer abc def", Error::MalformedAuthorization),
        ("Bearer abc\tdef", Error::MalformedAuthorization),
        ("Bearer abc,def", Error::MalformedAuthorization),
        ("Bearer =abc", Error::MalformedAuthorization),
        ("Bearer abc=def", Error::MalformedAuthorization),
        ("Bearer \"abc\"", Error::MalformedAuthorization),
        ("Bearer abc\0", Error::MalformedAuthorization),
    ] {
        assert_eq!(bearer_token(value.as_bytes()), Err(err), "{value:?}");
    }
}
