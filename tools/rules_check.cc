// Placeholder until the rule-file module lands (issue 5 in progress).
#include "tools/rules_check.h"

#include <cstdio>

namespace vigil::tools {

int RunRulesCheck(const std::vector<std::string>&) {
  std::fprintf(stderr, "vigil rules check: not built yet\n");
  return 1;
}

}  // namespace vigil::tools
