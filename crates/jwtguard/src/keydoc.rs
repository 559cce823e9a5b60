//! What is *not* an HMAC secret: a key document. A gateway given the RSA public key file as its
//! HMAC secret would let anyone holding that public key mint tokens (RS256/HS256 confusion, RFC
//! 8725 §2.1), so the loaders refuse a secret that is PEM of any label, SPKI or PKCS#1 DER, or a
//! JWK. A leaf of its own, so the HMAC primitive needs no parser (`crate::alg` depends on no
//! format), and only the loaders pay for the sniff.

#[cfg(feature = "der")]
use pkcs1::RsaPublicKey;
#[cfg(feature = "der")]
use pkcs1::der::Decode;
#[cfg(feature = "der")]
use pkcs1::der::asn1::UintRef;
#[cfg(feature = "der")]
use spki::SubjectPublicKeyInfoRef;

use crate::json;
use crate::limits::MAX_JSON_MEMBERS;

/// Whether `bytes` are a key document rather than a secret: PEM of any label, SPKI or PKCS#1
/// `RSAPublicKey` DER, or a JSON object with a `kty` (a JWK). Random secrets are none of these
/// (DER must parse as the whole structure; JSON must validate), so this refuses only mistakes.
pub(crate) fn is_key_document(bytes: &[u8]) -> bool {
    let text = bytes.trim_ascii_start();
    if text.starts_with(b"-----BEGIN") {
        return true;
    }
    // DER key documents are recognised by parsing them, so only builds with the parsers (the
    // `der` feature: the host library) pay for it; a device that loads its keys from `(n, e)`
    // components has no DER anywhere to confuse with a secret.
    #[cfg(feature = "der")]
    if SubjectPublicKeyInfoRef::from_der(bytes).is_ok()
        || RsaPublicKey::<UintRef<'_>>::from_der(bytes).is_ok()
    {
        return true;
    }
    if text.first() == Some(&b'{') {
        let mut keys = [0u32; MAX_JSON_MEMBERS];
        if json::validate(bytes, &mut keys).is_ok() {
            return json::Object::from_validated(bytes).is_some_and(|o| o.get("kty").is_some());
        }
    }
    false
}
