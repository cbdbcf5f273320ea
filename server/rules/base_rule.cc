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

void SortLabelOverrides(LabelOverrides* overrides) {
  std::stable_sort(overrides->begin(), overrides->end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  // Keep the last of equal names.
  LabelOverrides unique;
  for (const auto& o : *overrides) {
    if (!unique.empty() && unique.back().first == o.first) {
      unique.back() = o;
    } else {
      unique.push_back(o);
    }
  }
  *overrides = std::move(unique);
}

Labels ApplyLabelOverrides(const Labels& base, const LabelOverrides& overrides, LabelOverrides* scratch) {
  scratch->clear();
  auto add = [scratch](std::string_view name, std::string_view value) {
    if (!value.empty() && IsValidUtf8(value)) scratch->emplace_back(name, value);
  };
  auto o = overrides.begin();
  for (const auto& l : base) {
    for (; o != overrides.end() && o->first < l.name; ++o) add(o->first, o->second);
    if (o != overrides.end() && o->first == l.name) {
      add(o->first, o->second);
      ++o;
    } else {
      scratch->emplace_back(l.name, l.value);
    }
  }
  for (; o != overrides.end(); ++o) add(o->first, o->second);
  auto built = Labels::FromPairs(*scratch);
  return built.ok() ? std::move(built).value() : Labels();  // names are validated: not reached
}

}  // namespace vigil::rules
