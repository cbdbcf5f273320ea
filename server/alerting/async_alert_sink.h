// AsyncAlertSink: decouples rule evaluation from alert delivery. Rule
// groups call Send() inline while they evaluate; this sink only queues the
// batch and returns, and one background thread hands the batches, in
// order, to the downstream sink (the Notifier). So a slow or blocked
// downstream never delays an evaluation. The queue is bounded by alert
// count; on overflow the oldest batches are dropped and counted (the
// rule groups re-send firing alerts every resend delay anyway).
// Thread-safe.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "server/rules/alert.h"

namespace vigil::server::alerting {

class AsyncAlertSink final : public rules::AlertSink {
 public:
  // `downstream` is borrowed and must outlive Stop(). `max_queued_alerts`
  // bounds the alerts waiting (at least one batch is always kept).
  explicit AsyncAlertSink(rules::AlertSink* downstream, size_t max_queued_alerts = 100'000);
  // Stop().
  ~AsyncAlertSink() override;
  AsyncAlertSink(const AsyncAlertSink&) = delete;
  AsyncAlertSink& operator=(const AsyncAlertSink&) = delete;

  // Starts the delivery thread. Batches sent before Start() wait for it.
  void Start();
  // Hands what is queued to the downstream sink, then stops the thread.
  // Idempotent.
  void Stop();

  // Queues the batch (empty batches are ignored); never blocks on the
  // downstream sink.
  void Send(int64_t eval_time_ms, std::vector<rules::AlertNotice> alerts) override;

  size_t queued_alerts() const;
  uint64_t dropped_alerts() const;
  uint64_t delivered_alerts() const;

 private:
  struct Batch {
    int64_t eval_time_ms = 0;
    std::vector<rules::AlertNotice> alerts;
  };
  void Run();

  rules::AlertSink* const downstream_;
  const size_t max_queued_alerts_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Batch> queue_;
  size_t queued_alerts_ = 0;
  uint64_t dropped_alerts_ = 0;
  uint64_t delivered_alerts_ = 0;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace vigil::server::alerting
