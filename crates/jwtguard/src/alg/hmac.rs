//! HS256, HS384, HS512: HMAC with SHA-2 over the JWS signing input (RFC 7518 §3.2, RFC 2104).

use hmac::{Hmac, KeyInit, Mac};
use subtle::ConstantTimeEq;

use super::Algorithm;
use crate::error::Error;

/// The keyed HMAC state, one per hash.
#[derive(Clone)]
enum State {
    Sha256(Hmac<sha2::Sha256>),
    #[cfg(feature = "hmac-sha512")]
    Sha384(Hmac<sha2::Sha384>),
    #[cfg(feature = "hmac-sha512")]
    Sha512(Hmac<sha2::Sha512>),
}

/// An HMAC key bound to HS256, HS384 or HS512: the primitive under
/// [`crate::KeyRing::add_hmac`], for users who verify MACs over their own messages.
///
/// It keeps the HMAC state after absorbing the padded key (the inner and outer midstates), not
/// the secret itself: that saves two compression-function calls per verify, and the midstates
/// are zeroized on drop by `sha2`'s `zeroize` feature. They are as sensitive as the key: anyone
/// holding them can forge MACs.
#[derive(Clone)]
pub struct HmacKey {
    state: State,
}

impl HmacKey {
    /// A key bound to `alg` (HS256, HS384 or HS512), at least as long as its hash output
    /// (32, 48 or 64 bytes; RFC 7518 §3.2: "A key of the same size as the hash output ... or
    /// larger MUST be used"): shorter is [`Error::KeyTooShort`]. Another algorithm is
    /// [`Error::KeyTypeMismatch`]; one this build leaves out is [`Error::UnsupportedAlgorithm`].
    ///
    /// The primitive takes any bytes. [`crate::KeyRing::add_hmac`] also refuses a secret that is
    /// a key document (a gateway pointed at the RSA public key file by mistake), which needs
    /// the key-format parsers.
    pub fn for_algorithm(alg: Algorithm, secret: &[u8]) -> Result<Self, Error> {
        if !matches!(alg, Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512) {
            return Err(Error::KeyTypeMismatch);
        }
        if !alg.is_built() {
            return Err(Error::UnsupportedAlgorithm);
        }
        if secret.len() < alg.hash().len() {
            return Err(Error::KeyTooShort);
        }
        let state = match alg {
            #[cfg(feature = "hmac-sha512")]
            Algorithm::HS384 => Hmac::new_from_slice(secret).map(State::Sha384),
            #[cfg(feature = "hmac-sha512")]
            Algorithm::HS512 => Hmac::new_from_slice(secret).map(State::Sha512),
            _ => Hmac::new_from_slice(secret).map(State::Sha256),
        };
        scrub_stack();
        Ok(Self {
            state: state.map_err(|_| Error::KeyTooShort)?,
        })
    }

    /// The algorithm the key is bound to.
    pub fn algorithm(&self) -> Algorithm {
        match self.state {
            State::Sha256(_) => Algorithm::HS256,
            #[cfg(feature = "hmac-sha512")]
            State::Sha384(_) => Algorithm::HS384,
            #[cfg(feature = "hmac-sha512")]
            State::Sha512(_) => Algorithm::HS512,
        }
    }

    /// Check `tag` over `message`. The tag must be the full hash output (RFC 7518 §3.2 allows
    /// no truncation), else [`Error::SignatureLength`]; the comparison is constant time, a
    /// mismatch [`Error::InvalidSignature`].
    pub fn verify(&self, message: &[u8], tag: &[u8]) -> Result<(), Error> {
        fn check<M: Mac + Clone>(mac: &M, message: &[u8], tag: &[u8]) -> Result<(), Error> {
            let mut mac = mac.clone();
            mac.update(message);
            let expected = mac.finalize().into_bytes();
            if expected.len() != tag.len() {
                return Err(Error::SignatureLength);
            }
            if bool::from(expected.as_slice().ct_eq(tag)) {
                Ok(())
            } else {
                Err(Error::InvalidSignature)
            }
        }
        // The length first, before any hashing: a tag of another length is not this key's.
        if tag.len() != self.algorithm().hash().len() {
            return Err(Error::SignatureLength);
        }
        match &self.state {
            State::Sha256(m) => check(m, message, tag),
            #[cfg(feature = "hmac-sha512")]
            State::Sha384(m) => check(m, message, tag),
            #[cfg(feature = "hmac-sha512")]
            State::Sha512(m) => check(m, message, tag),
        }
    }
}

impl HmacKey {
    /// What identifies the key in a verify cache's fingerprint (`crate::VerifyCache`): the MAC
    /// of a fixed label under the key. It tells keys apart without revealing them (a PRF
    /// output), and the secret itself is not kept to be hashed.
    pub(crate) fn identity(&self, feed: &mut dyn FnMut(&[u8])) {
        const LABEL: &[u8] = b"jwtguard verify cache: key identity";
        fn mac<M: Mac + Clone>(m: &M, feed: &mut dyn FnMut(&[u8])) {
            let mut m = m.clone();
            m.update(LABEL);
            feed(m.finalize().into_bytes().as_slice());
        }
        match &self.state {
            State::Sha256(m) => mac(m, feed),
            #[cfg(feature = "hmac-sha512")]
            State::Sha384(m) => mac(m, feed),
            #[cfg(feature = "hmac-sha512")]
            State::Sha512(m) => mac(m, feed),
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

impl core::fmt::Debug for HmacKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "HmacKey({}, ..)", self.algorithm().name())
    }
}
