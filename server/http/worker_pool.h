// WorkerPool: a fixed set of threads running submitted tasks in FIFO order,
// with a bounded queue so that overload is refused at once instead of piling
// up. The HTTP server runs handlers here so that Asio IO threads never block.
// Thread-safe.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace vigil::server {

class WorkerPool {
 public:
  // Starts `threads` threads (at least 1). At most `max_queued` tasks wait
  // beyond the ones running (0 = unbounded).
  WorkerPool(size_t threads, size_t max_queued);
  // Shutdown(), then joins.
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Queues `task`. False (and the task is dropped unrun) when the queue is
  // full or the pool is shutting down.
  bool Submit(std::function<void()> task);
  // Refuses new tasks, runs every task already queued, waits for them and
  // joins the threads. Idempotent. REQUIRES: not called from a pool thread.
  void Shutdown();

  size_t queued() const;   // tasks waiting
  size_t running() const;  // tasks executing now

 private:
  void Loop();

  const size_t max_queued_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  size_t running_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace vigil::server
