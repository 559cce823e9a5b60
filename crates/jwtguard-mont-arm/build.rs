//! `cfg(jwtguard_umaal)` on the targets whose instruction set has UMAAL in Thumb-2: Armv7E-M
//! (Cortex-M4, M7: `thumbv7em-*`) and Armv7-A (`armv7-*`, `thumbv7a-*`, `thumbv7neon-*`, the
//! host runner that tests the same code under qemu-arm). Not Armv6-M or Armv7-M (Cortex-M0+,
//! M3: no UMAAL), nor Armv8-M Mainline, where the DSP extension is optional. Stable Rust has no
//! `target_feature` for the DSP extension, so the target's name decides, at compile time.

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rustc-check-cfg=cfg(jwtguard_umaal)");
    let target = std::env::var("TARGET").unwrap_or_default();
    let arch = target.split('-').next().unwrap_or("");
    let umaal = arch.starts_with("thumbv7em")
        || arch.starts_with("thumbv7neon")
        || arch.starts_with("thumbv7a")
        || arch.starts_with("armv7");
    if umaal && std::env::var("CARGO_CFG_MIRI").is_err() {
        println!("cargo::rustc-cfg=jwtguard_umaal");
    }
}
