// `vigil rules check` as `promtool check rules` 2.42 (cmd/promtool/main.go
// CheckRules/checkRules/checkDuplicates) with its default
// --lint=duplicate-rules: duplicates are reported as a "lint error" but do
// not change the exit code (no --lint-fatal).
#include "tools/rules_check.h"

#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <string>
#include <utility>

#include "server/rules/rule_file.h"

namespace vigil::tools {
namespace {

using rules::LabelPairs;

// A rule's identity for the duplicate lint: name plus sorted labels.
struct RuleKey {
  std::string metric;
  LabelPairs labels;  // sorted by name
};

int CompareKeys(const RuleKey& a, const RuleKey& b) {
  if (int c = a.metric.compare(b.metric); c != 0) return c < 0 ? -1 : 1;
  size_t n = std::min(a.labels.size(), b.labels.size());
  for (size_t i = 0; i < n; ++i) {
    if (int c = a.labels[i].first.compare(b.labels[i].first); c != 0) return c < 0 ? -1 : 1;
    if (int c = a.labels[i].second.compare(b.labels[i].second); c != 0) return c < 0 ? -1 : 1;
  }
  if (a.labels.size() == b.labels.size()) return 0;
  return a.labels.size() < b.labels.size() ? -1 : 1;
}

// checkDuplicates: each duplicated (name, labels) once, in sorted order.
std::vector<RuleKey> FindDuplicates(const rules::RuleFileNode& file) {
  std::vector<RuleKey> keys;
  for (const auto& group : file.groups) {
    for (const auto& rule : group.rules) {
      RuleKey key{rule.alert.empty() ? rule.record : rule.alert, rule.labels};
      std::sort(key.labels.begin(), key.labels.end());
      keys.push_back(std::move(key));
    }
  }
  std::vector<RuleKey> duplicates;
  std::stable_sort(keys.begin(), keys.end(), [](const RuleKey& a, const RuleKey& b) { return CompareKeys(a, b) < 0; });
  for (size_t i = 1; i < keys.size(); ++i) {
    if (CompareKeys(keys[i - 1], keys[i]) != 0) continue;
    if (duplicates.empty() || CompareKeys(keys[i - 1], duplicates.back()) != 0) duplicates.push_back(keys[i]);
  }
  return duplicates;
}

std::string DuplicatesLintError(const std::vector<RuleKey>& duplicates) {
  std::string text = "lint error " + std::to_string(duplicates.size()) + " duplicate rule(s) found.\n";
  for (const RuleKey& d : duplicates) {
    text += "Metric: " + d.metric + "\nLabel(s):\n";
    for (const auto& [name, value] : d.labels) text += "\t" + name + ": " + value + "\n";
  }
  return text + "Might cause inconsistency while recording expressions";
}

// kingpin's ExistingFiles check, done before any file is read.
bool CheckFilesExist(const std::vector<std::string>& files) {
  for (const std::string& f : files) {
    struct stat st {};
    if (stat(f.c_str(), &st) != 0) {
      std::cerr << "vigil: error: path '" << f << "' does not exist, try --help\n";
      return false;
    }
    if (S_ISDIR(st.st_mode)) {
      std::string base = f;
      while (base.size() > 1 && base.back() == '/') base.pop_back();
      if (size_t slash = base.rfind('/'); slash != std::string::npos && base.size() > 1) base.erase(0, slash + 1);
      std::cerr << "vigil: error: '" << base << "' is a directory, try --help\n";
      return false;
    }
  }
  return true;
}

}  // namespace

int RunRulesCheck(const std::vector<std::string>& files) {
  if (!CheckFilesExist(files)) return 1;
  bool failed = false;
  bool has_errors = false;
  for (const std::string& f : files) {
    std::cout << "Checking " << f << "\n";
    rules::RuleFileResult result = rules::LoadRuleFile(f);
    std::vector<std::string> errors = result.errors;
    bool lint_only = false;
    if (errors.empty()) {
      std::vector<RuleKey> duplicates = FindDuplicates(result.file);
      if (!duplicates.empty()) {
        errors.push_back(DuplicatesLintError(duplicates));
        lint_only = true;
      }
    }
    if (!errors.empty()) {
      std::cout.flush();
      std::cerr << "  FAILED:\n";
      for (const std::string& e : errors) std::cerr << e << "\n";
      std::cerr.flush();
      failed = true;
      has_errors = has_errors || !lint_only;
    } else {
      size_t n = 0;
      for (const auto& g : result.file.groups) n += g.rules.size();
      std::cout << "  SUCCESS: " << n << " rules found\n";
    }
    std::cout << "\n";
  }
  std::cout.flush();
  return failed && has_errors ? 1 : 0;
}

}  // namespace vigil::tools
