// File-level part of the runner: reading, rule_files globs, group filter
// and promtool's report layout.
#include "server/rules/unittest/test_runner.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <re2/re2.h>

#include "server/rules/rule_file.h"

namespace vigil::rules::unittest {

namespace {

// Go's filepath.Dir + Clean; "" for the current directory (Join(".", f) is f).
std::string DirName(const std::string& path) {
  std::string dir = std::filesystem::path(path).parent_path().lexically_normal().string();
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  return dir == "." ? "" : dir;
}

// Go's filepath.Join(base, glob) for the "no file match" warning.
std::string JoinForDisplay(const std::string& base, const std::string& glob) {
  if (glob.empty() || glob[0] == '/' || base.empty()) return glob;
  return std::filesystem::path(base + "/" + glob).lexically_normal().string();
}

bool Selected(const TestGroup& group, const RunOptions& options) {
  if (options.run.empty()) return true;
  for (const auto& pattern : options.run) {
    RE2 re(pattern);
    if (re.ok() && RE2::PartialMatch(group.name, re)) return true;
  }
  return false;
}

}  // namespace

std::vector<std::string> TestFileFailures(const std::string& path, const RunOptions& options,
                                          std::vector<std::string>* warnings) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {"open " + path + ": no such file or directory"};
  std::stringstream buffer;
  buffer << in.rdbuf();
  auto parsed = ParseTestFile(buffer.str());
  if (!parsed.ok()) return {parsed.status().message()};
  const TestFile& file = *parsed;

  std::vector<std::string> rule_files;
  const std::string base = DirName(path);
  for (const auto& glob : file.rule_files) {
    auto matched = ExpandRuleFileGlobs({glob}, base);
    if (!matched.ok()) return {matched.status().message()};
    if (matched->empty()) {
      warnings->push_back("  WARNING: no file match pattern " + JoinForDisplay(base, glob));
    }
    rule_files.insert(rule_files.end(), matched->begin(), matched->end());
  }

  for (size_t i = 0; i < file.group_eval_order.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (file.group_eval_order[i] == file.group_eval_order[j]) {
        return {"group name repeated in evaluation order: " + file.group_eval_order[i]};
      }
    }
  }

  std::vector<std::string> failures;
  for (const TestGroup& group : file.tests) {
    if (!Selected(group, options)) continue;
    std::vector<std::string> group_failures = TestGroupFailures(file, group, rule_files);
    failures.insert(failures.end(), group_failures.begin(), group_failures.end());
  }
  return failures;
}

int RunTestFiles(const std::vector<std::string>& files, const RunOptions& options, std::ostream& out,
                 std::ostream& err) {
  bool failed = false;
  for (const auto& path : files) {
    out << "Unit Testing:  " << path << "\n";
    out.flush();
    std::vector<std::string> warnings;
    std::vector<std::string> failures = TestFileFailures(path, options, &warnings);
    for (const auto& w : warnings) err << w << "\n";
    if (failures.empty()) {
      out << "  SUCCESS\n";
    } else {
      failed = true;
      err << "  FAILED:\n";
      for (const auto& f : failures) {
        err << f << "\n";
        err.flush();
        out << "\n";
      }
    }
    out << "\n";
    out.flush();
  }
  return failed ? 1 : 0;
}

}  // namespace vigil::rules::unittest
