//! A loop of one verify, for profilers (`valgrind --tool=callgrind`, `perf`):
//! `cargo run --release -p jwtguard-benches --example profile_verify -- rs256-2048 700 1000`
use jwtguard_benches::*;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let alg = match args.get(1).map(String::as_str).unwrap_or("rs256-2048") {
        "hs256" => Alg::Hs256,
        a => Alg::Rs256(
            a.trim_start_matches("rs256-")
                .parse()
                .expect("rs256-BITS or hs256"),
        ),
    };
    let len = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(700);
    let n: u64 = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(1000);
    let f = fixture(alg, len);
    let ours = Ours::new(&f);
    let start = std::time::Instant::now();
    for _ in 0..n {
        assert!(ours.verify(std::hint::black_box(&f.token)));
    }
    eprintln!(
        "{n} verifies of {} chars: {:?} each",
        f.token.len(),
        start.elapsed() / n as u32
    );
}
