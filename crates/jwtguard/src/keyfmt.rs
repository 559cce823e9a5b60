//! Public key formats, decoded without allocation: PKCS#1 `RSAPublicKey` and SPKI DER
//! (RFC 8017 A.1.1, RFC 5280 §4.1.2.7 with RFC 3279 §2.3.1 for RSA, RFC 5480 §2 for EC,
//! RFC 8410 §4 for Ed25519), and PEM of both (RFC 7468).
//! ASN.1 is RustCrypto's `der`/`pkcs1`/`spki` (feature `der`); PEM is `pem-rfc7468` (feature
//! `pem`).

use pkcs1::RsaPublicKey;
use pkcs1::der::Decode;
use pkcs1::der::asn1::UintRef;
use spki::SubjectPublicKeyInfoRef;
use spki::der::asn1::ObjectIdentifier;

use crate::alg::Algorithm;
use crate::alg::{KeyMaterial, RsaKey};
use crate::error::Error;

/// rsaEncryption (RFC 8017 A.1): the SPKI algorithm of RSA keys, for RS* and PS* alike.
const RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
/// `id-ecPublicKey` (RFC 5480 §2.1.1) and the named curves of ES256 and ES384 (§2.1.1.1).
const EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const PRIME256V1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const SECP384R1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
/// `id-Ed25519` (RFC 8410 §3); its parameters MUST be absent.
const ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");

/// A key for `alg` from DER: SPKI of any supported key type, or PKCS#1 `RSAPublicKey`. The
/// key's type must fit `alg` ([`Error::KeyTypeMismatch`]); an algorithm this build leaves out
/// is [`Error::UnsupportedAlgorithm`].
pub(crate) fn material_from_der(alg: Algorithm, der: &[u8]) -> Result<KeyMaterial, Error> {
    if !alg.is_built() {
        return Err(Error::UnsupportedAlgorithm);
    }
    match SubjectPublicKeyInfoRef::from_der(der) {
        Ok(spki) => material_from_spki(alg, &spki),
        Err(_) => Ok(KeyMaterial::Rsa(from_der(der)?.for_algorithm(alg)?)),
    }
}

#[cfg(feature = "pem")]
/// A key for `alg` from PEM (`PUBLIC KEY` or `RSA PUBLIC KEY`), as [`material_from_der`].
pub(crate) fn material_from_pem(alg: Algorithm, pem: &[u8]) -> Result<KeyMaterial, Error> {
    if !alg.is_built() {
        return Err(Error::UnsupportedAlgorithm);
    }
    let mut buf = [0u8; MAX_DER];
    let (label, der) = decode_pem(pem, &mut buf)?;
    match label {
        "PUBLIC KEY" => {
            let spki = SubjectPublicKeyInfoRef::from_der(der).map_err(|_| Error::KeyFormat)?;
            material_from_spki(alg, &spki)
        }
        "RSA PUBLIC KEY" => Ok(KeyMaterial::Rsa(from_pkcs1_der(der)?.for_algorithm(alg)?)),
        l if is_private_label(l) => Err(Error::PrivateKey),
        _ => Err(Error::UnsupportedKeyType),
    }
}

fn material_from_spki(
    alg: Algorithm,
    spki: &SubjectPublicKeyInfoRef<'_>,
) -> Result<KeyMaterial, Error> {
    let bits = spki.subject_public_key.as_bytes().ok_or(Error::KeyFormat)?;
    let oid = spki.algorithm.oid;
    if oid == RSA_ENCRYPTION {
        match spki.algorithm.parameters {
            Some(p) if p.is_null() => {}
            _ => return Err(Error::KeyFormat),
        }
        return Ok(KeyMaterial::Rsa(from_pkcs1_der(bits)?.for_algorithm(alg)?));
    }
    if oid == EC_PUBLIC_KEY {
        let curve: ObjectIdentifier = spki
            .algorithm
            .parameters
            .and_then(|p| p.decode_as().ok())
            .ok_or(Error::KeyFormat)?;
        let curve_alg = match curve {
            c if c == PRIME256V1 => Algorithm::ES256,
            c if c == SECP384R1 => Algorithm::ES384,
            _ => return Err(Error::UnsupportedKeyType),
        };
        if curve_alg != alg {
            return Err(Error::KeyTypeMismatch);
        }
        #[cfg(any(feature = "es256", feature = "es384"))]
        return Ok(KeyMaterial::Ec(crate::alg::EcKey::from_sec1(alg, bits)?));
        #[cfg(not(any(feature = "es256", feature = "es384")))]
        return Err(Error::UnsupportedAlgorithm);
    }
    if oid == ED25519 {
        if spki.algorithm.parameters.is_some() {
            return Err(Error::KeyFormat);
        }
        if alg != Algorithm::EdDSA {
            return Err(Error::KeyTypeMismatch);
        }
        #[cfg(feature = "eddsa")]
        return Ok(KeyMaterial::Ed25519(crate::alg::Ed25519Key::from_bytes(
            bits,
        )?));
        #[cfg(not(feature = "eddsa"))]
        return Err(Error::UnsupportedAlgorithm);
    }
    Err(Error::UnsupportedKeyType)
}

#[cfg(feature = "pem")]
/// Largest DER we decode PEM into. A 4096-bit SPKI is about 550 bytes; room for 8192-bit
/// keys (about 1060) means they are reported as too large rather than as malformed. Used only
/// at load time, on the stack.
const MAX_DER: usize = 2048;

impl RsaKey {
    /// Admit an RSA public key from DER: SPKI (rsaEncryption) or PKCS#1 `RSAPublicKey`.
    pub fn from_der(der: &[u8]) -> Result<Self, Error> {
        from_der(der)
    }

    #[cfg(feature = "pem")]
    /// Admit an RSA public key from PEM: `PUBLIC KEY` (SPKI) or `RSA PUBLIC KEY` (PKCS#1).
    pub fn from_pem(pem: &[u8]) -> Result<Self, Error> {
        from_pem(pem)
    }
}

/// Parse PKCS#1 `RSAPublicKey` DER.
pub(crate) fn from_pkcs1_der(der: &[u8]) -> Result<RsaKey, Error> {
    let key = RsaPublicKey::<UintRef<'_>>::from_der(der).map_err(|_| Error::KeyFormat)?;
    RsaKey::from_components(key.modulus.as_bytes(), key.public_exponent.as_bytes())
}

/// Parse SPKI DER holding an rsaEncryption key (parameters must be NULL, RFC 3279 §2.3.1).
pub(crate) fn from_spki_der(der: &[u8]) -> Result<RsaKey, Error> {
    let spki = SubjectPublicKeyInfoRef::from_der(der).map_err(|_| Error::KeyFormat)?;
    if spki.algorithm.oid != RSA_ENCRYPTION {
        return Err(Error::UnsupportedKeyType);
    }
    match spki.algorithm.parameters {
        Some(p) if p.is_null() => {}
        _ => return Err(Error::KeyFormat),
    }
    let bits = spki.subject_public_key.as_bytes().ok_or(Error::KeyFormat)?;
    from_pkcs1_der(bits)
}

/// Either DER form: SPKI first (the common "PUBLIC KEY"), then PKCS#1. A private key in DER is
/// named as such.
pub(crate) fn from_der(der: &[u8]) -> Result<RsaKey, Error> {
    match from_spki_der(der) {
        Err(Error::KeyFormat) => match from_pkcs1_der(der) {
            Err(Error::KeyFormat) if is_private_key_der(der) => Err(Error::PrivateKey),
            other => other,
        },
        other => other,
    }
}

/// Whether DER that is not a public key starts like a private one: a SEQUENCE whose first
/// member is a one-byte INTEGER version (0 or 1), followed by an INTEGER (PKCS#1
/// `RSAPrivateKey`, RFC 8017 A.1.2: the modulus) or a SEQUENCE (PKCS#8 `PrivateKeyInfo`,
/// RFC 5208 §5: the algorithm). No public key starts so: its first INTEGER is a modulus of
/// hundreds of bytes, or its first member a SEQUENCE. A sniff rather than a full decode, which
/// would cost firmware builds several KB of flash to name an error.
fn is_private_key_der(der: &[u8]) -> bool {
    let body = match der {
        [0x30, n, rest @ ..] if *n < 0x80 => rest,
        [0x30, 0x81, _, rest @ ..] => rest,
        [0x30, 0x82, _, _, rest @ ..] => rest,
        _ => return false,
    };
    matches!(body, [0x02, 0x01, 0x00 | 0x01, 0x02 | 0x30, ..])
}

#[cfg(feature = "pem")]
/// PEM labels of private keys (RFC 7468 §10-§11, and the PKCS#1, SEC 1 and OpenSSH forms).
fn is_private_label(label: &str) -> bool {
    label.ends_with("PRIVATE KEY")
}

#[cfg(feature = "pem")]
/// PEM with label `PUBLIC KEY` (SPKI) or `RSA PUBLIC KEY` (PKCS#1).
pub(crate) fn from_pem(pem: &[u8]) -> Result<RsaKey, Error> {
    let mut buf = [0u8; MAX_DER];
    let (label, der) = decode_pem(pem, &mut buf)?;
    match label {
        "PUBLIC KEY" => from_spki_der(der),
        "RSA PUBLIC KEY" => from_pkcs1_der(der),
        l if is_private_label(l) => Err(Error::PrivateKey),
        _ => Err(Error::UnsupportedKeyType),
    }
}

#[cfg(feature = "pem")]
/// Decode a PEM document into `buf`: its label and DER.
fn decode_pem<'b>(pem: &'b [u8], buf: &'b mut [u8]) -> Result<(&'b str, &'b [u8]), Error> {
    match pem_rfc7468::decode(pem, buf) {
        Ok(decoded) => Ok(decoded),
        // A private key too large for the buffer (RSA-4096 PKCS#8 is about 2.4 KB) still
        // announces itself in its label.
        Err(_) if pem_label(pem).is_some_and(is_private_label) => Err(Error::PrivateKey),
        Err(_) => Err(Error::KeyFormat),
    }
}

#[cfg(feature = "pem")]
/// The label of the first PEM boundary line, if `pem` starts with one.
fn pem_label(pem: &[u8]) -> Option<&str> {
    let rest = pem.trim_ascii_start().strip_prefix(b"-----BEGIN ")?;
    let end = rest.windows(5).position(|w| w == b"-----")?;
    core::str::from_utf8(rest.get(..end)?).ok()
}
