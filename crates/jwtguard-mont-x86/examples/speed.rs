//! `cargo run --release -p jwtguard-mont-x86 --example speed`: time per Montgomery multiply and
//! squaring at each size (minimum over rounds; the machines this runs on are noisy).
use std::hint::black_box;
use std::time::Instant;

use jwtguard_mont_x86::Adx;

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
    println!(
        "{:4} bits: mul {:7.1} ns, square {:7.1} ns",
        64 * L,
        best_mul * 1e9,
        best_sqr * 1e9
    );
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
