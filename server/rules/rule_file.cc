// LoadRuleFile / ParseRuleFile / ExpandRuleFileGlobs (rule_file.h): read,
// decode (rule_file_decode.cc), validate (rule_file_validate.cc), and
// filepath.Glob-style expansion of rule_files patterns.
#include "server/rules/rule_file.h"

#include <glob.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "server/rules/rule_file_decode.h"

namespace vigil::rules {
namespace {

// Go's syscall error text: strerror, lower-cased first letter.
std::string GoErrnoText(int err) {
  std::string text = std::strerror(err);
  if (!text.empty()) text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  return text;
}

// filepath.Match's pattern check: an unclosed '[' class or a trailing '\'
// is ErrBadPattern.
bool IsWellFormedGlob(std::string_view pattern) {
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '\\') {
      if (++i >= pattern.size()) return false;
    } else if (pattern[i] == '[') {
      size_t j = i + 1;
      if (j < pattern.size() && pattern[j] == '^') ++j;
      if (j < pattern.size() && pattern[j] == ']') return false;  // empty class
      while (j < pattern.size() && pattern[j] != ']') {
        if (pattern[j] == '\\') ++j;
        ++j;
      }
      if (j >= pattern.size()) return false;
      i = j;
    }
  }
  return true;
}

}  // namespace

RuleFileResult ParseRuleFile(const std::string& path, std::string_view content) {
  RuleFileResult result;
  result.file.path = path;
  DecodedRuleFile decoded;
  std::vector<std::string> errors = DecodeRuleFile(content, &decoded);
  if (errors.empty()) errors = ValidateRuleFile(decoded);
  for (const std::string& e : errors) result.errors.push_back(path + ": " + e);
  if (!result.errors.empty()) return result;
  for (DecodedGroup& g : decoded.groups) {
    RuleGroupNode group = std::move(g.group);
    for (DecodedRule& r : g.rules) group.rules.push_back(std::move(r.rule));
    result.file.groups.push_back(std::move(group));
  }
  return result;
}

RuleFileResult LoadRuleFile(const std::string& path) {
  RuleFileResult failed;
  failed.file.path = path;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    failed.errors.push_back(path + ": open " + path + ": " + GoErrnoText(errno));
    return failed;
  }
  struct stat st {};
  if (stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    failed.errors.push_back(path + ": read " + path + ": " + GoErrnoText(EISDIR));
    return failed;
  }
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) {
    failed.errors.push_back(path + ": read " + path + ": " + GoErrnoText(EIO));
    return failed;
  }
  return ParseRuleFile(path, content.str());
}

Result<std::vector<std::string>> ExpandRuleFileGlobs(const std::vector<std::string>& globs,
                                                     const std::string& base_dir) {
  std::vector<std::string> files;
  for (const std::string& pattern : globs) {
    if (!IsWellFormedGlob(pattern)) {
      return Status::InvalidArgument("error retrieving rule files for " + pattern + ": syntax error in pattern");
    }
    std::string full = pattern;
    if (!base_dir.empty() && !pattern.empty() && pattern[0] != '/') {
      full = base_dir + (base_dir.back() == '/' ? "" : "/") + pattern;
    }
    glob_t matches{};
    // Go's filepath.Match lets `*` match a leading dot, but never lists "."
    // or "..".
    int rc = glob(full.c_str(), GLOB_PERIOD, nullptr, &matches);
    if (rc == 0) {
      for (size_t i = 0; i < matches.gl_pathc; ++i) {
        std::string_view path = matches.gl_pathv[i];
        std::string_view base = path.substr(path.rfind('/') == std::string_view::npos ? 0 : path.rfind('/') + 1);
        if (base != "." && base != "..") files.emplace_back(path);
      }
    }
    globfree(&matches);
    if (rc != 0 && rc != GLOB_NOMATCH) {
      return Status::InvalidArgument("error retrieving rule files for " + pattern + ": glob failed");
    }
  }
  std::sort(files.begin(), files.end());
  files.erase(std::unique(files.begin(), files.end()), files.end());
  return files;
}

}  // namespace vigil::rules
