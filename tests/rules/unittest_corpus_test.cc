// Runs the rules unit-test corpus (tests/rules/testdata/unittest): files
// named pass_* must pass and fail_* must fail, as under promtool 2.42 (the
// integration test rules_test_compare checks the agreement with promtool
// itself). Also checks the runner's report layout and --run filtering.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "server/rules/unittest/test_runner.h"

namespace vigil::rules::unittest {
namespace {

namespace fs = std::filesystem;

fs::path CorpusDir() {
  const fs::path here = fs::absolute(fs::path(__FILE__)).parent_path();
  for (const fs::path& candidate : {here / "testdata/unittest", fs::path("../tests/rules/testdata/unittest"),
                                    fs::path("tests/rules/testdata/unittest"),
                                    fs::path("../../tests/rules/testdata/unittest")}) {
    if (fs::exists(candidate)) return fs::absolute(candidate);
  }
  return here / "testdata/unittest";
}

std::vector<fs::path> CorpusFiles() {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(CorpusDir())) {
    const std::string name = entry.path().filename().string();
    if (name.size() > 9 && name.ends_with("_test.yml")) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

TEST(UnittestCorpus, PassAndFailAsNamed) {
  const auto files = CorpusFiles();
  ASSERT_GE(files.size(), 25u) << CorpusDir();
  for (const auto& file : files) {
    const std::string name = file.filename().string();
    SCOPED_TRACE(name);
    const bool want_pass = name.rfind("pass_", 0) == 0;
    ASSERT_TRUE(want_pass || name.rfind("fail_", 0) == 0) << "corpus files start with pass_ or fail_";
    std::vector<std::string> warnings;
    const auto failures = TestFileFailures(file.string(), RunOptions{}, &warnings);
    std::string text;
    for (const auto& f : failures) text += f + "\n";
    EXPECT_EQ(failures.empty(), want_pass) << text;
  }
}

TEST(UnittestCorpus, ExpectedFailureTexts) {
  struct Case {
    std::string file;
    std::string failure;  // exact first failure
  };
  const std::vector<Case> cases = {
      {"fail_wrong_value_named_test.yml",
       "    expr: \"rate(requests_total[2m])\", time: 5m,\n        exp: {path=\"/\"} 4E-01\n        got: {path=\"/\"} 5E-01"},
      {"fail_missing_alert_test.yml",
       "    alertname: InstanceDown, time: 5m, \n        exp:[\n            0:\n              Labels:{alertname=\"InstanceDown\", "
       "instance=\"a:9100\", job=\"node\", severity=\"critical\"}\n              Annotations:{summary=\"Instance a:9100 of node "
       "is down\"}\n            ], \n        got:[]"},
      {"fail_group_eval_order_repeated_test.yml", "group name repeated in evaluation order: by_length"},
      {"fail_missing_alertname_test.yml",
       "an item under alert_rule_test misses required attribute alertname at eval_time 0s (in TestGroup no alertname)"},
      {"fail_string_result_test.yml", "    expr: \"\\\"text\\\"\", time: 0s, err: rule result is not a vector or scalar"},
      {"fail_nan_never_matches_test.yml", "    expr: \"zero / 0\", time: 0s,\n        exp: {} NaN\n        got: {} NaN"},
      {"fail_unknown_key_test.yml",
       "yaml: unmarshal errors:\n  line 11: field exp_sample not found in type main.promqlTestCase"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.file);
    std::vector<std::string> warnings;
    const auto failures = TestFileFailures((CorpusDir() / c.file).string(), RunOptions{}, &warnings);
    ASSERT_FALSE(failures.empty());
    EXPECT_EQ(failures[0], c.failure);
  }
}

TEST(UnittestCorpus, RuleEvalErrorStopsTheGroup) {
  std::vector<std::string> warnings;
  const auto failures =
      TestFileFailures((CorpusDir() / "fail_rule_eval_error_test.yml").string(), RunOptions{}, &warnings);
  ASSERT_EQ(failures.size(), 1u);  // no promql check after the abort
  EXPECT_EQ(failures[0].rfind("    rule: matched, time: 0s, err: found duplicate series for the match group", 0), 0u)
      << failures[0];
}

TEST(UnittestCorpus, WarningForUnmatchedGlob) {
  std::vector<std::string> warnings;
  const auto failures =
      TestFileFailures((CorpusDir() / "pass_missing_rule_file_warns_test.yml").string(), RunOptions{}, &warnings);
  EXPECT_TRUE(failures.empty());
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0], "  WARNING: no file match pattern " + (CorpusDir() / "does_not_exist.yml").string());
}

TEST(UnittestRunner, ReportAndExitCode) {
  std::ostringstream out, err;
  const std::string pass = (CorpusDir() / "pass_series_notation_test.yml").string();
  const std::string fail = (CorpusDir() / "fail_wrong_value_named_test.yml").string();
  EXPECT_EQ(RunTestFiles({pass}, RunOptions{}, out, err), 0);
  EXPECT_EQ(out.str(), "Unit Testing:  " + pass + "\n  SUCCESS\n\n");
  EXPECT_EQ(err.str(), "");
  std::ostringstream out2, err2;
  EXPECT_EQ(RunTestFiles({pass, fail}, RunOptions{}, out2, err2), 1);
  EXPECT_EQ(err2.str().rfind("  FAILED:\n    expr: ", 0), 0u) << err2.str();
  std::ostringstream out3, err3;
  EXPECT_EQ(RunTestFiles({"/nonexistent/x_test.yml"}, RunOptions{}, out3, err3), 1);
}

TEST(UnittestRunner, RunFilterSelectsGroupsByName) {
  const std::string fail = (CorpusDir() / "fail_wrong_value_named_test.yml").string();
  std::vector<std::string> warnings;
  EXPECT_FALSE(TestFileFailures(fail, RunOptions{{"named"}}, &warnings).empty());
  EXPECT_TRUE(TestFileFailures(fail, RunOptions{{"^other$"}}, &warnings).empty());
}

}  // namespace
}  // namespace vigil::rules::unittest
