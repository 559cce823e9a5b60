//! The x86-64 Montgomery kernels (`jwtguard-mont-x86`) against crypto-bigint at 2048, 3072 and
//! 4096 bits: fuzzed odd moduli and operands below them, every ADX multiplication and squaring
//! compared, and the IFMA exponentiation with a fuzzed exponent (its own bytes after the
//! operands; 65537 when absent). crypto-bigint is also the reference of the portable fallback
//! (`mont.rs`'s differential tests), so kernels and fallback are held to the same answers. On a
//! CPU without ADX/BMI2 there is nothing to test; without IFMA, only the ADX part runs.
#![no_main]
use crypto_bigint::modular::{FixedMontyForm, FixedMontyParams};
use crypto_bigint::{Odd, Uint};
use jwtguard_mont_x86::{Adx, Ifma};
use libfuzzer_sys::fuzz_target;

fn words<const L: usize>(data: &[u8]) -> [u64; L] {
    let mut w = [0u64; L];
    for (x, chunk) in w.iter_mut().zip(data.chunks(8)) {
        let mut b = [0u8; 8];
        b[..chunk.len()].copy_from_slice(chunk);
        *x = u64::from_le_bytes(b);
    }
    w
}

fn check<const L: usize>(cpu: Adx, data: &[u8]) {
    let part = |i: usize| data.get(i * 8 * L..).unwrap_or(&[]);
    let mut n = words::<L>(part(0));
    n[0] |= 1;
    // The modulus's top word: as fuzzed, except that zero would make it a smaller size.
    if n[L - 1] == 0 {
        n[L - 1] = 1;
    }
    let n = Odd::new(Uint::<L>::from_words(n)).unwrap();
    let params = FixedMontyParams::new_vartime(n);
    let n0 = params.mod_neg_inv().0;
    let nw = *n.as_ref().as_words();
    let a = Uint::<L>::from_words(words::<L>(part(1))).rem_vartime(n.as_nz_ref());
    let b = Uint::<L>::from_words(words::<L>(part(2))).rem_vartime(n.as_nz_ref());
    let (fa, fb) = (
        FixedMontyForm::new(&a, &params),
        FixedMontyForm::new(&b, &params),
    );
    let (ma, mb) = (
        *fa.as_montgomery().as_words(),
        *fb.as_montgomery().as_words(),
    );
    assert_eq!(
        &cpu.mont_mul(&ma, &mb, &nw, n0),
        fa.mul(&fb).as_montgomery().as_words()
    );
    assert_eq!(
        &cpu.mont_sqr(&ma, &nw, n0),
        fa.square().as_montgomery().as_words()
    );
    // Raw operands too (below n, not in Montgomery form): the kernel must not care.
    let (ra, rb) = (*a.as_words(), *b.as_words());
    let want = FixedMontyForm::from_montgomery(a, &params)
        .mul(&FixedMontyForm::from_montgomery(b, &params));
    assert_eq!(
        &cpu.mont_mul(&ra, &rb, &nw, n0),
        want.as_montgomery().as_words()
    );
    if let Some(ifma) = Ifma::detect() {
        let e = part(3)
            .get(..4)
            .map_or(65537, |b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .max(1); // e = 0 is outside the contract (no RSA key has it)
        let rr = *params.r2().as_words();
        let want = FixedMontyForm::new(&a, &params)
            .pow_vartime(&Uint::<1>::from_u32(e))
            .retrieve();
        let mut out = [0; L];
        assert!(ifma.pow_into(&ra, e, &rr, &nw, n0, &mut out));
        assert_eq!(&out, want.as_words());
    }
}

fuzz_target!(|data: &[u8]| {
    let Some(cpu) = Adx::detect() else { return };
    let Some((&size, rest)) = data.split_first() else {
        return;
    };
    match size % 3 {
        0 => check::<32>(cpu, rest),
        1 => check::<48>(cpu, rest),
        _ => check::<64>(cpu, rest),
    }
});
