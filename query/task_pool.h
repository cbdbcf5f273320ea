// TaskPool: a fixed set of worker threads running submitted closures in
// submission order. The query engine owns one (sized by
// EngineOptions::query_threads) and lends its threads to queries as
// opportunistic helpers: a query never waits for a pool thread to become
// free, since the querying thread does the work itself when none helps.
// Thread-safe. The destructor finishes the queued tasks, then joins.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace vigil::query {

class TaskPool {
 public:
  // REQUIRES: threads > 0.
  explicit TaskPool(size_t threads);
  ~TaskPool();
  TaskPool(const TaskPool&) = delete;
  TaskPool& operator=(const TaskPool&) = delete;

  // Queues fn to run on some pool thread. fn must not throw.
  void Submit(std::function<void()> fn);
  size_t threads() const { return threads_.size(); }

 private:
  void Loop();

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> tasks_;
  bool stop_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace vigil::query
