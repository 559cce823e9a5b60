//! As `peers_aws_lc`, with jsonwebtoken's RustCrypto provider (a process-wide choice).
#[test]
fn every_peer_really_verifies() {
    jwtguard_benches::install_jsonwebtoken_provider(false);
    for (alg, len) in jwtguard_benches::cases()
        .into_iter()
        .chain(jwtguard_benches::large_cases())
    {
        jwtguard_benches::check_all(&jwtguard_benches::fixture(alg, len));
    }
}
