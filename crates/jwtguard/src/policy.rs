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

use crate::checks::{Check, FirstFailure, Visit, rule};
use crate::claims::Claims;
use crate::error::Error;
use crate::error::Rejection;
use crate::header::{self, Header};
use crate::json::Str;
use crate::lists::{self, Borrowed, Owned, PolicyLists};
#[cfg(feature = "metadata")]
use crate::metadata::{self, MetadataField};
#[cfg(feature = "permissions")]
use crate::permissions;

/// What a token's claims must satisfy. Defaults: `exp` and `sub` required, `typ` (if present)
/// must be `JWT`, no leeway, no issuer or audience configured.
///
/// The lists (issuers, audiences, parties, permissions, metadata fields) are borrowed slices
/// by default; `Policy<'static, Owned<..>>` owns them instead, in fixed capacities, for a
/// policy filled at run time (see [`crate::lists`]).
#[derive(Debug, Clone, Copy)]
pub struct Policy<'p, L = Borrowed<'p>> {
    lists: L,
    leeway: u64,
    max_age: Option<u64>,
    require_exp: bool,
    require_sub: bool,
    /// Set by [`Policy::expected_type`]; else `JWT`, or `at+jwt` for the access-token profile.
    typ: Option<&'p str>,
    access_token: bool,
    any_issuer: bool,
    without_audience: bool,
}

impl Default for Policy<'_> {
    fn default() -> Self {
        Self::new()
    }
}

impl<'p> Policy<'p> {
    /// The strict defaults, over borrowed lists.
    pub const fn new() -> Self {
        Self::with_lists(Borrowed::EMPTY)
    }

    /// Accept only these `iss` values, byte for byte. With none configured [`Policy::check`]
    /// fails with [`Error::IssuerNotConfigured`] unless [`Policy::any_issuer`] waived the check.
    pub const fn issuers(mut self, issuers: &'p [&'p str]) -> Self {
        self.lists.issuers = issuers;
        self
    }

    /// Accept tokens whose `aud` contains one of these. A token that has an `aud` is rejected
    /// when none is configured: RFC 7519 §4.1.3 says a recipient that does not find itself in
    /// `aud` MUST reject.
    pub const fn audiences(mut self, audiences: &'p [&'p str]) -> Self {
        self.lists.audiences = audiences;
        self
    }

    /// When non-empty, `azp` must be present and one of these.
    pub const fn authorized_parties(mut self, parties: &'p [&'p str]) -> Self {
        self.lists.parties = parties;
        self
    }

    #[cfg(feature = "permissions")]
    /// The claim holding the token's permissions: `permissions` (default), or `scope` / `scp`
    /// for OAuth tokens, or a path to one: a dot path (`realm_access.roles`, where Keycloak
    /// keeps realm roles) or a JSON Pointer (`/https:~1~1example.com~1roles`). It may be an
    /// array of strings or one space-delimited string. Set explicitly, it wins over the
    /// access-token profile's `scope`, in either order. A path that names nothing (an empty
    /// segment, a malformed pointer) fails [`Policy::check`] with [`Error::InvalidClaimPath`].
    pub const fn permissions_claim(mut self, name: &'p str) -> Self {
        self.lists.permissions_claim = Some(name);
        self
    }

    #[cfg(feature = "permissions")]
    /// Permissions every token must grant (per-call requirements add to these).
    pub const fn required_permissions(mut self, permissions: &'p [&'p str]) -> Self {
        self.lists.permissions = permissions;
        self
    }

    #[cfg(feature = "metadata")]
    /// Metadata fields to copy into the user-data document (see [`MetadataField`]).
    pub const fn metadata(mut self, fields: &'p [MetadataField<'p>]) -> Self {
        self.lists.metadata = fields;
        self
    }
}

impl<const E: usize, const P: usize, const F: usize, const T: usize>
    Policy<'static, Owned<E, P, F, T>>
{
    /// The strict defaults, over empty owned lists. Fill them with the `add_` methods.
    pub const fn owned() -> Self {
        Self::with_lists(Owned::new())
    }

    /// Also accept this `iss` (see [`Policy::issuers`]).
    pub fn add_issuer(&mut self, issuer: &str) -> Result<(), Error> {
        lists::push(self.lists.issuers_mut(), issuer)
    }

    /// Also accept this audience (see [`Policy::audiences`]).
    pub fn add_audience(&mut self, audience: &str) -> Result<(), Error> {
        lists::push(self.lists.audiences_mut(), audience)
    }

    /// Also accept this `azp` (see [`Policy::authorized_parties`]).
    pub fn add_authorized_party(&mut self, party: &str) -> Result<(), Error> {
        lists::push(self.lists.parties_mut(), party)
    }

    #[cfg(feature = "permissions")]
    /// Also require this permission of every token (see [`Policy::required_permissions`]).
    pub fn add_required_permission(&mut self, permission: &str) -> Result<(), Error> {
        lists::push(self.lists.permissions_mut(), permission)
    }

    #[cfg(feature = "permissions")]
    /// Read permissions from this claim or path (see [`Policy::permissions_claim`]); a path
    /// that names nothing is [`Error::InvalidClaimPath`], and is not set.
    pub fn set_permissions_claim(&mut self, path: &str) -> Result<(), Error> {
        if !crate::pointer::is_valid_path(path) {
            return Err(Error::InvalidClaimPath);
        }
        self.lists.set_permissions_claim(path)
    }

    #[cfg(feature = "metadata")]
    /// Add a metadata field (`name` `None`: the path's last segment). The list is checked with
    /// it, as [`MetadataField::check_list`](crate::MetadataField::check_list) does: a bad field is
    /// [`Error::InvalidMetadataField`] naming its index, and is not added.
    pub fn add_metadata_field(
        &mut self,
        path: &str,
        name: Option<&str>,
        required: bool,
    ) -> Result<(), Rejection> {
        self.lists.add_field(path, name, required)
    }
}

impl<'p, L: PolicyLists> Policy<'p, L> {
    const fn with_lists(lists: L) -> Self {
        Self {
            lists,
            leeway: 0,
            max_age: None,
            require_exp: true,
            require_sub: true,
            typ: None,
            access_token: false,
            any_issuer: false,
            without_audience: false,
        }
    }

    /// Waive the issuer check explicitly: with no issuer configured, any `iss` (or none) is
    /// accepted. For a verifier whose keys belong to one issuer and that checks nothing else
    /// about it; RFC 8725 §3.8 recommends validating `iss`.
    pub const fn any_issuer(mut self) -> Self {
        self.set_any_issuer(true);
        self
    }

    /// [`Policy::any_issuer`] in place (`false` restores the check).
    pub const fn set_any_issuer(&mut self, waived: bool) {
        self.any_issuer = waived;
    }

    /// Declare that tokens carry no `aud`: with no audience configured, a token without `aud`
    /// is accepted (one with `aud` is still rejected, RFC 7519 §4.1.3). Without this,
    /// [`Policy::check`] fails with [`Error::AudienceNotConfigured`] when no audience is set.
    pub const fn without_audience(mut self) -> Self {
        self.set_without_audience(true);
        self
    }

    /// [`Policy::without_audience`] in place.
    pub const fn set_without_audience(&mut self, declared: bool) {
        self.without_audience = declared;
    }

    /// The leeway, in seconds (see [`Policy::leeway`]).
    pub const fn leeway_seconds(&self) -> u64 {
        self.leeway
    }

    /// Clock skew allowed on `exp`, `nbf`, `iat` and the maximum age, in seconds.
    pub const fn leeway(mut self, seconds: u64) -> Self {
        self.set_leeway(seconds);
        self
    }

    /// [`Policy::leeway`] in place.
    pub const fn set_leeway(&mut self, seconds: u64) {
        self.leeway = seconds;
    }

    /// Reject tokens issued more than `seconds` ago (plus leeway); makes `iat` required.
    pub const fn max_age(mut self, seconds: u64) -> Self {
        self.set_max_age(Some(seconds));
        self
    }

    /// [`Policy::max_age`] in place (`None`: no limit, the default).
    pub const fn set_max_age(&mut self, seconds: Option<u64>) {
        self.max_age = seconds;
    }

    /// Whether `exp` must be present (default `true`).
    pub const fn require_exp(mut self, required: bool) -> Self {
        self.set_require_exp(required);
        self
    }

    /// [`Policy::require_exp`] in place.
    pub const fn set_require_exp(&mut self, required: bool) {
        self.require_exp = required;
    }

    /// Whether `sub` must be a non-empty string (default `true`).
    pub const fn require_sub(mut self, required: bool) -> Self {
        self.set_require_sub(required);
        self
    }

    /// [`Policy::require_sub`] in place.
    pub const fn set_require_sub(&mut self, required: bool) {
        self.require_sub = required;
    }

    /// The `typ` a token may carry (compared as RFC 7515 §4.1.9 says: case-insensitively, with
    /// an optional `application/` prefix). Default `JWT` (`at+jwt` under
    /// [`Policy::access_token`]). An absent `typ` is accepted unless the profile requires one.
    pub const fn expected_type(mut self, typ: &'p str) -> Self {
        self.typ = Some(typ);
        self
    }

    /// The OAuth 2.0 JWT access token profile (RFC 9068): `typ` must be present and be
    /// `at+jwt` (or `application/at+jwt`, §4); `iss`, `aud`, `client_id`, `iat` and `jti` are
    /// required (§2.2), so a token without `iss` or `aud` is rejected even when no issuer or
    /// audience is configured; permissions come from `scope` (§2.2.3) unless a permissions
    /// claim is set.
    pub const fn access_token(self) -> Self {
        self.access_token_profile(true)
    }

    /// [`Policy::access_token`] on or off.
    pub const fn access_token_profile(mut self, enabled: bool) -> Self {
        self.set_access_token_profile(enabled);
        self
    }

    /// [`Policy::access_token_profile`] in place.
    pub const fn set_access_token_profile(&mut self, enabled: bool) {
        self.access_token = enabled;
    }

    /// The lists.
    pub fn lists(&self) -> &L {
        &self.lists
    }

    /// The configured metadata fields.
    pub fn metadata_fields(&self) -> &[L::Field] {
        self.lists.metadata()
    }

    #[cfg(feature = "permissions")]
    /// The claim permissions are read from.
    pub fn permissions_claim_name(&self) -> &str {
        match self.lists.permissions_claim() {
            Some(name) => name,
            None if self.access_token => "scope",
            None => "permissions",
        }
    }

    fn expected_typ(&self) -> &str {
        match self.typ {
            Some(typ) => typ,
            None if self.access_token => "at+jwt",
            None => "JWT",
        }
    }

    /// Check the configuration itself; call it once at start-up to fail early rather than on
    /// the first token. Fail-safe defaults: an issuer must be configured (or the check waived
    /// with [`Policy::any_issuer`]) and an audience (or [`Policy::without_audience`] said),
    /// and the metadata fields must be well formed.
    pub fn check(&self) -> Result<(), Rejection> {
        self.check_fail_safe()?;
        if L::FIELDS_CHECKED {
            return Ok(());
        }
        #[cfg(feature = "permissions")]
        if !crate::pointer::is_valid_path(self.permissions_claim_name()) {
            return Err(Error::InvalidClaimPath.into());
        }
        #[cfg(feature = "metadata")]
        return metadata::check_fields(self.lists.metadata());
        #[cfg(not(feature = "metadata"))]
        Ok(())
    }

    /// What identifies the policy in a verify cache's fingerprint: every list and every rule,
    /// so that a token cached under one policy never answers for another.
    pub(crate) fn identity(&self, feed: &mut dyn FnMut(&[u8])) {
        use crate::alg::feed_field;
        use crate::metadata::FieldSpec;
        let list = |feed: &mut dyn FnMut(&[u8]), items: &[L::Text]| {
            feed(&u64::try_from(items.len()).unwrap_or(u64::MAX).to_be_bytes());
            for item in items {
                feed_field(feed, item.as_ref().as_bytes());
            }
        };
        list(feed, self.lists.issuers());
        list(feed, self.lists.audiences());
        list(feed, self.lists.authorized_parties());
        list(feed, self.lists.required_permissions());
        match self.lists.permissions_claim() {
            Some(name) => feed_field(feed, name.as_bytes()),
            None => feed(&[0xff]),
        }
        let fields = self.lists.metadata();
        feed(
            &u64::try_from(fields.len())
                .unwrap_or(u64::MAX)
                .to_be_bytes(),
        );
        for f in fields {
            feed_field(feed, f.path().as_bytes());
            feed_field(feed, f.field_name().as_bytes());
            feed(&[u8::from(f.is_required())]);
        }
        feed(&self.leeway.to_be_bytes());
        match self.max_age {
            Some(age) => {
                feed(&[1]);
                feed(&age.to_be_bytes());
            }
            None => feed(&[0]),
        }
        feed(&[
            u8::from(self.require_exp),
            u8::from(self.require_sub),
            u8::from(self.access_token),
            u8::from(self.any_issuer),
            u8::from(self.without_audience),
        ]);
        match self.typ {
            Some(typ) => feed_field(feed, typ.as_bytes()),
            None => feed(&[0xff]),
        }
    }

    /// The fail-safe defaults of [`Policy::check`] alone: two comparisons, cheap enough for a
    /// binding to run on every token.
    pub fn check_fail_safe(&self) -> Result<(), Error> {
        if self.lists.issuers().is_empty() && !self.any_issuer {
            return Err(Error::IssuerNotConfigured);
        }
        if self.lists.audiences().is_empty() && !self.without_audience {
            return Err(Error::AudienceNotConfigured);
        }
        Ok(())
    }

    /// Whether the policy lists issuers (a waiver is not a list): what binding keys to issuers
    /// needs ([`crate::Providers`]).
    pub(crate) fn names_issuers(&self) -> bool {
        !self.lists.issuers().is_empty()
    }

    /// Whether `iss` is one of the policy's issuers, byte for byte.
    pub(crate) fn lists_issuer(&self, iss: &Str<'_>) -> bool {
        self.lists.issuers().iter().any(|i| *iss == i.as_ref())
    }

    /// The header stage of the policy: `typ`.
    pub(crate) fn check_header(&self, header: &Header<'_>) -> Result<(), Error> {
        match header.typ {
            Some(t) if !header::typ_matches(&t, self.expected_typ()) => Err(Error::UnexpectedType),
            // RFC 9068 §4: an access token must say it is one.
            None if self.access_token => Err(Error::UnexpectedType),
            _ => Ok(()),
        }
    }

    /// Profile claims, then permissions: the policy's and the call's.
    pub(crate) fn check_grants<R: AsRef<str>>(
        &self,
        c: &Claims<'_>,
        required: &[R],
    ) -> Result<(), Error> {
        self.walk_grants(c, required, &mut FirstFailure)
    }

    /// [`Policy::check_grants`], each rule that applies shown to `v`.
    pub(crate) fn walk_grants<R: AsRef<str>>(
        &self,
        c: &Claims<'_>,
        required: &[R],
        v: &mut impl Visit,
    ) -> Result<(), Error> {
        if self.access_token {
            rule!(
                v,
                Check::ClientId,
                match c.client_id() {
                    Some(_) => Ok(()),
                    None => Err(Error::MissingClientId),
                }
            );
            rule!(
                v,
                Check::JwtId,
                match c.jwt_id() {
                    Some(_) => Ok(()),
                    None => Err(Error::MissingJwtId),
                }
            );
        }
        // A top-level name is one index lookup; a path walks from there.
        #[cfg(feature = "permissions")]
        if !self.lists.required_permissions().is_empty() || !required.is_empty() {
            let claim = c.value(self.permissions_claim_name());
            rule!(
                v,
                Check::Permissions,
                permissions::check(claim, self.lists.required_permissions())
                    .and_then(|()| permissions::check(claim, required))
            );
        }
        // Without the feature no permission can be required: the policy's list has no setter
        // and a request none (`Request::require`), so there is nothing to check.
        #[cfg(not(feature = "permissions"))]
        let _ = required;
        Ok(())
    }

    /// Required metadata fields present (and the field list well formed, unless it was checked
    /// when it was set).
    pub(crate) fn check_metadata(&self, c: &Claims<'_>) -> Result<(), Rejection> {
        #[cfg(feature = "metadata")]
        return metadata::check(c, self.lists.metadata(), L::FIELDS_CHECKED);
        // Without the feature no field can be configured (no setter): nothing to check.
        #[cfg(not(feature = "metadata"))]
        {
            let _ = c;
            Ok(())
        }
    }

    /// Time, then `iss`, `aud`, `azp`, `sub`, each reporting its first failure.
    pub(crate) fn check_claims(&self, c: &Claims<'_>, now: u64) -> Result<(), Error> {
        self.walk_claims(c, now, &mut FirstFailure)
    }

    /// [`Policy::check_claims`], each rule that applies shown to `v`.
    pub(crate) fn walk_claims(
        &self,
        c: &Claims<'_>,
        now: u64,
        v: &mut impl Visit,
    ) -> Result<(), Error> {
        self.walk_time(c, now, v)?;
        let issuers = self.lists.issuers();
        // RFC 9068 §2.2: an access token must carry iss and aud.
        if !issuers.is_empty() || self.access_token {
            rule!(
                v,
                Check::Issuer,
                match c.issuer() {
                    None => Err(Error::InvalidIssuer),
                    Some(iss)
                        if !issuers.is_empty() && !issuers.iter().any(|i| iss == i.as_ref()) =>
                    {
                        Err(Error::InvalidIssuer)
                    }
                    Some(_) => Ok(()),
                }
            );
        }
        let audiences = self.lists.audiences();
        rule!(
            v,
            Check::Audience,
            match c.audience() {
                Some(aud) if !audiences.iter().any(|a| aud.contains(a.as_ref())) => {
                    Err(Error::InvalidAudience)
                }
                Some(_) => Ok(()),
                None if !audiences.is_empty() || self.access_token => Err(Error::InvalidAudience),
                None => Ok(()),
            }
        );
        let parties = self.lists.authorized_parties();
        if !parties.is_empty() {
            rule!(
                v,
                Check::AuthorizedParty,
                match c.authorized_party() {
                    Some(azp) if parties.iter().any(|p| azp == p.as_ref()) => Ok(()),
                    _ => Err(Error::InvalidAuthorizedParty),
                }
            );
        }
        if self.require_sub {
            rule!(
                v,
                Check::Subject,
                match c.subject() {
                    Some(s) if !s.is_empty() => Ok(()),
                    _ => Err(Error::InvalidSubject),
                }
            );
        }
        Ok(())
    }

    /// RFC 7519 §4.1.4-§4.1.6. Sums saturate: an `exp` near `u64::MAX` plus leeway means
    /// "never", not a wrap to the past.
    pub(crate) fn check_time(&self, c: &Claims<'_>, now: u64) -> Result<(), Error> {
        self.walk_time(c, now, &mut FirstFailure)
    }

    /// [`Policy::check_time`], each rule shown to `v`.
    pub(crate) fn walk_time(
        &self,
        c: &Claims<'_>,
        now: u64,
        v: &mut impl Visit,
    ) -> Result<(), Error> {
        rule!(
            v,
            Check::Expiration,
            match c.expires_at() {
                Some(exp) if now >= exp.saturating_add(self.leeway) => Err(Error::Expired),
                None if self.require_exp => Err(Error::MissingExpiration),
                _ => Ok(()),
            }
        );
        let now_plus_leeway = now.saturating_add(self.leeway);
        rule!(
            v,
            Check::NotBefore,
            match c.not_before() {
                Some(nbf) if nbf > now_plus_leeway => Err(Error::NotYetValid),
                _ => Ok(()),
            }
        );
        rule!(
            v,
            Check::IssuedAt,
            match c.issued_at() {
                Some(iat) if iat > now_plus_leeway => Err(Error::IssuedInFuture),
                None if self.access_token => Err(Error::MissingIssuedAt),
                _ => Ok(()),
            }
        );
        if let Some(max_age) = self.max_age {
            rule!(
                v,
                Check::MaxAge,
                match c.issued_at() {
                    None => Err(Error::MissingIssuedAt),
                    Some(iat) if now.saturating_sub(iat) > max_age.saturating_add(self.leeway) => {
                        Err(Error::TooOld)
                    }
                    Some(_) => Ok(()),
                }
            );
        }
        Ok(())
    }
}
