// NotifyMetrics: the notifier's self metrics, like Prometheus's
// prometheus_notifications_*: vigil_notifications_sent_total{receiver},
// vigil_notifications_errors_total{receiver}, vigil_notifications_dropped_total,
// vigil_notifications_queue_length, vigil_notifications_latency_seconds{receiver}
// (all counting alerts). `receiver` is the receiver's name or
// "alertmanager <url>". A null registry makes every call a no-op.
// Thread-safe.
#pragma once

#include <string>

namespace vigil::server {
class MetricsRegistry;
class Counter;
class Gauge;
}  // namespace vigil::server

namespace vigil::notify {

class NotifyMetrics {
 public:
  explicit NotifyMetrics(server::MetricsRegistry* registry);

  void Sent(const std::string& receiver, size_t alerts);
  void Errors(const std::string& receiver, size_t alerts);
  void Dropped(size_t alerts);
  void QueueLength(size_t alerts);
  void Latency(const std::string& receiver, double seconds);

 private:
  server::MetricsRegistry* registry_;
  server::Counter* dropped_ = nullptr;
  server::Gauge* queue_length_ = nullptr;
};

}  // namespace vigil::notify
