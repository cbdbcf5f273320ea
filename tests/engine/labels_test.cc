#include "engine/base/labels.h"

#include <gtest/gtest.h>

#include "tests/testutil/testutil.h"

namespace vigil {
namespace {

TEST(Labels, SortsAndDropsEmptyValues) {
  ASSERT_OK_AND_ASSIGN(Labels l, Labels::FromPairs({{"job", "api"}, {"__name__", "up"}, {"zone", ""}}));
  EXPECT_EQ(l.ToString(), R"({__name__="up", job="api"})");
  EXPECT_EQ(l.size(), 2u);
  EXPECT_EQ(l.Get("job"), "api");
  EXPECT_EQ(l.Get("zone"), "");
  EXPECT_FALSE(l.Has("zone"));
}

TEST(Labels, RejectsInvalid) {
  struct Case {
    std::vector<std::pair<std::string_view, std::string_view>> pairs;
    std::string want;
  } cases[] = {
      {{{"", "x"}}, "empty label name"},
      {{{"1abc", "x"}}, "invalid label name \"1abc\""},
      {{{"a-b", "x"}}, "invalid label name \"a-b\""},
      {{{"a:b", "x"}}, "invalid label name \"a:b\""},
      {{{"a", "x"}, {"a", "y"}}, "duplicate label name \"a\""},
      {{{"a", "\xff\xfe"}}, "invalid UTF-8 in value of label \"a\""},
      {{{"a", "\xc0\x80"}}, "invalid UTF-8 in value of label \"a\""},  // overlong
      {{{"a", "\xed\xa0\x80"}}, "invalid UTF-8 in value of label \"a\""},  // surrogate
  };
  for (const auto& c : cases) {
    auto r = Labels::FromPairs(c.pairs);
    ASSERT_FALSE(r.ok()) << c.want;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(r.status().message(), c.want);
  }
  EXPECT_TRUE(Labels::FromPairs({{"_a1", "héllo ✓"}}).ok());
}

TEST(Labels, EncodingRoundTripsAndHashIsStable) {
  Labels a = Labels::FromStrings({{"__name__", "http_requests_total"}, {"code", "200"}});
  ASSERT_OK_AND_ASSIGN(Labels b, Labels::FromEncoded(a.data()));
  EXPECT_EQ(a, b);
  EXPECT_EQ(a.Hash(), b.Hash());
  // The hash is part of no format, but must not change between runs: pin it.
  EXPECT_EQ(StableHash64(""), 13777871860254383671ULL);
  EXPECT_EQ(StableHash64("__name__\xffup"), 9873782560641900648ULL);
  EXPECT_NE(StableHash64("a"), StableHash64("b"));
  EXPECT_FALSE(Labels::FromEncoded("\x05" "ab").ok());
  EXPECT_FALSE(Labels::FromEncoded(std::string("\x01" "b" "\x01" "x" "\x01" "a" "\x01" "y", 8)).ok());
}

TEST(Labels, CompareIsLabelWise) {
  Labels a = Labels::FromStrings({{"a", "1"}});
  Labels b = Labels::FromStrings({{"a", "1"}, {"b", "1"}});
  Labels c = Labels::FromStrings({{"a", "2"}});
  Labels d = Labels::FromStrings({{"b", "0"}});
  EXPECT_LT(Compare(a, b), 0);
  EXPECT_LT(Compare(b, c), 0);
  EXPECT_LT(Compare(c, d), 0);
  EXPECT_EQ(Compare(a, a), 0);
}

}  // namespace
}  // namespace vigil
