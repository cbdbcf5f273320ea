// Runs every upstream PromQL test file (Prometheus v2.53 promqltest/testdata,
// copied to ../shared/promql-tests next to the repository, or the directory
// in $VIGIL_PROMQL_TESTS) through the script runner, one test per file.
//
// Evals listed in promql_known_failures.txt (`<file>:<line>  # reason`) may
// fail without failing the test; one that passes is reported so the entry can
// be removed. Environment:
//   VIGIL_PROMQL_TESTS           directory of *.test files
//   VIGIL_PROMQL_KNOWN_FAILURES  allow-list path (default: next to this file)
//   VIGIL_PROMQL_WRITE_FAILURES  append every failing eval as an allow-list
//                                line (`file:line  # first line of message`)
//   VIGIL_PROMQL_VERBOSE=1       print known failures' messages too
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "tests/query/promql_script.h"

namespace vigil::promqltest {
namespace {

namespace fs = std::filesystem;

fs::path ThisDir() { return fs::absolute(fs::path(__FILE__)).parent_path(); }  // <repo>/tests/query

fs::path TestsDir() {
  if (const char* env = std::getenv("VIGIL_PROMQL_TESTS"); env != nullptr && *env != '\0') return env;
  return ThisDir().parent_path().parent_path().parent_path() / "shared" / "promql-tests";
}

std::string EnvOr(const char* name, std::string fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::string(v) : fallback;
}

std::vector<std::string> TestFiles() {
  std::vector<std::string> files;
  std::error_code ec;
  const fs::path dir = TestsDir();
  if (fs::is_directory(dir, ec)) {
    for (const auto& e : fs::directory_iterator(dir, ec)) {
      if (e.path().extension() == ".test") files.push_back(e.path().filename().string());
    }
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) files.push_back("");  // one instance that skips
  return files;
}

// file name → line → reason.
using KnownFailures = std::map<std::string, std::map<int, std::string>>;

const KnownFailures& Known() {
  static const KnownFailures known = [] {
    KnownFailures k;
    std::ifstream in(EnvOr("VIGIL_PROMQL_KNOWN_FAILURES", (ThisDir() / "promql_known_failures.txt").string()));
    std::string line;
    while (std::getline(in, line)) {
      std::string reason;
      if (const size_t hash = line.find('#'); hash != std::string::npos) {
        reason = line.substr(hash + 1);
        line.resize(hash);
      }
      const size_t b = line.find_first_not_of(" \t\r");
      if (b == std::string::npos) continue;
      line = line.substr(b, line.find_last_not_of(" \t\r") + 1 - b);
      const size_t colon = line.rfind(':');
      if (colon == std::string::npos) continue;
      k[line.substr(0, colon)][std::atoi(line.c_str() + colon + 1)] = reason;
    }
    return k;
  }();
  return known;
}

std::string FirstLine(const std::string& s, size_t max_len = 160) {
  std::string l = s.substr(0, s.find('\n'));
  if (l.size() > max_len) l = l.substr(0, max_len) + "...";
  return l;
}

class PromqlScriptTest : public ::testing::TestWithParam<std::string> {};

TEST_P(PromqlScriptTest, File) {
  const std::string& file = GetParam();
  if (file.empty()) {
    GTEST_SKIP() << "the upstream PromQL tests live in ../shared/promql-tests (next to the repository; or set "
                    "VIGIL_PROMQL_TESTS) and are absent: looked in "
                 << TestsDir();
  }
  std::ifstream in(TestsDir() / file, std::ios::binary);
  ASSERT_TRUE(in.good()) << "cannot read " << (TestsDir() / file);
  std::stringstream text;
  text << in.rdbuf();

  auto script = ParseScript(file, text.str());
  ASSERT_TRUE(script.ok()) << script.status().ToString();
  std::unique_ptr<EvalBackend> backend = NewEngineBackend();
  const ScriptReport report = RunScript(*script, *backend);

  const auto known_it = Known().find(file);
  const std::map<int, std::string> no_known;
  const std::map<int, std::string>& known = known_it == Known().end() ? no_known : known_it->second;
  const bool verbose = EnvOr("VIGIL_PROMQL_VERBOSE", "") == "1";
  const std::string write_path = EnvOr("VIGIL_PROMQL_WRITE_FAILURES", "");
  std::ofstream write_out;
  if (!write_path.empty()) write_out.open(write_path, std::ios::app);

  int known_failed = 0, now_passing = 0;
  std::set<int> case_lines;
  for (const CaseResult& c : report.cases) {
    case_lines.insert(c.line);
    const bool is_known = known.count(c.line) > 0;
    if (c.status == CaseStatus::kFailed) {
      if (write_out.is_open()) write_out << file << ":" << c.line << "  # " << FirstLine(c.message) << "\n";
      if (is_known) {
        ++known_failed;
        if (verbose) std::cout << "  known failure " << file << ":" << c.line << ": " << c.expr << "\n    " << c.message << "\n";
      } else {
        ADD_FAILURE() << file << ":" << c.line << ": " << c.expr << "\n    " << c.message;
      }
    } else if (c.status == CaseStatus::kPassed && is_known) {
      ++now_passing;
      std::cout << "  known failure now passes: " << file << ":" << c.line << " (" << c.expr
                << ") — remove it from promql_known_failures.txt\n";
    }
  }
  for (const auto& [line, reason] : known) {
    if (case_lines.count(line) == 0) {
      std::cout << "  promql_known_failures.txt lists " << file << ":" << line << ", which is no eval (or was skipped)\n";
    }
  }

  std::cout << file << ": " << report.passed << " passed, " << report.failed << " failed";
  if (report.skipped > 0 || file == "native_histograms.test") {
    std::cout << ", " << report.skipped << " skipped (native histograms)";
  }
  if (known_failed > 0 || now_passing > 0) {
    std::cout << " [" << known_failed << " of the failures known";
    if (now_passing > 0) std::cout << "; " << now_passing << " known failures now pass";
    std::cout << "]";
  }
  std::cout << std::endl;
}

std::string ParamName(const ::testing::TestParamInfo<std::string>& info) {
  if (info.param.empty()) return "absent";
  std::string n;
  for (char c : info.param) n += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return n;
}

INSTANTIATE_TEST_SUITE_P(Upstream, PromqlScriptTest, ::testing::ValuesIn(TestFiles()), ParamName);

}  // namespace
}  // namespace vigil::promqltest
