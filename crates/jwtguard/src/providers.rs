//! Several identity providers behind one gateway, each issuer bound to its own keys
//! (RFC 8725 §3.8: "the issuer ... and the key used to sign the JWT" must belong together).
//!
//! A provider is a [`Verifier`]: its keys and its policy (issuers, audiences, authorized
//! parties, leeway, required claims, permissions claim, `require_kid`). A [`Providers`] set
//! verifies a token against all of them without ever choosing the provider from the payload,
//! which is not authenticated yet:
//! 1. the header's `alg` and `kid` pick candidate keys in each provider, in the order the
//!    providers were given (a `kid` names at most one key per provider; a token without `kid`
//!    is tried against the keys of its algorithm, at most [`Providers::kidless_limit`] of them
//!    in all, and not at all in a provider that requires a `kid`);
//! 2. the first provider whose key verifies the signature authenticates the payload, and the
//!    provider that judges the token is one that both holds a verifying key and lists the
//!    token's `iss`: the first such, else the first whose key verified (several providers may
//!    hold one key: a multi-tenant identity provider publishes one key set, and each tenant is
//!    a provider with its own issuer, as Entra ID's `common` keys are);
//! 3. that provider's policy, and only that one, validates the claims. Its issuers must include
//!    the token's `iss`: an `iss` that only providers without the verifying key list is
//!    [`Error::IssuerKeyMismatch`] (a token of provider A's key claiming to come from
//!    provider B), any other is [`Error::InvalidIssuer`].
//!
//! Every provider of a set must list its issuers ([`crate::Policy::issuers`]): a provider that
//! waived the issuer check ([`crate::Policy::any_issuer`]) would accept any issuer with its
//! keys, which is the confusion this type exists to prevent ([`Error::IssuerNotConfigured`]).

use core::cell::Cell;
use core::num::NonZeroU8;

use crate::capacity::Capacity;
use crate::claims::Claims;
use crate::error::Error;
use crate::error::Rejection;
use crate::limits::{DEFAULT_KIDLESS_LIMIT, MAX_TOKEN_LEN};
use crate::lists::{Borrowed, PolicyLists};
use crate::token::{Signed, TokenBuf, UntrustedToken, ValidatedClaims};
use crate::verifier::{Accepted, Request, Verifier};

/// Providers, each a [`Verifier`] with its own keys and policy, verified as one (see the
/// module docs). Borrows the verifiers: configure each, then build the set over them.
///
/// ```
/// use jwtguard::{Error, KeyRing, Policy, Providers, TokenBuf, Verifier};
/// # fn keys(secret: &[u8]) -> KeyRing<2> {
/// #     let mut k = KeyRing::new();
/// #     k.add_hmac(jwtguard::Algorithm::HS256, None, secret).unwrap();
/// #     k
/// # }
/// let clerk = Verifier::new(
///     keys(b"clerk-secret-of-at-least-32-bytes!!"),
///     Policy::new().issuers(&["https://clerk.example"]).without_audience(),
/// );
/// let auth0 = Verifier::new(
///     keys(b"auth0-secret-of-at-least-32-bytes!!"),
///     Policy::new().issuers(&["https://auth0.example/"]).audiences(&["api"]),
/// );
/// let list = [&clerk, &auth0];
/// let providers = Providers::new(&list)?;
/// # let token = b"e30.e30.";
/// let mut buf = TokenBuf::new();
/// match providers.verify(token, 1_700_000_000, &mut buf) {
///     Ok((0, claims)) => { /* Clerk's token: its key, its issuer, its policy */ }
///     Ok((_, claims)) => { /* Auth0's */ }
///     Err(Error::IssuerKeyMismatch) => { /* one provider's key, another's issuer */ }
///     Err(e) => { /* 401 with e.message() */ }
/// }
/// # Ok::<(), jwtguard::Rejection>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Providers<'s, 'p, const N: usize, L = Borrowed<'p>> {
    list: &'s [&'s Verifier<'p, N, L>],
    kidless_limit: u8,
    max_token_len: usize,
}

impl<'s, 'p, const N: usize, L: PolicyLists> Providers<'s, 'p, N, L> {
    /// A set over `list`, tried in this order. Each provider's policy must pass
    /// [`crate::Policy::check`] and list its issuers ([`Error::IssuerNotConfigured`]).
    pub fn new(list: &'s [&'s Verifier<'p, N, L>]) -> Result<Self, Rejection> {
        let set = Self::unchecked(list);
        for provider in list {
            provider.policy().check()?;
        }
        set.check_bound()?;
        Ok(set)
    }

    /// A set over `list` whose policies the caller checks ([`Providers::check_bound`] is run
    /// on every token anyway): for a binding whose verifiers can be reconfigured between calls.
    pub const fn unchecked(list: &'s [&'s Verifier<'p, N, L>]) -> Self {
        Self {
            list,
            kidless_limit: DEFAULT_KIDLESS_LIMIT,
            max_token_len: MAX_TOKEN_LEN,
        }
    }

    /// Accept tokens of up to `len` bytes (default 2048), as [`Verifier::max_token_len`]: the
    /// set's own limit, since the provider is known only once the signature holds.
    pub const fn max_token_len(mut self, len: usize) -> Self {
        self.max_token_len = len;
        self
    }

    /// At most `limit` keys (default [`DEFAULT_KIDLESS_LIMIT`]) are tried for a token without
    /// `kid`, in all providers together: the cost of a kid-less token does not grow with the
    /// number of providers. Each key ring's own limit applies as well.
    pub const fn kidless_limit(mut self, limit: NonZeroU8) -> Self {
        self.kidless_limit = limit.get();
        self
    }

    /// The providers, in order.
    pub fn list(&self) -> &'s [&'s Verifier<'p, N, L>] {
        self.list
    }

    /// What binding keys to issuers needs of every provider: the fail-safe defaults of its
    /// policy, and a list of issuers (not a waiver).
    pub fn check_bound(&self) -> Result<(), Error> {
        self.list.iter().try_for_each(|p| Self::check_one(p))
    }

    /// [`Providers::check_bound`] for one provider.
    fn check_one(provider: &Verifier<'p, N, L>) -> Result<(), Error> {
        provider.policy().check_fail_safe()?;
        if !provider.policy().names_issuers() {
            return Err(Error::IssuerNotConfigured);
        }
        Ok(())
    }

    /// Verify `token` at `now`, decoding into `buf`: which provider's key verified it (its
    /// index in the list), and the claims its policy validated. The order of checks is
    /// [`Verifier::verify`]'s, with the provider found at the key stage.
    pub fn verify<'a, C: Capacity>(
        &self,
        token: &'a [u8],
        now: u64,
        buf: &'a mut TokenBuf<C>,
    ) -> Result<(usize, ValidatedClaims<'a>), Error> {
        self.verify_for(token, now, buf, &[], &Cell::new(0))
            .map_err(|r| r.error)
    }

    /// [`Verifier::verify_request`] over the set: the call's required permissions, then the
    /// metadata fields of the provider that verified the token.
    pub fn verify_request<'a, C: Capacity>(
        &self,
        token: &'a [u8],
        now: u64,
        buf: &'a mut TokenBuf<C>,
        request: Request<'_>,
    ) -> Result<(usize, Accepted<'a>), Rejection> {
        let Request {
            required_permissions,
            metadata,
            keys_tried,
        } = request;
        let tried = Cell::new(0u32);
        let outcome = self.verify_for(token, now, buf, required_permissions, &tried);
        if let Some(n) = keys_tried {
            *n = tried.get();
        }
        let (i, claims) = outcome?;
        let provider = self.list.get(i).ok_or(Error::UnknownKey)?;
        let fields = provider.policy().metadata_fields();
        Ok((i, Accepted::with_metadata(claims, fields, metadata)?))
    }

    fn verify_for<'a, C: Capacity>(
        &self,
        token: &'a [u8],
        now: u64,
        buf: &'a mut TokenBuf<C>,
        required: &[&str],
        tried: &Cell<u32>,
    ) -> Result<(usize, ValidatedClaims<'a>), Rejection> {
        let untrusted = UntrustedToken::parse_limited(token, buf, self.max_token_len)?;
        let (first, budget) = self.find_key(&untrusted, tried)?;
        let signed = untrusted.signed();
        let first_provider = self.list.get(first).ok_or(Error::UnknownKey)?;
        // The provider whose key verified must bind its keys to its issuers (an unchecked set
        // is checked here, token by token); any other that judges is checked by `judge`.
        Self::check_one(first_provider)?;
        let chosen = Cell::new(first);
        let claims = untrusted.into_verified().validate_with(
            first_provider.policy(),
            |claims| {
                let judge = self.judge(first, budget, &signed, claims, tried);
                chosen.set(judge);
                self.list.get(judge).unwrap_or(first_provider).policy()
            },
            now,
            required,
            |claims| self.other_issuer(chosen.get(), claims),
        )?;
        Ok((chosen.get(), claims))
    }

    /// The provider that judges a token whose signature provider `first`'s key verified: the
    /// first one (from `first` on) that lists the token's `iss` and whose key verifies the
    /// signature too, else `first`. The payload is authenticated already; the later providers'
    /// keys are tried only when `first` does not list the `iss`, within the kid-less budget
    /// left.
    fn judge(
        &self,
        first: usize,
        mut budget: usize,
        signed: &Signed<'_>,
        claims: &Claims<'_>,
        tried: &Cell<u32>,
    ) -> usize {
        let Some(iss) = claims.issuer() else {
            return first;
        };
        let lists = |p: &Verifier<'p, N, L>| p.policy().lists_issuer(&iss);
        if self.list.get(first).is_none_or(|p| lists(p)) {
            return first;
        }
        let kidless = signed.is_kidless();
        for (j, provider) in self.list.iter().enumerate().skip(first.saturating_add(1)) {
            if kidless && budget == 0 {
                break;
            }
            if lists(provider)
                && Self::check_one(provider).is_ok()
                && signed
                    .walk(provider.keys(), budget, &mut |_, _| count(tried))
                    .is_ok()
            {
                return j;
            }
            if kidless {
                let tried = provider
                    .keys()
                    .kidless_candidates(signed.algorithm(), budget);
                budget = budget.saturating_sub(tried);
            }
        }
        first
    }

    /// The first provider one of whose keys verifies the signature, and the kid-less budget
    /// left after it. When none does, the most telling failure of all providers: a signature
    /// that was checked and failed, then a length that fit no key, then a key of another
    /// algorithm, then a missing `kid`, then no key.
    fn find_key(
        &self,
        token: &UntrustedToken<'_>,
        tried: &Cell<u32>,
    ) -> Result<(usize, usize), Error> {
        let rank = |e: Error| match e {
            Error::InvalidSignature => 4,
            Error::SignatureLength => 3,
            Error::AlgorithmMismatch => 2,
            Error::MissingKeyId => 1,
            _ => 0,
        };
        let kidless = token.key_id().is_none();
        let mut budget = usize::from(self.kidless_limit);
        let mut worst = Error::UnknownKey;
        for (i, provider) in self.list.iter().enumerate() {
            if kidless && budget == 0 {
                break;
            }
            let outcome = token
                .signed()
                .walk(provider.keys(), budget, &mut |_, _| count(tried));
            if kidless {
                let tried = provider
                    .keys()
                    .kidless_candidates(token.algorithm(), budget);
                budget = budget.saturating_sub(tried);
            }
            match outcome {
                Ok(()) => return Ok((i, budget)),
                Err(e) => {
                    if rank(e) > rank(worst) {
                        worst = e;
                    }
                }
            }
        }
        Err(worst)
    }

    /// What a token judged by provider `i` is when its `iss` is not one of `i`'s issuers:
    /// [`Error::IssuerKeyMismatch`] if another provider lists it (which [`Providers::judge`]
    /// did not choose, so its keys do not verify the token), else [`Error::InvalidIssuer`].
    fn other_issuer(&self, i: usize, claims: &Claims<'_>) -> Error {
        let Some(iss) = claims.issuer() else {
            return Error::InvalidIssuer;
        };
        let listed_elsewhere = self
            .list
            .iter()
            .enumerate()
            .any(|(j, p)| j != i && p.policy().lists_issuer(&iss));
        if listed_elsewhere {
            Error::IssuerKeyMismatch
        } else {
            Error::InvalidIssuer
        }
    }
}

/// One more signature check.
fn count(tried: &Cell<u32>) {
    tried.set(tried.get().saturating_add(1));
}
