// jwtguard.hpp: a small header-only C++17 RAII wrapper over the jwtguard C API.
//
//   jwtguard::Verifier v;                        // owns a jwtguard_verifier, freed on scope exit
//   v.check(v.add_jwks(jwks));                   // throws jwtguard::Error on failure
//   jwtguard::Result r = v.verify(token, now);   // never throws: r.ok(), r.status(), r.message()
//   std::optional<std::string> name = r.claim("user_data.name");
//
// A Verifier is move-only. After configuration, verify() is const and may be called from many
// threads at once.
#ifndef JWTGUARD_HPP
#define JWTGUARD_HPP

#include <cstdint>
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
  jwtguard_result raw_{};
  jwtguard_status status_ = JWTGUARD_NO_RESULT;
  const jwtguard_verifier *verifier_ = nullptr;
};

/// Owns a heap verifier. Configuration methods return the status; check() turns one into an
/// exception.
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

  static void check(jwtguard_status s) {
    if (s != JWTGUARD_OK) throw Error(s);
  }

  jwtguard_status add_jwks(std::string_view jwks) { return jwtguard_verifier_add_jwks(v_, bytes(jwks), jwks.size(), nullptr, nullptr); }
  jwtguard_status add_jwk(std::string_view jwk) { return jwtguard_verifier_add_jwk(v_, bytes(jwk), jwk.size()); }
  jwtguard_status add_hs256(std::string_view kid, std::string_view secret) {
    return jwtguard_verifier_add_hs256(v_, kid.empty() ? nullptr : bytes(kid), kid.size(), bytes(secret), secret.size());
  }
  jwtguard_status add_rsa_pem(std::string_view kid, std::string_view pem) {
    return jwtguard_verifier_add_rsa_pem(v_, kid.empty() ? nullptr : bytes(kid), kid.size(), bytes(pem), pem.size());
  }
  jwtguard_status add_issuer(std::string_view s) { return jwtguard_verifier_add_issuer(v_, bytes(s), s.size()); }
  jwtguard_status add_audience(std::string_view s) { return jwtguard_verifier_add_audience(v_, bytes(s), s.size()); }
  jwtguard_status add_authorized_party(std::string_view s) { return jwtguard_verifier_add_authorized_party(v_, bytes(s), s.size()); }
  jwtguard_status add_required_permission(std::string_view s) { return jwtguard_verifier_add_required_permission(v_, bytes(s), s.size()); }
  jwtguard_status add_metadata_field(std::string_view path, std::string_view name, bool required) {
    return jwtguard_verifier_add_metadata_field(v_, bytes(path), path.size(), name.empty() ? nullptr : bytes(name), name.size(), required ? 1u : 0u);
  }
  jwtguard_status set_leeway(uint64_t seconds) { return jwtguard_verifier_set_leeway(v_, seconds); }

  /// Verify a token at `now`, with extra permissions for this call.
  Result verify(std::string_view token, uint64_t now, const std::vector<std::string_view> &required = {}) const {
    std::vector<jwtguard_str> req;
    for (auto r : required) req.push_back(jwtguard_str{bytes(r), r.size()});
    Result out;
    out.verifier_ = v_;
    out.status_ = jwtguard_verify(v_, bytes(token), token.size(), now, req.empty() ? nullptr : req.data(), req.size(), &out.raw_);
    return out;
  }

  const jwtguard_verifier *get() const noexcept { return v_; }

 private:
  jwtguard_verifier *v_;
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
