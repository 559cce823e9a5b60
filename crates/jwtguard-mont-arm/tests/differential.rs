//! The kernel against crypto-bigint's Montgomery arithmetic, at every size it accepts (8 to
//! 128 limbs, in steps of 8), on random and edge moduli and operands. It runs on an Armv7 host
//! (`thumbv7neon-unknown-linux-gnueabihf` under qemu-arm, scripts/cross-test.sh), which
//! executes the same Thumb-2 instructions as a Cortex-M4. Built for any other target there is
//! no kernel, and the test says so, or fails when JWTGUARD_REQUIRE_UMAAL is set. crypto-bigint's
//! limbs are the target's word, so the file compiles for 32-bit targets only.
#![cfg(target_pointer_width = "32")]

use crypto_bigint::modular::{FixedMontyForm, FixedMontyParams};
use crypto_bigint::{Odd, Uint};
use jwtguard_mont_arm::Umaal;
use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn kernel() -> Option<Umaal> {
    let k = Umaal::get();
    if k.is_none() {
        assert!(
            std::env::var_os("JWTGUARD_REQUIRE_UMAAL").is_none(),
            "JWTGUARD_REQUIRE_UMAAL is set but this build has no UMAAL kernel"
        );
        eprintln!("not an Armv7E-M/Armv7-A build: kernel tests skipped");
    }
    k
}

/// Moduli of one size: random odd ones with the top bit set, the largest (all ones), one just
/// above 2^(32L-1), one with a short top word, and alternating words.
fn moduli<const L: usize>(rng: &mut ChaCha8Rng, random: usize) -> Vec<[u32; L]> {
    let mut out = Vec::new();
    for _ in 0..random {
        let mut n = [0u32; L];
        n.iter_mut().for_each(|w| *w = rng.next_u32());
        n[0] |= 1;
        n[L - 1] |= 1 << 31;
        out.push(n);
    }
    out.push([u32::MAX; L]);
    let mut n = [0u32; L];
    n[0] = 1;
    n[L - 1] = 1 << 31;
    out.push(n);
    let mut n = [u32::MAX; L];
    n[L - 1] = 1;
    out.push(n);
    let mut n = [0u32; L];
    n.iter_mut()
        .enumerate()
        .for_each(|(i, w)| *w = if i % 2 == 0 { u32::MAX } else { 0 });
    n[L - 1] = u32::MAX;
    out.push(n);
    out
}

/// Operands below `n`: 0, 1, 2, n-1, n-2, all-ones words below the top, and random ones.
fn operands<const L: usize>(rng: &mut ChaCha8Rng, n: &Uint<L>) -> Vec<Uint<L>> {
    let mut out = vec![Uint::ZERO, Uint::ONE, Uint::from_u8(2)];
    out.push(n.wrapping_sub(&Uint::ONE));
    out.push(n.wrapping_sub(&Uint::from_u8(2)));
    out.push(Uint::<L>::MAX.shr_vartime(n.leading_zeros() + 1));
    for _ in 0..6 {
        let mut w = [0u32; L];
        w.iter_mut().for_each(|x| *x = rng.next_u32());
        let v = Uint::<L>::from_words(w).shr_vartime(n.leading_zeros());
        out.push(if &v < n { v } else { v.wrapping_sub(n) });
    }
    out
}

fn check<const L: usize>(k: Umaal, seed: u64, random_moduli: usize) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    for n_words in moduli::<L>(&mut rng, random_moduli) {
        let n = Odd::new(Uint::<L>::from_words(n_words)).unwrap();
        let params = FixedMontyParams::new_vartime(n);
        let n0 = params.mod_neg_inv().0;
        let ops = operands(&mut rng, n.as_ref());
        for (i, a) in ops.iter().enumerate() {
            let fa = FixedMontyForm::new(a, &params);
            let ma = *fa.as_montgomery().as_words();
            assert_eq!(
                &k.mont_sqr(&ma, &n_words, n0),
                fa.square().as_montgomery().as_words(),
                "square, L={L}, operand {i}"
            );
            for (j, b) in ops.iter().enumerate().skip(i) {
                let fb = FixedMontyForm::new(b, &params);
                let mb = *fb.as_montgomery().as_words();
                let want = fa.mul(&fb);
                assert_eq!(
                    &k.mont_mul(&ma, &mb, &n_words, n0),
                    want.as_montgomery().as_words(),
                    "mul, L={L}, operands {i} {j}"
                );
                assert_eq!(
                    &k.mont_mul(&mb, &ma, &n_words, n0),
                    want.as_montgomery().as_words(),
                    "mul commuted, L={L}, operands {j} {i}"
                );
            }
            // Leaving the Montgomery domain: a R * 1 * R^-1 = a.
            let mut one = [0u32; L];
            one[0] = 1;
            assert_eq!(&k.mont_mul(&ma, &one, &n_words, n0), a.as_words());
        }
    }
}

macro_rules! sizes {
    ($($name:ident: $l:literal, $random:literal;)*) => {
        $(
            #[test]
            fn $name() {
                if let Some(k) = kernel() {
                    check::<$l>(k, $l, $random);
                }
            }
        )*
    };
}

// Every size the kernel accepts; the ones RSA uses (64, 96, 128 limbs: 2048, 3072 and 4096
// bits) with more random moduli.
sizes! {
    limbs_8: 8, 8;
    limbs_16: 16, 4;
    limbs_24: 24, 4;
    limbs_32: 32, 4;
    limbs_40: 40, 2;
    limbs_48: 48, 2;
    limbs_56: 56, 2;
    limbs_64: 64, 8;
    limbs_72: 72, 2;
    limbs_80: 80, 2;
    limbs_88: 88, 2;
    limbs_96: 96, 4;
    limbs_104: 104, 1;
    limbs_112: 112, 1;
    limbs_120: 120, 1;
    limbs_128: 128, 4;
}
