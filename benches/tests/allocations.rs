//! Heap allocations per verification, counted by a global allocator: jwtguard must make none,
//! through the Rust API or the C ABI; the peers' counts are printed (`--nocapture`) for the
//! README. One test function, so no other test thread allocates while counting.
#![allow(clippy::unwrap_used)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use jwtguard_benches::*;

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: defers to the system allocator; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: same contract as ours.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as ours.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: same contract as ours.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static COUNTING: Counting = Counting;

/// Allocations per call of `f`, averaged over 10 calls after one warm-up call.
fn per_call(f: impl Fn() -> bool) -> f64 {
    assert!(f());
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    for _ in 0..10 {
        assert!(f());
    }
    (ALLOCATIONS.load(Ordering::Relaxed) - before) as f64 / 10.0
}

#[test]
fn allocations_per_verify() {
    install_jsonwebtoken_provider(true);
    println!(
        "| token | jwtguard | jwtguard C ABI | jsonwebtoken+aws-lc-rs | jwt-compact | jwt-simple |"
    );
    println!("|---|---:|---:|---:|---:|---:|");
    for (alg, len) in cases().into_iter().chain(large_cases()) {
        let f = fixture(alg, len);
        let t = f.token.as_str();
        let Adapters {
            ours,
            ours_c,
            jsonwebtoken: jw,
            jwt_compact: jc,
            jwt_simple: js,
        } = Adapters::new(&f);
        let ours_n = per_call(|| ours.verify(t));
        let c_n = per_call(|| ours_c.verify(t));
        println!(
            "| {}/{len}b | {ours_n} | {c_n} | {} | {} | {} |",
            alg.label(),
            per_call(|| jw.verify(t)),
            per_call(|| jc.verify(t)),
            per_call(|| js.verify(t))
        );
        assert_eq!(ours_n, 0.0, "jwtguard allocated on {}/{len}b", alg.label());
        assert_eq!(
            c_n,
            0.0,
            "jwtguard's C ABI allocated on {}/{len}b",
            alg.label()
        );
    }

    // Every algorithm (issue 17): the sample JWKS and one token per algorithm; jwtguard makes
    // no allocation on any of them (the key set is loaded before counting).
    let mut keys = jwtguard::KeyRing::<12>::new();
    keys.add_jwks(include_bytes!("../../examples/data/algs.jwks.json"))
        .unwrap();
    static ALG_POLICY: jwtguard::Policy<'static> = jwtguard::Policy::new()
        .issuers(&["https://issuer.example"])
        .audiences(&["api.example"]);
    let v = jwtguard::Verifier::new(keys, ALG_POLICY);
    let tokens = include_str!("../../examples/data/algs.tokens.txt");
    assert_eq!(tokens.lines().count(), 12);
    for (alg, t) in jwtguard::Algorithm::ALL.iter().zip(tokens.lines()) {
        let n = per_call(|| {
            let mut buf = jwtguard::TokenBuf::new();
            v.verify(t.as_bytes(), 1_700_000_000, &mut buf).is_ok()
        });
        println!("| {} | {n} |", alg.name());
        assert_eq!(n, 0.0, "jwtguard allocated on {alg:?}");
    }
}
