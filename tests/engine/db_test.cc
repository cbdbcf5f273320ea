// DB contract tests: append/commit/query, reopen (log replay), ingest rules,
// chunk cutting, labels APIs.
#include "engine/db.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>

#include "tests/testutil/db_util.h"
#include "tests/testutil/testutil.h"

namespace vigil {
namespace {

using testutil::AllSeries;
using testutil::ReadAll;
using testutil::TempDir;

DbOptions TestOptions(const Clock* clock = nullptr) {
  DbOptions o;
  o.background_maintenance = false;
  o.clock = clock;
  o.retention_ms = 0;
  return o;
}

Labels L(std::string name, std::string job = "api") {
  return Labels::FromStrings({{"__name__", name}, {"job", job}});
}

TEST(Db, AppendCommitQueryAndReopen) {
  TempDir dir;
  std::map<std::string, std::vector<Sample>> want;
  {
    ASSERT_OK_AND_ASSIGN(auto db, DB::Open(dir.path(), TestOptions()));
    for (int batch = 0; batch < 5; ++batch) {
      auto app = db->NewAppender();
      for (int s = 0; s < 3; ++s) {
        Labels l = L("m" + std::to_string(s));
        for (int i = 0; i < 100; ++i) {
          int64_t t = (batch * 100 + i) * 15000LL + s;
          double v = s == 2 ? 0.5 * i : batch * 100 + i;
          ASSERT_TRUE(app->Append(0, l, t, v).ok());
          want[l.ToString()].push_back({t, v});
        }
      }
      ASSERT_OK(app->Commit());
      EXPECT_EQ(app->stats().accepted, 300u);
    }
    EXPECT_EQ(ReadAll(*db, AllSeries()), want);
  }
  // Reopen: sealed chunks come from the store, open chunks from the log.
  {
    ASSERT_OK_AND_ASSIGN(auto db, DB::Open(dir.path(), TestOptions()));
    EXPECT_GT(db->stats().samples_replayed, 0u);
    EXPECT_EQ(ReadAll(*db, AllSeries()), want);
    ASSERT_OK(db->SealHead());
  }
  // After sealing everything, nothing is left to replay.
  {
    ASSERT_OK_AND_ASSIGN(auto db, DB::Open(dir.path(), TestOptions()));
    EXPECT_EQ(db->stats().samples_replayed, 0u);
    EXPECT_EQ(ReadAll(*db, AllSeries()), want);
    // Time-bounded reads.
    auto part = ReadAll(*db, {Matcher::MustMake(MatchType::kEqual, "__name__", "m0")}, 15000 * 10, 15000 * 20);
    ASSERT_EQ(part.size(), 1u);
    EXPECT_EQ(part.begin()->second.size(), 11u);
    EXPECT_EQ(part.begin()->second.front().t, 150000);
  }
}

TEST(Db, IngestRules) {
  TempDir dir;
  ASSERT_OK_AND_ASSIGN(auto db, DB::Open(dir.path(), TestOptions()));
  Labels a = L("a"), b = L("b");
  {
    auto app = db->NewAppender();
    ASSERT_TRUE(app->Append(0, a, 1000, 1).ok());
    ASSERT_TRUE(app->Append(0, b, 1000, 1).ok());
    ASSERT_OK(app->Commit());
  }
  auto app = db->NewAppender();
  // Out of order against the committed newest sample.
  auto r = app->Append(0, a, 999, 5);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kOutOfOrder);
  // Same timestamp, different value: duplicate.
  r = app->Append(0, a, 1000, 2);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kDuplicateSample);
  // Same timestamp, same value: accepted silently, not stored twice.
  r = app->Append(0, a, 1000, 1);
  ASSERT_TRUE(r.ok());
  // Empty labels.
  r = app->Append(0, Labels(), 2000, 1);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  // Valid samples in the same batch are unaffected by the rejected ones.
  ASSERT_TRUE(app->Append(0, a, 2000, 3).ok());
  ASSERT_TRUE(app->Append(0, b, 2000, 4).ok());
  ASSERT_OK(app->Commit());
  EXPECT_EQ(app->stats().out_of_order, 1u);
  EXPECT_EQ(app->stats().duplicate, 1u);
  EXPECT_EQ(app->stats().invalid_labels, 1u);
  auto got = ReadAll(*db, AllSeries());
  EXPECT_EQ(got[a.ToString()], (std::vector<Sample>{{1000, 1}, {2000, 3}}));
  EXPECT_EQ(got[b.ToString()], (std::vector<Sample>{{1000, 1}, {2000, 4}}));
}

bool SameSamples(const std::vector<Sample>& x, const std::vector<Sample>& y) {
  if (x.size() != y.size()) return false;
  for (size_t i = 0; i < x.size(); ++i) {
    if (x[i].t != y[i].t || std::bit_cast<uint64_t>(x[i].v) != std::bit_cast<uint64_t>(y[i].v)) return false;
  }
  return true;
}

TEST(Db, SpecialValuesSurviveBitExactlyAcrossRestart) {
  TempDir dir;
  std::vector<Sample> want = {{1, StaleNaN()},
                              {2, std::bit_cast<double>(0x7ff8000000000001ULL)},
                              {3, std::bit_cast<double>(0xfff0000000000abcULL)},
                              {4, INFINITY},
                              {5, -INFINITY},
                              {6, -0.0},
                              {7, 0.0},
                              {8, 1e308},
                              {9, StaleNaN()}};
  {
    ASSERT_OK_AND_ASSIGN(auto db, DB::Open(dir.path(), TestOptions()));
    auto app = db->NewAppender();
    for (const Sample& s : want) ASSERT_TRUE(app->Append(0, L("x"), s.t, s.v).ok());
    ASSERT_OK(app->Commit());
  }
  for (int round = 0; round < 2; ++round) {
    ASSERT_OK_AND_ASSIGN(auto db, DB::Open(dir.path(), TestOptions()));
    auto got = ReadAll(*db, AllSeries());
    ASSERT_EQ(got.size(), 1u);
    EXPECT_TRUE(SameSamples(got.begin()->second, want));
    ASSERT_OK(db->SealHead());  // second round reads the persisted chunk
  }
}

TEST(Db, RollbackDiscardsAndAppenderIsSingleUse) {
  TempDir dir;
  ASSERT_OK_AND_ASSIGN(auto db, DB::Open(dir.path(), TestOptions()));
  {
    auto app = db->NewAppender();
    ASSERT_TRUE(app->Append(0, L("a"), 1, 1).ok());
    app->Rollback();
  }
  {
    auto app = db->NewAppender();
    ASSERT_TRUE(app->Append(0, L("a"), 1, 1).ok());
    // Destroyed without Commit: rolled back.
  }
  EXPECT_TRUE(ReadAll(*db, AllSeries()).empty());
  auto app = db->NewAppender();
  ASSERT_TRUE(app->Append(0, L("a"), 5, 1).ok());
  ASSERT_OK(app->Commit());
  EXPECT_FALSE(app->Commit().ok());
}

TEST(Db, RefsAreStableAndUsableForAppends) {
  TempDir dir;
  SeriesRef ref;
  {
    ASSERT_OK_AND_ASSIGN(auto db, DB::Open(dir.path(), TestOptions()));
    auto app = db->NewAppender();
    ASSERT_OK_AND_ASSIGN(ref, app->Append(0, L("a"), 1, 1));
    ASSERT_OK_AND_ASSIGN(SeriesRef again, app->Append(ref, Labels(), 2, 2));
    EXPECT_EQ(ref, again);
    ASSERT_OK(app->Commit());
  }
  ASSERT_OK_AND_ASSIGN(auto db, DB::Open(dir.path(), TestOptions()));
  auto app = db->NewAppender();
  ASSERT_OK_AND_ASSIGN(SeriesRef after, app->Append(0, L("a"), 3, 3));
  EXPECT_EQ(after, ref);
  ASSERT_OK_AND_ASSIGN(SeriesRef other, app->Append(0, L("b"), 3, 3));
  EXPECT_GT(other, ref);
  ASSERT_OK(app->Commit());
  EXPECT_EQ(ReadAll(*db, AllSeries())[L("a").ToString()].size(), 3u);
}

TEST(Db, ChunksCutAt120SamplesAndAlignedBoundaries) {
  TempDir dir;
  ASSERT_OK_AND_ASSIGN(auto db, DB::Open(dir.path(), TestOptions()));
  const int64_t k2h = 2 * 3600 * 1000;
  auto app = db->NewAppender();
  for (int i = 0; i < 300; ++i) ASSERT_TRUE(app->Append(0, L("a"), i * 1000, i).ok());
  // b crosses a 2h boundary after 2 samples.
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(app->Append(0, L("b"), k2h - 2000 + i * 1000, i).ok());
  ASSERT_OK(app->Commit());
  ASSERT_OK_AND_ASSIGN(auto q, db->NewQuerier(INT64_MIN, INT64_MAX));
  auto set = q->Select(AllSeries());
  ASSERT_TRUE(set->Next());
  std::vector<std::pair<int64_t, int64_t>> ranges;
  for (const ChunkView& c : set->At().chunks()) ranges.emplace_back(c.min_t, c.max_t);
  EXPECT_EQ(ranges, (std::vector<std::pair<int64_t, int64_t>>{{0, 119000}, {120000, 239000}, {240000, 299000}}));
  ASSERT_TRUE(set->Next());
  ranges.clear();
  for (const ChunkView& c : set->At().chunks()) ranges.emplace_back(c.min_t, c.max_t);
  EXPECT_EQ(ranges, (std::vector<std::pair<int64_t, int64_t>>{{k2h - 2000, k2h - 1000}, {k2h, k2h + 1000}}));
  EXPECT_FALSE(set->Next());
  EXPECT_OK(set->status());
}

TEST(Db, LabelNamesAndValuesWithMatchers) {
  TempDir dir;
  ASSERT_OK_AND_ASSIGN(auto db, DB::Open(dir.path(), TestOptions()));
  auto app = db->NewAppender();
  ASSERT_TRUE(app->Append(0, Labels::FromStrings({{"__name__", "up"}, {"job", "api"}, {"zone", "a"}}), 1000, 1).ok());
  ASSERT_TRUE(app->Append(0, Labels::FromStrings({{"__name__", "up"}, {"job", "db"}}), 1000, 1).ok());
  ASSERT_TRUE(app->Append(0, Labels::FromStrings({{"__name__", "reqs"}, {"job", "web"}, {"code", "200"}}), 50000, 1).ok());
  ASSERT_OK(app->Commit());
  ASSERT_OK_AND_ASSIGN(auto q, db->NewQuerier(0, 100000));
  using V = std::vector<std::string>;
  EXPECT_EQ(*q->LabelNames({}), (V{"__name__", "code", "job", "zone"}));
  EXPECT_EQ(*q->LabelNames({Matcher::MustMake(MatchType::kEqual, "__name__", "up")}), (V{"__name__", "job", "zone"}));
  EXPECT_EQ(*q->LabelValues("job", {}), (V{"api", "db", "web"}));
  EXPECT_EQ(*q->LabelValues("job", {Matcher::MustMake(MatchType::kEqual, "__name__", "up")}), (V{"api", "db"}));
  EXPECT_EQ(*q->LabelValues("job", {Matcher::MustMake(MatchType::kEqual, "zone", "")}), (V{"db", "web"}));
  EXPECT_EQ(*q->LabelValues("nope", {}), V{});
  // Series label sets, sorted, without reading samples.
  ASSERT_OK_AND_ASSIGN(auto series, q->SeriesLabels({Matcher::MustMake(MatchType::kEqual, "__name__", "up")}));
  ASSERT_EQ(series.size(), 2u);
  EXPECT_EQ(series[0].ToString(), R"({__name__="up", job="api", zone="a"})");
  EXPECT_EQ(series[1].ToString(), R"({__name__="up", job="db"})");
  // Time range: only series with samples in range.
  ASSERT_OK_AND_ASSIGN(auto late, db->NewQuerier(40000, 60000));
  EXPECT_EQ(late->SeriesLabels({Matcher::MustMake(MatchType::kRegexMatch, "job", ".+")})->size(), 1u);
  EXPECT_EQ(*late->LabelValues("job", {Matcher::MustMake(MatchType::kRegexMatch, "job", ".+")}), (V{"web"}));
}

}  // namespace
}  // namespace vigil
