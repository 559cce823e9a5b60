//! RSA signatures with no heap: RS256/384/512, RSASSA-PKCS1-v1_5 with SHA-2 (RFC 7518 §3.3,
//! RFC 8017 §8.2.2), and PS256/384/512, RSASSA-PSS (RFC 7518 §3.5, RFC 8017 §8.1.2; the
//! encoding check is in `pss.rs`).
//!
//! PKCS#1 v1.5 verification recomputes `EM' = 00 01 FF..FF 00 || DigestInfo || H` and compares
//! all of it with `s^e mod n` (RFC 8017 §8.2.2 step 4). The padding is never parsed, which is
//! what keeps out the Bleichenbacher'06 family of forgeries. Only the DigestInfo with the
//! explicit NULL parameter is accepted (RFC 8017 §9.2 note 1).
//!
//! Arithmetic: fixed-width limb arrays and Montgomery parameters (`-n^-1 mod 2^w`,
//! `R^2 mod n`), computed once when the key is loaded; the per-verify exponentiation runs in
//! `mont.rs`, variable time (nothing here is secret: public key, public signature). For
//! e = 65537 that is one conversion in, 16 squarings, one multiplication and a reduction. The
//! tests check all of it against crypto-bigint and the `rsa` crate; the library itself needs
//! neither, which keeps firmware images small (crypto-bigint's generic set-up was 9.8 KB of a
//! Cortex-M4 image).

use subtle::ConstantTimeEq;

use super::mont::{self, Modulus, W, limbs};
use super::{Algorithm, Hash};
use crate::error::Error;
use crate::limits::{RSA_MAX_BITS, RSA_MIN_BITS};

#[cfg(any(feature = "rsa-pss", feature = "jwk"))]
pub(crate) const MAX_LEN: usize = RSA_MAX_BITS / 8;

/// `DigestInfo ::= SEQUENCE { AlgorithmIdentifier { id-sha256, NULL }, OCTET STRING (32) }`,
/// DER, up to the hash (RFC 8017 §9.2 note 1); the SHA-384 and SHA-512 ones differ in the
/// lengths and the OID's last arc.
const DIGEST_INFO_SHA256: [u8; 19] = [
    0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05,
    0x00, 0x04, 0x20,
];
#[cfg(feature = "rsa-sha512")]
const DIGEST_INFO_SHA384: [u8; 19] = [
    0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02, 0x05,
    0x00, 0x04, 0x30,
];
#[cfg(feature = "rsa-sha512")]
const DIGEST_INFO_SHA512: [u8; 19] = [
    0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03, 0x05,
    0x00, 0x04, 0x40,
];

/// A public modulus in Montgomery form: the modulus (both word orders), `-n^-1 mod 2^w` and
/// `R^2 mod n`.
#[derive(Clone, Debug)]
struct Params<const L: usize> {
    m: Modulus<L>,
    r2: [W; L],
}

const L2048: usize = limbs(2048);
#[cfg(feature = "rsa-4096")]
const L3072: usize = limbs(3072);
#[cfg(feature = "rsa-4096")]
const L4096: usize = limbs(4096);

/// Montgomery parameters at the smallest width that holds the modulus. The enum is as large as
/// its largest variant, and that is deliberate: with no heap there is nothing to box into, and
/// the `rsa-4096` feature is how a device keeps key slots at the 2048-bit size.
#[derive(Clone, Debug)]
#[allow(clippy::large_enum_variant)]
enum Width {
    W2048(Params<L2048>),
    #[cfg(feature = "rsa-4096")]
    W3072(Params<L3072>),
    #[cfg(feature = "rsa-4096")]
    W4096(Params<L4096>),
}

/// Call `$body` with `$p` bound to the parameters, whatever the width.
macro_rules! with_width {
    ($w:expr, $p:ident => $body:expr) => {
        match $w {
            Width::W2048($p) => $body,
            #[cfg(feature = "rsa-4096")]
            Width::W3072($p) => $body,
            #[cfg(feature = "rsa-4096")]
            Width::W4096($p) => $body,
        }
    };
}

/// An RSA public key, 2048 to 4096 bits, n odd, e odd and in 3..2^32, bound to one of RS256,
/// RS384, RS512, PS256, PS384 or PS512 (RS256 unless [`RsaKey::for_algorithm`] says otherwise):
/// a key loaded for RS256 never answers a PS256 token, and back.
#[derive(Clone, Debug)]
pub struct RsaKey {
    width: Width,
    /// Modulus length in bytes, which is also the only valid signature length.
    n_len: usize,
    e: u32,
    alg: Algorithm,
}

fn strip_zeros(mut b: &[u8]) -> &[u8] {
    while let Some((0, rest)) = b.split_first() {
        b = rest;
    }
    b
}

/// The parameters for an odd modulus `n` of at most `L` limbs (callers check both).
fn params<const L: usize>(n: &[u8]) -> Result<Params<L>, Error> {
    let n = mont::from_be::<L>(n).ok_or(Error::RsaModulusTooLarge)?;
    let m = Modulus::new(&n);
    let r2 = m.r2();
    Ok(Params { m, r2 })
}

impl RsaKey {
    /// Admit a key from its big-endian modulus and exponent (leading zero bytes allowed),
    /// bound to RS256.
    pub fn from_components(n: &[u8], e: &[u8]) -> Result<Self, Error> {
        let n = strip_zeros(n);
        let bits = match n.first() {
            None => 0,
            Some(top) => n
                .len()
                .saturating_mul(8)
                .saturating_sub(top.leading_zeros() as usize),
        };
        if bits < RSA_MIN_BITS {
            return Err(Error::RsaModulusTooSmall);
        }
        if bits > RSA_MAX_BITS {
            return Err(Error::RsaModulusTooLarge);
        }
        if n.last().is_none_or(|b| b & 1 == 0) {
            return Err(Error::RsaInvalidModulus);
        }
        let e = strip_zeros(e);
        if e.len() > 4 {
            return Err(Error::RsaInvalidExponent);
        }
        let e = e.iter().fold(0u32, |acc, b| (acc << 8) | u32::from(*b));
        // e = 1 would make every s its own signature; even e is not an RSA exponent.
        if e < 3 || e & 1 == 0 {
            return Err(Error::RsaInvalidExponent);
        }
        let width = match n.len() {
            ..=256 => Width::W2048(params(n)?),
            #[cfg(feature = "rsa-4096")]
            257..=384 => Width::W3072(params(n)?),
            #[cfg(feature = "rsa-4096")]
            _ => Width::W4096(params(n)?),
            #[cfg(not(feature = "rsa-4096"))]
            _ => return Err(Error::RsaModulusTooLarge),
        };
        Ok(Self {
            width,
            n_len: n.len(),
            e,
            alg: Algorithm::RS256,
        })
    }

    /// The same key bound to `alg` instead: an RSA algorithm (RS256/384/512, PS256/384/512),
    /// else [`Error::KeyTypeMismatch`]; one this build leaves out is
    /// [`Error::UnsupportedAlgorithm`].
    pub fn for_algorithm(mut self, alg: Algorithm) -> Result<Self, Error> {
        if !matches!(
            alg,
            Algorithm::RS256
                | Algorithm::RS384
                | Algorithm::RS512
                | Algorithm::PS256
                | Algorithm::PS384
                | Algorithm::PS512
        ) {
            return Err(Error::KeyTypeMismatch);
        }
        if !alg.is_built() {
            return Err(Error::UnsupportedAlgorithm);
        }
        self.alg = alg;
        Ok(self)
    }

    /// The algorithm the key is bound to.
    pub fn algorithm(&self) -> Algorithm {
        self.alg
    }

    /// The modulus size in bits.
    pub fn modulus_bits(&self) -> usize {
        with_width!(&self.width, p => mont::bits(p.m.n()))
    }

    /// The public exponent.
    pub fn exponent(&self) -> u32 {
        self.e
    }

    /// What identifies the key in a verify cache's fingerprint: `e` and `n` (the algorithm is
    /// fed by the caller).
    pub(crate) fn identity(&self, feed: &mut dyn FnMut(&[u8])) {
        feed(&self.e.to_be_bytes());
        with_width!(&self.width, p => {
            let n = p.m.n();
            for i in 0..self.n_len {
                feed(&[mont::be_byte(n, self.n_len, i)]);
            }
        });
    }

    /// Verify a signature over `message` with the key's algorithm.
    ///
    /// The signature must be exactly as long as the modulus (RFC 8017 §8.2.2 step 1, §8.1.2
    /// step 1), else [`Error::SignatureLength`]; a value of n or more, or any mismatch of the
    /// encoded message, is [`Error::InvalidSignature`].
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> Result<(), Error> {
        if signature.len() != self.n_len {
            return Err(Error::SignatureLength);
        }
        with_width!(&self.width, p => self.check(p, message, signature))
    }

    /// RSAVP1 (RFC 8017 §5.2.2: `m = s^e mod n`, refused when `s >= n`), then the encoding
    /// check of the key's scheme on `m`. Out of line where there are three widths: each
    /// width's copy has its own frame, so a verify's stack holds one width's operands, not all
    /// three. With one width (firmware, no `rsa-4096`), inlined: a frame of its own there only
    /// added to the peak (the Cortex-M4's RS256 stack, 2,384 -> 2,780 B).
    #[cfg_attr(feature = "rsa-4096", inline(never))]
    fn check<const L: usize>(
        &self,
        p: &Params<L>,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), Error> {
        let s = mont::from_be::<L>(signature).ok_or(Error::InvalidSignature)?;
        if !mont::less_than(&s, p.m.n()) {
            return Err(Error::InvalidSignature);
        }
        let m = p.m.pow(&s, self.e, &p.r2);
        // m < n, so it fits the modulus length; checked anyway, it is one scan.
        if mont::bits(&m) > self.n_len.saturating_mul(8) {
            return Err(Error::InvalidSignature);
        }
        let hash = self.alg.hash();
        match self.alg {
            #[cfg(feature = "rsa-pss")]
            Algorithm::PS256 | Algorithm::PS384 | Algorithm::PS512 => {
                // PSS unmasks the encoded message in place: it needs its bytes.
                let mut em = [0u8; MAX_LEN];
                let em = em.get_mut(..self.n_len).ok_or(Error::SignatureLength)?;
                if !mont::to_be(&m, em) {
                    return Err(Error::InvalidSignature);
                }
                super::pss::verify(hash, message, em, self.modulus_bits())
            }
            // PKCS#1 v1.5 reads the encoded message byte by byte straight from the limbs: no
            // modulus-sized byte buffer on the stack (a firmware's peak is this path's).
            _ => {
                let em = |i: usize| mont::be_byte(&m, self.n_len, i);
                if emsa_pkcs1_matches(hash, message, self.n_len, em) {
                    Ok(())
                } else {
                    Err(Error::InvalidSignature)
                }
            }
        }
    }
}

/// Whether the encoded message `em` (`em_len` bytes, byte `i` from the left given by `em`) is
/// EMSA-PKCS1-v1_5-ENCODE (RFC 8017 §9.2) of `message`: the whole expected block
/// `00 01 FF..FF 00 DigestInfo H` is compared, byte for byte, in constant time, as §8.2.2 step
/// 3 says (encode, then compare; never parse the padding). Each expected byte is computed where
/// it is compared, from the lengths alone, so no second modulus-sized buffer is needed.
fn emsa_pkcs1_matches(hash: Hash, message: &[u8], em_len: usize, em: impl Fn(usize) -> u8) -> bool {
    let info: &[u8] = match hash {
        Hash::Sha256 => &DIGEST_INFO_SHA256,
        #[cfg(feature = "rsa-sha512")]
        Hash::Sha384 => &DIGEST_INFO_SHA384,
        #[cfg(feature = "rsa-sha512")]
        Hash::Sha512 => &DIGEST_INFO_SHA512,
        // A key cannot be bound to RS384/RS512 without the feature.
        #[cfg(not(feature = "rsa-sha512"))]
        _ => return false,
    };
    let digest = hash.digest(&[message]);
    let t_len = info.len().saturating_add(digest.as_slice().len());
    // At least 8 bytes of 0xFF padding (§9.2 step 5): always true for moduli of 2048 bits.
    let Some(ps_end) = em_len.checked_sub(t_len).and_then(|x| x.checked_sub(1)) else {
        return false;
    };
    if ps_end < 2 {
        return false;
    }
    // 0x00 0x01 FF..FF 0x00 T: the first and the separator byte must be zero.
    let mut diff = em(0) | (em(1) ^ 0x01) | em(ps_end);
    for i in 2..ps_end {
        diff |= em(i) ^ 0xff;
    }
    let expected = info.iter().chain(digest.as_slice().iter());
    for (i, want) in (ps_end.saturating_add(1)..em_len).zip(expected) {
        diff |= em(i) ^ want;
    }
    bool::from(diff.ct_eq(&0))
}
