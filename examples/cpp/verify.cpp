// C++17 example: the RAII wrapper on the bundled sample data. Exits non-zero if any verdict
// differs from what the samples are built to give.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "jwtguard.hpp"

static std::string slurp(const std::string &name) {
  std::ifstream f(std::string(JWTGUARD_DATA_DIR) + "/" + name, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

int main() {
  jwtguard::Verifier v;
  using jwtguard::Verifier;
  jwtguard_jwks_report report{};
  Verifier::check(v.add_jwks(slurp("jwks.json"), &report));
  if (report.loaded != 3 || report.skipped != 0 || report.rejected != 0) return 1;
  if (v.check_setup() != JWTGUARD_ISSUER_NOT_CONFIGURED) return 1;
  Verifier::check(v.add_issuer("https://issuer.example"));
  Verifier::check(v.add_audience("api.example"));
  Verifier::check(v.add_authorized_party("https://app.example"));
  Verifier::check(v.add_metadata_field("user_data.name", "", true));
  try {
    Verifier::check(v.add_metadata_field("a..b", "", false));
    std::cerr << "a bad field was accepted\n";
    return 1;
  } catch (const jwtguard::Error &e) {
    if (e.status() != JWTGUARD_INVALID_METADATA_FIELD) return 1;
  }

  std::vector<std::string> tokens;
  std::istringstream lines(slurp("tokens.txt"));
  for (std::string line; std::getline(lines, line);)
    if (!line.empty() && line[0] != '#') tokens.push_back(line);
  if (tokens.size() != 11) return 1;

  const uint64_t now = 1700000000;
  int failures = 0;
  auto expect = [&](bool cond, const char *what) {
    if (!cond) {
      std::cerr << "FAILED: " << what << "\n";
      failures++;
    }
  };
  jwtguard::Result ok = v.verify(*jwtguard::bearer_token("Bearer " + tokens[0]), now, {"leagues:write"});
  expect(ok.ok(), "valid token verifies");
  expect(ok.claim("user_data.name") == std::optional<std::string>("Jean Valjean"), "claim by path");
  expect(ok.metadata() == std::optional<std::string>("{\"name\":\"Jean Valjean\"}"), "metadata document");
  expect(!ok.claim("missing"), "absent claim");
  jwtguard::Result expired = v.verify(tokens[3], now);
  expect(expired.status() == JWTGUARD_EXPIRED && std::string(expired.message()) == "Token has expired", "expired");
  expect(!expired.claim("sub"), "no claims on failure");
  expect(v.verify(tokens[4], now).status() == JWTGUARD_INVALID_AUDIENCE, "wrong audience");
  expect(v.verify(tokens[0], now, {"admin"}).status() == JWTGUARD_INSUFFICIENT_PERMISSIONS, "permission");
  jwtguard::Verifier moved = std::move(v);
  expect(moved.verify(tokens[2], now).ok(), "moved verifier still works");
  expect(ok.exp() == std::optional<uint64_t>(now + 3600), "exp");
  expect(!expired.exp(), "no exp on failure");
  jwtguard::Result missing = moved.verify(tokens[10], now);
  expect(missing.status() == JWTGUARD_MISSING_METADATA_FIELD && missing.field() == 0, "missing field index");

  // Every setter of the C API, through the wrapper (issue 19).
  jwtguard::Verifier w;
  const std::string der = slurp("../../crates/jwtguard/tests/data/rsa2048.spki.der");
  const std::string pem = slurp("../../crates/jwtguard/tests/data/rsa2048.pub.pem");
  expect(w.add_key_der(JWTGUARD_ALG_RS256, "rsa-2024", der) == JWTGUARD_OK, "add_key_der");
  expect(w.add_key_pem(JWTGUARD_ALG_RS256, "rsa-pem", pem) == JWTGUARD_OK, "add_key_pem");
  expect(w.add_hmac(JWTGUARD_ALG_HS256, "hmac-1", slurp("hs256.secret").substr(0, 64)) == JWTGUARD_OK, "add_hmac");
  expect(w.add_jwk(slurp("rsa-2024.jwk.json")) == JWTGUARD_DUPLICATE_KEY_ID, "add_jwk");
  expect(w.add_hmac(JWTGUARD_ALG_HS256, "pem-as-secret", pem) == JWTGUARD_SECRET_IS_KEY, "a public key is not a secret");
  expect(w.allow_any_issuer() == JWTGUARD_OK && w.add_audience("api.example") == JWTGUARD_OK, "waive issuer");
  expect(w.check_setup() == JWTGUARD_OK, "check_setup");
  expect(w.set_permissions_claim("roles") == JWTGUARD_OK, "set_permissions_claim");
  expect(w.add_required_permission("leagues:read") == JWTGUARD_OK, "add_required_permission");
  expect(w.verify(tokens[0], now).status() == JWTGUARD_INSUFFICIENT_PERMISSIONS, "permissions claim is roles now");
  expect(w.set_permissions_claim("permissions") == JWTGUARD_OK, "permissions claim back");
  expect(w.verify(tokens[0], now).ok(), "der key verifies");
  expect(w.set_max_age(1) == JWTGUARD_OK && w.verify(tokens[0], now).status() == JWTGUARD_TOO_OLD, "set_max_age");
  expect(w.set_max_age(0) == JWTGUARD_OK && w.verify(tokens[0], now).ok(), "no max age");
  expect(w.set_require_exp(false) == JWTGUARD_OK && w.set_require_sub(false) == JWTGUARD_OK, "require exp/sub");
  expect(w.set_require_kid(true) == JWTGUARD_OK, "set_require_kid");
  expect(w.set_access_token_profile(true) == JWTGUARD_OK &&
             w.verify(tokens[0], now).status() == JWTGUARD_UNEXPECTED_TYPE, "access-token profile");
  expect(w.set_access_token_profile(false) == JWTGUARD_OK && w.set_leeway(5) == JWTGUARD_OK, "leeway");
  jwtguard_verifier *raw = w.get();  // non-const handle for the C API, no const_cast
  expect(jwtguard_verifier_add_issuer(raw, JWTGUARD_LIT("https://issuer.example")) == JWTGUARD_OK, "get()");
  expect(w.allow_no_audience() == JWTGUARD_OK, "allow_no_audience");

  // Keys bound to their algorithm (issue 17): an ES256 key, an EdDSA key, an HS512 secret.
  jwtguard::Verifier a;
  expect(a.add_key_pem(JWTGUARD_ALG_ES256, "es256-key", slurp("es256.pub.pem")) == JWTGUARD_OK, "add_key_pem ES256");
  expect(a.add_key_pem(JWTGUARD_ALG_EDDSA, "eddsa-key", slurp("ed25519.pub.pem")) == JWTGUARD_OK, "add_key_pem EdDSA");
  expect(a.add_hmac(JWTGUARD_ALG_HS512, "hs512-key", slurp("hs512.secret")) == JWTGUARD_OK, "add_hmac HS512");
  expect(a.add_key_pem(JWTGUARD_ALG_RS256, "x", slurp("es256.pub.pem")) == JWTGUARD_KEY_TYPE_MISMATCH, "type mismatch");
  expect(a.add_issuer("https://issuer.example") == JWTGUARD_OK && a.add_audience("api.example") == JWTGUARD_OK, "policy");
  std::vector<std::string> algs;
  std::istringstream alg_lines(slurp("algs.tokens.txt"));
  for (std::string line; std::getline(alg_lines, line);) algs.push_back(line);
  expect(algs.size() == 12 && a.verify(algs[2], now).ok() && a.verify(algs[9], now).ok() && a.verify(algs[11], now).ok(),
         "HS512, ES256, EdDSA tokens verify");
  expect(algs.size() == 12 && a.verify(algs[10], now).status() == JWTGUARD_UNKNOWN_KEY, "no ES384 key loaded");

  std::printf("%d passed, %d failed\n", 41 - failures, failures);
  return failures ? 1 : 0;
}
