// Placeholder until the rules unit-test runner lands (issue 5 in progress).
#include "tools/rules_test.h"

#include <cstdio>

namespace vigil::tools {

int RunRulesTest(const RulesTestOptions&) {
  std::fprintf(stderr, "vigil rules test: not built yet\n");
  return 1;
}

}  // namespace vigil::tools
