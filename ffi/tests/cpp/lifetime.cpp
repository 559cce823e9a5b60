// The C++ wrapper's lifetimes and the entry points it adds for parity with the C API (issue
// 28, items 5 and 11). Built by `make c-test` under AddressSanitizer: a Result read after its
// Verifier is destroyed or moved from must not touch freed memory.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "jwtguard.hpp"

static int failures, checks;
#define CHECK(cond)                                                                  \
  do {                                                                               \
    checks++;                                                                        \
    if (!(cond)) {                                                                   \
      failures++;                                                                    \
      std::fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
    }                                                                                \
  } while (0)

static const uint64_t NOW = 1700000000;

static std::string slurp(const char *name) {
  std::ifstream f(std::string(JWTGUARD_DATA_DIR) + "/" + name, std::ios::binary);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

static std::string line(const std::string &text, int n) {
  std::istringstream in(text);
  std::string l;
  for (int i = 0; std::getline(in, l);)
    if (!l.empty() && l[0] != '#' && i++ == n) return l;
  return "";
}

static jwtguard::Verifier configured() {
  jwtguard::Verifier v;
  v.check(v.add_jwks(slurp("jwks.json")));
  v.check(v.add_issuer("https://issuer.example"));
  v.check(v.add_audience("api.example"));
  v.check(v.add_authorized_party("https://app.example"));
  v.check(v.add_metadata_field("user_data.name", "", true));
  v.check(v.check_setup());
  return v;
}

int main() {
  const std::string tokens = slurp("tokens.txt");
  const std::string valid = line(tokens, 0);

  // Item 5: the Result outlives its Verifier, destroyed or moved from.
  jwtguard::Result r;
  std::string doc;
  {
    jwtguard::Verifier v = configured();
    r = v.verify(valid, NOW);
    CHECK(r.ok());
    doc = r.metadata().value_or("");
  }
  CHECK(!doc.empty() && r.metadata() == doc);
  {
    jwtguard::Verifier v = configured();
    jwtguard::Result moved_from = v.verify(valid, NOW);
    v = configured();  // the old verifier's last owner is now the Result
    CHECK(moved_from.metadata() == doc);
    jwtguard::Verifier w = std::move(v);
    CHECK(w.verify(valid, NOW).metadata() == doc);
  }

  // Item 11: the entry points the wrapper had no method for.
  jwtguard::Verifier tmpl;
  tmpl.check(tmpl.add_issuer("https://issuer.example"));
  tmpl.check(tmpl.add_audience("api.example"));
  tmpl.check(tmpl.add_authorized_party("https://app.example"));
  jwtguard::Verifier fetched = tmpl.clone();
  jwtguard_jwks_report rep{};
  fetched.check(fetched.add_jwks_public(slurp("jwks.json"), &rep));
  CHECK(rep.loaded == 2 && rep.secrets_skipped == 1);
  jwtguard::Result ok = fetched.verify(valid, NOW);
  CHECK(ok.ok());
  CHECK(ok.claim_matches("sub", "user_24601") == JWTGUARD_OK);
  CHECK(ok.claim_matches("sub", "nobody") == JWTGUARD_CLAIM_MISMATCH);
  CHECK(ok.claim_matches("nope", "x") == JWTGUARD_CLAIM_NOT_FOUND);
  CHECK(ok.claim_joined("permissions").value_or("") == "leagues:read, leagues:write");
  CHECK(!ok.claim_joined("permissions", ":").has_value());  // an element holds the separator
  std::vector<std::optional<std::string>> batch = ok.claims({"sub", "nope", "user_data.name"});
  CHECK(batch.size() == 3 && batch[0] == "user_24601" && !batch[1] && batch[2] == "Jean Valjean");
  // The time floor: raised to the token's iat (NOW - 60), and never lowered.
  CHECK(fetched.raise_time_floor(ok, NOW, 0) == NOW - 60);
  CHECK(fetched.raise_time_floor(ok, NOW, NOW) == NOW);
  CHECK(jwtguard::time_floor_now(NOW, NOW - 30) == NOW);
  // The verify cache: a repeated token is a hit, with the same claims.
  {
    jwtguard::Cache cache(16);
    jwtguard::Result first = fetched.verify_cached(cache, valid, NOW);  // a probe is left
    jwtguard::Result kept = fetched.verify_cached(cache, valid, NOW);   // kept on the second
    jwtguard::Result again = fetched.verify_cached(cache, valid, NOW);
    jwtguard::Result large = fetched.verify_cached_large(cache, valid, NOW);
    CHECK(first.ok() && kept.ok() && again.ok() && large.ok());
    CHECK(again.claim("sub") == first.claim("sub"));
    CHECK(first.keys_tried() == 1 && again.keys_tried() == 0);  // a hit checks no signature
    // A hit keeps the header and the payload as a verify does.
    CHECK(again.header("kid") == first.header("kid") && first.header("alg") == "RS256");
    CHECK(!first.header("x5u").has_value());
    CHECK(again.payload() == first.payload() && first.payload().value_or("").find("\"sub\":\"user_24601\"") != std::string::npos);
    CHECK(cache.stats().first == 2 && cache.stats().second == 2);
    CHECK(fetched.verify_cached(cache, valid, NOW + 7200).status() == JWTGUARD_EXPIRED);
  }
  // The explain walk: the verdict, and the key's kid copied (it outlives the verifier).
  {
    jwtguard::Explanation e = fetched.explain(valid, NOW + 7200);
    CHECK(e.verdict == JWTGUARD_EXPIRED);
    bool key_named = false, exp_failed = false;
    for (const jwtguard::Check &c : e.checks) {
      if (c.check == JWTGUARD_CHECK_KEY) key_named = c.kid.has_value() && c.status == JWTGUARD_OK;
      if (c.check == JWTGUARD_CHECK_EXP) exp_failed = c.status == JWTGUARD_EXPIRED && std::string(c.name()) == "exp";
    }
    CHECK(key_named && exp_failed);
  }
  // An EC key from a SEC 1 point: a point that is not one is refused.
  CHECK(fetched.add_ec_point(JWTGUARD_ALG_ES256, "bad", std::string(65, '\x04')) == JWTGUARD_INVALID_PUBLIC_KEY);
  CHECK(jwtguard::algorithm("PS256").has_value());
  CHECK(!jwtguard::algorithm("none").has_value());
  CHECK(std::string(jwtguard::algorithm_name(*jwtguard::algorithm("ES384"))) == "ES384");

  // verify_large: a 16 KB token once the limit allows it.
  std::string large = slurp("large-token.txt");
  while (!large.empty() && large.back() == '\n') large.pop_back();
  jwtguard::Verifier big = configured();
  CHECK(big.verify_large(large, NOW).status() == JWTGUARD_TOKEN_TOO_LONG);
  big.check(big.set_max_token_size(JWTGUARD_MAX_TOKEN_CAPACITY));
  jwtguard::Result lr = big.verify_large(large, NOW);
  CHECK(lr.status() == JWTGUARD_OK || lr.status() == JWTGUARD_MISSING_METADATA_FIELD);

  // Providers: three tenants on one key set (examples/data/tenants.tokens.txt), each Result
  // naming and keeping its provider; the set outlives the Verifiers it was given.
  const std::string tenants = slurp("tenants.tokens.txt");
  jwtguard::Result judged;
  {
    jwtguard::Providers set;
    std::string secret = slurp("hs256.secret");
    while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
    for (int i = 1; i <= 4; i++) {
      jwtguard::Verifier t;
      if (i < 4)
        t.check(t.add_jwk(slurp("rsa-2024.jwk.json")));
      else
        t.check(t.add_hmac(JWTGUARD_ALG_HS256, "", secret));
      t.check(t.add_issuer("https://login.example/tenant-" + std::to_string(i) + "/v2.0"));
      t.check(t.add_audience("api"));
      t.check(t.add_metadata_field("sub", "", false));
      t.check(set.add(t));
    }  // each Verifier is gone: the set holds them
    CHECK(set.set_kidless_limit(4) == JWTGUARD_OK);
    CHECK(set.set_max_token_size(2048) == JWTGUARD_OK);
    CHECK(set.check_setup() == JWTGUARD_OK);
    for (int n = 0; n < 6; n++) {
      std::istringstream f(line(tenants, n));
      std::string name, want, token;
      int provider;
      f >> name >> want >> provider >> token;
      jwtguard::Result res = set.verify(token, NOW);
      CHECK(std::string(res.code()) == "JWTGUARD_" + want);
      CHECK(res.provider() == provider);
      if (name == "tenant-3") judged = res;
    }
    CHECK(set.verify_large(line(tenants, 0).substr(line(tenants, 0).rfind(' ') + 1), NOW).provider() == 0);
  }
  CHECK(judged.provider() == 2 && judged.metadata().value_or("") == "{\"sub\":\"user_24601\"}");

  std::printf("%d passed, %d failed\n", checks - failures, failures);
  return failures ? 1 : 0;
}
