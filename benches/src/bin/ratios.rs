//! Ratios measured side by side: every candidate of a group timed in turn, round after round,
//! in one process, and each reduced to its fastest round. On a shared, noisy machine a
//! neighbour's burst slows whichever candidate is running; interleaving spreads that over all of
//! them and the minimum keeps the run least disturbed, so ratios of minima are far steadier than
//! medians from separate criterion runs.
//!
//! `cargo run --release --bin ratios [-- --provider aws-lc|rust-crypto] [--rounds N] [FILTER]`
//!
//! jsonwebtoken's crypto provider is process-wide, so each provider needs its own run. Prints a
//! Markdown table: minimum and median per call, jwtguard's ratio to each candidate (below
//! 1.00 means jwtguard is faster), by minimum, and for the C boundary's rows what they add to
//! their base (the C ABI to the Rust API, the claims to the C ABI's verify) as the median of
//! per-round ratios.

use std::hint::black_box;
use std::time::Duration;

use jwtguard_benches::timing::{Args, Candidate, fmt, measure};
use jwtguard_benches::*;

fn main() {
    let Args {
        rounds,
        filter,
        jsonwebtoken: jw_name,
        provider,
    } = Args::parse();
    println!(
        "{rounds} interleaved rounds per group, jsonwebtoken with {provider}; ratio = jwtguard's \
         minimum / the candidate's minimum\n"
    );
    println!("| group | library | min | median | jwtguard ÷ library | per round |");
    println!("|---|---|---:|---:|---:|---:|");
    for (alg, len) in cases().into_iter().chain(large_cases()) {
        let group = format!("{}/{len}b", alg.label());
        if !group.contains(&filter) {
            continue;
        }
        let f = fixture_with_variants(alg, len, 32);
        check_all(&f);
        // The cache rows: a hit (the fixture's token, in a warm cache), and a miss under churn
        // (32 other tokens cycled through a 4-entry cache: every lookup misses, and each token
        // comes back after 31 others, when its probe is gone, so none is kept). Both checked
        // to answer as the verify does.
        let warm = CCache::new(64);
        let churn = CCache::new(4);
        let t = f.token.as_str();
        let Adapters {
            ours,
            ours_c,
            jsonwebtoken: jw,
            jwt_compact: jc,
            jwt_simple: js,
        } = Adapters::new(&f);
        let floor = Floor::new(&f);
        // Kept on its second verify, a hit from the third.
        assert!((0..3).all(|_| ours_c.verify_cached(&warm, t)));
        assert!(!ours_c.verify_cached(&warm, &tampered(t)));
        assert_eq!(warm.stats(), (1, 3));
        for v in &f.variants {
            assert!(ours_c.verify_cached(&churn, v));
        }
        let next = std::cell::Cell::new(0usize);
        let next_plain = std::cell::Cell::new(0usize);
        let variants = &f.variants;
        let mut cands: Vec<Candidate<'_>> = vec![
            ("jwtguard", Box::new(|| ours.verify(black_box(t)))),
            ("jwtguard-c-abi", Box::new(|| ours_c.verify(black_box(t)))),
            (
                "jwtguard-c-abi+5-claims",
                Box::new(|| ours_c.verify_and_read(black_box(t))),
            ),
            (
                "jwtguard-c-abi+5-claims-batch",
                Box::new(|| ours_c.verify_and_read_batch(black_box(t))),
            ),
            (
                "jwtguard-c-abi+cache-hit",
                Box::new(|| ours_c.verify_cached(&warm, black_box(t))),
            ),
            // The miss's baseline: the same 32 tokens in the same order, without a cache (a
            // stream of distinct tokens costs more than one token again, cache or not).
            (
                "jwtguard-c-abi+churn-no-cache",
                Box::new(|| {
                    let i = next_plain.get();
                    next_plain.set((i + 1) % variants.len());
                    ours_c.verify(black_box(&variants[i]))
                }),
            ),
            (
                "jwtguard-c-abi+cache-miss",
                Box::new(|| {
                    let i = next.get();
                    next.set((i + 1) % variants.len());
                    ours_c.verify_cached(&churn, black_box(&variants[i]))
                }),
            ),
            (jw_name, Box::new(|| jw.verify(black_box(t)))),
            ("jwt-compact", Box::new(|| jc.verify(black_box(t)))),
            ("jwt-simple", Box::new(|| js.verify(black_box(t)))),
        ];
        match alg {
            Alg::Hs256 => cands.push(("floor:hmac-sha256", Box::new(|| floor.hmac()))),
            Alg::Rs256(_) => cands.push(("floor:aws-lc-rs-rsa", Box::new(|| floor.aws_lc_rsa()))),
        }
        let times = measure(&cands, rounds, Duration::from_micros(300));
        // The C boundary's rows against their base in the same round: the C ABI against the
        // Rust API, the claims rows against the C ABI's verify. A round's two batches run
        // close together, so a slow moment of a shared machine stretches both; the median of
        // the per-round ratios keeps what the difference costs, where a ratio of minima
        // picks its two minima from different moments.
        let churn_base = cands
            .iter()
            .position(|(n, _)| *n == "jwtguard-c-abi+churn-no-cache");
        let base = |name: &str| match name {
            "jwtguard-c-abi" => Some(0),
            "jwtguard-c-abi+cache-miss" => churn_base,
            n if n.starts_with("jwtguard-c-abi+") => Some(1),
            _ => None,
        };
        let per_round: Vec<String> = cands
            .iter()
            .enumerate()
            .map(|(i, (name, _))| match base(name) {
                Some(b) => {
                    let mut r: Vec<f64> = times[i]
                        .iter()
                        .zip(&times[b])
                        .map(|(x, y)| x / y - 1.0)
                        .collect();
                    r.sort_by(f64::total_cmp);
                    format!("{:+.1}% vs {}", r[r.len() / 2] * 100.0, cands[b].0)
                }
                None => String::new(),
            })
            .collect();
        let stats: Vec<(f64, f64)> = times
            .into_iter()
            .map(|mut v| {
                v.sort_by(f64::total_cmp);
                (v[0], v[v.len() / 2])
            })
            .collect();
        let ours_min = stats[0].0;
        for (((name, _), (min, median)), round) in cands.iter().zip(&stats).zip(&per_round) {
            let ratio = if *name == "jwtguard" {
                String::new()
            } else {
                format!("{:.2}×", ours_min / min)
            };
            println!(
                "| {group} | {name} | {} | {} | {ratio} | {round} |",
                fmt(*min),
                fmt(*median)
            );
        }
    }
}
