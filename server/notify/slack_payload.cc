// Slack incoming-webhook message shaped like Alertmanager's (notify/slack
// slack.go with the default templates): one attachment, color danger while
// anything fires and good once all resolved, title "[FIRING:N] alertname
// (common label values)", text listing each alert's summary and description.
#include <string>

#include "server/notify/payload_json.h"
#include "server/notify/payloads.h"

namespace vigil::notify {

namespace {

constexpr size_t kMaxTitleBytes = 1024;

std::string DefaultTitle(const std::string& alertname, const std::vector<rules::AlertNotice>& alerts) {
  size_t firing = 0;
  std::vector<const Labels*> labels;
  for (const rules::AlertNotice& a : alerts) {
    firing += a.resolved ? 0 : 1;
    labels.push_back(&a.labels);
  }
  std::string title = firing > 0 ? "[FIRING:" + std::to_string(firing) + "] " : "[RESOLVED] ";
  title += alertname;
  std::string extra;
  const nlohmann::json common = CommonJson(labels);
  for (const auto& [name, value] : common.items()) {
    if (name == "alertname") continue;
    if (!extra.empty()) extra += ' ';
    extra += value.get<std::string>();
  }
  if (!extra.empty()) title += " (" + extra + ")";
  return title;
}

std::string DefaultText(const std::vector<rules::AlertNotice>& alerts) {
  std::string text;
  for (const rules::AlertNotice& a : alerts) {
    std::string_view summary = a.annotations.Get("summary");
    std::string_view description = a.annotations.Get("description");
    if (!text.empty()) text += '\n';
    text += a.resolved ? "*Resolved:* " : "*Alert:* ";
    text += summary.empty() ? a.labels.ToString() : std::string(summary);
    if (!description.empty()) {
      text += "\n";
      text += description;
    }
  }
  return text;
}

}  // namespace

std::string SlackMessageJson(const ReceiverConfig& receiver, const std::string& alertname,
                             const std::vector<rules::AlertNotice>& alerts_in, const PayloadContext& ctx) {
  std::vector<rules::AlertNotice> alerts = SortedByLabels(alerts_in);
  bool any_firing = false;
  for (const rules::AlertNotice& a : alerts) any_firing |= !a.resolved;

  std::string title = TruncateUtf8(receiver.title.empty() ? DefaultTitle(alertname, alerts) : receiver.title,
                               kMaxTitleBytes);
  std::string title_link = ctx.external_url.empty() ? "" : ctx.external_url + "/alerts";
  nlohmann::json attachment = {
      {"color", any_firing ? "danger" : "good"},
      {"title", title},
      {"text", receiver.text.empty() ? DefaultText(alerts) : receiver.text},
      {"fallback", title_link.empty() ? title : title + " | " + title_link},
      {"mrkdwn_in", {"fallback", "pretext", "text"}},
  };
  if (!title_link.empty()) attachment["title_link"] = title_link;

  nlohmann::json msg = {{"attachments", nlohmann::json::array({std::move(attachment)})}};
  if (!receiver.channel.empty()) msg["channel"] = receiver.channel;
  if (!receiver.username.empty()) msg["username"] = receiver.username;
  if (!receiver.icon_emoji.empty()) msg["icon_emoji"] = receiver.icon_emoji;
  if (!receiver.icon_url.empty()) msg["icon_url"] = receiver.icon_url;
  return msg.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace vigil::notify
