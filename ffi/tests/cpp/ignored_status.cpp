// Must NOT compile under -Werror: a configuration status that is ignored. `make c-test`
// checks that the compiler refuses it ([[nodiscard]] on every setter of jwtguard.hpp).
#include "jwtguard.hpp"

int main() {
  jwtguard::Verifier v;
  v.add_audience("api.example");  // the status is dropped: -Wunused-result
  return 0;
}
