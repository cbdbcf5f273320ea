// rulefmt's RuleGroups.Validate and RuleNode.Validate of Prometheus 2.42,
// with the rulefmt.Error / WrappedError message shapes.
#include <set>

#include "engine/base/labels.h"
#include "query/parser.h"
#include "server/rules/rule_file_decode.h"
#include "server/rules/rule_file_format.h"
#include "server/rules/template/template_expander.h"

namespace vigil::rules {
namespace {

// Prometheus enables the experimental PromQL functions only with a feature
// flag; rule files are checked without it.
const query::ParseOptions kRuleParseOptions{.enable_experimental_functions = false};

// One WrappedError: the message and the yaml.Node positions it names.
struct RuleError {
  std::string message;
  const YamlPos* node = nullptr;
  const YamlPos* node_alt = nullptr;
};

std::string PosPrefix(const YamlPos& p) { return std::to_string(p.line) + ":" + std::to_string(p.column) + ": "; }

// model.IsValidMetricName (legacy scheme): [a-zA-Z_:][a-zA-Z0-9_:]*.
bool IsValidMetricName(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

// Template.ParseTest's error text: Go's text/template parse error without
// the "error parsing template NAME: " prefix Expand adds.
std::string TemplateParseError(const std::string& name, const std::string& text) {
  Status s = CheckTemplateSyntax(name, text);
  if (s.ok()) return "";
  std::string message = s.message();
  std::string prefix = "error parsing template " + name + ": ";
  if (message.compare(0, prefix.size(), prefix) == 0) message.erase(0, prefix.size());
  return message;
}

std::vector<RuleError> ValidateRule(const DecodedRule& d) {
  const RuleNode& r = d.rule;
  std::vector<RuleError> errors;
  if (!r.record.empty() && !r.alert.empty()) {
    errors.push_back({"only one of 'record' and 'alert' must be set", &d.record, &d.alert});
  }
  if (r.record.empty() && r.alert.empty()) {
    errors.push_back({"one of 'record' or 'alert' must be set", &d.record});
  }
  if (r.expr.empty()) {
    errors.push_back({"field 'expr' must be set in rule", &d.expr});
  } else if (Result<query::ExprPtr> e = query::ParseExpr(r.expr, kRuleParseOptions); !e.ok()) {
    errors.push_back({"could not parse expression: " + e.status().message(), &d.expr});
  }
  if (!r.record.empty()) {
    if (!r.annotations.empty()) errors.push_back({"invalid field 'annotations' in recording rule", &d.record});
    if (r.for_ms != 0) errors.push_back({"invalid field 'for' in recording rule", &d.record});
    if (r.keep_firing_for_ms != 0) {
      errors.push_back({"invalid field 'keep_firing_for' in recording rule", &d.record});
    }
    if (!IsValidMetricName(r.record)) errors.push_back({"invalid recording rule name: " + r.record, &d.record});
  }
  for (const auto& [name, value] : r.labels) {
    if (!IsValidLabelName(name) || name == "__name__") errors.push_back({"invalid label name: " + name});
    if (!IsValidUtf8(value)) errors.push_back({"invalid label value: " + value});
  }
  for (const auto& [name, value] : r.annotations) {
    if (!IsValidLabelName(name)) errors.push_back({"invalid annotation name: " + name});
  }
  if (!r.alert.empty()) {
    std::string template_name = "__alert_" + r.alert;
    for (const auto& [name, value] : r.labels) {
      std::string e = TemplateParseError(template_name, value);
      if (!e.empty()) errors.push_back({"label " + GoQuote(name) + ": " + e});
    }
    for (const auto& [name, value] : r.annotations) {
      std::string e = TemplateParseError(template_name, value);
      if (!e.empty()) errors.push_back({"annotation " + GoQuote(name) + ": " + e});
    }
  }
  return errors;
}

}  // namespace

std::vector<std::string> ValidateRuleFile(const DecodedRuleFile& file) {
  std::vector<std::string> errors;
  std::set<std::string> seen;
  for (const DecodedGroup& g : file.groups) {
    const std::string& name = g.group.name;
    if (name.empty()) errors.push_back(PosPrefix(g.pos) + "Groupname must not be empty");
    if (!seen.insert(name).second) {
      errors.push_back(PosPrefix(g.pos) + "groupname: \"" + name + "\" is repeated in the same file");
    }
    // Group labels are newer than 2.42; checked as newer Prometheus does.
    for (const auto& [label, value] : g.group.labels) {
      if (!IsValidLabelName(label) || label == "__name__") errors.push_back("invalid label name: " + label);
    }
    for (size_t i = 0; i < g.rules.size(); ++i) {
      const RuleNode& r = g.rules[i].rule;
      const std::string& rule_name = r.alert.empty() ? r.record : r.alert;
      for (const RuleError& e : ValidateRule(g.rules[i])) {
        std::string line;
        if (e.node != nullptr) line += PosPrefix(*e.node);
        if (e.node_alt != nullptr) line += PosPrefix(*e.node_alt);
        line += "group " + GoQuote(name) + ", rule " + std::to_string(i + 1) + ", " + GoQuote(rule_name) + ": " +
                e.message;
        errors.push_back(std::move(line));
      }
    }
  }
  return errors;
}

}  // namespace vigil::rules
