//! The time floor (issue 30): a device whose clock went back after a reboot still refuses a
//! token older than the newest one it accepted.

mod common;

use common::*;
use jwtguard::{Error, TimeFloor, TokenBuf};

fn token(iat: u64, exp: u64) -> String {
    sign(
        HEADER,
        &format!(
            r#"{{"iss":"https://issuer.example","sub":"user_1","aud":"api","azp":"https://app.example","iat":{iat},"exp":{exp}}}"#
        ),
        SECRET,
    )
}

/// The replay the floor answers: the device accepted a token issued at NOW, rebooted, and its
/// clock now reads a day earlier (an RTC reset to the firmware's build date). A token that
/// expired an hour before NOW verifies against the clock, and not against the floor.
#[test]
fn a_replayed_old_token_fails_after_the_clock_goes_back() {
    let v = verifier(POLICY.leeway(30));
    let mut floor = TimeFloor::new(0);
    let fresh = token(NOW, NOW + 600);
    let mut buf = TokenBuf::new();
    let now = floor.now(NOW + 5);
    let claims = v.verify(fresh.as_bytes(), now, &mut buf).unwrap();
    assert!(floor.raise(&v, &claims, now));
    assert_eq!(floor.get(), NOW);

    // Reboot: the stored floor comes back, the clock does not.
    let floor = TimeFloor::new(floor.get());
    let clock = NOW - 86_400;
    let old = token(NOW - 90_000, NOW - 3_600);
    let mut buf = TokenBuf::new();
    assert!(
        v.verify(old.as_bytes(), clock, &mut buf).is_ok(),
        "the clock alone accepts it"
    );
    let mut buf = TokenBuf::new();
    assert_eq!(
        v.verify(old.as_bytes(), floor.now(clock), &mut buf).err(),
        Some(Error::Expired)
    );
    // A fresh token still passes at the floor.
    let mut buf = TokenBuf::new();
    assert!(
        v.verify(fresh.as_bytes(), floor.now(clock), &mut buf)
            .is_ok()
    );
}

/// The floor rises to iat, never above now plus leeway, and never falls.
#[test]
fn the_floor_rises_to_iat_within_leeway_and_never_falls() {
    let mut f = TimeFloor::new(100);
    assert!(!f.raise_to(50, 1_000, 30), "an older iat leaves it");
    assert_eq!(f.get(), 100);
    assert!(f.raise_to(500, 1_000, 30));
    assert_eq!(f.get(), 500);
    assert!(f.raise_to(5_000, 1_000, 30), "capped at now + leeway");
    assert_eq!(f.get(), 1_030);
    assert!(!f.raise_to(5_000, 1_000, 30));
    assert_eq!(f.now(10), 1_030);
    assert_eq!(f.now(2_000), 2_000);
    assert!(!f.raise_to(u64::MAX, u64::MAX, u64::MAX) || f.get() == u64::MAX);
}

/// A token without iat leaves the floor where it was.
#[test]
fn a_token_without_iat_leaves_the_floor() {
    let v = verifier(POLICY);
    let t = sign(
        HEADER,
        &format!(
            r#"{{"iss":"https://issuer.example","sub":"user_1","aud":"api","azp":"https://app.example","exp":{}}}"#,
            NOW + 60
        ),
        SECRET,
    );
    let mut f = TimeFloor::new(7);
    let mut buf = TokenBuf::new();
    let claims = v.verify(t.as_bytes(), NOW, &mut buf).unwrap();
    assert!(!f.raise(&v, &claims, NOW));
    assert_eq!(f.get(), 7);
}
