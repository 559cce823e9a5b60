//! JWK and JWKS import on arbitrary bytes: no panic; a loaded key counts.
#![no_main]
use jwtguard::KeyRing;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut ring = KeyRing::<8>::new();
    let before = ring.len();
    if ring.add_jwk(data).is_ok() {
        assert_eq!(ring.len(), before + 1);
    }
    let mut ring = KeyRing::<8>::new();
    if let Ok(report) = ring.add_jwks(data) {
        assert!(report.loaded >= 1);
        assert_eq!(ring.len(), report.loaded);
    }
});
