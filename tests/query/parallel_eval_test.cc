// The parallel evaluation of range functions over selectors
// (EngineOptions::query_threads, SeriesPipeline) and the fused
// agg(range_function(...)) path: results bit-identical to the serial walk
// and to the generic (unfused) path, output order included; the max-samples
// limit, timeouts and cancellation honoured while series are in flight; the
// thread-count setting; and SeriesPipeline's ordering and error contract.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "bench/series_gen.h"
#include "engine/db.h"
#include "query/engine.h"
#include "query/series_pipeline.h"
#include "query/task_pool.h"
#include "tests/testutil/testutil.h"

namespace vigil::query {
namespace {

using testutil::TempDir;

constexpr size_t kTargets = 40;  // 1,920 series
constexpr int64_t kRounds = 240;   // 1 h at 15 s

class ParallelEvalTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<TempDir>();
    DbOptions o;
    o.retention_ms = 0;
    o.background_maintenance = false;
    o.sync_commits = false;
    auto db = DB::Open(dir_->Sub("db"), o);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(db).value();
    gen::GenOptions go;
    go.num_series = kTargets * gen::SeriesGenerator::kSeriesPerTarget;
    go.churn_per_hour = 0;
    gen::SeriesGenerator g(go);
    std::vector<Labels> labels(go.num_series);
    std::vector<SeriesRef> refs(go.num_series, 0);
    for (int64_t r = 0; r < kRounds; ++r) {
      auto app = db_->NewAppender();
      size_t slot = 0;
      g.ForEachSampleInRound(r, [&](const gen::GenSeries& s, Sample x) {
        if (labels[slot].empty()) {
          std::vector<std::pair<std::string_view, std::string_view>> pairs(s.labels.begin(), s.labels.end());
          labels[slot] = Labels::FromPairs(std::move(pairs)).value();
        }
        auto ref = app->Append(refs[slot], labels[slot], x.t, x.v);
        ASSERT_TRUE(ref.ok()) << ref.status().ToString();
        refs[slot++] = *ref;
        max_t_ = std::max(max_t_, x.t);
      });
      ASSERT_OK(app->Commit());
    }
  }
  static void TearDownTestSuite() {
    db_.reset();
    dir_.reset();
  }

  static Engine MakeEngine(size_t threads, uint64_t max_samples = 50'000'000) {
    EngineOptions eo;
    eo.query_threads = threads;
    eo.max_samples = max_samples;
    eo.parallel_min_work_per_series = 0;  // parallel from the first series, however light
    return Engine(eo);
  }

  static inline std::unique_ptr<TempDir> dir_;
  static inline std::unique_ptr<DB> db_;
  static inline int64_t max_t_ = INT64_MIN;
};

uint64_t Bits(double v) {
  uint64_t b;
  std::memcpy(&b, &v, sizeof b);
  return b;
}

// Same series in the same order, same timestamps, same value bits.
void ExpectIdentical(const QueryResult& a, const QueryResult& b) {
  ASSERT_EQ(a.type, b.type);
  ASSERT_EQ(a.vector.size(), b.vector.size());
  for (size_t i = 0; i < a.vector.size(); ++i) {
    ASSERT_EQ(a.vector[i].labels, b.vector[i].labels) << i;
    ASSERT_EQ(a.vector[i].t, b.vector[i].t);
    ASSERT_EQ(Bits(a.vector[i].v), Bits(b.vector[i].v)) << a.vector[i].labels.ToString();
  }
  ASSERT_EQ(a.matrix.size(), b.matrix.size());
  for (size_t i = 0; i < a.matrix.size(); ++i) {
    ASSERT_EQ(a.matrix[i].labels, b.matrix[i].labels) << i;
    ASSERT_EQ(a.matrix[i].points.size(), b.matrix[i].points.size()) << a.matrix[i].labels.ToString();
    for (size_t j = 0; j < a.matrix[i].points.size(); ++j) {
      ASSERT_EQ(a.matrix[i].points[j].t, b.matrix[i].points[j].t);
      ASSERT_EQ(Bits(a.matrix[i].points[j].v), Bits(b.matrix[i].points[j].v))
          << a.matrix[i].labels.ToString() << " @ " << a.matrix[i].points[j].t;
    }
  }
}

const char* const kQueries[] = {
    "sum by (job) (rate(http_requests_total[5m]))",
    R"(sum by (job) (rate({__name__=~".+_total|.+_bucket"}[5m])))",
    "histogram_quantile(0.99, sum by (le, job) (rate(http_request_duration_seconds_bucket[5m])))",
    R"(sum by (route) (rate(http_requests_total{status_code=~"5.."}[5m])) / sum by (route) (rate(http_requests_total[5m])))",
    "sum by (job, route) (increase(http_requests_total[1h]))",
    "sum without (instance) (rate(http_requests_total[5m]))",
    "avg by (method) (irate(http_requests_total[2m]))",
    "min by (job) (deriv(http_requests_total[10m]))",
    "max by (job) (delta(http_requests_total[10m]))",
    "count by (status_code) (changes(http_requests_total[10m]))",
    "group by (job) (resets(http_requests_total[30m]))",
    "stddev by (job) (avg_over_time(http_requests_total[5m]))",
    "stdvar (max_over_time(http_requests_total[5m]))",
    "sum(sum_over_time(http_requests_total[5m] offset 3m))",
    "sum by (route) (last_over_time(http_requests_total[5m]))",
    "rate(http_requests_total[5m])",
    "last_over_time(http_requests_total[5m])",
    "predict_linear(http_requests_total[10m], 60)",
    "quantile_over_time(0.9, http_requests_total[10m])",
    "sum(quantile_over_time(0.5, http_requests_total[10m]))",
    "sum by (job) (rate(http_requests_total[5m] @ end()))",
    "topk(3, rate(http_requests_total[5m]))",
    "sum by (job) (rate(rate(http_requests_total[5m])[10m:1m]))",
};

TEST_F(ParallelEvalTest, ThreadCountSetting) {
  EXPECT_EQ(MakeEngine(1).query_threads(), 1u);
  EXPECT_EQ(MakeEngine(3).query_threads(), 3u);
  EXPECT_EQ(MakeEngine(1000).query_threads(), EngineOptions::kMaxQueryThreads);
  size_t def = MakeEngine(0).query_threads();
  EXPECT_GE(def, 1u);
  EXPECT_LE(def, EngineOptions::kMaxQueryThreads);
  EXPECT_EQ(def, std::min<size_t>(std::max(1u, std::thread::hardware_concurrency()),
                                  EngineOptions::kMaxQueryThreads));
}

TEST_F(ParallelEvalTest, ParallelIsBitIdenticalToSerial) {
  Engine serial = MakeEngine(1);
  for (size_t threads : {2, 3, 8}) {
    Engine parallel = MakeEngine(threads);
    for (const char* q : kQueries) {
      SCOPED_TRACE(std::string(q) + " threads=" + std::to_string(threads));
      ASSERT_OK_AND_ASSIGN(auto rs, serial.RangeQuery(*db_, q, max_t_ - 3600000, max_t_, 30000));
      ASSERT_OK_AND_ASSIGN(auto rp, parallel.RangeQuery(*db_, q, max_t_ - 3600000, max_t_, 30000));
      ASSERT_FALSE(rs.matrix.empty());
      ExpectIdentical(rs, rp);
      ASSERT_OK_AND_ASSIGN(auto is, serial.InstantQuery(*db_, q, max_t_));
      ASSERT_OK_AND_ASSIGN(auto ip, parallel.InstantQuery(*db_, q, max_t_));
      ExpectIdentical(is, ip);
    }
  }
}

TEST_F(ParallelEvalTest, FusedAggregationMatchesGenericPath) {
  // `* 1` keeps every value's bits but makes the aggregation's argument a
  // binary expression, so it takes the generic path (materialised series,
  // then aggregated step by step). Output order of instant vectors too.
  const char* const pairs[][2] = {
      {"sum by (job) (rate(http_requests_total[5m]))", "sum by (job) (rate(http_requests_total[5m]) * 1)"},
      {R"(sum by (job) (rate({__name__=~".+_total|.+_bucket"}[5m])))",
       R"(sum by (job) (rate({__name__=~".+_total|.+_bucket"}[5m]) * 1))"},
      {"avg by (route) (increase(http_requests_total[1h]))", "avg by (route) (increase(http_requests_total[1h]) * 1)"},
      {"stddev without (instance) (rate(http_requests_total[5m]))",
       "stddev without (instance) (rate(http_requests_total[5m]) * 1)"},
      {"max(last_over_time(http_requests_total[5m]))", "max(last_over_time(http_requests_total[5m]) * 1)"},
      {"count by (le) (rate(http_request_duration_seconds_bucket[1m]))",
       "count by (le) (rate(http_request_duration_seconds_bucket[1m]) * 1)"},
  };
  for (size_t threads : {1, 4}) {
    Engine engine = MakeEngine(threads);
    for (const auto& p : pairs) {
      SCOPED_TRACE(std::string(p[0]) + " threads=" + std::to_string(threads));
      ASSERT_OK_AND_ASSIGN(auto rf, engine.RangeQuery(*db_, p[0], max_t_ - 3600000, max_t_, 15000));
      ASSERT_OK_AND_ASSIGN(auto rg, engine.RangeQuery(*db_, p[1], max_t_ - 3600000, max_t_, 15000));
      ExpectIdentical(rf, rg);
      for (int64_t t : {max_t_, max_t_ - 1800000, max_t_ - 3500000}) {
        ASSERT_OK_AND_ASSIGN(auto f, engine.InstantQuery(*db_, p[0], t));
        ASSERT_OK_AND_ASSIGN(auto g, engine.InstantQuery(*db_, p[1], t));
        ExpectIdentical(f, g);
      }
    }
  }
}

TEST_F(ParallelEvalTest, DuplicateOutputLabelsStillFail) {
  // Two metrics with the same labels once rate() drops __name__: an error in
  // Prometheus, fused or not, serial or parallel.
  const char* dup = R"(sum by (job) (rate({__name__=~"node_load1|up"}[5m])))";
  for (size_t threads : {1, 4}) {
    auto r = MakeEngine(threads).InstantQuery(*db_, dup, max_t_);
    auto g = MakeEngine(threads).InstantQuery(*db_, R"(rate({__name__=~"node_load1|up"}[5m]))", max_t_);
    ASSERT_FALSE(g.ok());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kExecution);
    EXPECT_EQ(r.status().message(), "vector cannot contain metrics with the same labelset");
    EXPECT_EQ(r.status().message(), g.status().message());
  }
}

TEST_F(ParallelEvalTest, MaxSamplesSameOutcomeAsSerial) {
  const char* q = "sum by (job) (rate(http_requests_total[30m]))";
  const char* q2 = "rate(http_requests_total[30m])";
  for (uint64_t max : {100ull, 130ull, 200ull, 5000ull, 20000ull, 200000ull, 50000000ull}) {
    for (const char* query : {q, q2}) {
      SCOPED_TRACE(std::string(query) + " max=" + std::to_string(max));
      auto s = MakeEngine(1, max).RangeQuery(*db_, query, max_t_ - 600000, max_t_, 60000);
      auto p = MakeEngine(4, max).RangeQuery(*db_, query, max_t_ - 600000, max_t_, 60000);
      ASSERT_EQ(s.ok(), p.ok()) << (s.ok() ? p.status().ToString() : s.status().ToString());
      if (!s.ok()) {
        EXPECT_EQ(p.status().code(), StatusCode::kLimitExceeded);
        EXPECT_EQ(p.status().message(), s.status().message());
      } else {
        ExpectIdentical(*s, *p);
      }
    }
  }
  // A limit below one series' samples fails in the parallel path itself.
  auto r = MakeEngine(4, 50).InstantQuery(*db_, q, max_t_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kLimitExceeded);
}

// ---- storage wrappers that act after the n-th series of a Select ----

class HookSeriesSet final : public SeriesSet {
 public:
  HookSeriesSet(std::unique_ptr<SeriesSet> inner, std::function<void(size_t)> hook)
      : inner_(std::move(inner)), hook_(std::move(hook)) {}
  bool Next() override {
    hook_(++n_);
    return inner_->Next();
  }
  const Series& At() const override { return inner_->At(); }
  Status status() const override { return inner_->status(); }

 private:
  std::unique_ptr<SeriesSet> inner_;
  std::function<void(size_t)> hook_;
  size_t n_ = 0;
};

class HookQuerier final : public Querier {
 public:
  HookQuerier(std::unique_ptr<Querier> q, std::function<void(size_t)> hook) : q_(std::move(q)), hook_(hook) {}
  std::unique_ptr<SeriesSet> Select(const Matchers& m, bool sorted) override {
    return std::make_unique<HookSeriesSet>(q_->Select(m, sorted), hook_);
  }
  Result<std::vector<Labels>> SeriesLabels(const Matchers& m) override { return q_->SeriesLabels(m); }
  Result<std::vector<std::string>> LabelNames(const Matchers& m) override { return q_->LabelNames(m); }
  Result<std::vector<std::string>> LabelValues(std::string_view n, const Matchers& m) override {
    return q_->LabelValues(n, m);
  }

 private:
  std::unique_ptr<Querier> q_;
  std::function<void(size_t)> hook_;
};

class HookQueryable final : public Queryable {
 public:
  HookQueryable(Queryable* inner, std::function<void(size_t)> hook) : inner_(inner), hook_(std::move(hook)) {}
  Result<std::unique_ptr<Querier>> NewQuerier(int64_t mint, int64_t maxt) override {
    ASSIGN_OR_RETURN(auto q, inner_->NewQuerier(mint, maxt));
    return std::unique_ptr<Querier>(std::make_unique<HookQuerier>(std::move(q), hook_));
  }

 private:
  Queryable* inner_;
  std::function<void(size_t)> hook_;
};

TEST_F(ParallelEvalTest, TimeoutWhileSeriesAreInFlight) {
  // Storage stalls after 100 series (some already handed to helpers): the
  // 20 ms deadline passes in the middle of the walk.
  HookQueryable slow(db_.get(), [](size_t n) {
    if (n == 100) std::this_thread::sleep_for(std::chrono::milliseconds(60));
  });
  for (size_t threads : {1, 4}) {
    QueryOptions qo;
    qo.timeout_ms = 20;
    for (const char* q : {"sum by (job) (rate(http_requests_total[5m]))", "rate(http_requests_total[5m])"}) {
      auto r = MakeEngine(threads).RangeQuery(slow, q, max_t_ - 3600000, max_t_, 15000, qo);
      ASSERT_FALSE(r.ok()) << q;
      EXPECT_EQ(r.status().code(), StatusCode::kTimeout) << r.status().ToString();
    }
  }
}

TEST_F(ParallelEvalTest, CancelWhileSeriesAreInFlight) {
  for (size_t threads : {1, 4}) {
    std::atomic<bool> cancel{false};
    HookQueryable flip(db_.get(), [&](size_t n) {
      if (n == 300) cancel.store(true);
    });
    QueryOptions qo;
    qo.cancel = &cancel;
    auto r = MakeEngine(threads).RangeQuery(flip, "sum by (job) (rate(http_requests_total[5m]))", max_t_ - 3600000,
                                            max_t_, 15000, qo);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kCanceled) << r.status().ToString();
  }
}

TEST_F(ParallelEvalTest, ConcurrentQueriesShareThePool) {
  Engine engine = MakeEngine(3);
  Engine serial = MakeEngine(1);
  const char* q = "sum by (job) (rate(http_requests_total[5m]))";
  ASSERT_OK_AND_ASSIGN(auto want, serial.RangeQuery(*db_, q, max_t_ - 3600000, max_t_, 15000));
  std::vector<std::thread> ts;
  std::atomic<int> mismatches{0};
  for (int t = 0; t < 4; ++t) {
    ts.emplace_back([&] {
      for (int i = 0; i < 3; ++i) {
        auto got = engine.RangeQuery(*db_, q, max_t_ - 3600000, max_t_, 15000);
        if (!got.ok() || got->matrix.size() != want.matrix.size()) {
          ++mismatches;
          continue;
        }
        for (size_t k = 0; k < want.matrix.size(); ++k) {
          for (size_t j = 0; j < want.matrix[k].points.size(); ++j) {
            if (Bits(got->matrix[k].points[j].v) != Bits(want.matrix[k].points[j].v)) ++mismatches;
          }
        }
      }
    });
  }
  for (auto& t : ts) t.join();
  EXPECT_EQ(mismatches.load(), 0);
}

// ---- SeriesPipeline on its own ----

class FakeSeries final : public Series {
 public:
  explicit FakeSeries(size_t i) : labels_(Labels::FromPairs({{"i", std::to_string(i)}}).value()) {}
  const Labels& labels() const override { return labels_; }
  std::unique_ptr<SampleIterator> NewIterator() const override { return nullptr; }
  const std::vector<ChunkView>& chunks() const override { return chunks_; }

 private:
  Labels labels_;
  std::vector<ChunkView> chunks_;
};

TEST(SeriesPipelineTest, SinkSeesFeedOrderAndFirstErrorWins) {
  TaskPool pool(3);
  for (size_t threads : {1, 2, 4}) {
    SCOPED_TRACE(threads);
    std::mt19937 rng(7);
    std::vector<size_t> seen;
    SeriesPipeline pipe(
        &pool, threads, /*min_work_per_series=*/0,
        [](PipelineItem& item, std::vector<Point>*) {
          size_t i = std::stoul(std::string(item.labels.Get("i")));
          if (i % 7 == 0) std::this_thread::sleep_for(std::chrono::microseconds(50));
          item.points = i;
          return Status::OK();
        },
        [&](PipelineItem& item) {
          seen.push_back(item.points);
          return Status::OK();
        });
    const size_t n = 1000;
    for (size_t i = 0; i < n; ++i) ASSERT_TRUE(pipe.Add(FakeSeries(i)));
    ASSERT_OK(pipe.Finish());
    ASSERT_EQ(seen.size(), n);
    for (size_t i = 0; i < n; ++i) ASSERT_EQ(seen[i], i);
  }
  for (size_t threads : {1, 4}) {
    SCOPED_TRACE(threads);
    size_t sunk = 0;
    SeriesPipeline pipe(
        &pool, threads, /*min_work_per_series=*/0,
        [](PipelineItem& item, std::vector<Point>*) {
          size_t i = std::stoul(std::string(item.labels.Get("i")));
          // Several items fail; the earliest in feed order is reported.
          // (The later ones fail only after a pause, so 500 is computed
          // before the failure stops the pipeline.)
          if (i >= 500 && i % 50 == 0) {
            if (i > 500) std::this_thread::sleep_for(std::chrono::milliseconds(20));
            return Status::Execution("fail " + std::to_string(i));
          }
          return Status::OK();
        },
        [&](PipelineItem&) {
          ++sunk;
          return Status::OK();
        });
    for (size_t i = 0; i < 2000; ++i) {
      if (!pipe.Add(FakeSeries(i))) break;
    }
    Status st = pipe.Finish();
    EXPECT_EQ(st.message(), "fail 500");
    // Only items before the failure reach the sink, in order and without a
    // gap; serially, all of them (items left uncomputed once a helper saw
    // the failure are skipped, and so is everything after them).
    if (threads == 1) {
      EXPECT_EQ(sunk, 500u);
    } else {
      EXPECT_LE(sunk, 500u);
    }
  }
}

TEST(SeriesPipelineTest, GoesParallelOnlyForHeavySeries) {
  TaskPool pool(3);
  for (uint64_t work : {10u, 1000u}) {
    SCOPED_TRACE(work);
    std::mutex mu;
    std::vector<std::thread::id> ids;
    std::vector<size_t> seen;
    const std::thread::id caller = std::this_thread::get_id();
    SeriesPipeline pipe(
        &pool, 4, /*min_work_per_series=*/100,
        [&](PipelineItem& item, std::vector<Point>*) {
          item.decoded = work;
          item.points = std::stoul(std::string(item.labels.Get("i")));
          std::this_thread::sleep_for(std::chrono::microseconds(20));
          std::lock_guard<std::mutex> lk(mu);
          ids.push_back(std::this_thread::get_id());
          return Status::OK();
        },
        [&](PipelineItem& item) {
          seen.push_back(item.points);
          return Status::OK();
        });
    for (size_t i = 0; i < 2000; ++i) ASSERT_TRUE(pipe.Add(FakeSeries(i)));
    ASSERT_OK(pipe.Finish());
    ASSERT_EQ(seen.size(), 2000u);
    for (size_t i = 0; i < seen.size(); ++i) ASSERT_EQ(seen[i], i);
    // The probe runs on the caller; light series stay there.
    for (size_t i = 0; i < SeriesPipeline::kProbeSeries; ++i) EXPECT_EQ(ids[i], caller);
    if (work < 100) {
      for (const auto& id : ids) EXPECT_EQ(id, caller);
    }
  }
}

}  // namespace
}  // namespace vigil::query
