//! The time floor for devices without a trusted clock (the core's `TimeFloor`): two pure
//! functions over a `uint64_t` the caller stores across reboots.

use jwtguard_core::TimeFloor;

use crate::result::jwtguard_result;
use crate::status::jwtguard_status;
use crate::verifier::jwtguard_verifier;
use crate::{contain, shared, verified};

/// The `now` to verify with on a device whose clock may have gone back: the larger of `clock`
/// and the stored `floor`.
#[unsafe(no_mangle)]
pub extern "C" fn jwtguard_time_floor_now(floor: u64, clock: u64) -> u64 {
    TimeFloor::new(floor).now(clock)
}

/// After `jwtguard_verify(verifier, ..., now, ..., result)` passed: the floor raised to the
/// token's `iat`, never above `now` plus the verifier's leeway. Store what it returns whenever
/// it differs from `floor`. `floor` itself comes back unchanged for a result that did not
/// verify, a token without `iat`, or a NULL argument.
///
/// What it answers: after a reboot that set the clock back (an RTC reset to the firmware's
/// build date), a replayed token older than the newest one the device accepted fails as
/// `JWTGUARD_EXPIRED`, as it would against the true time. What it does not: a device that
/// never sees a fresh token keeps an old floor, and a token issued before the floor but not
/// yet expired by it still passes.
///
/// # Safety
/// `verifier` NULL or the valid verifier that produced `result`; `result` NULL or a
/// `jwtguard_result` read as the accessors read it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtguard_time_floor_raise(
    verifier: *const jwtguard_verifier,
    result: *const jwtguard_result,
    now: u64,
    floor: u64,
) -> u64 {
    let raised = || -> Result<u64, jwtguard_status> {
        let v = shared!(verifier)?;
        verified!(result => claims);
        let mut f = TimeFloor::new(floor);
        f.raise(&v.core, claims, now);
        Ok(f.get())
    };
    contain(floor, || raised().unwrap_or(floor))
}
