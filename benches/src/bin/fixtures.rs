//! Write the bench fixtures for the C harness (`c/peers.sh`): for each case of `cases()`,
//! `DIR/<alg>-<len>.jwt` (the token, no newline), plus `DIR/<alg>.pem` (RSA public keys, SPKI
//! PEM) and `DIR/hs256.key` (the HMAC secret), and `DIR/cases` listing the token files.
//!
//! `cargo run --release --bin fixtures DIR`

use jwtguard_benches::*;

fn main() {
    let dir = std::env::args().nth(1).expect("usage: fixtures DIR");
    let dir = std::path::Path::new(&dir);
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("hs256.key"), HS_SECRET).unwrap();
    let mut list = String::new();
    for (alg, len) in cases() {
        let f = fixture(alg, len);
        let name = format!("{}-{len}", alg.label());
        std::fs::write(dir.join(format!("{name}.jwt")), &f.token).unwrap();
        if let Alg::Rs256(_) = alg {
            std::fs::write(dir.join(format!("{}.pem", alg.label())), &f.public_pem).unwrap();
        }
        list.push_str(&format!("{name}\n"));
    }
    std::fs::write(dir.join("cases"), list).unwrap();
}
