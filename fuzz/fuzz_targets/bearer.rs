//! `bearer_token` on arbitrary header values: a token found is a sub-slice with no whitespace.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(t) = jwtguard::bearer_token(data) {
        assert!(!t.is_empty());
        assert!(!t.iter().any(|b| b.is_ascii_whitespace()));
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
