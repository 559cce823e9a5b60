// Replacing a verifier under load (issue 18): eight threads verify while one thread swaps
// between two key sets 1,000 times through jwtguard::SwappableVerifier. Run under
// ThreadSanitizer and under AddressSanitizer (Makefile target `cpp-swap-test`).
//
// Set A holds the keys rsa-2024 and hmac-1, set B rsa-2025 and hmac-1. Every verdict is checked
// against the set that was current for it: the HS256 token (hmac-1, in both sets) must never
// fail, the rsa-2024 token passes exactly with set A and the rsa-2025 token exactly with set B.
// A verifier says which set it is through its one metadata field's output name.
#include <atomic>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "jwtguard.hpp"

static std::string slurp(const std::string &name) {
  std::ifstream f(std::string(JWTGUARD_DATA_DIR) + "/" + name, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

static std::vector<std::string> lines(const std::string &text) {
  std::vector<std::string> out;
  std::stringstream ss(text);
  for (std::string line; std::getline(ss, line);) out.push_back(line);
  return out;
}

static constexpr uint64_t NOW = 1700000000;

struct Keys {
  std::string rsa2024, rsa2025, hmac;
};

// A verifier over one key set; its metadata field's name says which set ("set_a"/"set_b").
static jwtguard::Verifier build(const Keys &k, bool set_a) {
  using jwtguard::Verifier;
  Verifier v;
  Verifier::check(v.add_jwk(set_a ? k.rsa2024 : k.rsa2025));
  Verifier::check(v.add_jwk(k.hmac));
  Verifier::check(v.add_issuer("https://issuer.example"));
  Verifier::check(v.add_audience("api.example"));
  Verifier::check(v.add_authorized_party("https://app.example"));
  Verifier::check(v.add_metadata_field("sub", set_a ? "set_a" : "set_b", true));
  return v;
}

int main() {
  // jwks.json has one key per line, in the order rsa-2024, rsa-2025, hmac-1.
  std::vector<std::string> jwks = lines(slurp("jwks.json"));
  if (jwks.size() < 5) return 2;
  auto strip = [](std::string s) {
    if (!s.empty() && s.back() == ',') s.pop_back();
    return s;
  };
  Keys keys{strip(jwks[1]), strip(jwks[2]), strip(jwks[3])};
  std::vector<std::string> samples;
  for (const std::string &l : lines(slurp("tokens.txt")))
    if (!l.empty() && l[0] != '#') samples.push_back(l);
  const std::string t_a = samples.at(0), t_b = samples.at(1), t_both = samples.at(2);

  jwtguard::SwappableVerifier current(build(keys, true));
  std::atomic<bool> done{false};
  std::atomic<long> verdicts{0}, wrong{0}, seen_a{0}, seen_b{0};

  auto reader = [&] {
    while (!done.load(std::memory_order_acquire)) {
      // The API path: the token of the key both sets hold never fails, whatever the swaps.
      jwtguard::Result r = current.verify(t_both, NOW);
      std::optional<std::string> meta = r.metadata();
      if (!r.ok() || !meta) wrong++;
      // Against the set that is current for these verdicts: hold one verifier for all three.
      std::shared_ptr<const jwtguard::Verifier> v = current.load();
      jwtguard::Result probe = v->verify(t_both, NOW);
      std::optional<std::string> which = probe.metadata();
      bool is_a = which && which->find("set_a") != std::string::npos;
      bool is_b = which && which->find("set_b") != std::string::npos;
      if (!probe.ok() || is_a == is_b) wrong++;
      if (v->verify(t_a, NOW).ok() != is_a) wrong++;
      if (v->verify(t_b, NOW).ok() != is_b) wrong++;
      (is_a ? seen_a : seen_b)++;
      verdicts += 4;
    }
  };
  std::vector<std::thread> readers;
  for (int i = 0; i < 8; i++) readers.emplace_back(reader);
  std::thread swapper([&] {
    for (int i = 1; i <= 1000; i++) current.store(build(keys, i % 2 == 0));
    done.store(true, std::memory_order_release);
  });
  swapper.join();
  for (std::thread &t : readers) t.join();

  std::printf("swap: 1000 swaps, %ld verdicts (set A current for %ld rounds, B for %ld), %ld wrong\n",
              verdicts.load(), seen_a.load(), seen_b.load(), wrong.load());
  // Both sets must have been seen, or the test checked one of them only.
  return wrong == 0 && seen_a > 0 && seen_b > 0 ? 0 : 1;
}
