// FindLibyamlTabError: libyaml's rule on tabs at the start of block-context
// lines, which yaml-cpp does not enforce. Expected outcomes were taken from
// promtool 2.42 on the same text.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "server/rules/rule_file.h"
#include "server/rules/yaml_tab_check.h"

namespace vigil::rules {
namespace {

TEST(RuleFileYamlTabsTest, FindLibyamlTabError) {
  struct Case {
    std::string yaml;
    std::optional<int> line;
  };
  const std::vector<Case> cases = {
      {"groups: []\n\t\n", 2},
      {"groups: []\n  \t\n", 2},
      {"groups: []\n\t# c\n", 2},
      {"\n\t\ngroups: []\n", 2},
      {"groups:\n\t\n- name: g\n", 2},
      {"groups:\n- name: g\n  rules: |\n\t\n", 4},
      {"groups:\n- name: |\n    x\n  \t\n    y\n", 4},
      {"groups:\n- name: g\n  rules: []\r\n\t\r\n", 4},
      {"# c\n\t# c\ngroups: []\n", std::nullopt},  // a comment before the first token
      {"groups:\t[]\n", std::nullopt},
      {"groups: []\t\n", std::nullopt},
      {"groups: [] \t# c\n", std::nullopt},
      {"groups: [\n\t\n]\n", std::nullopt},
      {"groups: [\n\t]\n", std::nullopt},
      {"groups:\n- name: \"a\n\t\n  b\"\n", std::nullopt},
      {"groups:\n- name: 'it''s\n\t\n  x'\n", std::nullopt},
      {"groups:\n- name: |\n    x\n    \ty\n", std::nullopt},
      {"groups:\n- name: |\n    x\n    \t\n    y\n", std::nullopt},
      {"groups:\n- {name: g,\n\t\n  rules: []}\n", std::nullopt},
      {"no tabs at all:\n  - [a, b]\n", std::nullopt},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.yaml);
    EXPECT_EQ(FindLibyamlTabError(c.yaml), c.line);
  }
}

TEST(RuleFileYamlTabsTest, ReportedAsSyntaxError) {
  RuleFileResult r = ParseRuleFile("f.yml", "groups:\n  - name: g\n    rules: []\n\t\n");
  const std::string want = "f.yml: yaml: line 4: found character that cannot start any token";
  EXPECT_EQ(r.errors, (std::vector<std::string>{want, want}));
}

}  // namespace
}  // namespace vigil::rules
