// yaml-cpp's Emitter reports errors through good()/GetLastError(), it does
// not throw; the try block is only a guard for allocation failures.
#include "server/notify/redacted_config.h"

#include <yaml-cpp/yaml.h>

#include "query/duration.h"

namespace vigil::notify {

namespace {

const char* TypeName(ReceiverType t) {
  switch (t) {
    case ReceiverType::kSlack: return "slack";
    case ReceiverType::kPagerDuty: return "pagerduty";
    case ReceiverType::kWebhook: return "webhook";
  }
  return "webhook";
}

void EmitMatchers(YAML::Emitter& out, const char* key, const std::vector<std::pair<std::string, std::string>>& m) {
  if (m.empty()) return;
  out << YAML::Key << key << YAML::Value << YAML::BeginMap;
  for (const auto& [name, value] : m) out << YAML::Key << name << YAML::Value << value;
  out << YAML::EndMap;
}

void EmitIfSet(YAML::Emitter& out, const char* key, const std::string& value) {
  if (!value.empty()) out << YAML::Key << key << YAML::Value << value;
}

void EmitReceiver(YAML::Emitter& out, const ReceiverConfig& r) {
  out << YAML::BeginMap;
  out << YAML::Key << "name" << YAML::Value << r.name;
  out << YAML::Key << "type" << YAML::Value << TypeName(r.type);
  // PagerDuty's URL is a public endpoint; the others carry their token.
  out << YAML::Key << "url" << YAML::Value << (r.type == ReceiverType::kPagerDuty ? r.url : kSecretPlaceholder);
  if (r.type == ReceiverType::kPagerDuty) out << YAML::Key << "routing_key" << YAML::Value << kSecretPlaceholder;
  EmitMatchers(out, "match", r.match);
  EmitMatchers(out, "match_re", r.match_re);
  out << YAML::Key << "repeat_interval" << YAML::Value << query::FormatDuration(r.repeat_interval_ms);
  out << YAML::Key << "send_resolved" << YAML::Value << r.send_resolved;
  out << YAML::Key << "timeout" << YAML::Value << query::FormatDuration(r.timeout_ms);
  if (r.type == ReceiverType::kWebhook) out << YAML::Key << "max_alerts" << YAML::Value << r.max_alerts;
  EmitIfSet(out, "channel", r.channel);
  EmitIfSet(out, "username", r.username);
  EmitIfSet(out, "icon_emoji", r.icon_emoji);
  EmitIfSet(out, "icon_url", r.icon_url);
  EmitIfSet(out, "title", r.title);
  EmitIfSet(out, "text", r.text);
  EmitIfSet(out, "severity", r.severity);
  out << YAML::EndMap;
}

}  // namespace

std::string RenderAlertingConfigRedacted(const AlertingConfig& c) {
  try {
    YAML::Emitter out;
    out << YAML::BeginMap;
    out << YAML::Key << "alertmanagers" << YAML::Value << YAML::BeginSeq;
    for (const AlertmanagerTarget& am : c.alertmanagers) {
      out << YAML::BeginMap << YAML::Key << "url" << YAML::Value << am.url << YAML::Key << "timeout" << YAML::Value
          << query::FormatDuration(am.timeout_ms) << YAML::EndMap;
    }
    out << YAML::EndSeq;
    out << YAML::Key << "receivers" << YAML::Value << YAML::BeginSeq;
    for (const ReceiverConfig& r : c.receivers) EmitReceiver(out, r);
    out << YAML::EndSeq;
    out << YAML::Key << "queue_capacity" << YAML::Value << c.queue_capacity;
    out << YAML::Key << "batch_size" << YAML::Value << c.batch_size;
    out << YAML::Key << "retry" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "initial_backoff" << YAML::Value << query::FormatDuration(c.retry_initial_backoff_ms);
    out << YAML::Key << "max_backoff" << YAML::Value << query::FormatDuration(c.retry_max_backoff_ms);
    out << YAML::Key << "max_age" << YAML::Value << query::FormatDuration(c.retry_max_age_ms);
    out << YAML::EndMap << YAML::EndMap;
    return out.good() ? std::string(out.c_str()) : std::string("# cannot render: ") + out.GetLastError();
  } catch (const std::exception& e) {
    return std::string("# cannot render: ") + e.what();
  }
}

}  // namespace vigil::notify
