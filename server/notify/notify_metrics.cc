#include "server/notify/notify_metrics.h"

#include "server/self_metrics.h"

namespace vigil::notify {

NotifyMetrics::NotifyMetrics(server::MetricsRegistry* registry) : registry_(registry) {
  if (registry_ == nullptr) return;
  dropped_ = registry_->GetCounter("vigil_notifications_dropped_total",
                                   "Alerts dropped: queue overflow, final errors or retries given up.");
  queue_length_ = registry_->GetGauge("vigil_notifications_queue_length", "Alerts queued for delivery.");
}

void NotifyMetrics::Sent(const std::string& receiver, size_t alerts) {
  if (registry_ == nullptr) return;
  registry_->GetCounter("vigil_notifications_sent_total", "Alerts delivered, per receiver.", {{"receiver", receiver}})
      ->Inc(static_cast<double>(alerts));
}

void NotifyMetrics::Errors(const std::string& receiver, size_t alerts) {
  if (registry_ == nullptr) return;
  registry_->GetCounter("vigil_notifications_errors_total", "Alerts in failed delivery attempts, per receiver.",
                        {{"receiver", receiver}})
      ->Inc(static_cast<double>(alerts));
}

void NotifyMetrics::Dropped(size_t alerts) {
  if (dropped_ != nullptr) dropped_->Inc(static_cast<double>(alerts));
}

void NotifyMetrics::QueueLength(size_t alerts) {
  if (queue_length_ != nullptr) queue_length_->Set(static_cast<double>(alerts));
}

void NotifyMetrics::Latency(const std::string& receiver, double seconds) {
  if (registry_ == nullptr) return;
  registry_->GetHistogram("vigil_notifications_latency_seconds", "Duration of delivery attempts, per receiver.",
                          server::MetricsRegistry::DefaultLatencyBuckets(), {{"receiver", receiver}})
      ->Observe(seconds);
}

}  // namespace vigil::notify
