#include "server/rules/base_rule.h"

#include <algorithm>
#include <utility>

namespace vigil::rules {

Rule::Rule(const RuleNode& node, LabelPairs labels, query::ExprPtr expr)
    : node_(node),
      name_(node.alert.empty() ? node.record : node.alert),
      query_(node.expr),
      labels_(std::move(labels)),
      expr_(std::move(expr)) {}

std::string Rule::NameAndLabels() const {
  // Same identity Prometheus uses (name + labels.String()); labels sorted.
  LabelPairs sorted = labels_;
  std::sort(sorted.begin(), sorted.end());
  std::string out = name_ + "{";
  for (size_t i = 0; i < sorted.size(); ++i) {
    if (i > 0) out += ", ";
    out += sorted[i].first + "=\"" + sorted[i].second + "\"";
  }
  return out + "}";
}

LabelPairs MergeRuleLabels(const LabelPairs& group_labels, const LabelPairs& rule_labels) {
  LabelPairs out = group_labels;
  for (const auto& [name, value] : rule_labels) {
    bool replaced = false;
    for (auto& existing : out) {
      if (existing.first == name) {
        existing.second = value;
        replaced = true;
      }
    }
    if (!replaced) out.emplace_back(name, value);
  }
  return out;
}

}  // namespace vigil::rules
