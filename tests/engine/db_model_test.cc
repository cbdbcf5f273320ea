// Model test: random appends, commits, rollbacks, maintenance, reopens and
// queries; every query result must equal a std::map model that applies the
// same ingest rules (out-of-order and different-value duplicates rejected,
// same-value duplicates ignored).
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <map>
#include <random>

#include "engine/db.h"
#include "tests/testutil/db_util.h"
#include "tests/testutil/testutil.h"

namespace vigil {
namespace {

using testutil::ReadAll;
using testutil::TempDir;

struct ModelSeries {
  std::map<int64_t, double> samples;
};

class Model {
 public:
  // Applies one committed sample with the engine's rules.
  void Apply(const std::string& key, int64_t t, double v) {
    auto& s = series_[key].samples;
    if (!s.empty()) {
      auto last = std::prev(s.end());
      if (t < last->first) return;
      if (t == last->first) return;  // same value: no-op; different: rejected
    }
    s[t] = v;
  }
  // Samples in [mint, maxt] for series whose key is in `keys`.
  testutil::SeriesSamples Query(const std::vector<std::string>& keys, int64_t mint, int64_t maxt) const {
    testutil::SeriesSamples out;
    for (const auto& k : keys) {
      auto it = series_.find(k);
      if (it == series_.end()) continue;
      std::vector<Sample> v;
      for (auto s = it->second.samples.lower_bound(mint); s != it->second.samples.end() && s->first <= maxt; ++s)
        v.push_back({s->first, s->second});
      if (!v.empty()) out[k] = std::move(v);
    }
    return out;
  }
  // Newest committed (t, v) of a series, if any.
  bool Last(const std::string& key, int64_t* t, double* v) const {
    auto it = series_.find(key);
    if (it == series_.end() || it->second.samples.empty()) return false;
    *t = it->second.samples.rbegin()->first;
    *v = it->second.samples.rbegin()->second;
    return true;
  }

 private:
  std::map<std::string, ModelSeries> series_;
};

TEST(DbModel, RandomOperationsMatchModel) {
  for (uint32_t seed : {1u, 2u, 3u}) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    TempDir dir;
    ManualClock clock(1'700'000'000'000);
    DbOptions o;
    o.background_maintenance = false;
    o.clock = &clock;
    o.retention_ms = 0;
    o.chunk_max_samples = 16;  // many cuts in a short test
    o.idle_seal_after_ms = 60'000;
    o.sync_commits = false;
    o.checkpoint_interval_ms = 90'000;  // durability is the crash test's job
    ASSERT_OK_AND_ASSIGN(auto db, DB::Open(dir.path(), o));
    std::mt19937_64 rng(seed);
    std::vector<Labels> pool;
    for (int i = 0; i < 24; ++i) {
      pool.push_back(Labels::FromStrings({{"__name__", i % 3 == 0 ? "a" : "b"},
                                          {"idx", std::to_string(i)},
                                          {"mod", std::to_string(i % 4)}}));
    }
    Model model;
    std::map<std::string, int64_t> next_t;
    auto rand_value = [&]() -> double {
      switch (rng() % 6) {
        case 0: return static_cast<double>(rng() % 1000);
        case 1: return std::bit_cast<double>(rng());  // any bits, NaNs included
        case 2: return StaleNaN();
        default: return static_cast<double>(rng() % 100000) / 100.0;
      }
    };
    for (int step = 0; step < 1500; ++step) {
      int op = static_cast<int>(rng() % 100);
      if (op < 60) {  // a batch, committed or rolled back
        auto app = db->NewAppender();
        bool commit = rng() % 10 != 0;
        std::vector<std::tuple<std::string, int64_t, double>> batch;
        int n = 1 + static_cast<int>(rng() % 40);
        for (int i = 0; i < n; ++i) {
          const Labels& l = pool[rng() % pool.size()];
          std::string key = l.ToString();
          int64_t& nt = next_t[key];
          int64_t t;
          int kind = static_cast<int>(rng() % 20);
          if (kind == 0 && nt > 0) t = nt - 1 - static_cast<int64_t>(rng() % 5000);  // out of order
          else if (kind == 1 && nt > 0) t = nt - 1;                                  // maybe duplicate
          else t = nt + static_cast<int64_t>(rng() % 30000);
          double v = rand_value();
          int64_t lt;
          double lv;
          bool has_last = model.Last(key, &lt, &lv);
          auto r = app->Append(0, l, t, v);
          // Append-time checks use committed state only.
          bool want_ok = !has_last || t > lt ||
                         (t == lt && std::bit_cast<uint64_t>(v) == std::bit_cast<uint64_t>(lv));
          ASSERT_EQ(r.ok(), want_ok) << "t=" << t << " last=" << (has_last ? lt : -1);
          if (r.ok()) {
            batch.emplace_back(key, t, v);
            nt = std::max(nt, t + 1);
          }
        }
        if (commit) {
          ASSERT_OK(app->Commit());
          for (auto& [k, t, v] : batch) model.Apply(k, t, v);
        } else {
          app->Rollback();
        }
        // Rolled-back timestamps may be reused later; keep next_t as is
        // (it only moves forward), which is also fine for the model.
      } else if (op < 80) {  // query a random range with random matchers
        int64_t a = 1'700'000'000'000 + static_cast<int64_t>(rng() % 4'000'000);
        int64_t b = a + static_cast<int64_t>(rng() % 4'000'000);
        Matchers ms;
        std::vector<std::string> keys;
        int mode = static_cast<int>(rng() % 3);
        if (mode == 0) ms.push_back(Matcher::MustMake(MatchType::kEqual, "__name__", "a"));
        if (mode == 1) ms.push_back(Matcher::MustMake(MatchType::kRegexMatch, "mod", "1|3"));
        if (mode == 2) ms.push_back(Matcher::MustMake(MatchType::kNotEqual, "idx", "5"));
        if (ms.empty()) ms = testutil::AllSeries();
        for (const Labels& l : pool) {
          bool all = true;
          for (const Matcher& m : ms) all = all && m.Matches(l.Get(m.name()));
          if (all) keys.push_back(l.ToString());
        }
        Status st;
        auto got = ReadAll(*db, ms, a, b, &st);
        ASSERT_OK(st);
        ASSERT_EQ(got, model.Query(keys, a, b)) << "step " << step;
      } else if (op < 88) {
        clock.Advance(static_cast<int64_t>(rng() % 120'000));
        ASSERT_OK(db->RunMaintenance());
      } else if (op < 92) {
        ASSERT_OK(db->SealHead());
      } else {  // restart
        db.reset();
        ASSERT_OK_AND_ASSIGN(db, DB::Open(dir.path(), o));
      }
    }
    std::vector<std::string> keys;
    for (const Labels& l : pool) keys.push_back(l.ToString());
    ASSERT_EQ(ReadAll(*db, testutil::AllSeries()), model.Query(keys, INT64_MIN, INT64_MAX));
  }
}

}  // namespace
}  // namespace vigil
