// The promtool rule unit-test runner (`promtool test rules`, 2.42
// semantics with the later start_timestamp / fuzzy_compare fields): loads
// the rule files of a test file, replays each test group's input series
// tick by tick into a temporary DB, evaluates every group at every tick,
// checks firing alerts and PromQL expectations, and prints promtool's
// report. Each call uses its own temporary storage; thread-compatible.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "server/rules/unittest/test_file.h"

namespace vigil::rules::unittest {

struct RunOptions {
  // Only test groups whose name matches one of these (RE2, unanchored);
  // empty = all.
  std::vector<std::string> run;
};

// The failures of one test file, each a (possibly multi-line) message as
// promtool prints it; empty = passed. `warnings` get "  WARNING: ..." lines
// (rule_files globs that match nothing).
std::vector<std::string> TestFileFailures(const std::string& path, const RunOptions& options,
                                          std::vector<std::string>* warnings);

// The failures of one test group of a parsed file whose rule files are
// already resolved to paths.
std::vector<std::string> TestGroupFailures(const TestFile& file, const TestGroup& group,
                                           const std::vector<std::string>& rule_files);

// Runs every file as promtool does: "Unit Testing:  FILE", then
// "  SUCCESS" on `out` or "  FAILED:" and the failures on `err`. Returns
// the exit code (0 all passed, 1 otherwise; 1 at once for an invalid
// --run regexp).
int RunTestFiles(const std::vector<std::string>& files, const RunOptions& options, std::ostream& out,
                 std::ostream& err);

}  // namespace vigil::rules::unittest
