// Prometheus rule files (model/rulefmt): parsing with yaml-cpp plus the
// checks yaml-cpp does not do (duplicate and unknown keys, like Go's strict
// yaml.v3 decoding) and rulefmt's validation (names, exactly one of
// record/alert, expr parses, templates parse, ...). Plain value types;
// parsing is thread-safe. Provided by server/rules/rule_file*.cc.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/base/status.h"

namespace vigil::rules {

// Ordered (as written) name/value pairs; names validated, values raw
// (label values and annotations are templates for alerting rules).
using LabelPairs = std::vector<std::pair<std::string, std::string>>;

struct RuleNode {
  std::string record;  // exactly one of record/alert is non-empty
  std::string alert;
  std::string expr;
  int64_t for_ms = 0;              // alert only
  int64_t keep_firing_for_ms = 0;  // alert only
  LabelPairs labels;
  LabelPairs annotations;  // alert only
  int line = 0;            // 1-based line of the rule in its file (0 = unknown)
};

struct RuleGroupNode {
  std::string name;
  std::optional<int64_t> interval_ms;      // unset: global.evaluation_interval
  std::optional<int64_t> query_offset_ms;  // unset: global.rule_query_offset (newer Prometheus)
  int64_t limit = 0;                       // 0 = no limit
  LabelPairs labels;                       // group labels (newer Prometheus); rule labels win
  std::vector<RuleNode> rules;
};

struct RuleFileNode {
  std::string path;  // as given
  std::vector<RuleGroupNode> groups;
};

// The outcome of loading one file: the parsed groups and every validation
// error, each a full line naming the file, group and rule as promtool does
// (e.g. "FILE: group \"g\", rule 2, \"X\": could not parse expression: ...").
// ok() iff errors is empty.
struct RuleFileResult {
  RuleFileNode file;
  std::vector<std::string> errors;
  bool ok() const { return errors.empty(); }
};

// Reads and validates `path`. I/O and YAML syntax errors are reported in
// `errors` too.
RuleFileResult LoadRuleFile(const std::string& path);
// Same, from text already read (`path` names it in errors).
RuleFileResult ParseRuleFile(const std::string& path, std::string_view content);

// Expands `globs` (relative to `base_dir` unless absolute; "" = cwd) to the
// sorted, de-duplicated file list, as Prometheus does for rule_files.
// InvalidArgument for a malformed pattern. A glob matching nothing is fine.
Result<std::vector<std::string>> ExpandRuleFileGlobs(const std::vector<std::string>& globs,
                                                     const std::string& base_dir);

}  // namespace vigil::rules
