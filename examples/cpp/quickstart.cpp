// The README's C++ quick start, compiled and run by scripts/install-test.sh against an installed
// jwtguard. Usage: quickstart-cpp JWKS_FILE "Authorization: value" NOW
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "jwtguard.hpp"

int main(int argc, char **argv) {
  if (argc != 4) return 2;
  std::ifstream f(argv[1], std::ios::binary);
  std::stringstream jwks_text;
  jwks_text << f.rdbuf();
  const std::string jwks = jwks_text.str();
  const std::string auth = argv[2];
  const uint64_t now = std::strtoull(argv[3], nullptr, 10);
  try {
    // README: begin
    jwtguard::Verifier v;  // setters return a [[nodiscard]] status; check() throws on failure
    jwtguard_jwks_report keys{};
    v.check(v.add_jwks(jwks, &keys));
    v.check(v.add_issuer("https://issuer.example"));
    v.check(v.add_audience("api.example"));
    v.check(v.add_required_permission("leagues:read"));
    v.check(v.check_setup());

    // Per request (verify() is const: share the configured verifier between threads).
    auto token = jwtguard::bearer_token(auth);
    jwtguard::Result r = v.verify(token.value_or(""), now);
    if (r.ok()) {
      std::cout << "200 hello " << r.claim("user_data.name").value_or("?") << "\n";
    } else {
      int http = r.status() == JWTGUARD_INSUFFICIENT_PERMISSIONS ? 403 : 401;
      std::cout << http << " " << r.message() << "\n";  // "Token has expired", ...
    }
    // README: end
    return r.ok() ? 0 : 1;
  } catch (const jwtguard::Error &e) {
    std::cerr << "setup: " << e.what() << " (" << jwtguard_error_name(e.status()) << ")\n";
    return 2;
  }
}
