//! The read side of the C accessors alone, for profilers and for A/B comparisons:
//! `cargo run --release -p jwtguard-benches --example profile_claims -- MODE [LEN] [N]`
//!
//! - `batch` / `single`: one verify, then N reads of its five claims (one batch call, or one
//!   call per claim), the fastest of 20 runs (a loop for `perf` and callgrind).
//! - `share`: what the five claims add to a verify, as the `ratios` rows
//!   `jwtguard-c-abi+5-claims[-batch]` measure it, but with only those three candidates
//!   interleaved in short rounds (N rounds of 50 µs), and as the median over rounds of each
//!   round's ratio to that round's verify: on a noisy machine a slow moment stretches both
//!   sides of a ratio, so the median varies far less from run to run than a ratio of minima.
use std::time::Duration;

use jwtguard_benches::timing::{Candidate, measure};
use jwtguard_benches::*;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mode = args.get(1).map(String::as_str).unwrap_or("batch");
    let len = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(700);
    let f = fixture(Alg::Hs256, len);
    let ours = OursC::new(&f);
    let t = f.token.as_str();
    if mode == "share" {
        let rounds = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(3000);
        let cands: Vec<Candidate<'_>> = vec![
            ("verify", Box::new(|| ours.verify(std::hint::black_box(t)))),
            (
                "single",
                Box::new(|| ours.verify_and_read(std::hint::black_box(t))),
            ),
            (
                "batch",
                Box::new(|| ours.verify_and_read_batch(std::hint::black_box(t))),
            ),
        ];
        let times = measure(&cands, rounds, Duration::from_micros(50));
        let min = |v: &[f64]| v.iter().copied().fold(f64::INFINITY, f64::min);
        // Each round's ratio to the verify of the same round, and their median: a slow phase
        // of the machine (a neighbour, the clock) stretches both times of a round alike, so
        // the ratio keeps what the claims cost.
        let share = |v: &[f64]| {
            let mut r: Vec<f64> = v
                .iter()
                .zip(&times[0])
                .map(|(x, base)| x / base - 1.0)
                .collect();
            r.sort_by(f64::total_cmp);
            r[r.len() / 2] * 100.0
        };
        let median_ns = |v: &[f64]| {
            let mut d: Vec<f64> = v.iter().zip(&times[0]).map(|(x, base)| x - base).collect();
            d.sort_by(f64::total_cmp);
            d[d.len() / 2] * 1e9
        };
        println!(
            "HS256/{}b: verify {:.0} ns (min); 5 claims, median share per round: one call each \
             {:.1}% ({:.0} ns), one batch call {:.1}% ({:.0} ns); by minima {:.1}% and {:.1}%",
            t.len(),
            min(&times[0]) * 1e9,
            share(&times[1]),
            median_ns(&times[1]),
            share(&times[2]),
            median_ns(&times[2]),
            (min(&times[1]) / min(&times[0]) - 1.0) * 100.0,
            (min(&times[2]) / min(&times[0]) - 1.0) * 100.0,
        );
        return;
    }
    let n: u32 = args
        .get(3)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let batch = mode != "single";
    // SAFETY: called below only on the result of a verify that passed.
    let read = |r| unsafe {
        if batch {
            read_five_batch(r)
        } else {
            read_five(r)
        }
    };
    assert!(ours.with_result(t, |result| {
        // The fastest of 20 runs of n reads: the least disturbed on a shared machine.
        let mut best = Duration::MAX;
        for _ in 0..20 {
            let start = std::time::Instant::now();
            for _ in 0..n {
                assert!(read(std::hint::black_box(result)));
            }
            best = best.min(start.elapsed() / n);
        }
        eprintln!("5 claims of {} chars ({mode}): {best:?} per read", t.len());
        true
    }));
}
