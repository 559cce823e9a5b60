// jwtguard.hpp: a small header-only C++17 RAII wrapper over the jwtguard C API.
//
//   jwtguard::Verifier v;                        // owns a jwtguard_verifier, freed on scope exit
//   v.check(v.add_jwks(jwks));                   // throws jwtguard::Error on failure; setters
//                                                // are [[nodiscard]]: an ignored status warns
//   jwtguard::Result r = v.verify(token, now);   // never throws: r.ok(), r.status(), r.message()
//   std::optional<std::string> name = r.claim("user_data.name");
//
// A Verifier is move-only. After configuration, verify() is const and may be called from many
// threads at once. To replace one while other threads verify with it (keys rotated, a JWKS
// fetched again), build the new one and publish it through a SwappableVerifier. A Result keeps
// the verifier it came from alive (a shared reference), so reading it after the Verifier is
// destroyed or moved from is safe. Providers holds several verifiers, one per identity
// provider, verified as one.
//
// Every C function of jwtguard.h is called by a method here, except those listed, with the
// reason, in ffi/tests/cpp/parity.sh, which the test command runs.
#ifndef JWTGUARD_HPP
#define JWTGUARD_HPP

#include <cstdint>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "jwtguard.h"

namespace jwtguard {

/// A failed configuration call.
class Error : public std::runtime_error {
 public:
  explicit Error(jwtguard_status s) : std::runtime_error(jwtguard_error_message(s)), status_(s) {}
  jwtguard_status status() const noexcept { return status_; }

 private:
  jwtguard_status status_;
};

inline const uint8_t *bytes(std::string_view s) noexcept { return reinterpret_cast<const uint8_t *>(s.data()); }

/// The outcome of one verification, with accessors that copy into std::string. Holds its own
/// copy of the claims, and a shared reference to the verifier it came from (for metadata()),
/// so it may outlive the Verifier and be read from any thread.
class Result {
 public:
  bool ok() const noexcept { return status_ == JWTGUARD_OK; }
  jwtguard_status status() const noexcept { return status_; }
  const char *message() const noexcept { return jwtguard_error_message(status_); }
  const char *code() const noexcept { return jwtguard_error_name(status_); }

  /// A claim by dot path or JSON Pointer: strings unescaped, other values as compact JSON;
  /// nullopt if absent or if the token did not verify. The text is the token's: it may hold
  /// CR, LF or other control characters, so refuse or encode them before writing a header.
  std::optional<std::string> claim(std::string_view path) const {
    return fetch([&](uint8_t *out, size_t cap, size_t *len) {
      return jwtguard_result_claim(raw(), bytes(path), path.size(), out, cap, len);
    });
  }

  /// A claim as header text: an array of strings joined by `sep`, anything else as claim()
  /// gives it; nullopt if absent, if the token did not verify, or if an element contains
  /// `sep` (the joined text would be ambiguous). Control characters as for claim().
  std::optional<std::string> claim_joined(std::string_view path, std::string_view sep = ", ") const {
    return fetch([&](uint8_t *out, size_t cap, size_t *len) {
      return jwtguard_result_claim_joined(raw(), bytes(path), path.size(), bytes(sep), sep.size(), out, cap, len);
    });
  }

  /// JWTGUARD_OK if the claim equals `value` (a string by its text, a number or boolean by its
  /// JSON text) or is an array holding it; JWTGUARD_CLAIM_MISMATCH if it is there with other
  /// values; JWTGUARD_CLAIM_NOT_FOUND if absent.
  jwtguard_status claim_matches(std::string_view path, std::string_view value) const noexcept {
    return jwtguard_result_claim_matches(raw(), bytes(path), path.size(), bytes(value), value.size());
  }

  /// Several claims in one call: one entry per path, nullopt for an absent claim; an empty
  /// vector if the token did not verify.
  std::vector<std::optional<std::string>> claims(const std::vector<std::string_view> &paths) const {
    std::vector<jwtguard_str> in;
    for (auto p : paths) in.push_back(jwtguard_str{bytes(p), p.size()});
    std::vector<jwtguard_str> values(paths.size());
    std::string buf(256, '\0');
    size_t len = 0;
    auto call = [&] {
      return jwtguard_result_claims_batch(raw(), in.empty() ? nullptr : in.data(), in.size(),
                                          reinterpret_cast<uint8_t *>(buf.data()), buf.size(),
                                          values.empty() ? nullptr : values.data(), &len);
    };
    jwtguard_status s = call();
    if (s == JWTGUARD_BUFFER_TOO_SMALL) {
      buf.resize(len);
      s = call();
    }
    std::vector<std::optional<std::string>> out;
    if (s != JWTGUARD_OK) return out;
    for (const jwtguard_str &v : values) {
      if (v.ptr == nullptr)
        out.emplace_back(std::nullopt);
      else
        out.emplace_back(std::string(reinterpret_cast<const char *>(v.ptr), v.len));
    }
    return out;
  }

  /// The registered claims as a compact JSON object.
  std::optional<std::string> claims_json() const {
    return fetch([&](uint8_t *out, size_t cap, size_t *len) { return jwtguard_result_claims_json(raw(), out, cap, len); });
  }

  /// The whole validated claims set as compact JSON.
  std::optional<std::string> payload() const {
    return fetch([&](uint8_t *out, size_t cap, size_t *len) { return jwtguard_result_payload(raw(), out, cap, len); });
  }

  /// A member of the verified token's protected header (alg, kid, typ, ...) as claim() renders
  /// a claim; nullopt if absent or if the token did not verify.
  std::optional<std::string> header(std::string_view name) const {
    return fetch([&](uint8_t *out, size_t cap, size_t *len) {
      return jwtguard_result_header(raw(), bytes(name), name.size(), out, cap, len);
    });
  }

  /// Which metadata field a JWTGUARD_MISSING_METADATA_FIELD is about (from 0), or -1.
  int field() const noexcept { return jwtguard_result_field(raw()); }

  /// The signature checks the verify cost (keys tried), whatever its verdict.
  uint32_t keys_tried() const noexcept { return jwtguard_result_keys_tried(raw()); }

  /// Which provider of a Providers set verified the token (its index), or -1.
  int provider() const noexcept { return jwtguard_result_provider(raw()); }

  /// The token's exp (0 if absent), or nullopt if the token did not verify.
  std::optional<uint64_t> exp() const noexcept {
    uint64_t e = 0;
    if (jwtguard_result_exp(raw(), &e) != JWTGUARD_OK) return std::nullopt;
    return e;
  }

  /// The metadata document of the verifier's fields (of the provider that verified the token,
  /// for a Providers set).
  std::optional<std::string> metadata() const {
    return fetch([&](uint8_t *out, size_t cap, size_t *len) {
      return jwtguard_result_metadata(verifier_.get(), raw(), out, cap, len);
    });
  }

 private:
  friend class Verifier;
  friend class Providers;
  const jwtguard_result *raw() const noexcept { return large_ ? jwtguard_large_result_get(large_.get()) : &raw_; }
  template <class F>
  std::optional<std::string> fetch(F f) const {
    std::string out(256, '\0');
    size_t len = 0;
    jwtguard_status s = f(reinterpret_cast<uint8_t *>(out.data()), out.size(), &len);
    if (s == JWTGUARD_BUFFER_TOO_SMALL) {
      out.resize(len);
      s = f(reinterpret_cast<uint8_t *>(out.data()), out.size(), &len);
    }
    if (s != JWTGUARD_OK) return std::nullopt;
    out.resize(len);
    return out;
  }
  jwtguard_result raw_{};
  // A token of more than 2048 bytes: its 12.4 KiB result, on the heap (shared by copies).
  std::shared_ptr<jwtguard_large_result> large_;
  jwtguard_status status_ = JWTGUARD_NO_RESULT;
  // The verifier that gave the result (for metadata()), kept alive by this reference.
  std::shared_ptr<const jwtguard_verifier> verifier_;
};

/// Owns a heap verifier (through a shared reference, which the Results it gives hold too, so
/// it is freed, its keys zeroized, when the last of them lets go). Every configuration method
/// returns the C status and is [[nodiscard]], so ignoring a failed setter is a compiler
/// warning (an error under -Werror); check() turns a status into an exception.
/// A verify cache (jwtguard_cache) in memory this object owns: tokens a verifier accepted
/// are answered again without their signature check (their time and the call's permissions
/// are checked again). Thread-safe; share one between verifiers and threads.
class Cache {
 public:
  explicit Cache(size_t entries) : storage_((jwtguard_cache_size(entries) + 7) / 8) {
    if (jwtguard_cache_init(reinterpret_cast<uint8_t *>(storage_.data()), storage_.size() * 8, &cache_) != JWTGUARD_OK)
      throw std::invalid_argument("jwtguard::Cache: fewer than 4 entries");
  }
  Cache(const Cache &) = delete;
  Cache &operator=(const Cache &) = delete;
  /// Hits and misses so far.
  std::pair<uint64_t, uint64_t> stats() const noexcept {
    uint64_t hits = 0, misses = 0;
    jwtguard_cache_stats(cache_, &hits, &misses);
    return {hits, misses};
  }
  const jwtguard_cache *get() const noexcept { return cache_; }

 private:
  std::vector<uint64_t> storage_;
  jwtguard_cache *cache_ = nullptr;
};

/// One check of Verifier::explain() and its outcome; for a key tried, its kid (copied: it
/// outlives the verifier) and algorithm.
struct Check {
  uint32_t check = 0;  ///< JWTGUARD_CHECK_*
  jwtguard_status status = JWTGUARD_OK;
  uint32_t algorithm = 0;  ///< JWTGUARD_ALG_*, for the header and a key; else 0
  std::optional<std::string> kid;
  /// "exp", "signature", ...
  const char *name() const noexcept { return jwtguard_check_name(check); }
};

/// What Verifier::explain() found: the verify's verdict and every check in order.
struct Explanation {
  jwtguard_status verdict = JWTGUARD_OK;
  std::vector<Check> checks;
};

class Verifier {
 public:
  Verifier() : v_(jwtguard_verifier_new(), jwtguard_verifier_free) {
    if (!v_) throw std::bad_alloc();
  }
  Verifier(const Verifier &) = delete;
  Verifier &operator=(const Verifier &) = delete;
  Verifier(Verifier &&) noexcept = default;
  Verifier &operator=(Verifier &&) noexcept = default;

  /// A new Verifier with a copy of this one's keys and policy (for instance, static keys and
  /// policy kept as a template, a fetched JWKS added to each copy).
  Verifier clone() const {
    jwtguard_verifier *c = jwtguard_verifier_clone(v_.get());
    if (!c) throw std::bad_alloc();
    return Verifier(c);
  }

  /// Throw jwtguard::Error unless `s` is JWTGUARD_OK.
  static void check(jwtguard_status s) {
    if (s != JWTGUARD_OK) throw Error(s);
  }

  // ---- keys ----
  /// Every usable key of a JWKS; `report` (when given) gets the counts and the first
  /// rejection's reason. With no key loaded, the status is the reason.
  [[nodiscard]] jwtguard_status add_jwks(std::string_view jwks, jwtguard_jwks_report *report = nullptr) {
    jwtguard_jwks_report r{};
    jwtguard_status s = jwtguard_verifier_add_jwks_report(v_.get(), bytes(jwks), jwks.size(), &r);
    if (s == JWTGUARD_OK && report) *report = r;
    return s;
  }
  /// A JWKS fetched from an identity provider: public keys only (an `oct` key is skipped and
  /// counted in report->secrets_skipped).
  [[nodiscard]] jwtguard_status add_jwks_public(std::string_view jwks, jwtguard_jwks_report *report = nullptr) {
    jwtguard_jwks_report r{};
    jwtguard_status s = jwtguard_verifier_add_jwks_public(v_.get(), bytes(jwks), jwks.size(), &r);
    if (s == JWTGUARD_OK && report) *report = r;
    return s;
  }
  [[nodiscard]] jwtguard_status add_jwk(std::string_view jwk) { return jwtguard_verifier_add_jwk(v_.get(), bytes(jwk), jwk.size()); }
  // Keys bound to an algorithm (a JWTGUARD_ALG_* code): public keys as PEM or DER (SPKI, or
  // PKCS#1 for RSA), HMAC secrets for HS256/384/512.
  [[nodiscard]] jwtguard_status add_key_pem(uint32_t alg, std::string_view kid, std::string_view pem) {
    return jwtguard_verifier_add_key_pem(v_.get(), alg, kid_ptr(kid), kid.size(), bytes(pem), pem.size());
  }
  [[nodiscard]] jwtguard_status add_key_der(uint32_t alg, std::string_view kid, std::string_view der) {
    return jwtguard_verifier_add_key_der(v_.get(), alg, kid_ptr(kid), kid.size(), bytes(der), der.size());
  }
  [[nodiscard]] jwtguard_status add_hmac(uint32_t alg, std::string_view kid, std::string_view secret) {
    return jwtguard_verifier_add_hmac(v_.get(), alg, kid_ptr(kid), kid.size(), bytes(secret), secret.size());
  }
  // An RSA key from its big-endian modulus and exponent (no key-format parser).
  [[nodiscard]] jwtguard_status add_ec_point(uint32_t alg, std::string_view kid, std::string_view point) {
    return jwtguard_verifier_add_ec_point(v_.get(), alg, kid_ptr(kid), kid.size(), bytes(point), point.size());
  }
  [[nodiscard]] jwtguard_status add_rsa_components(uint32_t alg, std::string_view kid, std::string_view n, std::string_view e) {
    return jwtguard_verifier_add_rsa_components(v_.get(), alg, kid_ptr(kid), kid.size(), bytes(n), n.size(), bytes(e), e.size());
  }
  [[nodiscard]] jwtguard_status set_require_kid(bool required) { return jwtguard_verifier_set_require_kid(v_.get(), required ? 1u : 0u); }
  [[nodiscard]] jwtguard_status set_kidless_limit(uint32_t limit) { return jwtguard_verifier_set_kidless_limit(v_.get(), limit); }
  // Tokens of up to `size` bytes (default 2048, at most JWTGUARD_MAX_TOKEN_CAPACITY).
  [[nodiscard]] jwtguard_status set_max_token_size(size_t size) { return jwtguard_verifier_set_max_token_size(v_.get(), size); }

  // ---- policy ----
  [[nodiscard]] jwtguard_status add_issuer(std::string_view s) { return jwtguard_verifier_add_issuer(v_.get(), bytes(s), s.size()); }
  [[nodiscard]] jwtguard_status allow_any_issuer() { return jwtguard_verifier_allow_any_issuer(v_.get()); }
  [[nodiscard]] jwtguard_status add_audience(std::string_view s) { return jwtguard_verifier_add_audience(v_.get(), bytes(s), s.size()); }
  [[nodiscard]] jwtguard_status allow_no_audience() { return jwtguard_verifier_allow_no_audience(v_.get()); }
  [[nodiscard]] jwtguard_status add_authorized_party(std::string_view s) { return jwtguard_verifier_add_authorized_party(v_.get(), bytes(s), s.size()); }
  [[nodiscard]] jwtguard_status add_required_permission(std::string_view s) { return jwtguard_verifier_add_required_permission(v_.get(), bytes(s), s.size()); }
  [[nodiscard]] jwtguard_status set_permissions_claim(std::string_view name) {
    return jwtguard_verifier_set_permissions_claim(v_.get(), bytes(name), name.size());
  }
  [[nodiscard]] jwtguard_status add_metadata_field(std::string_view path, std::string_view name, bool required) {
    return jwtguard_verifier_add_metadata_field(v_.get(), bytes(path), path.size(), name.empty() ? nullptr : bytes(name), name.size(), required ? 1u : 0u);
  }
  [[nodiscard]] jwtguard_status set_leeway(uint64_t seconds) { return jwtguard_verifier_set_leeway(v_.get(), seconds); }
  [[nodiscard]] jwtguard_status set_max_age(uint64_t seconds) { return jwtguard_verifier_set_max_age(v_.get(), seconds); }
  [[nodiscard]] jwtguard_status set_require_exp(bool required) { return jwtguard_verifier_set_require_exp(v_.get(), required ? 1u : 0u); }
  [[nodiscard]] jwtguard_status set_require_sub(bool required) { return jwtguard_verifier_set_require_sub(v_.get(), required ? 1u : 0u); }
  [[nodiscard]] jwtguard_status set_access_token_profile(bool enabled) {
    return jwtguard_verifier_set_access_token_profile(v_.get(), enabled ? 1u : 0u);
  }
  /// The first setup error (no issuer, no audience), or JWTGUARD_OK: call it after configuring.
  [[nodiscard]] jwtguard_status check_setup() const { return jwtguard_verifier_check(v_.get()); }

  /// Verify a token at `now`, with extra permissions for this call.
  Result verify(std::string_view token, uint64_t now, const std::vector<std::string_view> &required = {}) const {
    std::vector<jwtguard_str> req = strs(required);
    Result out;
    out.verifier_ = v_;
    out.status_ = jwtguard_verify(v_.get(), bytes(token), token.size(), now, req.empty() ? nullptr : req.data(), req.size(), &out.raw_);
    return out;
  }

  /// Every check verify() runs on `token`, in order, with its outcome (jwtguard_explain):
  /// for an operator asking why a token is refused. It verifies the token twice; keep it off
  /// the hot path.
  Explanation explain(std::string_view token, uint64_t now, const std::vector<std::string_view> &required = {}) const {
    std::vector<jwtguard_str> req = strs(required);
    std::vector<jwtguard_check> raw(JWTGUARD_EXPLAIN_MAX_STEPS);
    size_t n = 0;
    Explanation out;
    out.verdict = jwtguard_explain(v_.get(), bytes(token), token.size(), now, req.empty() ? nullptr : req.data(),
                                   req.size(), raw.data(), raw.size(), &n);
    for (size_t i = 0; i < n && i < raw.size(); i++) {
      Check c;
      c.check = raw[i].check;
      c.status = raw[i].status;
      c.algorithm = raw[i].algorithm;
      if (raw[i].kid.ptr != nullptr) c.kid = std::string(reinterpret_cast<const char *>(raw[i].kid.ptr), raw[i].kid.len);
      out.checks.push_back(std::move(c));
    }
    return out;
  }

  /// verify() for tokens of up to JWTGUARD_MAX_TOKEN_CAPACITY (16 KiB) bytes, once
  /// set_max_token_size() allows them; the result (12.4 KiB) is on the heap.
  Result verify_large(std::string_view token, uint64_t now, const std::vector<std::string_view> &required = {}) const {
    std::vector<jwtguard_str> req = strs(required);
    Result out;
    out.verifier_ = v_;
    out.large_ = std::make_shared<jwtguard_large_result>();
    out.status_ = jwtguard_verify_large(v_.get(), bytes(token), token.size(), now, req.empty() ? nullptr : req.data(), req.size(), out.large_.get());
    return out;
  }

  /// verify() through a cache (jwtguard_verify_cached): the same answers, a repeated token
  /// without its signature check.
  Result verify_cached(const Cache &cache, std::string_view token, uint64_t now, const std::vector<std::string_view> &required = {}) const {
    std::vector<jwtguard_str> req = strs(required);
    Result out;
    out.verifier_ = v_;
    out.status_ = jwtguard_verify_cached(v_.get(), cache.get(), bytes(token), token.size(), now, req.empty() ? nullptr : req.data(), req.size(), &out.raw_);
    return out;
  }

  /// verify_large() through a cache (jwtguard_verify_cached_large).
  Result verify_cached_large(const Cache &cache, std::string_view token, uint64_t now, const std::vector<std::string_view> &required = {}) const {
    std::vector<jwtguard_str> req = strs(required);
    Result out;
    out.verifier_ = v_;
    out.large_ = std::make_shared<jwtguard_large_result>();
    out.status_ = jwtguard_verify_cached_large(v_.get(), cache.get(), bytes(token), token.size(), now, req.empty() ? nullptr : req.data(), req.size(), out.large_.get());
    return out;
  }

  /// The time floor after `r` (a result of this verifier's verify at `now`) passed: `floor`
  /// raised to the token's iat, never above now plus leeway (jwtguard_time_floor_raise).
  /// Store it across reboots; verify with time_floor_now(floor, clock).
  uint64_t raise_time_floor(const Result &r, uint64_t now, uint64_t floor) const noexcept {
    return jwtguard_time_floor_raise(v_.get(), r.raw(), now, floor);
  }

  /// The C handle, for calling the C API directly: const to share with verifying threads,
  /// mutable to configure (not while other threads verify).
  const jwtguard_verifier *get() const noexcept { return v_.get(); }
  jwtguard_verifier *get() noexcept { return v_.get(); }

 private:
  friend class Providers;
  explicit Verifier(jwtguard_verifier *v) : v_(v, jwtguard_verifier_free) {}
  static const uint8_t *kid_ptr(std::string_view kid) noexcept { return kid.empty() ? nullptr : bytes(kid); }
  static std::vector<jwtguard_str> strs(const std::vector<std::string_view> &in) {
    std::vector<jwtguard_str> out;
    for (auto r : in) out.push_back(jwtguard_str{bytes(r), r.size()});
    return out;
  }
  std::shared_ptr<jwtguard_verifier> v_;
};

/// Several identity providers, each a Verifier with its own keys and policy, verified as one:
/// the provider whose key verifies the signature and whose issuers include the token's `iss`
/// judges it (RFC 8725 §3.8), and Result::provider() says which (its index, in the order
/// added). Holds shared references to the verifiers, which must not be configured further.
class Providers {
 public:
  Providers() {
    if (jwtguard_providers_init(&set_, sizeof set_) != JWTGUARD_OK) throw std::logic_error("jwtguard_providers_init");
  }
  [[nodiscard]] jwtguard_status add(const Verifier &v) {
    jwtguard_status s = jwtguard_providers_add(&set_, v.v_.get());
    if (s == JWTGUARD_OK) held_.push_back(v.v_);
    return s;
  }
  [[nodiscard]] jwtguard_status set_kidless_limit(uint32_t limit) { return jwtguard_providers_set_kidless_limit(&set_, limit); }
  [[nodiscard]] jwtguard_status set_max_token_size(size_t size) { return jwtguard_providers_set_max_token_size(&set_, size); }
  /// Every provider's fail-safe defaults, and a list of issuers for each: call after adding.
  [[nodiscard]] jwtguard_status check_setup() const { return jwtguard_providers_check(&set_); }

  Result verify(std::string_view token, uint64_t now, const std::vector<std::string_view> &required = {}) const {
    std::vector<jwtguard_str> req = Verifier::strs(required);
    Result out;
    out.status_ = jwtguard_providers_verify(&set_, bytes(token), token.size(), now, req.empty() ? nullptr : req.data(), req.size(), &out.raw_);
    out.verifier_ = judged_by(out);
    return out;
  }
  Result verify_large(std::string_view token, uint64_t now, const std::vector<std::string_view> &required = {}) const {
    std::vector<jwtguard_str> req = Verifier::strs(required);
    Result out;
    out.large_ = std::make_shared<jwtguard_large_result>();
    out.status_ = jwtguard_providers_verify_large(&set_, bytes(token), token.size(), now, req.empty() ? nullptr : req.data(), req.size(), out.large_.get());
    out.verifier_ = judged_by(out);
    return out;
  }

 private:
  std::shared_ptr<const jwtguard_verifier> judged_by(const Result &r) const {
    int i = r.provider();
    return i >= 0 && static_cast<size_t>(i) < held_.size() ? held_[static_cast<size_t>(i)] : nullptr;
  }
  jwtguard_providers set_{};
  std::vector<std::shared_ptr<jwtguard_verifier>> held_;
};

/// A verifier that threads verify with while another thread replaces it: build and check the
/// new Verifier off to the side, then store() it. Each verify takes the current one (a
/// shared_ptr copied under a lock held for that copy only), so it sees either the old verifier
/// or the new one, whole; the old one is freed, with its keys zeroized, when the last verify or
/// Result holding it lets go, so nothing is freed under a reader. store() keeps verifying
/// threads waiting for no configuration work: that happened before it, on the new object.
///
/// The lock is the equivalent of std::atomic<std::shared_ptr> (which C++20 adds, and which
/// libstdc++ 12 implements with a spin bit that ThreadSanitizer reports as a race): held for a
/// reference count increment, about 20 ns uncontended, against microseconds for a verify.
///
///   jwtguard::SwappableVerifier keys(build(jwks_v1));
///   // any thread:  jwtguard::Result r = keys.verify(token, now);
///   // refresher:   keys.store(build(jwks_v2));
class SwappableVerifier {
 public:
  explicit SwappableVerifier(Verifier initial) : current_(std::make_shared<const Verifier>(std::move(initial))) {}
  SwappableVerifier(const SwappableVerifier &) = delete;
  SwappableVerifier &operator=(const SwappableVerifier &) = delete;

  /// The verifier in use now. Holding the pointer keeps it alive across a store().
  std::shared_ptr<const Verifier> load() const {
    std::lock_guard<std::mutex> hold(m_);
    return current_;
  }

  /// Publish `next`: verifies that start after this see it. The replaced verifier is released
  /// after the lock, so freeing it never delays a reader.
  void store(Verifier next) {
    std::shared_ptr<const Verifier> v = std::make_shared<const Verifier>(std::move(next));
    {
      std::lock_guard<std::mutex> hold(m_);
      current_.swap(v);
    }
  }

  /// Verify with the current verifier; the Result keeps that verifier alive for metadata().
  Result verify(std::string_view token, uint64_t now, const std::vector<std::string_view> &required = {}) const {
    return load()->verify(token, now, required);
  }

 private:
  mutable std::mutex m_;
  std::shared_ptr<const Verifier> current_;
};

/// The JWTGUARD_ALG_* code of an algorithm name ("PS256"), or nullopt.
inline std::optional<uint32_t> algorithm(std::string_view name) noexcept {
  uint32_t code = 0;
  if (jwtguard_algorithm_from_name(bytes(name), name.size(), &code) != JWTGUARD_OK) return std::nullopt;
  return code;
}

/// The name of a JWTGUARD_ALG_* code, or nullptr.
inline const char *algorithm_name(uint32_t code) noexcept { return jwtguard_algorithm_name(code); }

/// The `now` to verify with on a device whose clock may have gone back: the larger of the
/// clock and the stored floor (jwtguard_time_floor_now).
inline uint64_t time_floor_now(uint64_t floor, uint64_t clock) noexcept { return jwtguard_time_floor_now(floor, clock); }

/// The token in an Authorization header value, or nullopt.
inline std::optional<std::string_view> bearer_token(std::string_view header) {
  const uint8_t *t = nullptr;
  size_t n = 0;
  if (jwtguard_bearer_token(bytes(header), header.size(), &t, &n) != JWTGUARD_OK) return std::nullopt;
  return std::string_view(reinterpret_cast<const char *>(t), n);
}

}  // namespace jwtguard

#endif  // JWTGUARD_HPP
