//! DER (SPKI, PKCS#1) and PEM key import on arbitrary bytes: no panic, and an admitted key is
//! within the documented limits.
#![no_main]
use jwtguard::alg::RsaKey;
use jwtguard::limits::{RSA_MAX_BITS, RSA_MIN_BITS};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for key in [RsaKey::from_der(data), RsaKey::from_pem(data)]
        .into_iter()
        .flatten()
    {
        assert!((RSA_MIN_BITS..=RSA_MAX_BITS).contains(&key.modulus_bits()));
        assert!(key.exponent() >= 3 && key.exponent() % 2 == 1);
        let _ = key.verify(b"m", &[0u8; 256]);
    }
});
