//! Print a Markdown table of the latest criterion results: each group's median per library and
//! jwtguard's ratio to it (below 1.00 means jwtguard is faster).
//!
//! `cargo run -p jwtguard-benches --bin bench-report [CRITERION_DIR]` (default target/criterion)

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

#[derive(Deserialize)]
struct Benchmark {
    group_id: String,
    function_id: Option<String>,
}

#[derive(Deserialize)]
struct Estimate {
    point_estimate: f64,
}

#[derive(Deserialize)]
struct Estimates {
    median: Estimate,
}

fn find(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            if p.file_name().is_some_and(|n| n == "new") && p.join("benchmark.json").exists() {
                out.push(p);
            } else {
                find(&p, out);
            }
        }
    }
}

fn fmt_time(ns: f64) -> String {
    if ns >= 1000.0 {
        format!("{:.1} µs", ns / 1000.0)
    } else {
        format!("{ns:.0} ns")
    }
}

fn main() {
    let dir = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
            root.join("target/criterion")
        });
    let mut runs = Vec::new();
    find(&dir, &mut runs);
    if runs.is_empty() {
        eprintln!(
            "no criterion results under {}: run `cargo bench -p jwtguard-benches` first",
            dir.display()
        );
        std::process::exit(1);
    }
    // group -> library -> median ns
    let mut table: BTreeMap<String, BTreeMap<String, f64>> = BTreeMap::new();
    for run in runs {
        let read = |f: &str| std::fs::read_to_string(run.join(f)).unwrap_or_default();
        let (Ok(b), Ok(e)) = (
            serde_json::from_str::<Benchmark>(&read("benchmark.json")),
            serde_json::from_str::<Estimates>(&read("estimates.json")),
        ) else {
            continue;
        };
        let lib = b.function_id.unwrap_or_else(|| "-".into());
        table
            .entry(b.group_id)
            .or_default()
            .insert(lib, e.median.point_estimate);
    }
    println!("| group | library | median | jwtguard ÷ library |");
    println!("|---|---|---:|---:|");
    for (group, libs) in &table {
        let ours = libs.get("jwtguard").copied();
        let mut rows: Vec<_> = libs.iter().collect();
        rows.sort_by(|a, b| a.1.total_cmp(b.1));
        for (lib, ns) in rows {
            let ratio = match ours {
                Some(o) if lib != "jwtguard" => format!("{:.2}×", o / ns),
                _ => String::new(),
            };
            println!("| {group} | {lib} | {} | {ratio} |", fmt_time(*ns));
        }
    }
}
