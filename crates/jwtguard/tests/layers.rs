//! The module graph reads top-down (issue 29): every module imports only from the layers below
//! its own, as the map in `src/lib.rs`'s documentation lists them. A `crate::` path in code
//! (a `use` line or an inline path) to a module of the same or a higher layer fails, and so
//! does a module the map does not list, or a path through the crate root's re-exports
//! (`crate::Error`: the root is the top layer).

use std::collections::HashMap;
use std::path::Path;

fn src() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src"))
}

/// The map: module name -> layer (1 is the top).
fn layers() -> HashMap<String, usize> {
    let lib = std::fs::read_to_string(src().join("lib.rs")).unwrap();
    let mut map = HashMap::new();
    for line in lib.lines() {
        let Some(rest) = line.strip_prefix("//! ") else {
            continue;
        };
        let Some((n, names)) = rest.split_once(". ") else {
            continue;
        };
        let Ok(n) = n.parse::<usize>() else { continue };
        for name in names.split(", ") {
            map.insert(name.trim_matches('`').to_string(), n);
        }
    }
    assert!(map.len() > 10, "no layer map in src/lib.rs");
    map
}

/// The module a source file belongs to: `alg/rsa.rs` -> `alg`, `claims.rs` -> `claims`.
fn module_of(path: &Path) -> String {
    let rel = path.strip_prefix(src()).unwrap();
    let first = rel
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_str()
        .unwrap();
    first.trim_end_matches(".rs").to_string()
}

fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The `crate::` paths in a line of code (comments dropped): the first segment of each.
fn crate_paths(line: &str) -> Vec<String> {
    let code = line.split("//").next().unwrap();
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find("crate::") {
        let tail = &rest[i + "crate::".len()..];
        let seg: String = tail
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        // `$crate::` in macros is the crate root too.
        out.push(seg);
        rest = tail;
    }
    out
}

#[test]
fn imports_point_down_the_map() {
    let map = layers();
    let mut all = Vec::new();
    files(src(), &mut all);
    let mut violations = Vec::new();
    for path in &all {
        let module = module_of(path);
        let Some(&own) = map.get(&module) else {
            violations.push(format!(
                "{}: module `{module}` is not in the map",
                path.display()
            ));
            continue;
        };
        let text = std::fs::read_to_string(path).unwrap();
        let mut in_tests = false;
        for (no, line) in text.lines().enumerate() {
            // Unit tests may reach anything.
            if line.trim_start().starts_with("#[cfg(test)]") {
                in_tests = true;
            }
            if in_tests || module == "lib" {
                continue;
            }
            for target in crate_paths(line) {
                let ok = match map.get(&target) {
                    Some(&layer) => target == module || layer > own,
                    None => false,
                };
                if !ok {
                    violations.push(format!(
                        "{}:{}: `{module}` (layer {own}) uses `crate::{target}` ({})",
                        path.display(),
                        no + 1,
                        map.get(&target)
                            .map_or("not a module of the map".to_string(), |l| format!(
                                "layer {l}"
                            ))
                    ));
                }
            }
        }
    }
    assert!(
        violations.is_empty(),
        "imports that point up:\n{}",
        violations.join("\n")
    );
}

/// The test can fail: a path up the map, through the root, or to an unknown module.
#[test]
fn the_check_sees_upward_paths() {
    assert_eq!(crate_paths("use crate::Error;"), ["Error"]);
    assert_eq!(
        crate_paths("    let x = crate::claims::Claims::parse(p); // crate::json"),
        ["claims"]
    );
    let map = layers();
    assert!(map["token"] > map["verifier"] && map["limits"] > map["error"]);
    assert!(!map.contains_key("Error"));
}
