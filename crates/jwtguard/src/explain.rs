//! Why a token is refused: every check a verify runs on it, in order, with each outcome
//! ([`Verifier::explain`]).
//!
//! Operators re-decode rejected tokens by hand to learn what to fix; a verify reports only its
//! first failure. The walk lists them all, under two rules:
//! - **It never changes the verdict.** The verdict it returns is a verify's own
//!   ([`Verifier::verify_request`], run first); the walk is a report beside it, made by the
//!   same code (the policy's and the key ring's rules run through one visitor, which a verify
//!   stops at the first failure and an explanation lets go on).
//! - **It never reads claims that are not authenticated.** When no key verifies the
//!   signature the walk stops there ([`Check::Signature`]'s failure is its last step): the
//!   payload of such a token is an attacker's, and its claims are not looked at.

use core::ops::ControlFlow;

use crate::alg::Algorithm;
use crate::capacity::Capacity;
pub use crate::checks::Check;
use crate::checks::Visit;
use crate::error::Error;
use crate::lists::PolicyLists;
use crate::token::{TokenBuf, UntrustedToken};
use crate::verifier::{Request, Verifier};

/// One check and its outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step<'k> {
    /// What was checked.
    pub check: Check,
    /// How it went.
    pub outcome: Result<(), Error>,
    /// For [`Check::Key`]: the key's `kid` as loaded (`None` for a key without one); for
    /// [`Check::Header`], the token's `kid` is not reported (it is attacker text).
    pub kid: Option<&'k [u8]>,
    /// For [`Check::Header`] and [`Check::Key`]: the token's `alg`, which the key is bound to.
    pub algorithm: Option<Algorithm>,
}

impl Step<'_> {
    /// An empty step, to fill an array with before a walk.
    pub const EMPTY: Step<'static> = Step {
        check: Check::Format,
        outcome: Ok(()),
        kid: None,
        algorithm: None,
    };
}

/// What [`Verifier::explain`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Explanation {
    /// The verify's verdict: what [`Verifier::verify_request`] answers for the same call.
    pub verdict: Result<(), Error>,
    /// How many steps the walk has; when more than the caller's array holds, the array has
    /// the first ones.
    pub steps: usize,
}

/// Records every step into the caller's array, counting those that do not fit.
struct Recorder<'o, 'k> {
    out: &'o mut [Step<'k>],
    n: usize,
}

impl<'k> Recorder<'_, 'k> {
    fn push(&mut self, step: Step<'k>) {
        if let Some(slot) = self.out.get_mut(self.n) {
            *slot = step;
        }
        self.n = self.n.saturating_add(1);
    }
}

impl Recorder<'_, '_> {
    fn step(&mut self, check: Check, outcome: Result<(), Error>) {
        self.push(Step {
            check,
            outcome,
            kid: None,
            algorithm: None,
        });
    }
}

impl Visit for Recorder<'_, '_> {
    fn visit(&mut self, check: Check, outcome: Result<(), Error>) -> ControlFlow<Error> {
        self.step(check, outcome);
        ControlFlow::Continue(())
    }
}

/// Where a parse failure belongs: the header's own rules, or the token's format.
fn parse_stage(e: Error) -> Check {
    match e {
        Error::MissingAlgorithm
        | Error::UnsupportedAlgorithm
        | Error::InvalidHeaderParameter
        | Error::CriticalExtension
        | Error::NestedToken => Check::Header,
        _ => Check::Format,
    }
}

impl<'p, const N: usize, L: PolicyLists> Verifier<'p, N, L> {
    /// Verify `token` as [`Verifier::verify_request`] would with `required` permissions, and
    /// list every check into `out`: the format, the header, each candidate key tried (its
    /// `kid` and algorithm, and why it failed), the signature, then each rule of the policy
    /// that applies, passing or not. The walk stops at the first failure before the signature
    /// holds (format, header, key selection, signature): claims are read only once the
    /// signature holds. Decodes into `buf`, which answers nothing afterwards.
    pub fn explain<'k, C: Capacity>(
        &'k self,
        token: &[u8],
        now: u64,
        buf: &mut TokenBuf<C>,
        required: &[&str],
        out: &mut [Step<'k>],
    ) -> Explanation {
        let verdict = self
            .verify_request(token, now, buf, Request::with_permissions(required))
            .map(|_| ())
            .map_err(|r| r.error);
        let mut rec = Recorder { out, n: 0 };
        // (The walk parses into `buf` again, which clears what the verify left there.)
        self.walk(token, now, buf, required, &mut rec);
        Explanation {
            verdict,
            steps: rec.n,
        }
    }

    fn walk<'k, C: Capacity>(
        &'k self,
        token: &[u8],
        now: u64,
        buf: &mut TokenBuf<C>,
        required: &[&str],
        rec: &mut Recorder<'_, 'k>,
    ) {
        let untrusted = match UntrustedToken::parse_limited(token, buf, self.token_len_limit()) {
            Ok(t) => t,
            Err(e) => {
                rec.step(parse_stage(e), Err(e));
                return;
            }
        };
        let alg = untrusted.algorithm();
        rec.step(Check::Format, Ok(()));
        rec.push(Step {
            check: Check::Header,
            outcome: Ok(()),
            kid: None,
            algorithm: Some(alg),
        });
        let mut any_key = false;
        let signed = untrusted
            .signed()
            .walk(self.keys(), usize::MAX, &mut |kid, outcome| {
                any_key = true;
                rec.push(Step {
                    check: Check::Key,
                    outcome,
                    kid,
                    algorithm: Some(alg),
                });
            });
        match signed {
            // No candidate: the header named no key this verifier has for it.
            Err(e) if !any_key => {
                rec.step(Check::KeySelection, Err(e));
                return;
            }
            Err(e) => {
                rec.step(Check::Signature, Err(e));
                return;
            }
            Ok(()) => {
                rec.step(Check::Signature, Ok(()));
            }
        }
        let _ = untrusted
            .into_verified()
            .walk_policy(self.policy(), now, required, rec);
    }
}
