// `vigil rules test`: the promtool-compatible runner of
// server/rules/unittest on files given on the command line.
#include "tools/rules_test.h"

#include <iostream>

#include "server/rules/unittest/test_runner.h"

namespace vigil::tools {

int RunRulesTest(const RulesTestOptions& options) {
  rules::unittest::RunOptions run;
  run.run = options.run;
  return rules::unittest::RunTestFiles(options.files, run, std::cout, std::cerr);
}

}  // namespace vigil::tools
