//! The interleaved timing both ratio binaries use (see `src/bin/ratios.rs` for the method).

use std::hint::black_box;
use std::time::{Duration, Instant};

/// A named candidate: one verification per call, `true` when the token verified.
pub type Candidate<'a> = (&'static str, Box<dyn Fn() -> bool + 'a>);

/// Per-call times of each candidate, `rounds` rounds of about `batch` each, the order rotated
/// every round.
pub fn measure(cands: &[Candidate<'_>], rounds: usize, batch: Duration) -> Vec<Vec<f64>> {
    let iters: Vec<u32> = cands
        .iter()
        .map(|(name, f)| {
            let start = Instant::now();
            let mut n = 0u32;
            while start.elapsed() < batch / 4 || n < 2 {
                assert!(black_box(f()), "{name} rejected the token");
                n += 1;
            }
            (n * 4).max(1)
        })
        .collect();
    let mut times = vec![Vec::with_capacity(rounds); cands.len()];
    for round in 0..rounds {
        for k in 0..cands.len() {
            let i = (k + round) % cands.len();
            let f = &cands[i].1;
            let start = Instant::now();
            for _ in 0..iters[i] {
                assert!(black_box(f()));
            }
            times[i].push(start.elapsed().as_secs_f64() / f64::from(iters[i]));
        }
    }
    times
}

pub fn fmt(secs: f64) -> String {
    let ns = secs * 1e9;
    if ns < 1000.0 {
        format!("{ns:.0} ns")
    } else {
        format!("{:.2} µs", ns / 1000.0)
    }
}

/// The command line both ratio binaries take: `[--provider aws-lc|rust-crypto] [--rounds N]
/// [FILTER]`. Installs the jsonwebtoken provider (process-wide) and returns the options.
pub struct Args {
    /// Rounds per group.
    pub rounds: usize,
    /// Only groups whose name contains this.
    pub filter: String,
    /// jsonwebtoken's name with its provider, for the tables.
    pub jsonwebtoken: &'static str,
    /// The provider as given.
    pub provider: String,
}

impl Args {
    pub fn parse() -> Self {
        let mut provider = "aws-lc".to_string();
        let mut rounds = 300usize;
        let mut filter = String::new();
        let mut args = std::env::args().skip(1);
        while let Some(a) = args.next() {
            match a.as_str() {
                "--provider" => provider = args.next().expect("--provider aws-lc|rust-crypto"),
                "--rounds" => {
                    rounds = args
                        .next()
                        .and_then(|r| r.parse().ok())
                        .expect("--rounds N")
                }
                "--bench" => {} // cargo bench passes it
                f => filter = f.to_string(),
            }
        }
        let aws_lc = match provider.as_str() {
            "aws-lc" => true,
            "rust-crypto" => false,
            p => panic!("unknown provider {p}: aws-lc or rust-crypto"),
        };
        crate::install_jsonwebtoken_provider(aws_lc);
        let jsonwebtoken = if aws_lc {
            "jsonwebtoken+aws-lc-rs"
        } else {
            "jsonwebtoken+rust_crypto"
        };
        Self {
            rounds,
            filter,
            jsonwebtoken,
            provider,
        }
    }
}
