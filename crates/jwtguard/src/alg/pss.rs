//! EMSA-PSS-VERIFY (RFC 8017 §9.1.2) with MGF1 (RFC 8017 B.2.1), as JWS uses it: MGF1 with the
//! signature's own hash and a salt exactly as long as the hash (RFC 7518 §3.5), so a signature
//! made with another salt length is invalid here.
//!
//! Everything checked is public (the signature, the message, the key), so the checks may
//! return early; the final hash comparison is constant time anyway, as the others are.

use subtle::ConstantTimeEq;

use super::Hash;
use crate::error::Error;

/// Check `em_full`, the modulus-length output of RSAVP1 (`s^e mod n`), as the EMSA-PSS
/// encoding of `message` for a modulus of `mod_bits` bits.
pub(crate) fn verify(
    hash: Hash,
    message: &[u8],
    em_full: &[u8],
    mod_bits: usize,
) -> Result<(), Error> {
    let bad = Error::InvalidSignature;
    // §8.1.2 step 2c: EM = I2OSP(m, emLen) with emBits = modBits - 1. When modBits is one more
    // than a multiple of 8, emLen is one byte shorter than the modulus, and m must fit in it.
    let em_bits = mod_bits.checked_sub(1).ok_or(bad)?;
    let em_len = em_bits.div_ceil(8);
    let lead = em_full.len().checked_sub(em_len).ok_or(bad)?;
    let (zeros, em) = em_full.split_at(lead);
    if zeros.iter().any(|&b| b != 0) {
        return Err(bad);
    }
    let h_len = hash.len();
    let s_len = h_len;
    // Step 3.
    let db_len = em_len
        .checked_sub(h_len)
        .and_then(|x| x.checked_sub(1))
        .ok_or(bad)?;
    if db_len < s_len.saturating_add(1) {
        return Err(bad);
    }
    // Step 4: the trailer.
    let (body, trailer) = em.split_at(em_len.saturating_sub(1));
    if trailer != [0xbc] {
        return Err(bad);
    }
    // Step 5.
    let (masked_db, h) = body.split_at(db_len);
    // Step 6: the leftmost 8*emLen - emBits bits of the masked DB must be zero.
    let zero_bits = em_len.saturating_mul(8).saturating_sub(em_bits);
    let top_mask: u8 = 0xff_u8
        .checked_shr(u32::try_from(zero_bits).map_err(|_| bad)?)
        .unwrap_or(0);
    if masked_db.first().is_some_and(|b| b & !top_mask != 0) {
        return Err(bad);
    }
    // Steps 7-10, a hash block at a time: DB = maskedDB xor MGF1(H), its top bits cleared,
    // must be PS (zeros) || 0x01 || salt. Only the salt is kept (no modulus-sized DB on the
    // stack): the bytes before it are checked as they are unmasked.
    let ps_len = db_len.saturating_sub(s_len).saturating_sub(1);
    let mut salt = [0u8; 64];
    let salt = salt.get_mut(..s_len).ok_or(bad)?;
    let mut malformed = false;
    let mut at = 0usize;
    for (counter, chunk) in (0u32..).zip(masked_db.chunks(h_len)) {
        let mask = hash.digest(&[h, &counter.to_be_bytes()]);
        for (m, k) in chunk.iter().zip(mask.as_slice()) {
            let mut b = m ^ k;
            if at == 0 {
                b &= top_mask;
            }
            if at < ps_len {
                malformed |= b != 0;
            } else if at == ps_len {
                malformed |= b != 0x01;
            } else if let Some(slot) = salt.get_mut(at.saturating_sub(ps_len).saturating_sub(1)) {
                *slot = b;
            }
            at = at.saturating_add(1);
        }
    }
    if malformed {
        return Err(bad);
    }
    // Steps 12-14: H' = Hash(00 x 8 || mHash || salt) must be H.
    let m_hash = hash.digest(&[message]);
    let expected = hash.digest(&[&[0u8; 8], m_hash.as_slice(), &*salt]);
    if bool::from(expected.as_slice().ct_eq(h)) {
        Ok(())
    } else {
        Err(bad)
    }
}
