// query::Engine's error paths and limits, on the realistic generator's data:
// max samples (LimitExceeded, Prometheus's message), timeouts (Timeout),
// cancellation before and during a query (Canceled), parse and type errors
// (InvalidArgument), evaluation errors (Execution), and range queries over
// range-vector or string expressions (InvalidArgument). Also checks that a
// range query agrees, step by step, with instant queries at each step.
//
// Timeouts and cancellation are made deterministic by wrapping the DB in a
// Queryable that sleeps, or flips the cancel flag, or waits for the test
// thread, when the engine opens a querier: the engine checks its deadline and
// cancel flag before every node it evaluates, so whatever it evaluates after
// that querier notices. One test also uses a real 1 ms timeout on a heavy
// subquery followed by a second operand, so it does not depend on timing.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "bench/series_gen.h"
#include "engine/db.h"
#include "query/engine.h"
#include "tests/testutil/testutil.h"

namespace vigil::query {
namespace {

using testutil::TempDir;

constexpr size_t kTargets = 4;  // jobs api-gateway, checkout, payments, search
constexpr int64_t kRounds = 240;  // 1 h at 15 s
constexpr const char* kTooMany = "query processing would load too many samples into memory in query execution";

// One DB with 4 generator targets (192 series) scraped for 1 h, shared by
// the tests of this file (read-only after setup).
class EngineLimitsTest : public ::testing::Test {
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
    min_t_ = INT64_MAX;
    max_t_ = INT64_MIN;
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
        min_t_ = std::min(min_t_, x.t);
        max_t_ = std::max(max_t_, x.t);
      });
      ASSERT_OK(app->Commit());
    }
  }
  static void TearDownTestSuite() {
    db_.reset();
    dir_.reset();
  }

  static inline std::unique_ptr<TempDir> dir_;
  static inline std::unique_ptr<DB> db_;
  static inline int64_t min_t_ = 0;
  static inline int64_t max_t_ = 0;
};

// Delegates to a DB; calls `hook` each time the engine opens a querier.
class HookedQueryable final : public Queryable {
 public:
  HookedQueryable(Queryable* inner, std::function<void(int call)> hook) : inner_(inner), hook_(std::move(hook)) {}
  Result<std::unique_ptr<Querier>> NewQuerier(int64_t mint_ms, int64_t maxt_ms) override {
    hook_(++calls_);
    return inner_->NewQuerier(mint_ms, maxt_ms);
  }
  int calls() const { return calls_; }

 private:
  Queryable* inner_;
  std::function<void(int)> hook_;
  std::atomic<int> calls_{0};
};

// ---- max samples ----

TEST_F(EngineLimitsTest, MaxSamplesExceeded) {
  EngineOptions eo;
  eo.max_samples = 1000;
  Engine engine(eo);
  // 80 series x ~120 samples in 30 m: a range-vector result holds them all.
  {
    auto r = engine.InstantQuery(*db_, "http_requests_total[30m]", max_t_);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kLimitExceeded);
    EXPECT_EQ(r.status().message(), kTooMany);
  }
  // Range functions hold one series' window at a time, as Prometheus does:
  // 120 samples per series fit in 1000.
  for (const char* q : {"sum(rate(http_requests_total[30m]))", "max_over_time(http_requests_total[30m])"}) {
    SCOPED_TRACE(q);
    EXPECT_TRUE(engine.InstantQuery(*db_, q, max_t_).ok());
  }
  // ...but one series' window over the limit fails.
  {
    EngineOptions tiny;
    tiny.max_samples = 100;
    Engine small(tiny);
    auto r = small.InstantQuery(*db_, "sum(rate(http_requests_total[30m]))", max_t_);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kLimitExceeded);
  }
  // A range query holding 80 series x 61 steps of an instant selector.
  auto r = engine.RangeQuery(*db_, "http_requests_total", max_t_ - 15 * 60 * 1000, max_t_, 15000);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kLimitExceeded);
  EXPECT_EQ(r.status().message(), kTooMany);
  // Small queries still run on the same engine.
  ASSERT_OK_AND_ASSIGN(auto ok, engine.InstantQuery(*db_, "up", max_t_));
  EXPECT_EQ(ok.vector.size(), kTargets);
}

// ---- timeout ----

TEST_F(EngineLimitsTest, TimeoutWhileStorageIsSlow) {
  // The first querier takes 30 ms; the 5 ms deadline has passed when the
  // engine moves on to the second operand.
  HookedQueryable slow(db_.get(), [](int call) {
    if (call == 1) std::this_thread::sleep_for(std::chrono::milliseconds(30));
  });
  Engine engine;
  QueryOptions qo;
  qo.timeout_ms = 5;
  auto r = engine.InstantQuery(slow, "sum(up) + sum(node_load1)", max_t_, qo);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kTimeout) << r.status().ToString();
  EXPECT_EQ(r.status().message(), "query timed out in query execution");

  HookedQueryable slow2(db_.get(), [](int call) {
    if (call == 1) std::this_thread::sleep_for(std::chrono::milliseconds(30));
  });
  auto rr = engine.RangeQuery(slow2, "sum(up) + sum(node_load1)", max_t_ - 600000, max_t_, 15000, qo);
  ASSERT_FALSE(rr.ok());
  EXPECT_EQ(rr.status().code(), StatusCode::kTimeout);
}

TEST_F(EngineLimitsTest, TimeoutOnHeavySubquery) {
  // ~18,000 subquery steps x 80 series of rate() cannot finish in 1 ms; the
  // deadline is checked again before the right operand at the latest.
  const char* q = "count(max_over_time(rate(http_requests_total[5m])[30m:100ms])) + count(up)";
  Engine engine;
  QueryOptions qo;
  qo.timeout_ms = 1;
  auto r = engine.InstantQuery(*db_, q, max_t_, qo);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kTimeout) << r.status().ToString();

  // The engine-wide timeout applies the same way.
  EngineOptions eo;
  eo.timeout_ms = 1;
  auto r2 = Engine(eo).InstantQuery(*db_, q, max_t_);
  ASSERT_FALSE(r2.ok());
  EXPECT_EQ(r2.status().code(), StatusCode::kTimeout);

  // Without a tight timeout the query succeeds.
  ASSERT_OK_AND_ASSIGN(auto ok, engine.InstantQuery(*db_, q, max_t_));
  ASSERT_EQ(ok.vector.size(), 1u);
  EXPECT_EQ(ok.vector[0].v, 80 + 4);
}

TEST_F(EngineLimitsTest, QueryTimeoutIsCappedByEngineTimeout) {
  // A per-query timeout above the engine's does not extend it.
  HookedQueryable slow(db_.get(), [](int call) {
    if (call == 1) std::this_thread::sleep_for(std::chrono::milliseconds(30));
  });
  EngineOptions eo;
  eo.timeout_ms = 5;
  QueryOptions qo;
  qo.timeout_ms = 60000;
  auto r = Engine(eo).InstantQuery(slow, "sum(up) + sum(node_load1)", max_t_, qo);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kTimeout);
}

// ---- cancellation ----

TEST_F(EngineLimitsTest, CanceledBeforeStart) {
  std::atomic<bool> cancel{true};
  QueryOptions qo;
  qo.cancel = &cancel;
  HookedQueryable counted(db_.get(), [](int) {});
  Engine engine;
  auto r = engine.InstantQuery(counted, "sum(rate(http_requests_total[5m]))", max_t_, qo);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kCanceled);
  EXPECT_EQ(r.status().message(), "query was canceled in query execution");
  auto rr = engine.RangeQuery(counted, "sum(rate(http_requests_total[5m]))", max_t_ - 600000, max_t_, 15000, qo);
  ASSERT_FALSE(rr.ok());
  EXPECT_EQ(rr.status().code(), StatusCode::kCanceled);
  EXPECT_EQ(counted.calls(), 0) << "a canceled query should not touch storage";
}

TEST_F(EngineLimitsTest, CanceledWhileRunning) {
  std::atomic<bool> cancel{false};
  QueryOptions qo;
  qo.cancel = &cancel;
  HookedQueryable flip(db_.get(), [&](int call) {
    if (call == 1) cancel.store(true);
  });
  auto r = Engine().InstantQuery(flip, "sum(up) + sum(node_load1)", max_t_, qo);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kCanceled);
  EXPECT_EQ(flip.calls(), 1) << "the second selector should not run after cancellation";
}

TEST_F(EngineLimitsTest, CanceledFromAnotherThread) {
  // The query blocks in its first querier until the test thread has set the
  // flag, then continues and must stop.
  std::atomic<bool> cancel{false};
  std::promise<void> entered, flagged;
  std::shared_future<void> flagged_f = flagged.get_future().share();
  HookedQueryable gate(db_.get(), [&](int call) {
    if (call != 1) return;
    entered.set_value();
    flagged_f.wait();
  });
  QueryOptions qo;
  qo.cancel = &cancel;
  auto fut = std::async(std::launch::async, [&] {
    return Engine().RangeQuery(gate, "sum by (job) (rate(http_requests_total[5m])) + on(job) sum by (job) (up)",
                               max_t_ - 1800000, max_t_, 15000, qo);
  });
  entered.get_future().wait();
  cancel.store(true);
  flagged.set_value();
  auto r = fut.get();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kCanceled);
}

// ---- parse, type and evaluation errors ----

TEST_F(EngineLimitsTest, ParseErrorsAreInvalidArgument) {
  Engine engine;
  for (const char* q : {"sum(", "up{job=}", "rate(up[5m]", "1 +", "foo bar", "up[5x]"}) {
    SCOPED_TRACE(q);
    auto r = engine.InstantQuery(*db_, q, max_t_);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find("parse error"), std::string::npos) << r.status().message();
    auto rr = engine.RangeQuery(*db_, q, max_t_ - 60000, max_t_, 15000);
    ASSERT_FALSE(rr.ok());
    EXPECT_EQ(rr.status().code(), StatusCode::kInvalidArgument);
  }
  // Type errors are parse errors in Prometheus too.
  auto r = engine.InstantQuery(*db_, "rate(up)", max_t_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("parse error"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("range vector"), std::string::npos) << r.status().message();
}

TEST_F(EngineLimitsTest, ManyToManyMatchingIsExecutionError) {
  Engine engine;
  // 20 series per job on both sides of an on(job) match.
  auto r = engine.InstantQuery(*db_, "http_requests_total + on(job) http_requests_total", max_t_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kExecution) << r.status().ToString();
  EXPECT_NE(r.status().message().find("many-to-many matching not allowed"), std::string::npos)
      << r.status().message();
  // Many-to-one without group_left.
  auto r2 = engine.RangeQuery(*db_, "http_requests_total + on(job) up", max_t_ - 60000, max_t_, 15000);
  ASSERT_FALSE(r2.ok());
  EXPECT_EQ(r2.status().code(), StatusCode::kExecution) << r2.status().ToString();
  EXPECT_NE(r2.status().message().find("many-to-one matching must be explicit"), std::string::npos)
      << r2.status().message();
  // With group_left it is fine.
  ASSERT_OK_AND_ASSIGN(auto ok, engine.InstantQuery(*db_, "http_requests_total + on(job) group_left up", max_t_));
  EXPECT_EQ(ok.vector.size(), 80u);
}

TEST_F(EngineLimitsTest, RangeQueryNeedsInstantVectorOrScalar) {
  Engine engine;
  for (const char* q : {"up[5m]", "rate(up[5m])[10m:1m]", "up[5m] offset 1m"}) {
    SCOPED_TRACE(q);
    auto r = engine.RangeQuery(*db_, q, max_t_ - 600000, max_t_, 15000);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(r.status().message(),
              "invalid expression type \"range vector\" for range query, must be Scalar or instant Vector");
  }
  auto s = engine.RangeQuery(*db_, "\"text\"", max_t_ - 600000, max_t_, 15000);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument);
  // The instant query of a range vector is fine.
  ASSERT_OK_AND_ASSIGN(auto m, engine.InstantQuery(*db_, "up[5m]", max_t_));
  EXPECT_EQ(m.type, ValueType::kMatrix);
  EXPECT_EQ(m.matrix.size(), kTargets);
}

TEST_F(EngineLimitsTest, BadRangeQueryParameters) {
  Engine engine;
  auto r = engine.RangeQuery(*db_, "up", max_t_, max_t_ - 1, 15000);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  auto z = engine.RangeQuery(*db_, "up", max_t_ - 60000, max_t_, 0);
  ASSERT_FALSE(z.ok());
  EXPECT_EQ(z.status().code(), StatusCode::kInvalidArgument);
}

// ---- instant vs range agreement ----

bool SameValue(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  if (a == b) return true;
  return std::fabs(a - b) <= 1e-9 * std::max(std::fabs(a), std::fabs(b));
}

TEST_F(EngineLimitsTest, RangeQueryAgreesWithInstantQueries) {
  const char* kExprs[] = {
      "sum by (job) (rate(http_requests_total[5m]))",
      "histogram_quantile(0.9, sum by (le, job) (rate(http_request_duration_seconds_bucket[5m])))",
      "max_over_time(node_load1[10m])",
      "node_hwmon_temp_celsius offset 5m",
      "topk(3, rate(grpc_server_handled_total[2m]))",
      "avg_over_time(sum by (job) (rate(http_requests_total[1m]))[10m:1m])",
      "increase(node_network_receive_packets_total{device=\"eth0\"}[3m]) / on(instance) group_left up",
      "absent(no_such_metric)",
      "scalar(sum(up))",
      "time() - timestamp(up)",
  };
  Engine engine;
  // Unaligned start, so steps fall between scrapes.
  const int64_t start = min_t_ + 20 * 60 * 1000 + 7000;
  const int64_t end = max_t_;
  const int64_t step = 60 * 1000;
  for (const char* q : kExprs) {
    SCOPED_TRACE(q);
    ASSERT_OK_AND_ASSIGN(QueryResult range, engine.RangeQuery(*db_, q, start, end, step));
    ASSERT_EQ(range.type, ValueType::kMatrix);
    // labels → (t → v) from the range result.
    std::map<std::string, std::map<int64_t, double>> by_series;
    size_t range_points = 0;
    for (const MatrixSeries& s : range.matrix) {
      auto& m = by_series[s.labels.ToString()];
      for (const Point& p : s.points) m[p.t] = p.v;
      range_points += s.points.size();
    }
    size_t instant_points = 0;
    for (int64_t t = start; t <= end; t += step) {
      ASSERT_OK_AND_ASSIGN(QueryResult inst, engine.InstantQuery(*db_, q, t));
      if (inst.type == ValueType::kScalar) {
        ASSERT_EQ(range.matrix.size(), 1u);
        auto it = by_series[Labels().ToString()].find(t);
        ASSERT_NE(it, by_series[Labels().ToString()].end()) << "t=" << t;
        EXPECT_TRUE(SameValue(it->second, inst.scalar.v)) << "t=" << t;
        ++instant_points;
        continue;
      }
      ASSERT_EQ(inst.type, ValueType::kVector);
      for (const VectorSample& s : inst.vector) {
        const std::string key = s.labels.ToString();
        auto sit = by_series.find(key);
        ASSERT_NE(sit, by_series.end()) << key << " at t=" << t << " missing from the range result";
        auto pit = sit->second.find(t);
        ASSERT_NE(pit, sit->second.end()) << key << " at t=" << t << " missing from the range result";
        EXPECT_TRUE(SameValue(pit->second, s.v)) << key << " at t=" << t << ": range " << pit->second
                                                 << " instant " << s.v;
        ++instant_points;
      }
    }
    // Same number of points: nothing in the range result that instants lack.
    EXPECT_EQ(range_points, instant_points);
    EXPECT_GT(range_points, 0u);
  }
}

}  // namespace
}  // namespace vigil::query
