//! `cargo run --release -p jwtguard-mont-x86 --example speed`: time per Montgomery multiply and
//! squaring at each size, and per exponentiation by 65537 (an RSA verify's modexp) with each
//! kernel: 16 squarings and two multiplications with ADX, `Ifma::pow_into` with IFMA (minimum over
//! rounds; the machines this runs on are noisy).
use std::hint::black_box;
use std::time::Instant;

use jwtguard_mont_x86::{Adx, Ifma};

fn time<const L: usize>(cpu: Adx) {
    let mut n = [0x9e37_79b9_7f4a_7c15u64; L];
    n[0] |= 1;
    let mut inv: u64 = 1;
    for _ in 0..7 {
        inv = inv.wrapping_mul(2u64.wrapping_sub(n[0].wrapping_mul(inv)));
    }
    let n0 = inv.wrapping_neg();
    let mut a = [0x1234_5678_9abc_def1u64; L];
    a[L - 1] = 1;
    let (mut best_mul, mut best_sqr) = (f64::MAX, f64::MAX);
    for _ in 0..50 {
        let t = Instant::now();
        for _ in 0..2000 {
            a = cpu.mont_mul(black_box(&a), &n, &n, n0);
        }
        best_mul = best_mul.min(t.elapsed().as_secs_f64() / 2000.0);
        let t = Instant::now();
        for _ in 0..2000 {
            a = cpu.mont_sqr(black_box(&a), &n, n0);
        }
        best_sqr = best_sqr.min(t.elapsed().as_secs_f64() / 2000.0);
    }
    // s^65537 as the core runs it on ADX: into the domain, 16 squarings, out with s.
    let rr = a;
    let pow_adx = |s: &[u64; L]| {
        let mut x = cpu.mont_mul(s, &rr, &n, n0);
        for _ in 0..16 {
            x = cpu.mont_sqr(&x, &n, n0);
        }
        cpu.mont_mul(&x, s, &n, n0)
    };
    let best_pow = best(|| a = pow_adx(black_box(&a)));
    let best_ifma = Ifma::detect().map(|ifma| {
        best(|| {
            let mut out = a;
            ifma.pow_into(black_box(&a), 65537, &rr, &n, n0, &mut out);
            a = out;
        })
    });
    println!(
        "{:4} bits: mul {:7.1} ns, square {:7.1} ns; s^65537 {:7.0} ns with ADX, {}",
        64 * L,
        best_mul * 1e9,
        best_sqr * 1e9,
        best_pow * 1e9,
        best_ifma.map_or("no IFMA".into(), |t| format!(
            "{:7.0} ns with IFMA",
            t * 1e9
        ))
    );
}

/// The fastest of 30 rounds of 200 calls, in seconds per call.
fn best(mut f: impl FnMut()) -> f64 {
    (0..30)
        .map(|_| {
            let t = Instant::now();
            for _ in 0..200 {
                f();
            }
            t.elapsed().as_secs_f64() / 200.0
        })
        .fold(f64::MAX, f64::min)
}

fn main() {
    let Some(cpu) = Adx::detect() else {
        println!("no ADX/BMI2 on this CPU");
        return;
    };
    time::<32>(cpu);
    time::<48>(cpu);
    time::<64>(cpu);
}
