//! Moduli and operands for the kernels' tests, shared by `tests/differential.rs` and the IFMA
//! engine's unit tests (`src/ifma/tests.rs`, which includes this file by path).

use std::vec::Vec;

use crypto_bigint::Uint;
use rand::RngCore;
use rand_chacha::ChaCha8Rng;

/// Moduli of one size: `random` odd ones with the top bit set, the largest (all ones), one just
/// above 2^(64L-1), one with a short top word, and structured ones (alternating words).
pub fn moduli<const L: usize>(rng: &mut ChaCha8Rng, random: usize) -> Vec<[u64; L]> {
    let mut out = Vec::new();
    for _ in 0..random {
        let mut n = [0u64; L];
        n.iter_mut().for_each(|w| *w = rng.next_u64());
        n[0] |= 1;
        n[L - 1] |= 1 << 63;
        out.push(n);
    }
    out.push([u64::MAX; L]);
    let mut n = [0u64; L];
    n[0] = 1;
    n[L - 1] = 1 << 63;
    out.push(n);
    let mut n = [u64::MAX; L];
    n[L - 1] = 1;
    out.push(n);
    let mut n = [0u64; L];
    n.iter_mut()
        .enumerate()
        .for_each(|(i, w)| *w = if i % 2 == 0 { u64::MAX } else { 0 });
    n[L - 1] = u64::MAX;
    out.push(n);
    out
}

/// Operands below `n`: 0, 1, 2, n-1, n-2, all-ones words below the top, and `random` random
/// ones.
pub fn operands<const L: usize>(rng: &mut ChaCha8Rng, n: &Uint<L>, random: usize) -> Vec<Uint<L>> {
    let mut out = Vec::from([Uint::ZERO, Uint::ONE, Uint::from_u8(2)]);
    out.push(n.wrapping_sub(&Uint::ONE));
    out.push(n.wrapping_sub(&Uint::from_u8(2)));
    out.push(Uint::<L>::MAX.shr_vartime(n.leading_zeros() + 1));
    for _ in 0..random {
        let mut w = [0u64; L];
        w.iter_mut().for_each(|x| *x = rng.next_u64());
        let v = Uint::<L>::from_words(w).shr_vartime(n.leading_zeros());
        out.push(if &v < n { v } else { v.wrapping_sub(n) });
    }
    out
}
