// The JSON bodies vigil posts: Alertmanager API v2 batches, Alertmanager
// webhook format v4 messages, Slack incoming-webhook messages and PagerDuty
// Events API v2 events (docs/NOTIFICATIONS.md shows each). Alerts given
// here already carry the external labels. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "server/notify/notify_config.h"
#include "server/rules/alert.h"

namespace vigil::notify {

// What the receiver payloads need besides the alerts.
struct PayloadContext {
  std::string external_url;  // webhook externalURL, Slack title link, PagerDuty client_url
};

// POST <am>/api/v2/alerts body: [{labels, annotations, startsAt, endsAt,
// generatorURL}], times with milliseconds.
std::string AlertmanagerBatchJson(const std::vector<rules::AlertNotice>& alerts);

// One Alertmanager-format (version 4) webhook message for a group of alerts
// sharing `alertname` (groupLabels = {alertname}); at most
// receiver.max_alerts alerts (0 = all), the rest counted in truncatedAlerts.
std::string WebhookMessageJson(const ReceiverConfig& receiver, const std::string& alertname,
                               const std::vector<rules::AlertNotice>& alerts, const PayloadContext& ctx);

// One Slack message (one attachment) for alerts sharing `alertname`.
std::string SlackMessageJson(const ReceiverConfig& receiver, const std::string& alertname,
                             const std::vector<rules::AlertNotice>& alerts, const PayloadContext& ctx);

// One PagerDuty event for one alert: "trigger" while firing, "resolve" once
// resolved; dedup_key = the alert's label fingerprint.
std::string PagerDutyEventJson(const ReceiverConfig& receiver, const rules::AlertNotice& alert,
                               const PayloadContext& ctx);

// The severity label value mapped onto PagerDuty's four levels
// (critical|error|warning|info); unknown or empty → "error".
std::string PagerDutySeverity(std::string_view label_value);

}  // namespace vigil::notify
