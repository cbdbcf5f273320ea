// Delivery: one HTTP message to one target (an Alertmanager or a direct
// receiver) with its retry state, and ClassifyAnswer, which says per target
// kind whether an answer is a success, worth retrying, or final.
// Plain value types and a pure function; thread-compatible.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "server/notify/http_client.h"
#include "server/notify/repeat_tracker.h"

namespace vigil::notify {

enum class TargetKind : unsigned char { kAlertmanager, kWebhook, kSlack, kPagerDuty };

struct Delivery {
  std::string target;  // "alertmanager <url>" or the receiver name: logs, metrics, serialization
  TargetKind kind = TargetKind::kAlertmanager;
  HttpPost post;
  size_t alert_count = 0;
  // The alerts carried. Direct receivers: reported back to the tracker;
  // Alertmanagers: to find queued retries a newer batch supersedes.
  std::vector<TrackedAlert> tracked;
  int64_t enqueued_ms = 0;
  int64_t next_attempt_ms = 0;
  int64_t backoff_ms = 0;  // wait before the next retry
  int attempts = 0;
};

enum class Outcome : unsigned char { kDelivered, kRetry, kFailed };

struct Verdict {
  Outcome outcome = Outcome::kFailed;
  std::string reason;  // for logs: never the URL or the body sent
};

// Alertmanager and webhook: 2xx ok; 5xx and transport errors retried; other
// codes final. Slack: 200 with body "ok" only; 5xx, 429 and transport
// errors retried; a 200 with another body is final (Slack would answer the
// same again). PagerDuty: 2xx (202) ok; 429, 5xx and transport errors
// retried; 400 and other 4xx final.
Verdict ClassifyAnswer(TargetKind kind, const HttpAnswer& answer);

}  // namespace vigil::notify
