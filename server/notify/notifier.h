// Notifier: delivers the alerts rule groups hand over (rules::AlertSink) to
// every configured Alertmanager (API v2, Prometheus's batching and resend
// semantics) and to the direct receivers (Slack, PagerDuty Events v2,
// Alertmanager-format webhooks) routed by labels, with a per-alert repeat
// interval. A bounded queue feeds background sender threads that retry
// with exponential backoff; Send() never blocks evaluation. Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/base/labels.h"
#include "server/notify/notify_config.h"
#include "server/rules/alert.h"

namespace vigil::server {
class MetricsRegistry;
}

namespace vigil::notify {

struct NotifierOptions {
  Labels external_labels;    // added to every alert unless already set
  std::string external_url;  // webhook "externalURL", Slack links
  std::string user_agent = "vigil/0.1.0";
  // Test hook: the clock (ms since the epoch) used for backoff, repeat
  // intervals and the webhook/Slack times. Default: the system clock.
  std::function<int64_t()> now_ms;
};

class Notifier final : public rules::AlertSink {
 public:
  // `metrics` may be null; else vigil_notifications_* are registered there.
  Notifier(AlertingConfig config, NotifierOptions options, server::MetricsRegistry* metrics);
  // Stop(true).
  ~Notifier() override;

  // Starts the sender threads.
  void Start();
  // Stops the senders; with `drain`, first tries for at most `drain_ms` to
  // deliver what is queued.
  void Stop(bool drain = true, int64_t drain_ms = 5'000);

  void Send(int64_t eval_time_ms, std::vector<rules::AlertNotice> alerts) override;

  // Replaces the targets on reload; per-alert repeat state is kept for
  // receivers whose name is unchanged.
  void Reconfigure(AlertingConfig config);

  // Test/inspection: alerts queued for delivery or retry (summed over the
  // queued messages; a message being sent is not counted).
  size_t QueueLength() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigil::notify
