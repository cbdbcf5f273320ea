// ApplyLabelOverrides / SortLabelOverrides: the label edits of rule
// evaluation (Prometheus labels.Builder semantics by one sorted merge).
#include <gtest/gtest.h>

#include "server/rules/base_rule.h"

namespace vigil::rules {
namespace {

TEST(RuleGroupLabels, ApplyOverrides) {
  struct Case {
    std::string name;
    Labels base;
    LabelOverrides overrides;  // any order; sorted by the test
    Labels want;
  };
  const std::vector<Case> cases = {
      {"add before, between and after", Labels::FromStrings({{"b", "1"}, {"d", "2"}}),
       {{"e", "x"}, {"a", "y"}, {"c", "z"}}, Labels::FromStrings({{"a", "y"}, {"b", "1"}, {"c", "z"}, {"d", "2"}, {"e", "x"}})},
      {"replace", Labels::FromStrings({{"job", "a"}}), {{"job", "b"}}, Labels::FromStrings({{"job", "b"}})},
      {"empty deletes", Labels::FromStrings({{"__name__", "x"}, {"job", "a"}}), {{"__name__", ""}},
       Labels::FromStrings({{"job", "a"}})},
      {"deleting a missing label", Labels::FromStrings({{"job", "a"}}), {{"zz", ""}}, Labels::FromStrings({{"job", "a"}})},
      {"last of repeated names wins", Labels(), {{"a", "1"}, {"a", ""}, {"b", "2"}, {"b", "3"}},
       Labels::FromStrings({{"b", "3"}})},
      {"invalid UTF-8 value dropped", Labels::FromStrings({{"job", "a"}}), {{"x", "\xff"}}, Labels::FromStrings({{"job", "a"}})},
      {"empty base and overrides", Labels(), {}, Labels()},
  };
  for (auto c : cases) {
    SCOPED_TRACE(c.name);
    SortLabelOverrides(&c.overrides);
    LabelOverrides scratch;
    EXPECT_EQ(ApplyLabelOverrides(c.base, c.overrides, &scratch), c.want);
  }
}

TEST(RuleGroupLabels, MergeRuleLabels) {
  EXPECT_EQ(MergeRuleLabels({{"env", "g"}, {"team", "g"}}, {{"team", "r"}, {"sev", "r"}}),
            (LabelPairs{{"env", "g"}, {"team", "r"}, {"sev", "r"}}));
  EXPECT_EQ(MergeRuleLabels({}, {{"a", "1"}}), (LabelPairs{{"a", "1"}}));
}

}  // namespace
}  // namespace vigil::rules
