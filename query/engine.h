// Engine: runs PromQL instant and range queries against a Queryable with
// Prometheus 2.53 semantics (lookback delta, staleness, @ and offset,
// subqueries), enforcing the max-samples limit and a timeout. Thread-safe:
// one Engine serves concurrent queries.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "engine/storage.h"
#include "query/value.h"

namespace vigil::query {

struct EngineOptions {
  int64_t lookback_delta_ms = 5 * 60 * 1000;  // Prometheus's default
  // Most samples a query may hold in memory at once; beyond it the query
  // fails with LimitExceeded ("query processing would load too many
  // samples into memory in query execution").
  uint64_t max_samples = 50'000'000;
  int64_t timeout_ms = 2 * 60 * 1000;  // Timeout status past it
  // Default subquery step when none is given: the rule/global evaluation
  // interval (Prometheus: 1m).
  int64_t default_subquery_step_ms = 60 * 1000;
  bool enable_experimental_functions = true;
  // Threads one query may use for range functions over selectors (decode
  // and kernels spread over series; results identical to the serial walk).
  // 0 = the machine's hardware threads, at most kMaxQueryThreads; 1 = serial.
  // The engine owns one pool of query_threads - 1 helpers shared by all its
  // queries; a query's own thread always takes part, so a busy pool slows a
  // query down but never blocks it.
  size_t query_threads = 0;
  static constexpr size_t kMaxQueryThreads = 16;
  // A range function goes parallel only when its first 64 series averaged
  // at least this many decoded samples + output points each: lighter series
  // (instant queries over short windows) are dominated by Select, and the
  // hand-off to helpers costs more than it saves. 0 = always parallel.
  uint64_t parallel_min_work_per_series = 256;
};

// Per-query knobs: a timeout below the engine's, and a cancel flag the
// caller may set from another thread (Canceled status).
struct QueryOptions {
  int64_t timeout_ms = 0;  // 0 = engine default; capped by it
  const std::atomic<bool>* cancel = nullptr;
  int64_t lookback_delta_ms = 0;  // 0 = engine default
};

class TaskPool;

class Engine {
 public:
  explicit Engine(EngineOptions options = {});

  // Errors: InvalidArgument for parse/type errors ("1:5: parse error: ..."),
  // Execution for evaluation errors (e.g. many-to-many matching),
  // LimitExceeded, Timeout, Canceled, or storage errors.
  Result<QueryResult> InstantQuery(Queryable& storage, std::string_view query, int64_t t_ms,
                                   const QueryOptions& qo = {}) const;
  // REQUIRES: step_ms > 0, end_ms >= start_ms. The result is a matrix (or
  // an error); scalar expressions become one series without labels.
  Result<QueryResult> RangeQuery(Queryable& storage, std::string_view query, int64_t start_ms, int64_t end_ms,
                                 int64_t step_ms, const QueryOptions& qo = {}) const;

  const EngineOptions& options() const { return options_; }
  // The resolved query_threads (>= 1).
  size_t query_threads() const { return threads_; }

 private:
  EngineOptions options_;
  size_t threads_ = 1;
  std::shared_ptr<TaskPool> pool_;  // null when threads_ == 1
};

}  // namespace vigil::query
