//! The claims policy: what a verified token must also say to be accepted (RFC 7519 §4.1,
//! §7.2 step 10; OpenID Connect Core §2 for `azp`).
//!
//! A [`Policy`] is built with `const fn`s over `'static` slices, so it can live in flash:
//!
//! ```
//! use jwtguard::Policy;
//! static POLICY: Policy<'static> = Policy::new()
//!     .issuers(&["https://clerk.example.com"])
//!     .audiences(&["convex"])
//!     .leeway(30);
//! ```

use crate::Error;
use crate::claims::Claims;
use crate::header::{self, Header};
use crate::metadata::{self, MetadataField, Rejection};
use crate::permissions;

/// What a token's claims must satisfy. Defaults: `exp` and `sub` required, `typ` (if present)
/// must be `JWT`, no leeway, no issuer or audience configured.
#[derive(Debug, Clone, Copy)]
pub struct Policy<'p> {
    issuers: &'p [&'p str],
    audiences: &'p [&'p str],
    authorized_parties: &'p [&'p str],
    leeway: u64,
    max_age: Option<u64>,
    require_exp: bool,
    require_sub: bool,
    typ: &'p str,
    require_typ: bool,
    require_client_id: bool,
    require_jti: bool,
    require_iat: bool,
    require_iss: bool,
    require_aud: bool,
    any_issuer: bool,
    without_audience: bool,
    permissions_claim: &'p str,
    required_permissions: &'p [&'p str],
    metadata: &'p [MetadataField<'p>],
}

impl Default for Policy<'_> {
    fn default() -> Self {
        Self::new()
    }
}

impl<'p> Policy<'p> {
    /// The strict defaults.
    pub const fn new() -> Self {
        Self {
            issuers: &[],
            audiences: &[],
            authorized_parties: &[],
            leeway: 0,
            max_age: None,
            require_exp: true,
            require_sub: true,
            typ: "JWT",
            require_typ: false,
            require_client_id: false,
            require_jti: false,
            require_iat: false,
            require_iss: false,
            require_aud: false,
            any_issuer: false,
            without_audience: false,
            permissions_claim: "permissions",
            required_permissions: &[],
            metadata: &[],
        }
    }

    /// Accept only these `iss` values, byte for byte. With none configured [`Policy::check`]
    /// fails with [`Error::IssuerNotConfigured`] unless [`Policy::any_issuer`] waived the check.
    pub const fn issuers(mut self, issuers: &'p [&'p str]) -> Self {
        self.issuers = issuers;
        self
    }

    /// Waive the issuer check explicitly: with no issuer configured, any `iss` (or none) is
    /// accepted. For a verifier whose keys belong to one issuer and that checks nothing else
    /// about it; RFC 8725 §3.8 recommends validating `iss`.
    pub const fn any_issuer(mut self) -> Self {
        self.any_issuer = true;
        self
    }

    /// Declare that tokens carry no `aud`: with no audience configured, a token without `aud`
    /// is accepted (one with `aud` is still rejected, RFC 7519 §4.1.3). Without this,
    /// [`Policy::check`] fails with [`Error::AudienceNotConfigured`] when no audience is set.
    pub const fn without_audience(mut self) -> Self {
        self.without_audience = true;
        self
    }

    /// Accept tokens whose `aud` contains one of these. A token that has an `aud` is rejected
    /// when none is configured: RFC 7519 §4.1.3 says a recipient that does not find itself in
    /// `aud` MUST reject.
    pub const fn audiences(mut self, audiences: &'p [&'p str]) -> Self {
        self.audiences = audiences;
        self
    }

    /// When non-empty, `azp` must be present and one of these.
    pub const fn authorized_parties(mut self, parties: &'p [&'p str]) -> Self {
        self.authorized_parties = parties;
        self
    }

    /// Clock skew allowed on `exp`, `nbf`, `iat` and the maximum age, in seconds.
    pub const fn leeway(mut self, seconds: u64) -> Self {
        self.leeway = seconds;
        self
    }

    /// Reject tokens issued more than `seconds` ago (plus leeway); makes `iat` required.
    pub const fn max_age(mut self, seconds: u64) -> Self {
        self.max_age = Some(seconds);
        self
    }

    /// Whether `exp` must be present (default `true`).
    pub const fn require_exp(mut self, required: bool) -> Self {
        self.require_exp = required;
        self
    }

    /// Whether `sub` must be a non-empty string (default `true`).
    pub const fn require_sub(mut self, required: bool) -> Self {
        self.require_sub = required;
        self
    }

    /// The `typ` a token may carry (compared as RFC 7515 §4.1.9 says: case-insensitively, with
    /// an optional `application/` prefix). Default `JWT`. An absent `typ` is always accepted.
    pub const fn expected_type(mut self, typ: &'p str) -> Self {
        self.typ = typ;
        self
    }

    /// The claim holding the token's permissions: `permissions` (default), or `scope` / `scp`
    /// for OAuth tokens. It may be an array of strings or one space-delimited string.
    pub const fn permissions_claim(mut self, name: &'p str) -> Self {
        self.permissions_claim = name;
        self
    }

    /// Permissions every token must grant (per-call requirements add to these).
    pub const fn required_permissions(mut self, permissions: &'p [&'p str]) -> Self {
        self.required_permissions = permissions;
        self
    }

    /// Metadata fields to copy into the user-data document (see [`MetadataField`]).
    pub const fn metadata(mut self, fields: &'p [MetadataField<'p>]) -> Self {
        self.metadata = fields;
        self
    }

    /// The OAuth 2.0 JWT access token profile (RFC 9068): `typ` must be present and be
    /// `at+jwt` (or `application/at+jwt`, §4); `iss`, `aud`, `client_id`, `iat` and `jti` are
    /// required (§2.2), so a token without `iss` or `aud` is rejected even when no issuer or
    /// audience is configured; permissions come from `scope` (§2.2.3).
    pub const fn access_token(mut self) -> Self {
        self.require_iss = true;
        self.require_aud = true;
        self.typ = "at+jwt";
        self.require_typ = true;
        self.require_client_id = true;
        self.require_jti = true;
        self.require_iat = true;
        self.permissions_claim = "scope";
        self
    }

    /// The configured metadata fields.
    pub fn metadata_fields(&self) -> &'p [MetadataField<'p>] {
        self.metadata
    }

    /// The claim permissions are read from.
    pub fn permissions_claim_name(&self) -> &'p str {
        self.permissions_claim
    }

    /// Check the configuration itself; call it once at start-up to fail early rather than on
    /// the first token. Fail-safe defaults: an issuer must be configured (or the check waived
    /// with [`Policy::any_issuer`]) and an audience (or [`Policy::without_audience`] said),
    /// and the metadata fields must be well formed.
    pub fn check(&self) -> Result<(), Rejection> {
        if self.issuers.is_empty() && !self.any_issuer {
            return Err(Error::IssuerNotConfigured.into());
        }
        if self.audiences.is_empty() && !self.without_audience {
            return Err(Error::AudienceNotConfigured.into());
        }
        metadata::check_fields(self.metadata)
    }

    /// The header stage of the policy: `typ`.
    pub(crate) fn check_header(&self, header: &Header<'_>) -> Result<(), Error> {
        match header.typ {
            Some(t) if !header::typ_matches(&t, self.typ) => Err(Error::UnexpectedType),
            None if self.require_typ => Err(Error::UnexpectedType),
            _ => Ok(()),
        }
    }

    /// Profile claims, then permissions: the policy's and the call's.
    pub(crate) fn check_grants(&self, c: &Claims<'_>, required: &[&str]) -> Result<(), Error> {
        if self.require_client_id && c.client_id.is_none() {
            return Err(Error::MissingClientId);
        }
        if self.require_jti && c.jti.is_none() {
            return Err(Error::MissingJwtId);
        }
        let claim = c.member(self.permissions_claim);
        permissions::check(claim, self.required_permissions)?;
        permissions::check(claim, required)
    }

    /// Time, then `iss`, `aud`, `azp`, `sub`, each reporting its first failure.
    pub(crate) fn check_claims(&self, c: &Claims<'_>, now: u64) -> Result<(), Error> {
        self.check_time(c, now)?;
        if !self.issuers.is_empty() || self.require_iss {
            let iss = c.iss.ok_or(Error::InvalidIssuer)?;
            if !self.issuers.is_empty() && !self.issuers.iter().any(|i| iss == *i) {
                return Err(Error::InvalidIssuer);
            }
        }
        if let Some(aud) = c.aud {
            if !self.audiences.iter().any(|a| aud.contains(a)) {
                return Err(Error::InvalidAudience);
            }
        } else if !self.audiences.is_empty() || self.require_aud {
            return Err(Error::InvalidAudience);
        }
        if !self.authorized_parties.is_empty() {
            let azp = c.azp.ok_or(Error::InvalidAuthorizedParty)?;
            if !self.authorized_parties.iter().any(|p| azp == *p) {
                return Err(Error::InvalidAuthorizedParty);
            }
        }
        if self.require_sub && c.sub.is_none_or(|s| s.is_empty()) {
            return Err(Error::InvalidSubject);
        }
        Ok(())
    }

    /// RFC 7519 §4.1.4-§4.1.6. Sums saturate: an `exp` near `u64::MAX` plus leeway means
    /// "never", not a wrap to the past.
    fn check_time(&self, c: &Claims<'_>, now: u64) -> Result<(), Error> {
        match c.exp {
            Some(exp) if now >= exp.saturating_add(self.leeway) => return Err(Error::Expired),
            None if self.require_exp => return Err(Error::MissingExpiration),
            _ => {}
        }
        let now_plus_leeway = now.saturating_add(self.leeway);
        if c.nbf.is_some_and(|nbf| nbf > now_plus_leeway) {
            return Err(Error::NotYetValid);
        }
        if c.iat.is_some_and(|iat| iat > now_plus_leeway) {
            return Err(Error::IssuedInFuture);
        }
        if self.require_iat && c.iat.is_none() {
            return Err(Error::MissingIssuedAt);
        }
        if let Some(max_age) = self.max_age {
            let iat = c.iat.ok_or(Error::MissingIssuedAt)?;
            if now.saturating_sub(iat) > max_age.saturating_add(self.leeway) {
                return Err(Error::TooOld);
            }
        }
        Ok(())
    }
}
