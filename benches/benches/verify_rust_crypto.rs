//! jsonwebtoken with its RustCrypto provider, in the same groups as `verify`.

use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use jwtguard_benches::*;

fn bench(c: &mut Criterion) {
    install_jsonwebtoken_provider(false);
    for (alg, len) in cases() {
        let f = fixture(alg, len);
        check_all(&f);
        let mut g = c.benchmark_group(format!("verify/{}/{len}b", alg.label()));
        let t = f.token.as_str();
        let jw = JsonWebToken::new(&f);
        g.bench_function("jsonwebtoken+rust_crypto", |b| {
            b.iter(|| assert!(jw.verify(std::hint::black_box(t))))
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
