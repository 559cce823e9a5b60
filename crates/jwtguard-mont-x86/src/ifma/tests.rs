//! Both engines against crypto-bigint's exponentiation, at the three sizes IFMA serves, on the
//! moduli and operands of `tests/differential.rs` (`tests/support/mod.rs`) and the exponents
//! RSA uses (and some it does not). The emulated engine runs on every x86-64 CPU; the IFMA
//! instructions only where the CPU has them, and elsewhere the test says it skipped them.
//! `JWTGUARD_REQUIRE_IFMA=1` turns that into a failure, for machines known to have IFMA.

use std::eprintln;

use crypto_bigint::modular::{FixedMontyForm, FixedMontyParams};
use crypto_bigint::{Odd, Uint};
use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

#[path = "../../tests/support/mod.rs"]
mod support;
use support::{moduli, operands};

use crate::Ifma;

fn cpu() -> Option<Ifma> {
    let cpu = Ifma::detect();
    if cpu.is_none() {
        assert!(
            std::env::var_os("JWTGUARD_REQUIRE_IFMA").is_none(),
            "JWTGUARD_REQUIRE_IFMA is set but AVX-512 IFMA was not detected"
        );
        eprintln!("no AVX-512 IFMA on this CPU: IFMA tests skipped");
    }
    cpu
}

/// An engine's exponentiation: `(s, e, rr, n, n0) -> s^e mod n`.
type Pow<'a, const L: usize> = &'a dyn Fn(&[u64; L], u32, &[u64; L], &[u64; L], u64) -> [u64; L];

fn check<const L: usize>(pow: Pow<'_, L>, seed: u64) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    // 65537 and 3 are what keys use; the others walk the other branches (multiplications
    // inside the loop, an even exponent, e = 1). The long ones (31 squarings) on a few bases.
    let short = [65537u32, 3, 1, 2, 17];
    let long = [0x8000_0001, u32::MAX, rng.next_u32() | 1];
    for n_words in moduli::<L>(&mut rng, 6) {
        let n = Odd::new(Uint::<L>::from_words(n_words)).unwrap();
        let params = FixedMontyParams::new_vartime(n);
        let n0 = params.mod_neg_inv().0;
        let rr = *params.r2().as_words();
        for (i, s) in operands(&mut rng, n.as_ref(), 4).iter().enumerate() {
            let fs = FixedMontyForm::new(s, &params);
            let exponents = if i % 4 == 3 { &long[..] } else { &[] };
            for &e in short.iter().chain(exponents) {
                let want = fs.pow_vartime(&Uint::<1>::from_u32(e)).retrieve();
                assert_eq!(
                    &pow(s.as_words(), e, &rr, &n_words, n0),
                    want.as_words(),
                    "L={L}, base {i}, e={e}"
                );
            }
        }
    }
}

/// Both engines at `L` limbs and `V` vectors (the table in `Ifma::pow_into`).
fn both<const L: usize, const V: usize>(seed: u64) {
    check::<L>(
        &|s, e, rr, n, n0| {
            let mut out = [0; L];
            super::emulated::pow::<L, V>(s, e, rr, n, n0, &mut out);
            out
        },
        seed,
    );
    if let Some(cpu) = cpu() {
        check::<L>(
            &|s, e, rr, n, n0| {
                let mut out = [0; L];
                assert!(cpu.pow_into(s, e, rr, n, n0, &mut out));
                out
            },
            seed,
        );
    }
}

#[test]
fn matches_crypto_bigint_2048() {
    both::<32, 5>(21);
}

#[test]
fn matches_crypto_bigint_3072() {
    both::<48, 8>(22);
}

#[test]
fn matches_crypto_bigint_4096() {
    both::<64, 10>(23);
}

#[test]
fn other_sizes_are_declined() {
    if let Some(cpu) = cpu() {
        let n = [u64::MAX; 16];
        let mut out = [7; 16];
        assert!(!cpu.pow_into(&[2; 16], 65537, &[1; 16], &n, 1, &mut out));
        assert_eq!(out, [7; 16], "out untouched");
    }
}

/// The conversions between 64- and 52-bit limbs are each other's inverse.
#[test]
fn limbs_round_trip() {
    let mut rng = ChaCha8Rng::seed_from_u64(24);
    for _ in 0..100 {
        let mut x = [0u64; 64];
        x.iter_mut().for_each(|w| *w = rng.next_u64());
        let mut y = [[u64::MAX; 8]; 10];
        super::to_52_into(&x, &mut y);
        assert!(y.iter().flatten().all(|&l| l <= super::MASK));
        let mut back = [0; 64];
        super::from_52_into(&y, &mut back);
        assert_eq!(back, x);
    }
}
