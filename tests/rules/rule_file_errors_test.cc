// Every error ParseRuleFile reports, with the exact text promtool check
// rules (Prometheus 2.42) prints for the same file. Each row's expected
// lines were taken from promtool's output.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "server/rules/rule_file.h"

namespace vigil::rules {
namespace {

struct ErrorCase {
  std::string name;
  std::string yaml;
  std::vector<std::string> errors;  // without the "f.yml: " prefix
};

std::string Rule(const std::string& body) { return "groups:\n  - name: g\n    rules:\n" + body; }

const std::vector<ErrorCase>& Cases() {
  static const std::vector<ErrorCase> cases = {
      // rulefmt Rule.Validate.
      {"both record and alert", Rule("      - record: r\n        alert: A\n        expr: up\n"),
       {"4:17: 5:16: group \"g\", rule 1, \"A\": only one of 'record' and 'alert' must be set"}},
      {"neither record nor alert", Rule("      - expr: up\n"),
       {"0:0: group \"g\", rule 1, \"\": one of 'record' or 'alert' must be set"}},
      {"record is a sequence", Rule("      - record: [a]\n        expr: up\n"),
       {"4:17: group \"g\", rule 1, \"\": one of 'record' or 'alert' must be set"}},
      {"expr missing", Rule("      - alert: A\n"), {"0:0: group \"g\", rule 1, \"A\": field 'expr' must be set in rule"}},
      {"expr empty", Rule("      - record: r\n        expr: \"\"\n"),
       {"5:15: group \"g\", rule 1, \"r\": field 'expr' must be set in rule"}},
      {"expr does not parse", Rule("      - record: r\n        expr: sum(\n"),
       {"5:15: group \"g\", rule 1, \"r\": could not parse expression: 1:5: parse error: unclosed left parenthesis"}},
      {"experimental function", Rule("      - record: r\n        expr: sort_by_label(up, \"x\")\n"),
       {"5:15: group \"g\", rule 1, \"r\": could not parse expression: 1:1: parse error: function "
        "\"sort_by_label\" is not enabled"}},  // 2.42: unknown function with name "sort_by_label"
      {"annotations on recording rule", Rule("      - record: r\n        expr: up\n        annotations: {a: b}\n"),
       {"4:17: group \"g\", rule 1, \"r\": invalid field 'annotations' in recording rule"}},
      {"for on recording rule", Rule("      - record: r\n        expr: up\n        for: 1m\n"),
       {"4:17: group \"g\", rule 1, \"r\": invalid field 'for' in recording rule"}},
      {"keep_firing_for on recording rule", Rule("      - record: r\n        expr: up\n        keep_firing_for: 1m\n"),
       {"4:17: group \"g\", rule 1, \"r\": invalid field 'keep_firing_for' in recording rule"}},
      {"record name with braces", Rule("      - record: a{b}\n        expr: up\n"),
       {"4:17: group \"g\", rule 1, \"a{b}\": invalid recording rule name: a{b}"}},
      {"record name with a dash", Rule("      - record: a-b\n        expr: up\n"),
       {"4:17: group \"g\", rule 1, \"a-b\": invalid recording rule name: a-b"}},
      {"record ~ keeps its text", Rule("      - record: ~\n        expr: up\n"),
       {"4:17: group \"g\", rule 1, \"~\": invalid recording rule name: ~"}},
      {"invalid label name", Rule("      - alert: A\n        expr: up\n        labels: {0x: y}\n"),
       {"group \"g\", rule 1, \"A\": invalid label name: 0x"}},
      {"__name__ label", Rule("      - record: r\n        expr: up\n        labels: {__name__: y}\n"),
       {"group \"g\", rule 1, \"r\": invalid label name: __name__"}},
      {"invalid annotation name", Rule("      - alert: A\n        expr: up\n        annotations: {run-book: y}\n"),
       {"group \"g\", rule 1, \"A\": invalid annotation name: run-book"}},
      {"quoted names", Rule("      - alert: \"say \\\"hi\\\"\"\n        expr: up\n        labels: {0x: y}\n"),
       {"group \"g\", rule 1, \"say \\\"hi\\\"\": invalid label name: 0x"}},
      {"errors in rule order",
       Rule("      - record: a{b}\n        expr: sum(\n        for: 5m\n        annotations: {x: y}\n"
            "        labels: {\"0bad\": x}\n"),
       {"5:15: group \"g\", rule 1, \"a{b}\": could not parse expression: 1:5: parse error: unclosed left parenthesis",
        "4:17: group \"g\", rule 1, \"a{b}\": invalid field 'annotations' in recording rule",
        "4:17: group \"g\", rule 1, \"a{b}\": invalid field 'for' in recording rule",
        "4:17: group \"g\", rule 1, \"a{b}\": invalid recording rule name: a{b}",
        "group \"g\", rule 1, \"a{b}\": invalid label name: 0bad"}},
      // rulefmt RuleGroups.Validate.
      {"group name empty", "groups:\n  - name: \"\"\n    rules: []\n", {"2:5: Groupname must not be empty"}},
      {"group name missing", "groups:\n  - rules: []\n", {"2:5: Groupname must not be empty"}},
      {"group name repeated", "groups:\n  - name: g\n  - name: h\n  - name: g\n",
       {"4:5: groupname: \"g\" is repeated in the same file"}},
      {"empty group names repeated", "groups:\n  - name: \"\"\n  - name: \"\"\n",
       {"2:5: Groupname must not be empty", "3:5: Groupname must not be empty",
        "3:5: groupname: \"\" is repeated in the same file"}},
      {"invalid group label name (newer Prometheus)", "groups:\n  - name: g\n    labels: {ok: a, 0x: b, __name__: c}\n",
       {"invalid label name: 0x", "invalid label name: __name__"}},
      // yaml.v3 strict decoding.
      {"unknown fields at every level",
       "groups:\n  - name: g\n    foo: 1\n    rules:\n      - record: r\n        expr: up\n        bar: 2\nbaz: 3\n",
       {"yaml: unmarshal errors:\n  line 3: field foo not found in type rulefmt.RuleGroup\n"
        "  line 7: field bar not found in type rulefmt.RuleNode\n"
        "  line 8: field baz not found in type rulefmt.RuleGroups"}},
      {"duplicate keys", "groups:\n  - name: g\n    name: h\n    rules:\n      - record: r\n        expr: up\n",
       {"yaml: unmarshal errors:\n  line 3: mapping key \"name\" already defined at line 2"}},
      {"duplicate label keys, quoted",
       Rule("      - record: r\n        expr: up\n        labels:\n          x: y\n          \"x\": z\n"),
       {"yaml: unmarshal errors:\n  line 8: mapping key \"x\" already defined at line 7"}},
      {"duplicate top-level keys (both passes)", "groups: []\ngroups: []\n",
       {"yaml: unmarshal errors:\n  line 2: mapping key \"groups\" already defined at line 1",
        "yaml: unmarshal errors:\n  line 2: mapping key \"groups\" already defined at line 1"}},
      {"groups is a scalar", "groups: 5\n",
       {"yaml: unmarshal errors:\n  line 1: cannot unmarshal !!int `5` into []rulefmt.RuleGroup",
        "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!int `5` into []yaml.Node"}},
      {"top level is a string", "just a long string\n",
       {"yaml: unmarshal errors:\n  line 1: cannot unmarshal !!str `just a ...` into rulefmt.RuleGroups",
        "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!str `just a ...` into rulefmt.ruleGroups"}},
      {"name is a sequence", "groups:\n  - name: [g]\n",
       {"yaml: unmarshal errors:\n  line 2: cannot unmarshal !!seq into string"}},
      {"rules is a mapping", "groups:\n  - name: g\n    rules: {record: r}\n",
       {"yaml: unmarshal errors:\n  line 3: cannot unmarshal !!map into []rulefmt.RuleNode"}},
      {"labels is a sequence", Rule("      - record: r\n        expr: up\n        labels: [a]\n"),
       {"yaml: unmarshal errors:\n  line 6: cannot unmarshal !!seq into map[string]string"}},
      {"limit is a quoted number", "groups:\n  - name: g\n    limit: \"5\"\n",
       {"yaml: unmarshal errors:\n  line 3: cannot unmarshal !!str `5` into int"}},
      {"limit is a bool", "groups:\n  - name: g\n    limit: true\n",
       {"yaml: unmarshal errors:\n  line 3: cannot unmarshal !!bool `true` into int"}},
      {"limit is infinite", "groups:\n  - name: g\n    limit: .inf\n",
       {"yaml: unmarshal errors:\n  line 3: cannot unmarshal !!float `.inf` into int"}},
      {"duration is a sequence", "groups:\n  - name: g\n    interval: [1m]\n",
       {"yaml: unmarshal errors:\n  line 3: cannot unmarshal !!seq into string"}},
      // model.Duration errors abort the decode and hide the type errors.
      {"bad duration unit", "groups:\n  - name: g\n    foo: 1\n    interval: 5x\n",
       {"not a valid duration string: \"5x\""}},
      {"fractional duration", Rule("      - alert: A\n        expr: up\n        for: 1.5h\n"),
       {"not a valid duration string: \"1.5h\""}},
      {"empty duration", "groups:\n  - name: g\n    interval: \"\"\n", {"empty duration string"}},
      {"duration out of range", "groups:\n  - name: g\n    interval: 300000y\n", {"duration out of range"}},
      {"duration units out of order", "groups:\n  - name: g\n    interval: 1m1h\n",
       {"not a valid duration string: \"1m1h\""}},
      {"merge of a scalar", "groups:\n  - name: g\n    <<: 5\n",
       {"yaml: map merge requires map or sequence of maps as the value"}},
      {"self-containing anchor", "groups:\n- name: g\n  rules:\n  - &r\n    record: x\n    <<: *r\n",
       {"yaml: anchor 'r' value contains itself"}},
      {"alias to the enclosing sequence", "groups: &a [*a]\n",
       {"yaml: unmarshal errors:\n  line 1: cannot unmarshal !!seq into rulefmt.RuleGroup"}},
      // YAML syntax errors: reported by both passes.
      {"unclosed quote", "groups:\n  - name: \"g\n\n", {"yaml: line 2: found unexpected end of stream",
                                                        "yaml: line 2: found unexpected end of stream"}},
      {"unclosed quote on line 1", "groups: 'g\n\n", {"yaml: line 3: found unexpected end of stream",
                                                     "yaml: line 3: found unexpected end of stream"}},
      {"undefined alias", "groups: *undefined\n", {"yaml: unknown anchor 'undefined' referenced",
                                                   "yaml: unknown anchor 'undefined' referenced"}},
      {"bad indentation", "groups:\n  - name: g\n     rules: []\n",
       {"yaml: line 3: mapping values are not allowed in this context",
        "yaml: line 3: mapping values are not allowed in this context"}},
      {"key without a colon", "groups:\n  - name: g\n    rules\n",
       {"yaml: line 3: could not find expected ':'", "yaml: line 3: could not find expected ':'"}},
      {"value continued at the keys' indentation", "groups:\n  - name: g\n    rules:\n      - record: a\n        expr: sum(\n"
       "        up)\n",
       {"yaml: line 6: could not find expected ':'", "yaml: line 6: could not find expected ':'"}},
      {"empty flow entry (no line for line 1)", "groups: [,]\n",
       {"yaml: did not find expected node content", "yaml: did not find expected node content"}},
      {"bad token on line 1", "groups: @x\n",
       {"yaml: found character that cannot start any token", "yaml: found character that cannot start any token"}},
      {"merge applies after the own keys", "groups:\n  - name: g\n    interval: 5x\n    <<: 5\n",
       {"not a valid duration string: \"5x\""}},
  };
  return cases;
}

TEST(RuleFileErrorsTest, MessagesMatchPromtool) {
  for (const ErrorCase& c : Cases()) {
    SCOPED_TRACE(c.name + "\n" + c.yaml);
    RuleFileResult r = ParseRuleFile("f.yml", c.yaml);
    std::vector<std::string> want;
    for (const std::string& e : c.errors) want.push_back("f.yml: " + e);
    EXPECT_EQ(r.errors, want);
    EXPECT_FALSE(r.ok());
    EXPECT_TRUE(r.file.groups.empty()) << "an invalid file yields no groups";
  }
}

TEST(RuleFileErrorsTest, SyntaxErrorsNameTheLine) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"groups:\n  - name: g\n     rules: []\n", "f.yml: yaml: line 3: "},
      {"groups:\n  - name: g\n\trules: []\n", "f.yml: yaml: line 3: "},
      {"groups: [\n", "f.yml: yaml: line "},
      {"groups: [a\n  b: c\n", "f.yml: yaml: line "},
  };
  for (const auto& [yaml, prefix] : cases) {
    SCOPED_TRACE(yaml);
    RuleFileResult r = ParseRuleFile("f.yml", yaml);
    ASSERT_EQ(r.errors.size(), 2u) << "rulefmt.Parse reports the syntax error of both decode passes";
    EXPECT_EQ(r.errors[0].rfind(prefix, 0), 0u) << r.errors[0];
    EXPECT_EQ(r.errors[0], r.errors[1]);
  }
}

TEST(RuleFileErrorsTest, TemplateErrorsNameTheLabelOrAnnotation) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"        labels: {severity: '{{ if }}'}\n", "f.yml: group \"g\", rule 1, \"A\": label \"severity\": template: "
                                                   "__alert_A:1: "},
      {"        annotations: {summary: '{{ end }}'}\n",
       "f.yml: group \"g\", rule 1, \"A\": annotation \"summary\": template: __alert_A:1: "},
      {"        annotations: {summary: '{{ nosuchfunc 1 }}'}\n",
       "f.yml: group \"g\", rule 1, \"A\": annotation \"summary\": template: __alert_A:1: "},
  };
  for (const auto& [extra, prefix] : cases) {
    SCOPED_TRACE(extra);
    RuleFileResult r = ParseRuleFile("f.yml", Rule("      - alert: A\n        expr: up\n" + extra));
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_EQ(r.errors[0].rfind(prefix, 0), 0u) << r.errors[0];
    EXPECT_EQ(r.errors[0].find("error parsing template"), std::string::npos) << "ParseTest has no such prefix";
  }
}

TEST(RuleFileErrorsTest, MissingFile) {
  RuleFileResult r = LoadRuleFile("/nonexistent/dir/rules.yml");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0], "/nonexistent/dir/rules.yml: open /nonexistent/dir/rules.yml: no such file or directory");
}

}  // namespace
}  // namespace vigil::rules
