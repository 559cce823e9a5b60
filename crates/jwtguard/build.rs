//! `cfg(jwtguard_armv6m)` on Armv6-M and Armv8-M Baseline targets (Cortex-M0, M0+, M23):
//! there, a 32x32->64-bit multiply is a call to `__aeabi_lmul`, and the Montgomery
//! multiplication builds its products from 16-bit halves instead (`alg/mont.rs`). Stable Rust
//! has no `target_feature` that tells these cores apart, so the target's name decides.

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rustc-check-cfg=cfg(jwtguard_armv6m)");
    let target = std::env::var("TARGET").unwrap_or_default();
    if target.starts_with("thumbv6m") || target.starts_with("thumbv8m.base") {
        println!("cargo::rustc-cfg=jwtguard_armv6m");
    }
}
