// The check corpus (tests/rules/testdata/check): every file under valid/
// loads without errors and every file under invalid/ with at least one,
// each error line naming the file. The same corpus is compared against
// promtool by tests/integration/rules_check_compare.py.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "server/rules/rule_file.h"

namespace vigil::rules {
namespace {

namespace fs = std::filesystem;

// Next to this file; __FILE__ may be relative to the build directory (ccache),
// so fall back to the source tree above the working directory.
fs::path CorpusDir() {
  const fs::path rel = fs::path("testdata") / "check";
  fs::path here = fs::absolute(fs::path(__FILE__)).parent_path() / rel;
  if (fs::exists(here)) return here;
  for (fs::path dir = fs::current_path(); !dir.empty(); dir = dir.parent_path()) {
    if (fs::exists(dir / "tests" / "rules" / rel)) return dir / "tests" / "rules" / rel;
    if (dir == dir.parent_path()) break;
  }
  return here;
}

std::vector<std::string> CorpusFiles(const std::string& kind) {
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(CorpusDir() / kind)) {
    if (entry.path().extension() == ".yml") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

TEST(RuleFileCorpusTest, ValidFilesLoad) {
  std::vector<std::string> files = CorpusFiles("valid");
  ASSERT_GE(files.size(), 20u);
  for (const std::string& f : files) {
    SCOPED_TRACE(f);
    RuleFileResult r = LoadRuleFile(f);
    EXPECT_TRUE(r.ok()) << (r.errors.empty() ? "" : r.errors[0]);
    EXPECT_EQ(r.file.path, f);
    for (const RuleGroupNode& g : r.file.groups) {
      for (const RuleNode& rule : g.rules) {
        EXPECT_NE(rule.record.empty(), rule.alert.empty()) << "exactly one of record/alert";
        EXPECT_FALSE(rule.expr.empty());
        EXPECT_GT(rule.line, 0);
      }
    }
  }
}

TEST(RuleFileCorpusTest, InvalidFilesFail) {
  std::vector<std::string> files = CorpusFiles("invalid");
  ASSERT_GE(files.size(), 20u);
  for (const std::string& f : files) {
    SCOPED_TRACE(f);
    RuleFileResult r = LoadRuleFile(f);
    EXPECT_FALSE(r.ok());
    EXPECT_TRUE(r.file.groups.empty());
    for (const std::string& e : r.errors) EXPECT_EQ(e.rfind(f + ": ", 0), 0u) << e;
  }
}

}  // namespace
}  // namespace vigil::rules
