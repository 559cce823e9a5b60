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
// fetched again), build the new one and publish it through a SwappableVerifier.
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

/// The outcome of one verification, with accessors that copy into std::string.
class Result {
 public:
  bool ok() const noexcept { return status_ == JWTGUARD_OK; }
  jwtguard_status status() const noexcept { return status_; }
  const char *message() const noexcept { return jwtguard_error_message(status_); }
  const char *code() const noexcept { return jwtguard_error_name(status_); }

  /// A claim by dot path: strings unescaped, other values as compact JSON; nullopt if absent
  /// or if the token did not verify.
  std::optional<std::string> claim(std::string_view path) const {
    return fetch([&](uint8_t *out, size_t cap, size_t *len) {
      return jwtguard_result_claim(&raw_, bytes(path), path.size(), out, cap, len);
    });
  }

  /// The registered claims as a compact JSON object.
  std::optional<std::string> claims_json() const {
    return fetch([&](uint8_t *out, size_t cap, size_t *len) { return jwtguard_result_claims_json(&raw_, out, cap, len); });
  }

  /// Which metadata field a JWTGUARD_MISSING_METADATA_FIELD is about (from 0), or -1.
  int field() const noexcept { return jwtguard_result_field(&raw_); }

  /// The token's exp (0 if absent), or nullopt if the token did not verify.
  std::optional<uint64_t> exp() const noexcept {
    uint64_t e = 0;
    if (jwtguard_result_exp(&raw_, &e) != JWTGUARD_OK) return std::nullopt;
    return e;
  }

  /// The metadata document of the verifier's fields.
  std::optional<std::string> metadata() const {
    return fetch([&](uint8_t *out, size_t cap, size_t *len) {
      return jwtguard_result_metadata(verifier_, &raw_, out, cap, len);
    });
  }

 private:
  friend class Verifier;
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
  friend class SwappableVerifier;
  jwtguard_result raw_{};
  jwtguard_status status_ = JWTGUARD_NO_RESULT;
  const jwtguard_verifier *verifier_ = nullptr;
  // The verifier behind `verifier_`, kept alive for metadata() when it came from a
  // SwappableVerifier that may have replaced it since.
  std::shared_ptr<const void> keep_;
};

/// Owns a heap verifier. Every configuration method returns the C status and is
/// [[nodiscard]], so ignoring a failed setter is a compiler warning (an error under -Werror);
/// check() turns a status into an exception. Every C entry point has a method here.
class Verifier {
 public:
  Verifier() : v_(jwtguard_verifier_new()) {
    if (!v_) throw std::bad_alloc();
  }
  ~Verifier() { jwtguard_verifier_free(v_); }
  Verifier(const Verifier &) = delete;
  Verifier &operator=(const Verifier &) = delete;
  Verifier(Verifier &&o) noexcept : v_(std::exchange(o.v_, nullptr)) {}
  Verifier &operator=(Verifier &&o) noexcept {
    if (this != &o) {
      jwtguard_verifier_free(v_);
      v_ = std::exchange(o.v_, nullptr);
    }
    return *this;
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
    jwtguard_status s = jwtguard_verifier_add_jwks_report(v_, bytes(jwks), jwks.size(), &r);
    if (s == JWTGUARD_OK && report) *report = r;
    return s;
  }
  [[nodiscard]] jwtguard_status add_jwk(std::string_view jwk) { return jwtguard_verifier_add_jwk(v_, bytes(jwk), jwk.size()); }
  [[nodiscard]] jwtguard_status add_hs256(std::string_view kid, std::string_view secret) {
    return jwtguard_verifier_add_hs256(v_, kid_ptr(kid), kid.size(), bytes(secret), secret.size());
  }
  [[nodiscard]] jwtguard_status add_hs256_configured(std::string_view kid, std::string_view secret) {
    return jwtguard_verifier_add_hs256_configured(v_, kid_ptr(kid), kid.size(), bytes(secret), secret.size());
  }
  [[nodiscard]] jwtguard_status add_rsa_pem(std::string_view kid, std::string_view pem) {
    return jwtguard_verifier_add_rsa_pem(v_, kid_ptr(kid), kid.size(), bytes(pem), pem.size());
  }
  [[nodiscard]] jwtguard_status add_rsa_der(std::string_view kid, std::string_view der) {
    return jwtguard_verifier_add_rsa_der(v_, kid_ptr(kid), kid.size(), bytes(der), der.size());
  }
  // Keys bound to an algorithm (a JWTGUARD_ALG_* code): public keys as PEM or DER (SPKI, or
  // PKCS#1 for RSA), HMAC secrets for HS256/384/512.
  [[nodiscard]] jwtguard_status add_key_pem(uint32_t alg, std::string_view kid, std::string_view pem) {
    return jwtguard_verifier_add_key_pem(v_, alg, kid_ptr(kid), kid.size(), bytes(pem), pem.size());
  }
  [[nodiscard]] jwtguard_status add_key_der(uint32_t alg, std::string_view kid, std::string_view der) {
    return jwtguard_verifier_add_key_der(v_, alg, kid_ptr(kid), kid.size(), bytes(der), der.size());
  }
  [[nodiscard]] jwtguard_status add_hmac(uint32_t alg, std::string_view kid, std::string_view secret) {
    return jwtguard_verifier_add_hmac(v_, alg, kid_ptr(kid), kid.size(), bytes(secret), secret.size());
  }
  [[nodiscard]] jwtguard_status set_require_kid(bool required) { return jwtguard_verifier_set_require_kid(v_, required ? 1u : 0u); }
  [[nodiscard]] jwtguard_status set_kidless_limit(uint32_t limit) { return jwtguard_verifier_set_kidless_limit(v_, limit); }
  // Tokens of up to `size` bytes (default 2048, at most JWTGUARD_MAX_TOKEN_CAPACITY).
  [[nodiscard]] jwtguard_status set_max_token_size(size_t size) { return jwtguard_verifier_set_max_token_size(v_, size); }

  // ---- policy ----
  [[nodiscard]] jwtguard_status add_issuer(std::string_view s) { return jwtguard_verifier_add_issuer(v_, bytes(s), s.size()); }
  [[nodiscard]] jwtguard_status allow_any_issuer() { return jwtguard_verifier_allow_any_issuer(v_); }
  [[nodiscard]] jwtguard_status add_audience(std::string_view s) { return jwtguard_verifier_add_audience(v_, bytes(s), s.size()); }
  [[nodiscard]] jwtguard_status allow_no_audience() { return jwtguard_verifier_allow_no_audience(v_); }
  [[nodiscard]] jwtguard_status add_authorized_party(std::string_view s) { return jwtguard_verifier_add_authorized_party(v_, bytes(s), s.size()); }
  [[nodiscard]] jwtguard_status add_required_permission(std::string_view s) { return jwtguard_verifier_add_required_permission(v_, bytes(s), s.size()); }
  [[nodiscard]] jwtguard_status set_permissions_claim(std::string_view name) {
    return jwtguard_verifier_set_permissions_claim(v_, bytes(name), name.size());
  }
  [[nodiscard]] jwtguard_status add_metadata_field(std::string_view path, std::string_view name, bool required) {
    return jwtguard_verifier_add_metadata_field(v_, bytes(path), path.size(), name.empty() ? nullptr : bytes(name), name.size(), required ? 1u : 0u);
  }
  [[nodiscard]] jwtguard_status set_leeway(uint64_t seconds) { return jwtguard_verifier_set_leeway(v_, seconds); }
  [[nodiscard]] jwtguard_status set_max_age(uint64_t seconds) { return jwtguard_verifier_set_max_age(v_, seconds); }
  [[nodiscard]] jwtguard_status set_require_exp(bool required) { return jwtguard_verifier_set_require_exp(v_, required ? 1u : 0u); }
  [[nodiscard]] jwtguard_status set_require_sub(bool required) { return jwtguard_verifier_set_require_sub(v_, required ? 1u : 0u); }
  [[nodiscard]] jwtguard_status set_access_token_profile(bool enabled) {
    return jwtguard_verifier_set_access_token_profile(v_, enabled ? 1u : 0u);
  }
  /// The first setup error (no issuer, no audience), or JWTGUARD_OK: call it after configuring.
  [[nodiscard]] jwtguard_status check_setup() const { return jwtguard_verifier_check(v_); }

  /// Verify a token at `now`, with extra permissions for this call.
  Result verify(std::string_view token, uint64_t now, const std::vector<std::string_view> &required = {}) const {
    std::vector<jwtguard_str> req;
    for (auto r : required) req.push_back(jwtguard_str{bytes(r), r.size()});
    Result out;
    out.verifier_ = v_;
    out.status_ = jwtguard_verify(v_, bytes(token), token.size(), now, req.empty() ? nullptr : req.data(), req.size(), &out.raw_);
    return out;
  }

  /// The C handle, for calling the C API directly: const to share with verifying threads,
  /// mutable to configure (not while other threads verify).
  const jwtguard_verifier *get() const noexcept { return v_; }
  jwtguard_verifier *get() noexcept { return v_; }

 private:
  static const uint8_t *kid_ptr(std::string_view kid) noexcept { return kid.empty() ? nullptr : bytes(kid); }
  jwtguard_verifier *v_;
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
    std::shared_ptr<const Verifier> v = load();
    Result r = v->verify(token, now, required);
    r.keep_ = std::move(v);
    return r;
  }

 private:
  mutable std::mutex m_;
  std::shared_ptr<const Verifier> current_;
};

/// The token in an Authorization header value, or nullopt.
inline std::optional<std::string_view> bearer_token(std::string_view header) {
  const uint8_t *t = nullptr;
  size_t n = 0;
  if (jwtguard_bearer_token(bytes(header), header.size(), &t, &n) != JWTGUARD_OK) return std::nullopt;
  return std::string_view(reinterpret_cast<const char *>(t), n);
}

}  // namespace jwtguard

#endif  // JWTGUARD_HPP
