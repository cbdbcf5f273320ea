// The `alerting:` section of vigil's config file: Alertmanagers in
// Prometheus's own shape, plus vigil's direct receivers (Slack, PagerDuty,
// webhook) with label routing and a repeat interval. Plain values; parsed by
// server/notify/notify_config.cc (called from server/config.cc). Secret
// fields are never logged or shown in the API (status/config prints
// "<secret>").
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "engine/base/status.h"

namespace YAML {
class Node;
}

namespace vigil::notify {

// alerting.alertmanagers[]: Prometheus's alertmanager_config subset.
//   - static_configs: [{targets: ["host:port", ...]}]
//     scheme: http            # default http
//     path_prefix: /          # default ""
//     timeout: 10s            # default 10s
//     api_version: v2         # only v2
struct AlertmanagerTarget {
  std::string url;  // scheme://target<path_prefix>/api/v2/alerts, one per target
  int64_t timeout_ms = 10'000;
};

enum class ReceiverType : unsigned char { kSlack, kPagerDuty, kWebhook };

// alerting.receivers[]: vigil's direct notifiers.
//   - name: oncall                  # unique, required
//     type: slack | pagerduty | webhook
//     url: https://...              # secret for slack/webhook; PagerDuty defaults
//                                   # to https://events.pagerduty.com/v2/enqueue
//     routing_key: ...              # pagerduty only, required, secret
//     match: {severity: critical}   # all must equal; empty = every alert
//     match_re: {service: "api|web"}  # anchored RE2
//     repeat_interval: 4h           # re-notify a still-firing alert after this
//     send_resolved: true
//     timeout: 10s
//     max_alerts: 0                 # webhook: cap per message (0 = none)
//     channel/username/icon_emoji/icon_url: ...   # slack only, optional
//     title/text: <text>            # slack only, optional, used verbatim
//     severity: critical            # pagerduty only, optional: fixed severity; default: the
//                                   # alert's severity label mapped (docs/NOTIFICATIONS.md), else error
struct ReceiverConfig {
  std::string name;
  ReceiverType type = ReceiverType::kWebhook;
  std::string url;          // secret
  std::string routing_key;  // secret
  std::vector<std::pair<std::string, std::string>> match;
  std::vector<std::pair<std::string, std::string>> match_re;
  int64_t repeat_interval_ms = 4LL * 3600 * 1000;
  bool send_resolved = true;
  int64_t timeout_ms = 10'000;
  int64_t max_alerts = 0;
  std::string channel, username, icon_emoji, icon_url, title, text;  // slack
  std::string severity;                                              // pagerduty
};

struct AlertingConfig {
  std::vector<AlertmanagerTarget> alertmanagers;
  std::vector<ReceiverConfig> receivers;
  // alerting.queue_capacity: alerts waiting for delivery, oldest dropped.
  int64_t queue_capacity = 10'000;
  // alerting.retry: failed deliveries are retried with exponential backoff
  // from initial_backoff, doubling to max_backoff, given up after max_age.
  int64_t retry_initial_backoff_ms = 500;
  int64_t retry_max_backoff_ms = 30'000;
  int64_t retry_max_age_ms = 10 * 60'000;
  int64_t batch_size = 256;  // Alertmanager batch (--alertmanager.notification-batch-size)
};

// Parses `node` (the `alerting` mapping; null = defaults) into *out.
// InvalidArgument "<file>:<line>: alerting.<key path>: <problem>" for
// unknown or duplicate keys, wrong types, bad URLs/durations/regexes, a
// missing routing_key, duplicate receiver names.
Status ParseAlertingConfig(const YAML::Node& node, const std::string& file, AlertingConfig* out);

}  // namespace vigil::notify
