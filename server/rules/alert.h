// One alert of an alerting rule and its state (Prometheus rules/alerting.go
// Alert), plus what is handed to notifiers. Plain value types.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/base/labels.h"

namespace vigil::rules {

enum class AlertState : unsigned char { kInactive, kPending, kFiring };
// "inactive", "pending", "firing".
const char* AlertStateName(AlertState s);

// Times are Unix milliseconds; 0 = not set.
struct Alert {
  Labels labels;       // sample labels - __name__ + rule labels + alertname
  Labels annotations;  // expanded templates (Labels used as a sorted map)
  AlertState state = AlertState::kInactive;
  double value = 0;
  int64_t active_at_ms = 0;
  int64_t fired_at_ms = 0;
  int64_t resolved_at_ms = 0;
  int64_t last_sent_at_ms = 0;
  int64_t valid_until_ms = 0;
  int64_t keep_firing_since_ms = 0;
};

// What a rule group hands to notifiers for one alert (Prometheus
// notifier.Alert as rules/manager.go SendAlerts builds it).
struct AlertNotice {
  Labels labels;                   // without external labels (notifiers add them)
  Labels annotations;
  int64_t starts_at_ms = 0;        // FiredAt
  int64_t ends_at_ms = 0;          // ResolvedAt if resolved, else ValidUntil
  bool resolved = false;           // ResolvedAt set
  std::string generator_url;       // <external URL>/graph?g0.expr=<escaped expr>&g0.tab=1
  double value = 0;
};

// Receives the alerts of one group evaluation that need sending (already
// filtered by Prometheus's needsSending and re-send delay). Implementations
// must not block: evaluation calls it inline. Thread-safe.
class AlertSink {
 public:
  virtual ~AlertSink() = default;
  // `eval_time_ms` is the evaluation timestamp; `alerts` may be empty.
  virtual void Send(int64_t eval_time_ms, std::vector<AlertNotice> alerts) = 0;
};

}  // namespace vigil::rules
