//! The token's states: [`UntrustedToken`] (parsed, nothing trusted) ->
//! [`VerifiedToken`] (signature checked) -> [`crate::ValidatedClaims`] (policy holds).
//! Each later state is only reachable through the check before it:
//!
//! ```
//! use jwtguard::{Error, KeyRing, Policy, TokenBuf, UntrustedToken, ValidatedClaims};
//! fn accept<'a>(
//!     token: &'a [u8],
//!     keys: &KeyRing<4>,
//!     policy: &Policy<'_>,
//!     now: u64,
//!     buf: &'a mut TokenBuf,
//! ) -> Result<ValidatedClaims<'a>, Error> {
//!     let untrusted = UntrustedToken::parse(token, buf)?; // only alg and kid are visible
//!     let verified = untrusted.verify_signature(keys)?; // the payload is authenticated
//!     verified.validate(policy, now) // the policy holds: what `Verifier::verify` returns
//! }
//! ```
//!
//! The compiler holds each line (the error codes pin why each example fails to build).
//! An untrusted token has no claims, no payload, and cannot be validated:
//!
//! ```compile_fail,E0599
//! # use jwtguard::{TokenBuf, UntrustedToken};
//! let mut buf = TokenBuf::new();
//! let t = UntrustedToken::parse(b"e30.e30.", &mut buf).unwrap();
//! let _ = t.claims();
//! ```
//! ```compile_fail,E0599
//! # use jwtguard::{TokenBuf, UntrustedToken};
//! # let mut buf = TokenBuf::new();
//! # let t = UntrustedToken::parse(b"e30.e30.", &mut buf).unwrap();
//! let _ = t.payload();
//! ```
//! ```compile_fail,E0599
//! # use jwtguard::{Policy, TokenBuf, UntrustedToken};
//! # let mut buf = TokenBuf::new();
//! # let t = UntrustedToken::parse(b"e30.e30.", &mut buf).unwrap();
//! let _ = t.validate(&Policy::new(), 0);
//! ```
//!
//! A verified token cannot be made by hand, and authenticated claims are not validated ones:
//! no constructor, no conversion, no coercion.
//!
//! ```compile_fail,E0451
//! # use jwtguard::VerifiedToken;
//! fn forge<'a>(payload: &'a [u8]) -> VerifiedToken<'a> {
//!     VerifiedToken { payload }
//! }
//! ```
//! ```compile_fail,E0451
//! # use jwtguard::{Claims, ValidatedClaims};
//! fn promote<'a>(claims: Claims<'a>) -> ValidatedClaims<'a> {
//!     ValidatedClaims { claims }
//! }
//! ```
//! ```compile_fail,E0277
//! # use jwtguard::{Claims, ValidatedClaims};
//! fn promote<'a>(claims: Claims<'a>) -> ValidatedClaims<'a> {
//!     claims.into()
//! }
//! ```
//! ```compile_fail,E0308
//! # use jwtguard::{Claims, ValidatedClaims};
//! fn needs_validated(_: &ValidatedClaims<'_>) {}
//! fn f(claims: Claims<'_>) {
//!     needs_validated(&claims)
//! }
//! ```

use crate::capacity::{Capacity, Capacity2K};
use crate::error::Error;
use core::ops::Deref;

use crate::alg::Algorithm;
use crate::b64;
use crate::checks::{Check, Visit, rule};
use crate::claims::Claims;
use crate::claims::ClaimsIndex;
use crate::error::Rejection;
use crate::header::Header;
use crate::json::{Object, Str};
use crate::keys::KeyRing;
use crate::lists::PolicyLists;
use crate::policy::Policy;
use crate::scan;

/// Caller-provided storage for one token's decoded segments and the index of its claims (about
/// 1.8 KiB at the default capacity; `C` chooses a larger one, see [`Capacity`]).
///
/// Verification borrows it, and the returned claims borrow from it: that is how the verify path
/// avoids both the heap and returning large values. Reuse one per thread, or put one in a
/// `static` on a device. After a successful verify the buffer also answers
/// [`TokenBuf::validated_claims`], so a caller that must keep the result past the call (the C
/// binding's `jwtguard_result` is one) keeps the buffer, not a copy.
///
/// Every field is an integer, a `bool` or an array of them, and all zeros is the empty buffer
/// ([`TokenBuf::new`]): the C binding relies on that to initialise one in caller memory.
pub struct TokenBuf<C: Capacity = Capacity2K> {
    bytes: C::Bytes,
    /// The claims' top-level members, recorded by the one validating pass over the payload.
    /// Here rather than in [`Claims`], which is copied by value: the index is 258 bytes, and
    /// every copy of a `Claims` would carry it (firmware stacks are what that costs).
    index: ClaimsIndex,
    /// Where the decoded payload is in `bytes`, recorded by [`UntrustedToken::parse`] (`u16`:
    /// every capacity is under 32 KiB, checked where they are declared).
    payload_start: u16,
    payload_end: u16,
    /// Whether the payload passed [`VerifiedToken::validate`]: set only there, as its last
    /// step, and cleared first thing by every parse into this buffer.
    validated: bool,
}

impl<C: Capacity> Clone for TokenBuf<C> {
    fn clone(&self) -> Self {
        Self {
            bytes: self.bytes.clone(),
            index: self.index,
            payload_start: self.payload_start,
            payload_end: self.payload_end,
            validated: self.validated,
        }
    }
}

impl TokenBuf {
    /// A zeroed buffer of the default capacity (tokens of up to [`MAX_TOKEN_LEN`](crate::limits::MAX_TOKEN_LEN) bytes).
    pub const fn new() -> Self {
        Self::empty()
    }
}

impl<C: Capacity> TokenBuf<C> {
    /// A zeroed buffer of capacity `C`: `TokenBuf::<Capacity16K>::empty()`.
    pub const fn empty() -> Self {
        Self {
            bytes: C::EMPTY,
            index: ClaimsIndex::new(),
            payload_start: 0,
            payload_end: 0,
            validated: false,
        }
    }

    /// The claims of the last token parsed into this buffer, if that token passed the whole
    /// chain (signature and policy: [`crate::Verifier::verify`] answered `Ok`); `None` after a
    /// failure, and before any token. Nothing is parsed or validated again: the claims are
    /// rebuilt from the member index kept beside the bytes.
    #[cfg_attr(feature = "claims-cache", inline)]
    pub fn validated_claims(&self) -> Option<ValidatedClaims<'_>> {
        if !self.validated {
            return None;
        }
        let raw = self
            .bytes
            .as_ref()
            .get(usize::from(self.payload_start)..usize::from(self.payload_end))?;
        // These bytes and their index passed before and are unchanged (only a parse changes
        // them, and it clears `validated` first); a failure here would be a bug.
        Claims::rebuild(raw, &self.index).map(ValidatedClaims::new)
    }

    /// The protected header (RFC 7515 §4) of the last token parsed into this buffer, under the
    /// same rule as [`TokenBuf::validated_claims`]: `None` unless that token passed the whole
    /// chain. The signature covers the header, so its members are as authenticated as the
    /// claims (a gateway's header variables read them from here, not from the raw token).
    pub fn validated_header(&self) -> Option<Object<'_>> {
        if !self.validated {
            return None;
        }
        let raw = self.bytes.as_ref().get(..usize::from(self.payload_start))?;
        Object::from_validated(raw)
    }
}

impl<C: Capacity> TokenBuf<C> {
    /// The verify cache's hit path (`crate::cache`): decode the payload of `token`, a token a
    /// cached verify accepted (its bytes hashed to the entry that kept `index`), and put back
    /// the claims' index. The buffer is not marked validated: the caller checks time and the
    /// call's permissions first ([`TokenBuf::set_validated`]).
    pub(crate) fn restore(&mut self, token: &[u8], index: &ClaimsIndex) -> Result<(), Error> {
        self.validated = false;
        if token.len() > C::MAX_TOKEN_LEN {
            return Err(Error::TokenTooLong);
        }
        let first = scan::find_byte(token, 0, b'.').ok_or(Error::Malformed)?;
        let last = scan::rfind_byte(token, b'.').ok_or(Error::Malformed)?;
        let h = token.get(..first).ok_or(Error::Malformed)?;
        let p = token
            .get(first.saturating_add(1)..last)
            .ok_or(Error::Malformed)?;
        // The header goes first, as a parse puts it: `validated_header` reads it on a hit too.
        let mut rest = self.bytes.as_mut();
        let header_len = take(&mut rest, h)?.len();
        let payload_len = take(&mut rest, p)?.len();
        self.payload_start = u16::try_from(header_len).map_err(|_| Error::TokenTooLong)?;
        self.payload_end = u16::try_from(header_len.saturating_add(payload_len))
            .map_err(|_| Error::TokenTooLong)?;
        self.index = *index;
        Ok(())
    }

    /// The claims `restore` put back, before they are marked validated: what the hit path
    /// checks time and permissions on.
    pub(crate) fn restored_claims(&self) -> Option<Claims<'_>> {
        let raw = self
            .bytes
            .as_ref()
            .get(usize::from(self.payload_start)..usize::from(self.payload_end))?;
        Claims::rebuild(raw, &self.index)
    }

    /// Mark the restored claims validated: the last step of a cache hit, after every check a
    /// verify runs per call held again.
    pub(crate) fn set_validated(&mut self) {
        self.validated = true;
    }
}

impl<C: Capacity> Default for TokenBuf<C> {
    fn default() -> Self {
        Self::empty()
    }
}

/// Claims that passed signature verification and the whole policy. Only
/// [`crate::VerifiedToken::validate`] makes one ([`Verifier::verify`](crate::Verifier::verify) ends with it, and
/// [`TokenBuf::validated_claims`] gives its claims back later).
#[derive(Debug, Clone, Copy)]
pub struct ValidatedClaims<'a> {
    claims: Claims<'a>,
}

impl<'a> ValidatedClaims<'a> {
    /// Only [`crate::VerifiedToken::validate`] calls this, after the whole policy held.
    #[inline]
    pub(crate) fn new(claims: Claims<'a>) -> Self {
        Self { claims }
    }
}

impl<'a> Deref for ValidatedClaims<'a> {
    type Target = Claims<'a>;
    fn deref(&self) -> &Claims<'a> {
        &self.claims
    }
}

/// A token whose signature has not been checked. Only what picks a key is visible.
#[derive(Debug)]
pub struct UntrustedToken<'a> {
    /// `BASE64URL(header) || '.' || BASE64URL(payload)`, exactly as received (RFC 7515 §5.2).
    signing_input: &'a [u8],
    pub(crate) header: Header<'a>,
    payload: &'a [u8],
    signature: &'a [u8],
    /// Where the claims' index goes once the signature holds.
    index: &'a mut ClaimsIndex,
    /// The buffer's validated flag, for the last step to set.
    validated: &'a mut bool,
}

fn take<'b>(buf: &mut &'b mut [u8], segment: &[u8]) -> Result<&'b [u8], Error> {
    let rest = core::mem::take(buf);
    let n = b64::decoded_len(segment.len()).ok_or(Error::Base64)?;
    if n > rest.len() {
        return Err(Error::TokenTooLong);
    }
    let (mine, rest) = rest.split_at_mut(n);
    *buf = rest;
    Ok(b64::decode(segment, mine)?)
}

impl<'a> UntrustedToken<'a> {
    /// Split and decode a compact JWS (RFC 7515 §7.1) and parse its header.
    ///
    /// Every format check runs before the header is parsed, so the first failure is reported in
    /// the order format -> header.
    pub fn parse<C: Capacity>(token: &'a [u8], buf: &'a mut TokenBuf<C>) -> Result<Self, Error> {
        Self::parse_limited(token, buf, C::MAX_TOKEN_LEN)
    }

    /// [`UntrustedToken::parse`] with a runtime limit on the token's length as well as the
    /// buffer's capacity ([`crate::Verifier::max_token_len`]).
    pub(crate) fn parse_limited<C: Capacity>(
        token: &'a [u8],
        buf: &'a mut TokenBuf<C>,
        limit: usize,
    ) -> Result<Self, Error> {
        // Whatever the buffer held is gone from here on, verified or not.
        buf.validated = false;
        if token.len() > limit.min(C::MAX_TOKEN_LEN) {
            return Err(Error::TokenTooLong);
        }
        // A token read from a file or a header without trimming: name the cause rather than
        // report the whitespace as a base64 error. Only the ends are looked at; whitespace
        // inside is not base64url and fails decoding as such.
        if token.first().is_some_and(u8::is_ascii_whitespace)
            || token.last().is_some_and(u8::is_ascii_whitespace)
        {
            return Err(Error::TokenWhitespace);
        }
        // Exactly two dots (RFC 7515 §7.1). The first is found from the start (a word at a
        // time) and the last from the end, so the payload, most of a token, is not searched:
        // a dot inside it is not base64url, so decoding fails on it, and that failure is
        // reported as the `Malformed` it is (below). A byte-wise split of the whole token was
        // a visible part of an HS256 verify.
        let first = scan::find_byte(token, 0, b'.').ok_or(Error::Malformed)?;
        let last = scan::rfind_byte(token, b'.').ok_or(Error::Malformed)?;
        if last == first {
            return Err(Error::Malformed);
        }
        let h = token.get(..first).ok_or(Error::Malformed)?;
        let p = token
            .get(first.saturating_add(1)..last)
            .ok_or(Error::Malformed)?;
        let s = token
            .get(last.saturating_add(1)..)
            .ok_or(Error::Malformed)?;
        if h.is_empty() || p.is_empty() {
            // "..." has four (empty) segments: the count is the first thing wrong with it.
            return Err(if scan::find_byte(p, 0, b'.').is_some() {
                Error::Malformed
            } else {
                Error::EmptySegment
            });
        }
        let signing_input = token.get(..h.len().saturating_add(1).saturating_add(p.len()));
        let signing_input = signing_input.ok_or(Error::Malformed)?;

        let TokenBuf {
            bytes,
            index,
            payload_start,
            payload_end,
            validated,
        } = buf;
        let mut rest = bytes.as_mut();
        // A dot in the payload means more than three segments (a JWE has five): `Malformed`,
        // whichever segment's decoding noticed first, so format errors keep their order.
        let extra_dot = |e| {
            if scan::find_byte(p, 0, b'.').is_some() {
                Error::Malformed
            } else {
                e
            }
        };
        let header = take(&mut rest, h).map_err(extra_dot)?;
        let payload = take(&mut rest, p).map_err(extra_dot)?;
        let signature = take(&mut rest, s).map_err(extra_dot)?;
        // The payload follows the header in the buffer: its place, without pointer arithmetic.
        // Both fit: they are offsets into the buffer (asserted under 64 KiB below).
        *payload_start = u16::try_from(header.len()).unwrap_or(u16::MAX);
        *payload_end =
            u16::try_from(header.len().saturating_add(payload.len())).unwrap_or(u16::MAX);

        let header = Header::parse(header)?;
        Ok(Self {
            signing_input,
            header,
            payload,
            signature,
            index,
            validated,
        })
    }

    /// The header's `alg`.
    pub fn algorithm(&self) -> Algorithm {
        self.header.alg
    }

    /// The header's `kid`, if any.
    pub fn key_id(&self) -> Option<Str<'a>> {
        self.header.kid
    }

    /// The header's `typ`, if any.
    pub fn typ(&self) -> Option<Str<'a>> {
        self.header.typ
    }

    /// Check the signature against the keys `keys` selects for this token.
    pub fn verify_signature<const N: usize>(
        self,
        keys: &KeyRing<N>,
    ) -> Result<VerifiedToken<'a>, Error> {
        self.check_signature(keys, usize::MAX)?;
        Ok(self.into_verified())
    }

    /// Whether one of the keys `keys` selects verifies the signature; a token without `kid`
    /// tries at most `kidless_cap` of them, on top of the ring's own limit
    /// ([`crate::Providers`] shares one cap between its key rings).
    pub(crate) fn check_signature<const N: usize>(
        &self,
        keys: &KeyRing<N>,
        kidless_cap: usize,
    ) -> Result<(), Error> {
        self.signed().check(keys, kidless_cap)
    }

    /// What checking the signature needs, apart from the token: [`crate::Providers`] checks
    /// other providers' keys after the payload is authenticated, to find the one whose issuer
    /// the token names.
    pub(crate) fn signed(&self) -> Signed<'a> {
        Signed {
            alg: self.header.alg,
            kid: self.header.kid,
            signing_input: self.signing_input,
            signature: self.signature,
        }
    }

    /// The next state, once [`UntrustedToken::check_signature`] said the signature holds.
    pub(crate) fn into_verified(self) -> VerifiedToken<'a> {
        VerifiedToken {
            header: self.header,
            payload: self.payload,
            index: self.index,
            validated: self.validated,
        }
    }
}

/// The signed parts of a token and what selects its keys.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Signed<'a> {
    alg: Algorithm,
    kid: Option<Str<'a>>,
    signing_input: &'a [u8],
    signature: &'a [u8],
}

impl Signed<'_> {
    /// The header's `alg`.
    pub(crate) fn algorithm(&self) -> Algorithm {
        self.alg
    }

    /// Whether the token has no `kid`.
    pub(crate) fn is_kidless(&self) -> bool {
        self.kid.is_none()
    }

    /// Whether one of the keys `keys` selects verifies the signature (see
    /// [`UntrustedToken::check_signature`]).
    pub(crate) fn check<const N: usize>(
        &self,
        keys: &KeyRing<N>,
        kidless_cap: usize,
    ) -> Result<(), Error> {
        self.walk(keys, kidless_cap, &mut |_, _| {})
    }

    /// [`Signed::check`], with each candidate key tried shown to `tried` (its `kid`, and how
    /// it answered): what [`crate::explain`] lists.
    #[inline(always)]
    pub(crate) fn walk<'s, const N: usize>(
        &self,
        keys: &'s KeyRing<N>,
        kidless_cap: usize,
        tried: &mut impl FnMut(Option<&'s [u8]>, Result<(), Error>),
    ) -> Result<(), Error> {
        let candidates = keys.select(self.alg, self.kid, kidless_cap)?;
        // Keys of one algorithm can still want different signature lengths (RSA keys of 2048
        // and 3072 bits in one JWKS), so a length mismatch only rules out that key. The token
        // is `SignatureLength` only if no candidate had its length, else `InvalidSignature`.
        let mut length_matched = false;
        for (kid, key) in candidates.iter_with_ids() {
            let outcome = key.verify(self.signing_input, self.signature);
            tried(kid, outcome);
            match outcome {
                Ok(()) => return Ok(()),
                Err(Error::SignatureLength) => {}
                Err(_) => length_matched = true,
            }
        }
        Err(if length_matched {
            Error::InvalidSignature
        } else {
            Error::SignatureLength
        })
    }
}

/// A token whose signature holds under one of the loaded keys. Its claims are authenticated
/// but not yet checked against any policy.
#[derive(Debug)]
pub struct VerifiedToken<'a> {
    header: Header<'a>,
    payload: &'a [u8],
    index: &'a mut ClaimsIndex,
    validated: &'a mut bool,
}

impl<'a> VerifiedToken<'a> {
    /// The algorithm the signature was checked with.
    pub fn algorithm(&self) -> Algorithm {
        self.header.alg
    }

    /// The decoded payload: the JWS payload, authenticated.
    pub fn payload(&self) -> &'a [u8] {
        self.payload
    }

    /// Parse the payload as a JWT claims set (RFC 7519 §7.2 step 10), without checking it
    /// against any policy: authenticated claims, not validated ones (for that, see
    /// [`VerifiedToken::validate`]). Consumes the token: the claims' index is written into the
    /// [`TokenBuf`] the token was decoded into.
    pub fn claims(self) -> Result<Claims<'a>, Error> {
        Claims::parse(self.payload, self.index)
    }

    /// The last state change: check the header's `typ` and the claims against `policy` at
    /// `now` (unix seconds), the policy's required metadata fields included. Only this makes
    /// [`ValidatedClaims`]; [`crate::Verifier::verify`] is `parse`, `verify_signature`, then
    /// this.
    ///
    /// Order, first failure wins: `typ` -> claim format -> time -> iss -> aud -> azp -> sub ->
    /// profile claims -> permissions -> required metadata fields.
    pub fn validate<L: PolicyLists>(
        self,
        policy: &Policy<'_, L>,
        now: u64,
    ) -> Result<ValidatedClaims<'a>, Error> {
        self.validate_for(policy, now, &[]).map_err(|r| r.error)
    }

    /// [`VerifiedToken::validate`] with this call's required permissions on top of the
    /// policy's; a rejection names the metadata field it is about.
    pub(crate) fn validate_for<L: PolicyLists>(
        self,
        policy: &Policy<'_, L>,
        now: u64,
        required: &[&str],
    ) -> Result<ValidatedClaims<'a>, Rejection> {
        self.validate_with(policy, |_| policy, now, required, |_| Error::InvalidIssuer)
    }

    /// Every rule of `policy` that applies, in [`VerifiedToken::validate`]'s order, each shown
    /// to `v` ([`crate::explain`]): `typ`, the claims' format, then the rules of time, `iss`,
    /// `aud`, `azp`, `sub`, the profile's claims, permissions (the policy's and `required`),
    /// and the required metadata fields. Nothing is marked validated.
    pub(crate) fn walk_policy<L: PolicyLists>(
        self,
        policy: &Policy<'_, L>,
        now: u64,
        required: &[&str],
        v: &mut impl Visit,
    ) -> Result<(), Error> {
        rule!(v, Check::Type, policy.check_header(&self.header));
        let claims = Claims::parse(self.payload, self.index);
        rule!(v, Check::ClaimsFormat, claims.map(|_| ()));
        let claims = claims?;
        // Every rule is shown even after one fails (the visitor decides whether to go on).
        let _ = policy.walk_claims(&claims, now, v);
        let _ = policy.walk_grants(&claims, required, v);
        if !policy.metadata_fields().is_empty() {
            rule!(
                v,
                Check::Metadata,
                policy.check_metadata(&claims).map_err(|r| r.error)
            );
        }
        Ok(())
    }

    /// [`VerifiedToken::validate_for`] with the policy chosen once the claims are parsed:
    /// `choose` sees them and names the policy that judges them ([`crate::Providers`] picks the
    /// provider whose issuer the token names among those whose keys verify it), and `wrong_issuer`
    /// names what an issuer that policy does not list is. The header is checked first, by the
    /// chosen policy, or by `first` when the claims do not parse, so the order of checks stays
    /// `typ` -> claim format whichever policy judges.
    pub(crate) fn validate_with<'q, 'p: 'q, L: PolicyLists + 'q>(
        self,
        first: &'q Policy<'p, L>,
        choose: impl FnOnce(&Claims<'a>) -> &'q Policy<'p, L>,
        now: u64,
        required: &[&str],
        wrong_issuer: impl FnOnce(&Claims<'a>) -> Error,
    ) -> Result<ValidatedClaims<'a>, Rejection> {
        let parsed = Claims::parse(self.payload, self.index);
        let policy = match &parsed {
            Ok(claims) => choose(claims),
            Err(_) => first,
        };
        policy.check_header(&self.header)?;
        let claims = parsed?;
        match policy.check_claims(&claims, now) {
            Err(Error::InvalidIssuer) => return Err(wrong_issuer(&claims).into()),
            other => other?,
        }
        policy.check_grants(&claims, required)?;
        // Required metadata fields are policy: every entry point enforces them, whether or not
        // the caller asks for the document.
        policy.check_metadata(&claims)?;
        // The last step: from here the buffer answers `TokenBuf::validated_claims`.
        *self.validated = true;
        Ok(ValidatedClaims::new(claims))
    }
}
