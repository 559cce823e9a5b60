//! Every library in the benches verifies each fixture and rejects a tampered one
//! (jsonwebtoken with aws-lc-rs).
#[test]
fn every_peer_really_verifies() {
    jwtguard_benches::install_jsonwebtoken_provider(true);
    for (alg, len) in jwtguard_benches::cases()
        .into_iter()
        .chain(jwtguard_benches::large_cases())
    {
        jwtguard_benches::check_all(&jwtguard_benches::fixture(alg, len));
    }
}
