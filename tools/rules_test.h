// `vigil rules test`: runs promtool-format rule unit-test files
// (docs/configuration/unit_testing_rules.md) and prints results as
// `promtool test rules` does. Returns the exit code (0 all passed, 1 any
// failure or unreadable file).
#pragma once

#include <string>
#include <vector>

namespace vigil::tools {

struct RulesTestOptions {
  std::vector<std::string> files;
  std::vector<std::string> run;  // --run: regexps selecting test groups by name (empty = all)
};

int RunRulesTest(const RulesTestOptions& options);

}  // namespace vigil::tools
