//! `cargo bench -p jwtguard-benches --bench verify`: jwtguard and its peers, same tokens, same
//! groups. jsonwebtoken runs here with aws-lc-rs; `verify_rust_crypto` adds it with RustCrypto
//! to the same groups (its provider is process-wide, hence the second binary).

use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use jwtguard_benches::*;

fn bench(c: &mut Criterion) {
    install_jsonwebtoken_provider(true);
    for (alg, len) in cases() {
        let f = fixture(alg, len);
        check_all(&f);
        let mut g = c.benchmark_group(format!("verify/{}/{len}b", alg.label()));
        let t = f.token.as_str();
        let ours = Ours::new(&f);
        g.bench_function("jwtguard", |b| {
            b.iter(|| assert!(ours.verify(std::hint::black_box(t))))
        });
        let jw = JsonWebToken::new(&f);
        g.bench_function("jsonwebtoken+aws-lc-rs", |b| {
            b.iter(|| assert!(jw.verify(std::hint::black_box(t))))
        });
        let jc = JwtCompact::new(&f);
        g.bench_function("jwt-compact", |b| {
            b.iter(|| assert!(jc.verify(std::hint::black_box(t))))
        });
        let js = JwtSimple::new(&f);
        g.bench_function("jwt-simple", |b| {
            b.iter(|| assert!(js.verify(std::hint::black_box(t))))
        });
        let floor = Floor::new(&f);
        match alg {
            Alg::Hs256 => {
                g.bench_function("floor:hmac-sha256", |b| b.iter(|| assert!(floor.hmac())))
            }
            Alg::Rs256(_) => g.bench_function("floor:aws-lc-rs-rsa", |b| {
                b.iter(|| assert!(floor.aws_lc_rsa()))
            }),
        };
        g.finish();
    }

    // The C ABI against the Rust API, same verifier configuration.
    for (alg, len) in [(Alg::Hs256, 700), (Alg::Rs256(2048), 700)] {
        let f = fixture(alg, len);
        let t = f.token.as_str();
        let (ours, ours_c) = (Ours::new(&f), OursC::new(&f));
        let mut g = c.benchmark_group(format!("ffi/{}/{len}b", alg.label()));
        g.bench_function("jwtguard", |b| {
            b.iter(|| assert!(ours.verify(std::hint::black_box(t))))
        });
        g.bench_function("jwtguard-c-abi", |b| {
            b.iter(|| assert!(ours_c.verify(std::hint::black_box(t))))
        });
        g.finish();
    }

    // Throughput with one and two threads sharing one verifier: time per verification, so
    // "jwtguard / jwtguard-2-threads" is the speed-up.
    for (alg, len) in [(Alg::Hs256, 700), (Alg::Rs256(2048), 700)] {
        let f = fixture(alg, len);
        let t = f.token.as_str();
        let ours = Ours::new(&f);
        let mut g = c.benchmark_group(format!("threads/{}/{len}b", alg.label()));
        g.bench_function("jwtguard", |b| {
            b.iter(|| assert!(ours.verify(std::hint::black_box(t))))
        });
        g.bench_function("jwtguard-2-threads", |b| {
            b.iter_custom(|iters| {
                let start = std::time::Instant::now();
                std::thread::scope(|s| {
                    for _ in 0..2 {
                        s.spawn(|| {
                            for _ in 0..iters.div_ceil(2) {
                                assert!(ours.verify(std::hint::black_box(t)));
                            }
                        });
                    }
                });
                start.elapsed()
            })
        });
        g.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(Duration::from_millis(700)).measurement_time(Duration::from_secs(2)).sample_size(40);
    targets = bench
}
criterion_main!(benches);
