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
  Verifier::check(v.add_jwks(slurp("jwks.json")));
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
  std::printf("%d passed, %d failed\n", 9 - failures, failures);
  return failures ? 1 : 0;
}
