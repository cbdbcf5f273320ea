// Shared payload helpers and the Alertmanager API v2 batch (what Prometheus's
// notifier posts: notifier/notifier.go, api/v2/openapi.yaml postableAlert).
#include "server/notify/payload_json.h"

#include <algorithm>

#include "server/notify/alert_format.h"
#include "server/notify/payloads.h"

namespace vigil::notify {

nlohmann::json LabelsJson(const Labels& labels) {
  nlohmann::json out = nlohmann::json::object();
  for (const LabelView& l : labels) out[std::string(l.name)] = std::string(l.value);
  return out;
}

nlohmann::json CommonJson(const std::vector<const Labels*>& sets) {
  nlohmann::json out = nlohmann::json::object();
  if (sets.empty()) return out;
  for (const LabelView& l : *sets.front()) {
    bool everywhere = std::all_of(sets.begin() + 1, sets.end(),
                                  [&](const Labels* s) { return s->Get(l.name) == l.value; });
    if (everywhere) out[std::string(l.name)] = std::string(l.value);
  }
  return out;
}

std::vector<rules::AlertNotice> SortedByLabels(std::vector<rules::AlertNotice> alerts) {
  std::stable_sort(alerts.begin(), alerts.end(),
                   [](const rules::AlertNotice& a, const rules::AlertNotice& b) { return a.labels < b.labels; });
  return alerts;
}

std::string TruncateUtf8(std::string s, size_t max_bytes) {
  if (s.size() <= max_bytes) return s;
  size_t cut = max_bytes - 3;  // room for "…" (3 bytes)
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  s.resize(cut);
  return s + "\xE2\x80\xA6";
}

std::string AlertmanagerBatchJson(const std::vector<rules::AlertNotice>& alerts) {
  nlohmann::json batch = nlohmann::json::array();
  for (const rules::AlertNotice& a : alerts) {
    nlohmann::json j = {{"labels", LabelsJson(a.labels)}, {"annotations", LabelsJson(a.annotations)}};
    if (a.starts_at_ms != 0) j["startsAt"] = FormatRfc3339Millis(a.starts_at_ms);
    if (a.ends_at_ms != 0) j["endsAt"] = FormatRfc3339Millis(a.ends_at_ms);
    if (!a.generator_url.empty()) j["generatorURL"] = a.generator_url;
    batch.push_back(std::move(j));
  }
  // Label values are valid UTF-8 (Labels guarantees it); replace anything
  // else rather than throw.
  return batch.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace vigil::notify
