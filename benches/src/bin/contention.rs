//! The verify cache's lock under concurrent verifies (issue 31: "choose the synchronisation
//! with measurements").
//!
//! `cargo run --release --bin contention [-- --seconds S] [FILTER]`
//!
//! A `jwtguard_cache` has one spin lock, held around a lookup and an insert, never across a
//! verify. Striping (a lock per set) or a seqlock per entry would only pay if threads waited on
//! that lock. This measures how much they do: calls per second with one thread, then two
//! threads on **one shared cache**, then two threads with **a cache each** (no shared lock
//! or line at all, the best any striping could do), for hits (one token again and again) and
//! misses (each thread 16 tokens of its own through a 4-entry cache, 32 in all), with the
//! plain verify beside them for the
//! machine's own scaling. Each configuration runs `S` seconds (default 1), three times in turn;
//! the best of the three is printed.

use std::hint::black_box;
use std::sync::Barrier;
use std::time::{Duration, Instant};

use jwtguard_benches::*;

#[derive(Clone, Copy, PartialEq)]
enum Work {
    Verify,
    Hit,
    Miss,
}

#[derive(Clone, Copy, PartialEq)]
enum Caches {
    One,
    Shared,
    PerThread,
}

/// Calls per second over all threads.
fn run(f: &Fixture, ours: &OursC, work: Work, caches: Caches, seconds: f64) -> f64 {
    let threads = if caches == Caches::One { 1 } else { 2 };
    let entries = if work == Work::Miss { 4 } else { 64 };
    let shared = CCache::new(entries);
    let own: Vec<CCache> = (0..threads).map(|_| CCache::new(entries)).collect();
    let barrier = Barrier::new(threads);
    let total: u64 = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|i| {
                let cache = if caches == Caches::PerThread {
                    &own[i]
                } else {
                    &shared
                };
                let barrier = &barrier;
                s.spawn(move || {
                    // Warm: the token is kept on its second verify and hits from the third.
                    for _ in 0..3 {
                        assert!(ours.verify_cached(cache, &f.token));
                    }
                    barrier.wait();
                    let start = Instant::now();
                    let limit = Duration::from_secs_f64(seconds);
                    let mut calls = 0u64;
                    // Each thread cycles its own half of the variants, as distinct clients:
                    // a token one thread saw never comes from the other, so with one shared
                    // cache a second sight is never the other thread's, and misses stay misses.
                    let half = f.variants.len() / 2;
                    let mine = &f.variants[i * half..(i + 1) * half];
                    let mut next = 0;
                    while start.elapsed() < limit {
                        for _ in 0..64 {
                            let ok = match work {
                                Work::Verify => ours.verify(black_box(&f.token)),
                                Work::Hit => ours.verify_cached(cache, black_box(&f.token)),
                                Work::Miss => {
                                    next = (next + 1) % mine.len();
                                    ours.verify_cached(cache, black_box(&mine[next]))
                                }
                            };
                            assert!(ok);
                        }
                        calls += 64;
                    }
                    calls as f64 / start.elapsed().as_secs_f64()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap() as u64).sum()
    });
    total as f64
}

fn main() {
    let mut seconds = 1.0;
    let mut filter = String::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--seconds" => {
                seconds = args
                    .next()
                    .and_then(|s| s.parse().ok())
                    .expect("--seconds S")
            }
            _ => filter = a,
        }
    }
    println!(
        "calls/s, best of 3 runs of {seconds} s; 2 threads on {} CPUs\n",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!(
        "| group | work | 1 thread | 2 threads, one cache | 2 threads, a cache each | shared ÷ own |"
    );
    println!("|---|---|---:|---:|---:|---:|");
    for (alg, len) in cases() {
        let group = format!("{}/{len}b", alg.label());
        if !group.contains(&filter) {
            continue;
        }
        let f = fixture_with_variants(alg, len, 32);
        let ours = OursC::new(&f);
        for (work, name) in [
            (Work::Verify, "verify, no cache"),
            (Work::Hit, "cache hit"),
            (Work::Miss, "cache miss"),
        ] {
            let mut best = [0f64; 3];
            for _ in 0..3 {
                for (b, caches) in
                    best.iter_mut()
                        .zip([Caches::One, Caches::Shared, Caches::PerThread])
                {
                    *b = b.max(run(&f, &ours, work, caches, seconds));
                }
            }
            let k = |x: f64| format!("{:.0}k", x / 1e3);
            let ratio = if work == Work::Verify {
                "n/a".to_string()
            } else {
                format!("{:.2}", best[1] / best[2])
            };
            println!(
                "| {group} | {name} | {} | {} | {} | {ratio} |",
                k(best[0]),
                k(best[1]),
                k(best[2])
            );
        }
    }
}
