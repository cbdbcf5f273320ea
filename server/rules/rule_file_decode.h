// Decoding a rule file as Prometheus 2.42's rulefmt.Parse does before
// Validate: a strict yaml.v3 decode into RuleGroups (unknown fields are
// errors) followed by a lax decode into ruleGroups{[]yaml.Node}. Keeps the
// yaml.Node positions Validate quotes. Internal to the rule-file module;
// stateless and thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "server/rules/rule_file.h"

namespace vigil::rules {

// A yaml.Node position; 0:0 is Go's zero Node (the key was absent).
struct YamlPos {
  int line = 0;
  int column = 0;
};

struct DecodedRule {
  RuleNode rule;
  YamlPos record, alert, expr;
};

struct DecodedGroup {
  RuleGroupNode group;  // group.rules stays empty: see `rules`
  YamlPos pos;          // the group's mapping node
  std::vector<DecodedRule> rules;
};

struct DecodedRuleFile {
  std::vector<DecodedGroup> groups;
};

// Fills `out` and returns Parse's error list before validation (YAML syntax,
// type, unknown-field, duplicate-key and duration errors; each pass adds at
// most one entry). Empty means `out` is complete.
std::vector<std::string> DecodeRuleFile(std::string_view content, DecodedRuleFile* out);

// rulefmt's Validate over a decoded file: the error list, in Prometheus's
// order (labels and annotations in file order, where Go's is random).
std::vector<std::string> ValidateRuleFile(const DecodedRuleFile& file);

}  // namespace vigil::rules
