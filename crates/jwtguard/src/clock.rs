//! A time floor for devices without a trusted clock.
//!
//! Many devices boot with no trusted time: the RTC was never set, its battery died, or it
//! starts from the firmware's build date. The `now` a verify is given is then whatever the
//! clock says, and a token that expired long ago verifies again once the clock has gone back
//! far enough. A [`TimeFloor`] keeps a lower bound that only rises: after a verify passes, it
//! rises to the token's `iat` (never above the verify's `now` plus the policy's leeway), and
//! the `now` to verify with is the larger of the clock and the floor. The device stores the
//! floor (a `u64`) across reboots.
//!
//! **What it answers:** a replayed token older than the newest token the device has accepted.
//! After a reboot that set the clock back, such a token fails as [`crate::Error::Expired`]
//! (or, with a maximum age, `TooOld`) against the floor, as it would against the true time.
//!
//! **What it does not:** a device that never sees a fresh token keeps an old floor, so a token
//! issued before it but not yet expired by it still passes. A token can raise the floor only
//! to `now` plus leeway, so a far-future `iat` cannot push the device into rejecting every
//! token, but a floor raised by a token whose issuer's clock runs ahead by up to the leeway
//! stays that far ahead. A floor lost with its storage starts again from zero.

use crate::lists::PolicyLists;
use crate::token::ValidatedClaims;
use crate::verifier::Verifier;

/// A lower bound for a device's clock that only rises (see the module documentation).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TimeFloor(u64);

impl TimeFloor {
    /// The floor as the device stored it (0 the first time).
    pub const fn new(stored: u64) -> Self {
        Self(stored)
    }

    /// The value to store across reboots.
    pub const fn get(self) -> u64 {
        self.0
    }

    /// The `now` to verify with: the larger of the clock and the floor.
    pub const fn now(self, clock: u64) -> u64 {
        if clock > self.0 { clock } else { self.0 }
    }

    /// After `claims` passed a verify at `now` with `verifier`: rise to their `iat`, capped at
    /// `now` plus the verifier's leeway. Returns whether the floor rose (the device then
    /// stores it). A token without `iat` leaves it as it was.
    pub fn raise<const N: usize, L: PolicyLists>(
        &mut self,
        verifier: &Verifier<'_, N, L>,
        claims: &ValidatedClaims<'_>,
        now: u64,
    ) -> bool {
        let Some(iat) = claims.issued_at() else {
            return false;
        };
        self.raise_to(iat, now, verifier.policy().leeway_seconds())
    }

    /// [`TimeFloor::raise`] from the values alone.
    pub fn raise_to(&mut self, iat: u64, now: u64, leeway: u64) -> bool {
        let to = iat.min(now.saturating_add(leeway));
        if to > self.0 {
            self.0 = to;
            true
        } else {
            false
        }
    }
}
