// The notification payloads field by field: Alertmanager API v2 batches,
// webhook v4 messages, Slack messages and PagerDuty events, plus the
// fingerprint and time formats they use (reference values computed with an
// independent implementation: Python's datetime and an FNV-1a loop).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "server/notify/alert_format.h"
#include "server/notify/payloads.h"
#include "tests/server/notify_test_util.h"

namespace vigil::notify {
namespace {

using nlohmann::json;
using testing::MakeAlert;

constexpr int64_t kT0 = 1764277205123;  // 2025-11-27T21:00:05.123Z

TEST(NotifyFormatTest, Fingerprints) {
  struct Case {
    Labels labels;
    std::string want;
  } cases[] = {
      {Labels(), "cbf29ce484222325"},
      {Labels::FromStrings({{"alertname", "HighLatency"}, {"job", "api"}, {"severity", "critical"}}), "8dd3b726a1f3a0fb"},
      {Labels::FromStrings({{"a", "\xC3\xBC"}}), "ffd1cb2f240bec9b"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.labels.ToString());
    EXPECT_EQ(FingerprintHex(LabelFingerprint(c.labels)), c.want);
  }
}

TEST(NotifyFormatTest, Times) {
  struct Case {
    int64_t ms;
    std::string millis, nano;
  } cases[] = {
      {kT0, "2025-11-27T21:00:05.123Z", "2025-11-27T21:00:05.123Z"},
      {1764277205120, "2025-11-27T21:00:05.120Z", "2025-11-27T21:00:05.12Z"},
      {1764277205000, "2025-11-27T21:00:05.000Z", "2025-11-27T21:00:05Z"},
      {-1, "1969-12-31T23:59:59.999Z", "1969-12-31T23:59:59.999Z"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.ms);
    EXPECT_EQ(FormatRfc3339Millis(c.ms), c.millis);
    EXPECT_EQ(FormatRfc3339Nano(c.ms), c.nano);
  }
}

TEST(NotifyPayloadTest, AlertmanagerBatch) {
  std::vector<rules::AlertNotice> alerts = {
      MakeAlert({{"alertname", "Down"}, {"job", "api"}}, {{"summary", "api is down"}}, kT0),
      MakeAlert({{"alertname", "Down"}, {"job", "web"}}, {}, kT0, /*resolved=*/true, kT0 + 60'000),
  };
  json got = json::parse(AlertmanagerBatchJson(alerts));
  ASSERT_TRUE(got.is_array());
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0], json({{"labels", {{"alertname", "Down"}, {"job", "api"}}},
                          {"annotations", {{"summary", "api is down"}}},
                          {"startsAt", "2025-11-27T21:00:05.123Z"},
                          {"endsAt", "2025-11-27T21:04:05.123Z"},
                          {"generatorURL", alerts[0].generator_url}}));
  EXPECT_EQ(got[1]["annotations"], json::object());
  EXPECT_EQ(got[1]["endsAt"], "2025-11-27T21:01:05.123Z");
}

TEST(NotifyPayloadTest, WebhookV4) {
  ReceiverConfig r;
  r.name = "team.hook";
  std::vector<rules::AlertNotice> alerts = {
      MakeAlert({{"alertname", "Down"}, {"job", "web"}, {"severity", "page"}}, {{"summary", "web down"}, {"runbook", "r1"}},
                kT0, /*resolved=*/true, kT0 + 60'000),
      MakeAlert({{"alertname", "Down"}, {"job", "api"}, {"severity", "page"}}, {{"summary", "api down"}, {"runbook", "r1"}},
                kT0),
  };
  json got = json::parse(WebhookMessageJson(r, "Down", alerts, PayloadContext{"http://vigil.example:9201"}));
  EXPECT_EQ(got["version"], "4");
  EXPECT_EQ(got["groupKey"], "{}:{alertname=\"Down\"}");
  EXPECT_EQ(got["truncatedAlerts"], 0);
  EXPECT_EQ(got["status"], "firing");
  EXPECT_EQ(got["receiver"], "team\\.hook");
  EXPECT_EQ(got["groupLabels"], json({{"alertname", "Down"}}));
  EXPECT_EQ(got["commonLabels"], json({{"alertname", "Down"}, {"severity", "page"}}));
  EXPECT_EQ(got["commonAnnotations"], json({{"runbook", "r1"}}));
  EXPECT_EQ(got["externalURL"], "http://vigil.example:9201");
  ASSERT_EQ(got["alerts"].size(), 2u);
  // Sorted by labels: job="api" first.
  const json& firing = got["alerts"][0];
  EXPECT_EQ(firing["status"], "firing");
  EXPECT_EQ(firing["labels"]["job"], "api");
  EXPECT_EQ(firing["annotations"], json({{"summary", "api down"}, {"runbook", "r1"}}));
  EXPECT_EQ(firing["startsAt"], "2025-11-27T21:00:05.123Z");
  EXPECT_EQ(firing["endsAt"], "0001-01-01T00:00:00Z");
  EXPECT_EQ(firing["generatorURL"], alerts[1].generator_url);
  EXPECT_EQ(firing["fingerprint"], FingerprintHex(LabelFingerprint(alerts[1].labels)));
  const json& resolved = got["alerts"][1];
  EXPECT_EQ(resolved["status"], "resolved");
  EXPECT_EQ(resolved["endsAt"], "2025-11-27T21:01:05.123Z");

  // All resolved → group resolved; max_alerts truncates and counts.
  alerts[1].resolved = true;
  r.max_alerts = 1;
  got = json::parse(WebhookMessageJson(r, "Down", alerts, PayloadContext{}));
  EXPECT_EQ(got["status"], "resolved");
  EXPECT_EQ(got["truncatedAlerts"], 1);
  EXPECT_EQ(got["alerts"].size(), 1u);
  EXPECT_EQ(got["externalURL"], "");
}

TEST(NotifyPayloadTest, Slack) {
  struct Case {
    std::string name;
    bool second_resolved;
    std::string title, color;
  } cases[] = {
      {"one firing", true, "[FIRING:1] Down (page)", "danger"},
      {"two firing", false, "[FIRING:2] Down (page)", "danger"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    ReceiverConfig r;
    r.name = "chat";
    r.type = ReceiverType::kSlack;
    r.channel = "#ops";
    std::vector<rules::AlertNotice> alerts = {
        MakeAlert({{"alertname", "Down"}, {"job", "api"}, {"severity", "page"}},
                  {{"summary", "api down"}, {"description", "no scrape for 5m"}}, kT0),
        MakeAlert({{"alertname", "Down"}, {"job", "web"}, {"severity", "page"}}, {}, kT0, c.second_resolved),
    };
    json got = json::parse(SlackMessageJson(r, "Down", alerts, PayloadContext{"http://vigil:9201"}));
    EXPECT_EQ(got["channel"], "#ops");
    EXPECT_FALSE(got.contains("username"));
    ASSERT_EQ(got["attachments"].size(), 1u);
    const json& a = got["attachments"][0];
    EXPECT_EQ(a["color"], c.color);
    EXPECT_EQ(a["title"], c.title);
    EXPECT_EQ(a["title_link"], "http://vigil:9201/alerts");
    EXPECT_EQ(a["fallback"], c.title + " | http://vigil:9201/alerts");
    std::string text = a["text"];
    EXPECT_NE(text.find("api down\nno scrape for 5m"), std::string::npos) << text;
    EXPECT_NE(text.find("job=\"web\""), std::string::npos) << text;  // no summary: the labels
  }
  // All resolved, and a configured title.
  ReceiverConfig r;
  r.type = ReceiverType::kSlack;
  std::vector<rules::AlertNotice> resolved = {MakeAlert({{"alertname", "Down"}}, {}, kT0, true)};
  json got = json::parse(SlackMessageJson(r, "Down", resolved, PayloadContext{}));
  EXPECT_EQ(got["attachments"][0]["color"], "good");
  EXPECT_EQ(got["attachments"][0]["title"], "[RESOLVED] Down");
  EXPECT_FALSE(got["attachments"][0].contains("title_link"));
  r.title = std::string(2000, 'x');
  got = json::parse(SlackMessageJson(r, "Down", resolved, PayloadContext{}));
  EXPECT_LE(got["attachments"][0]["title"].get<std::string>().size(), 1024u);
}

TEST(NotifyPayloadTest, PagerDutyTriggerAndResolve) {
  ReceiverConfig r;
  r.name = "pd";
  r.type = ReceiverType::kPagerDuty;
  r.routing_key = "0123456789abcdef0123456789abcdef";
  rules::AlertNotice a = MakeAlert({{"alertname", "Down"}, {"instance", "db1:9100"}, {"severity", "Critical"}},
                                   {{"summary", "db1 down"}}, kT0);
  json got = json::parse(PagerDutyEventJson(r, a, PayloadContext{"http://vigil:9201"}));
  EXPECT_EQ(got["routing_key"], r.routing_key);
  EXPECT_EQ(got["event_action"], "trigger");
  EXPECT_EQ(got["dedup_key"], FingerprintHex(LabelFingerprint(a.labels)));
  EXPECT_EQ(got["payload"]["summary"], "db1 down");
  EXPECT_EQ(got["payload"]["source"], "db1:9100");
  EXPECT_EQ(got["payload"]["severity"], "critical");
  EXPECT_EQ(got["payload"]["timestamp"], "2025-11-27T21:00:05.123Z");
  EXPECT_EQ(got["payload"]["custom_details"]["labels"]["instance"], "db1:9100");
  EXPECT_EQ(got["payload"]["custom_details"]["annotations"]["summary"], "db1 down");
  EXPECT_EQ(got["client_url"], "http://vigil:9201");

  a.resolved = true;
  got = json::parse(PagerDutyEventJson(r, a, PayloadContext{}));
  EXPECT_EQ(got, json({{"routing_key", r.routing_key},
                       {"event_action", "resolve"},
                       {"dedup_key", FingerprintHex(LabelFingerprint(a.labels))}}));

  // No summary annotation: alertname and labels, capped at 1024 bytes.
  rules::AlertNotice long_one = MakeAlert({{"alertname", "Big"}, {"x", std::string(3000, 'y')}}, {}, kT0);
  got = json::parse(PagerDutyEventJson(r, long_one, PayloadContext{}));
  std::string summary = got["payload"]["summary"];
  EXPECT_LE(summary.size(), 1024u);
  EXPECT_TRUE(summary.starts_with("Big {alertname=\"Big\", x=\"yyy")) << summary.substr(0, 40);
  EXPECT_EQ(got["payload"]["source"], "vigil");
  EXPECT_EQ(got["payload"]["severity"], "error");  // no severity label
}

TEST(NotifyPayloadTest, PagerDutySeverityMapping) {
  struct Case {
    std::string label, want;
  } cases[] = {{"critical", "critical"}, {"page", "critical"}, {"warning", "warning"}, {"WARN", "warning"},
               {"info", "info"},         {"error", "error"},   {"", "error"},           {"whatever", "error"}};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.label);
    EXPECT_EQ(PagerDutySeverity(c.label), c.want);
  }
}

}  // namespace
}  // namespace vigil::notify
