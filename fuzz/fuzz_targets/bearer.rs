//! `bearer_token` on arbitrary header values: a token found is a sub-slice with no whitespace,
//! made of `b64token` characters then `=` padding (RFC 6750 §2.1; the library checks the
//! characters with a table, this with the grammar's ranges).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(t) = jwtguard::bearer_token(data) {
        assert!(!t.is_empty());
        assert!(!t.iter().any(|b| b.is_ascii_whitespace()));
        let body = t.iter().position(|b| *b == b'=').unwrap_or(t.len());
        assert!(body > 0);
        assert!(
            t[..body].iter().all(|b| b.is_ascii_alphanumeric()
                || matches!(b, b'-' | b'.' | b'_' | b'~' | b'+' | b'/'))
        );
        assert!(t[body..].iter().all(|b| *b == b'='));
        let start = t.as_ptr() as usize - data.as_ptr() as usize;
        assert_eq!(&data[start..start + t.len()], t);
        assert!(
            data[..start]
                .to_ascii_lowercase()
                .windows(6)
                .any(|w| w == b"bearer")
        );
    }
});
