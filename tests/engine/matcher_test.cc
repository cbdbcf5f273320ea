#include "engine/base/matcher.h"

#include <gtest/gtest.h>

#include "engine/index/mem_postings.h"
#include "tests/testutil/testutil.h"

namespace vigil {
namespace {

struct Row {
  MatchType type;
  std::string pattern;
  std::string value;
  bool want;
};

TEST(Matcher, SemanticsTable) {
  const Row rows[] = {
      {MatchType::kEqual, "a", "a", true},
      {MatchType::kEqual, "a", "", false},
      {MatchType::kEqual, "", "", true},
      {MatchType::kNotEqual, "a", "b", true},
      {MatchType::kNotEqual, "a", "", true},
      {MatchType::kNotEqual, "", "", false},
      {MatchType::kRegexMatch, "a.*", "abc", true},
      {MatchType::kRegexMatch, "b", "abc", false},      // fully anchored
      {MatchType::kRegexMatch, "a|b", "b", true},
      {MatchType::kRegexMatch, "a|b", "ab", false},
      {MatchType::kRegexMatch, ".*", "", true},
      {MatchType::kRegexMatch, ".+", "", false},
      {MatchType::kRegexMatch, "a?", "", true},
      {MatchType::kRegexMatch, ".*", "a\nb", false},    // '.' does not match newline (2.x)
      {MatchType::kRegexMatch, "(?s).*", "a\nb", true},
      {MatchType::kRegexMatch, "(?i)FOO", "foo", true},
      {MatchType::kRegexMatch, "5..", "503", true},
      {MatchType::kRegexMatch, "", "", true},
      {MatchType::kRegexMatch, "", "x", false},
      {MatchType::kRegexNoMatch, "a.*", "abc", false},
      {MatchType::kRegexNoMatch, "a.*", "", true},
      {MatchType::kRegexNoMatch, ".*", "", false},
      {MatchType::kRegexNoMatch, "", "", false},
      {MatchType::kRegexMatch, "foo|bar|", "", true},
      {MatchType::kRegexMatch, "foo|bar", "bar", true},
      {MatchType::kRegexMatch, "\\.", ".", true},
      {MatchType::kRegexMatch, "\\.", "x", false},
  };
  for (const Row& r : rows) {
    SCOPED_TRACE(r.pattern + " vs '" + r.value + "'");
    ASSERT_OK_AND_ASSIGN(Matcher m, Matcher::Make(r.type, "l", r.pattern));
    EXPECT_EQ(m.Matches(r.value), r.want);
    EXPECT_EQ(m.MatchesEmpty(), m.Matches(""));
  }
}

TEST(Matcher, BadRegexIsInvalidArgument) {
  auto r = Matcher::Make(MatchType::kRegexMatch, "l", "a(");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("a("), std::string::npos);
}

TEST(Matcher, ToStringUsesPromqlOperators) {
  EXPECT_EQ(Matcher::MustMake(MatchType::kRegexNoMatch, "job", "a\"b").ToString(), "job!~\"a\\\"b\"");
}

// Postings: a matcher that matches "" also selects series lacking the label.
TEST(MemPostings, EmptyMatchingSelectsMissingLabel) {
  engine::MemPostings p;
  p.Add(1, Labels::FromStrings({{"__name__", "m"}, {"env", "prod"}}));
  p.Add(2, Labels::FromStrings({{"__name__", "m"}, {"env", "dev"}}));
  p.Add(3, Labels::FromStrings({{"__name__", "m"}}));
  p.Add(4, Labels::FromStrings({{"__name__", "other"}}));
  auto sel = [&](std::vector<Matcher> ms) { return p.ForMatchers(ms); };
  auto M = [](MatchType t, std::string n, std::string v) { return Matcher::MustMake(t, n, v); };
  using V = std::vector<uint64_t>;
  EXPECT_EQ(sel({M(MatchType::kEqual, "__name__", "m")}), (V{1, 2, 3}));
  EXPECT_EQ(sel({M(MatchType::kEqual, "__name__", "m"), M(MatchType::kEqual, "env", "")}), (V{3}));
  EXPECT_EQ(sel({M(MatchType::kEqual, "__name__", "m"), M(MatchType::kNotEqual, "env", "prod")}), (V{2, 3}));
  EXPECT_EQ(sel({M(MatchType::kEqual, "__name__", "m"), M(MatchType::kRegexMatch, "env", "p.*|")}), (V{1, 3}));
  EXPECT_EQ(sel({M(MatchType::kEqual, "__name__", "m"), M(MatchType::kRegexMatch, "env", ".+")}), (V{1, 2}));
  EXPECT_EQ(sel({M(MatchType::kEqual, "__name__", "m"), M(MatchType::kRegexNoMatch, "env", "dev")}), (V{1, 3}));
  EXPECT_EQ(sel({M(MatchType::kRegexMatch, "env", "prod|dev")}), (V{1, 2}));
  EXPECT_EQ(sel({M(MatchType::kNotEqual, "env", "")}), (V{1, 2}));
  EXPECT_EQ(sel({M(MatchType::kRegexMatch, "__name__", ".*")}), (V{1, 2, 3, 4}));
  EXPECT_EQ(sel({}), (V{1, 2, 3, 4}));
  EXPECT_EQ(sel({M(MatchType::kEqual, "nope", "x")}), V{});
  p.Delete(2, Labels::FromStrings({{"__name__", "m"}, {"env", "dev"}}));
  EXPECT_EQ(sel({M(MatchType::kEqual, "__name__", "m")}), (V{1, 3}));
  EXPECT_EQ(p.LabelValues("env"), (std::vector<std::string>{"prod"}));
  EXPECT_EQ(p.LabelNames(), (std::vector<std::string>{"__name__", "env"}));
}

}  // namespace
}  // namespace vigil
