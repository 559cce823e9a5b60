//! Key import for every algorithm on arbitrary bytes (issue 17): DER and PEM for each
//! algorithm, SEC 1 points for ES256/ES384, raw Ed25519 keys. No panic, and an admitted key is
//! bound to exactly the algorithm asked for.
#![no_main]
use jwtguard::alg::{EcKey, Ed25519Key};
use jwtguard::{Algorithm, Error, KeyRing};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for &alg in Algorithm::ALL {
        for loaded in [
            KeyRing::<1>::new()
                .add_der(alg, Some("k"), data)
                .map(|()| ()),
            KeyRing::<1>::new()
                .add_pem(alg, Some("k"), data)
                .map(|()| ()),
        ] {
            if let Err(e) = loaded {
                // Whatever failed, it failed with a key-loading error.
                assert!(
                    matches!(
                        e,
                        Error::KeyFormat
                            | Error::UnsupportedKeyType
                            | Error::KeyTypeMismatch
                            | Error::InvalidPublicKey
                            | Error::WeakKey
                            | Error::PrivateKey
                            | Error::RsaModulusTooSmall
                            | Error::RsaModulusTooLarge
                            | Error::RsaInvalidModulus
                            | Error::RsaInvalidExponent
                            | Error::UnsupportedAlgorithm
                    ),
                    "{alg:?}: {e:?}"
                );
            }
        }
    }
    for alg in [Algorithm::ES256, Algorithm::ES384] {
        if let Ok(k) = EcKey::from_sec1(alg, data) {
            assert_eq!(k.algorithm(), alg);
            let _ = k.verify(b"m", data);
        }
    }
    if let Ok(k) = Ed25519Key::from_bytes(data.get(..32).unwrap_or(data)) {
        let _ = k.verify(data, data.get(..64).unwrap_or(data));
    }
});
