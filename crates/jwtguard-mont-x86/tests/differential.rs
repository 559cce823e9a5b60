//! The kernel against crypto-bigint's Montgomery arithmetic, at every size it serves, on random
//! and edge moduli and operands. On a CPU without ADX/BMI2 (or under Miri) there is nothing to
//! test, and the test says so instead of passing silently on x86-64 CI machines that have it.

use crypto_bigint::modular::{FixedMontyForm, FixedMontyParams};
use crypto_bigint::{Odd, Uint};
use jwtguard_mont_x86::Adx;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

mod support;
use support::{moduli, operands};

fn cpu() -> Option<Adx> {
    let cpu = Adx::detect();
    if cpu.is_none() {
        // CI runs on x86-64 machines with ADX (every x86-64 CPU since 2014-2015); set
        // JWTGUARD_REQUIRE_ADX=1 there so a detection bug cannot skip these tests unnoticed.
        assert!(
            std::env::var_os("JWTGUARD_REQUIRE_ADX").is_none(),
            "JWTGUARD_REQUIRE_ADX is set but ADX/BMI2 were not detected"
        );
        eprintln!("no ADX/BMI2 on this CPU: kernel tests skipped");
    }
    cpu
}

fn check<const L: usize>(cpu: Adx, seed: u64) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    for n_words in moduli::<L>(&mut rng, 12) {
        let n = Odd::new(Uint::<L>::from_words(n_words)).unwrap();
        let params = FixedMontyParams::new_vartime(n);
        let n0 = params.mod_neg_inv().0;
        let ops = operands(&mut rng, n.as_ref(), 10);
        for (i, a) in ops.iter().enumerate() {
            let fa = FixedMontyForm::new(a, &params);
            let ma = *fa.as_montgomery().as_words();
            assert_eq!(
                &cpu.mont_sqr(&ma, &n_words, n0),
                fa.square().as_montgomery().as_words(),
                "square, L={L}, operand {i}"
            );
            for (j, b) in ops.iter().enumerate().skip(i) {
                let fb = FixedMontyForm::new(b, &params);
                let mb = *fb.as_montgomery().as_words();
                let want = fa.mul(&fb);
                assert_eq!(
                    &cpu.mont_mul(&ma, &mb, &n_words, n0),
                    want.as_montgomery().as_words(),
                    "mul, L={L}, operands {i} {j}"
                );
                assert_eq!(
                    &cpu.mont_mul(&mb, &ma, &n_words, n0),
                    want.as_montgomery().as_words(),
                    "mul commuted, L={L}, operands {j} {i}"
                );
            }
            // Leaving the Montgomery domain: a R * 1 * R^-1 = a.
            let mut one = [0u64; L];
            one[0] = 1;
            assert_eq!(&cpu.mont_mul(&ma, &one, &n_words, n0), a.as_words());
        }
    }
}

#[test]
fn matches_crypto_bigint_2048() {
    if let Some(cpu) = cpu() {
        check::<32>(cpu, 1);
    }
}

#[test]
fn matches_crypto_bigint_3072() {
    if let Some(cpu) = cpu() {
        check::<48>(cpu, 2);
    }
}

#[test]
fn matches_crypto_bigint_4096() {
    if let Some(cpu) = cpu() {
        check::<64>(cpu, 3);
    }
}

#[test]
fn smallest_block() {
    if let Some(cpu) = cpu() {
        check::<8>(cpu, 4);
    }
}
