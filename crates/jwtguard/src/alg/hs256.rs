//! HS256: HMAC-SHA-256 over the JWS signing input (RFC 7518 §3.2, RFC 2104).

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

use crate::Error;

/// Output size of HMAC-SHA-256, and so the only valid HS256 signature length.
pub(crate) const MAC_LEN: usize = 32;

/// An HS256 key: the primitive under [`crate::KeyRing::add_hs256`], for users who verify MACs
/// over their own messages.
///
/// It keeps the HMAC state after absorbing the padded key (the inner and outer SHA-256
/// midstates), not the secret itself: that saves two compression-function calls per verify,
/// and the midstates are zeroized on drop by `sha2`'s `zeroize` feature. They are as sensitive
/// as the key: anyone holding them can forge MACs.
#[derive(Clone)]
pub struct Hs256Key {
    mac: Hmac<Sha256>,
}

impl Hs256Key {
    /// RFC 7518 §3.2: "A key of the same size as the hash output (for instance, 256 bits for
    /// HS256) or larger MUST be used".
    ///
    /// Shorter secrets are [`Error::KeyTooShort`]; a secret that is a key document (a gateway
    /// pointed at the RSA public key file by mistake) is [`Error::SecretIsKey`].
    pub fn new(secret: &[u8]) -> Result<Self, Error> {
        if secret.len() < MAC_LEN {
            return Err(Error::KeyTooShort);
        }
        if crate::keyfmt::is_key_document(secret) {
            return Err(Error::SecretIsKey);
        }
        let mac = Hmac::<Sha256>::new_from_slice(secret).map_err(|_| Error::KeyTooShort);
        scrub_stack();
        Ok(Self { mac: mac? })
    }

    /// Check `tag` over `message`. The tag must be the full 32 bytes (RFC 7518 §3.2 allows
    /// no truncation for HS256), else [`Error::SignatureLength`]; the comparison is constant
    /// time, a mismatch [`Error::InvalidSignature`].
    pub fn verify(&self, message: &[u8], tag: &[u8]) -> Result<(), Error> {
        if tag.len() != MAC_LEN {
            return Err(Error::SignatureLength);
        }
        let mut mac = self.mac.clone();
        mac.update(message);
        let expected = mac.finalize().into_bytes();
        if bool::from(expected.as_slice().ct_eq(tag)) {
            Ok(())
        } else {
            Err(Error::InvalidSignature)
        }
    }
}

/// Stack the key set-up may have used: `Hmac::new_from_slice` pads the secret into a 64-byte
/// key block in its own frames, and those bytes would otherwise stay in the stack below ours
/// (seen in the nginx module's workers, which fork from the master that loaded the keys).
const STACK_SCRUB: usize = 1024;

/// Overwrite the stack just below the caller's frame, where the frames of the call that just
/// returned lived. `zeroize` writes volatilely, so the stores are not optimised away, and
/// `inline(never)` keeps this a frame of its own at that depth.
#[inline(never)]
fn scrub_stack() {
    use zeroize::Zeroize;
    let mut area = [0u8; STACK_SCRUB];
    area.zeroize();
    core::hint::black_box(&mut area);
}

impl core::fmt::Debug for Hs256Key {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Hs256Key(..)")
    }
}

/// Whether `secret` has the form custom-JWT backends require of configured signing keys:
/// 32 to 512 characters, each an ASCII letter, digit, `_` or `-`.
pub fn is_configurable_secret(secret: &[u8]) -> bool {
    (32..=512).contains(&secret.len())
        && secret
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-')
}
