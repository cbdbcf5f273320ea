// The `alerting:` section and global.rule_query_offset through
// LoadConfigFile: a full valid file, defaults, and the error for every key
// (with its file:line and key path, never a secret value).
#include <gtest/gtest.h>

#include <fstream>

#include "server/config.h"
#include "tests/testutil/testutil.h"

namespace vigil::server {
namespace {

class ConfigAlertingTest : public ::testing::Test {
 protected:
  Status Load(const std::string& text, ServerConfig* c) {
    std::string path = dir_.Sub("vigil.yml");
    std::ofstream(path) << text;
    return LoadConfigFile(path, c);
  }
  // The message without the "<dir>/vigil.yml" prefix.
  std::string Error(const std::string& text) {
    ServerConfig c;
    Status st = Load(text, &c);
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << st.ToString();
    std::string prefix = dir_.Sub("vigil.yml");
    std::string m = st.message();
    return m.starts_with(prefix) ? m.substr(prefix.size()) : m;
  }
  testutil::TempDir dir_;
};

TEST_F(ConfigAlertingTest, FullSection) {
  ServerConfig c;
  ASSERT_OK(Load(R"(
global:
  rule_query_offset: 30s
alerting:
  alertmanagers:
    - static_configs:
        - targets: ["am1:9093", "am2:9093"]
      path_prefix: /am/
      timeout: 5s
      api_version: v2
    - scheme: https
      static_configs: [{targets: ["am3.example:443"]}]
  queue_capacity: 500
  batch_size: 64
  retry: {initial_backoff: 1s, max_backoff: 1m, max_age: 30m}
  receivers:
    - name: oncall
      type: pagerduty
      routing_key: R0UT1NGKEY
      match: {severity: critical}
      repeat_interval: 1h
      severity: warning
    - name: chat
      type: slack
      url: https://hooks.slack.com/services/T/B/XYZ
      channel: "#ops"
      username: vigil
      icon_emoji: ":fire:"
      title: Alerts
      send_resolved: false
    - name: hook
      type: webhook
      url: http://hooks.internal/alert
      match_re: {service: "api|web"}
      max_alerts: 10
      timeout: 3s
)",
                 &c));
  EXPECT_EQ(c.rule_query_offset_ms, 30'000);
  const notify::AlertingConfig& a = c.alerting;
  ASSERT_EQ(a.alertmanagers.size(), 3u);
  EXPECT_EQ(a.alertmanagers[0].url, "http://am1:9093/am/api/v2/alerts");
  EXPECT_EQ(a.alertmanagers[1].url, "http://am2:9093/am/api/v2/alerts");
  EXPECT_EQ(a.alertmanagers[0].timeout_ms, 5'000);
  EXPECT_EQ(a.alertmanagers[2].url, "https://am3.example:443/api/v2/alerts");
  EXPECT_EQ(a.alertmanagers[2].timeout_ms, 10'000);
  EXPECT_EQ(a.queue_capacity, 500);
  EXPECT_EQ(a.batch_size, 64);
  EXPECT_EQ(a.retry_initial_backoff_ms, 1'000);
  EXPECT_EQ(a.retry_max_backoff_ms, 60'000);
  EXPECT_EQ(a.retry_max_age_ms, 1'800'000);
  ASSERT_EQ(a.receivers.size(), 3u);
  const notify::ReceiverConfig& pd = a.receivers[0];
  EXPECT_EQ(pd.type, notify::ReceiverType::kPagerDuty);
  EXPECT_EQ(pd.url, "https://events.pagerduty.com/v2/enqueue");
  EXPECT_EQ(pd.routing_key, "R0UT1NGKEY");
  EXPECT_EQ(pd.match, (std::vector<std::pair<std::string, std::string>>{{"severity", "critical"}}));
  EXPECT_EQ(pd.repeat_interval_ms, 3'600'000);
  EXPECT_EQ(pd.severity, "warning");
  EXPECT_TRUE(pd.send_resolved);
  const notify::ReceiverConfig& slack = a.receivers[1];
  EXPECT_EQ(slack.type, notify::ReceiverType::kSlack);
  EXPECT_EQ(slack.channel, "#ops");
  EXPECT_EQ(slack.username, "vigil");
  EXPECT_EQ(slack.icon_emoji, ":fire:");
  EXPECT_EQ(slack.title, "Alerts");
  EXPECT_FALSE(slack.send_resolved);
  EXPECT_EQ(slack.repeat_interval_ms, 4 * 3'600'000);
  const notify::ReceiverConfig& hook = a.receivers[2];
  EXPECT_EQ(hook.match_re, (std::vector<std::pair<std::string, std::string>>{{"service", "api|web"}}));
  EXPECT_EQ(hook.max_alerts, 10);
  EXPECT_EQ(hook.timeout_ms, 3'000);

  // Reloading a file without the section resets it to the defaults.
  ASSERT_OK(Load("global: {evaluation_interval: 10s}\n", &c));
  EXPECT_TRUE(c.alerting.alertmanagers.empty());
  EXPECT_TRUE(c.alerting.receivers.empty());
  EXPECT_EQ(c.alerting.queue_capacity, 10'000);
  EXPECT_EQ(c.rule_query_offset_ms, 0);
}

TEST_F(ConfigAlertingTest, EmptySectionIsDefaults) {
  for (const char* text : {"alerting:\n", "alerting: {}\n", "alerting: {alertmanagers: [], receivers: []}\n"}) {
    SCOPED_TRACE(text);
    ServerConfig c;
    ASSERT_OK(Load(text, &c));
    EXPECT_EQ(c.alerting.batch_size, 256);
    EXPECT_EQ(c.alerting.retry_initial_backoff_ms, 500);
  }
}

TEST_F(ConfigAlertingTest, Errors) {
  const std::string hook = "alerting:\n  receivers:\n    - name: h\n      type: webhook\n      url: http://x/y\n";
  struct Case {
    std::string text, want;
  } cases[] = {
      {"global: {rule_query_offset: -1s}\n", ":1: global.rule_query_offset: not a valid duration string: \"-1s\""},
      {"alerting: []\n", ":1: alerting: must be a mapping"},
      {"alerting: {foo: 1}\n", ":1: alerting.foo: unknown key"},
      {"alerting: {queue_capacity: 0}\n", ":1: alerting.queue_capacity: must be at least 1"},
      {"alerting: {queue_capacity: many}\n", ":1: alerting.queue_capacity: must be an integer, got \"many\""},
      {"alerting: {batch_size: -3}\n", ":1: alerting.batch_size: must be at least 1"},
      {"alerting:\n  queue_capacity: 100\n", ":2: alerting.batch_size: must not exceed queue_capacity (100)"},
      {"alerting:\n  batch_size: 300\n  queue_capacity: 200\n",
       ":2: alerting.batch_size: must not exceed queue_capacity (200)"},
      {"alerting: {retry: 5}\n", ":1: alerting.retry: must be a mapping"},
      {"alerting: {retry: {initial_backoff: soon}}\n",
       ":1: alerting.retry.initial_backoff: not a valid duration string: \"soon\""},
      {"alerting: {retry: {max_backoff: 0s}}\n", ":1: alerting.retry.max_backoff: must be greater than 0"},
      {"alerting: {retry: {max_age: 1x}}\n", ":1: alerting.retry.max_age: unknown unit \"x\" in duration \"1x\""},
      {"alerting: {retry: {initial_backoff: 1m, max_backoff: 1s}}\n",
       ":1: alerting.retry.max_backoff: must not be smaller than initial_backoff"},
      {"alerting: {retry: {jitter: 1}}\n", ":1: alerting.retry.jitter: unknown key"},
      {"alerting: {alertmanagers: {}}\n", ":1: alerting.alertmanagers: must be a list"},
      {"alerting: {alertmanagers: [5]}\n", ":1: alerting.alertmanagers[0]: must be a mapping"},
      {"alerting: {alertmanagers: [{relabel: 1}]}\n", ":1: alerting.alertmanagers[0].relabel: unknown key"},
      {"alerting: {alertmanagers: [{scheme: ftp}]}\n", ":1: alerting.alertmanagers[0].scheme: must be http or https"},
      {"alerting: {alertmanagers: [{timeout: 0s}]}\n", ":1: alerting.alertmanagers[0].timeout: must be greater than 0"},
      {"alerting: {alertmanagers: [{api_version: v1}]}\n",
       ":1: alerting.alertmanagers[0].api_version: only v2 is supported, got \"v1\""},
      {"alerting: {alertmanagers: [{path_prefix: [a]}]}\n", ":1: alerting.alertmanagers[0].path_prefix: must be a string"},
      {"alerting: {alertmanagers: [{static_configs: {}}]}\n",
       ":1: alerting.alertmanagers[0].static_configs: must be a list"},
      {"alerting: {alertmanagers: [{static_configs: [{targets: [a], labels: {}}]}]}\n",
       ":1: alerting.alertmanagers[0].static_configs[0].labels: unknown key"},
      {"alerting: {alertmanagers: [{static_configs: [{targets: x}]}]}\n",
       ":1: alerting.alertmanagers[0].static_configs[0].targets: must be a list of host:port"},
      {"alerting: {alertmanagers: [{static_configs: [{targets: [\"http://a:1\"]}]}]}\n",
       ":1: alerting.alertmanagers[0].static_configs[0].targets[0]: must be host:port without scheme or path, got "
       "\"http://a:1\""},
      {"alerting: {receivers: {}}\n", ":1: alerting.receivers: must be a list"},
      {"alerting: {receivers: [x]}\n", ":1: alerting.receivers[0]: must be a mapping"},
      {"alerting: {receivers: [{name: a, url: 'http://x'}]}\n",
       ":1: alerting.receivers[0].type: required (slack, pagerduty or webhook)"},
      {"alerting: {receivers: [{name: a, type: email}]}\n",
       ":1: alerting.receivers[0].type: must be slack, pagerduty or webhook, got \"email\""},
      {"alerting: {receivers: [{type: webhook, url: 'http://x'}]}\n", ":1: alerting.receivers[0].name: required"},
      {"alerting: {receivers: [{name: '', type: webhook, url: 'http://x'}]}\n",
       ":1: alerting.receivers[0].name: must not be empty"},
      {"alerting: {receivers: [{name: a, type: webhook}]}\n", ":1: alerting.receivers[0].url: required for type webhook"},
      {"alerting: {receivers: [{name: a, type: slack}]}\n", ":1: alerting.receivers[0].url: required for type slack"},
      {"alerting: {receivers: [{name: a, type: pagerduty}]}\n",
       ":1: alerting.receivers[0].routing_key: required for type pagerduty"},
      {"alerting: {receivers: [{name: a, type: pagerduty, routing_key: ''}]}\n",
       ":1: alerting.receivers[0].routing_key: must be a non-empty string"},
      {"alerting: {receivers: [{name: a, type: webhook, url: 'ftp://h/SECRET'}]}\n",
       ":1: alerting.receivers[0].url: must be an http:// or https:// URL with a host (value hidden: secret)"},
      {"alerting: {receivers: [{name: a, type: webhook, url: 'http://x', routing_key: k}]}\n",
       ":1: alerting.receivers[0].routing_key: only for type pagerduty"},
      {"alerting: {receivers: [{name: a, type: webhook, url: 'http://x', channel: c}]}\n",
       ":1: alerting.receivers[0].channel: only for type slack"},
      {"alerting: {receivers: [{name: a, type: slack, url: 'http://x', max_alerts: 1}]}\n",
       ":1: alerting.receivers[0].max_alerts: only for type webhook"},
      {"alerting: {receivers: [{name: a, type: pagerduty, routing_key: k, severity: high}]}\n",
       ":1: alerting.receivers[0].severity: must be critical, error, warning or info, got \"high\""},
      {"alerting: {receivers: [{name: a, type: webhook, url: 'http://x', bogus: 1}]}\n",
       ":1: alerting.receivers[0].bogus: unknown key"},
      {hook + "      match: [a]\n", ":6: alerting.receivers[0].match: must be a mapping of label names to values"},
      {hook + "      match: {1a: x}\n", ":6: alerting.receivers[0].match.1a: invalid label name"},
      {hook + "      match: {a: [x]}\n", ":6: alerting.receivers[0].match.a: must be a string"},
      {hook + "      match_re: {a: '(('}\n",
       ":6: alerting.receivers[0].match_re.a: invalid regular expression: missing ): (("},
      {hook + "      repeat_interval: 0s\n", ":6: alerting.receivers[0].repeat_interval: must be greater than 0"},
      {hook + "      send_resolved: maybe\n", ":6: alerting.receivers[0].send_resolved: must be true or false"},
      {hook + "      timeout: forever\n",
       ":6: alerting.receivers[0].timeout: not a valid duration string: \"forever\""},
      {hook + "      max_alerts: -1\n", ":6: alerting.receivers[0].max_alerts: must be at least 0"},
      {hook + "    - name: h\n      type: webhook\n      url: http://x/z\n",
       ":6: alerting.receivers[1].name: duplicate receiver name \"h\""},
      {hook + "      url: http://x/again\n", ":6: alerting.receivers[0].url: duplicate key (first at line 5)"},
      {"alerting: {receivers: [{name: a, type: slack, url: 'http://x', icon_url: 'nope'}]}\n",
       ":1: alerting.receivers[0].icon_url: must be an http:// or https:// URL with a host, got \"nope\""},
      {"alerting: {receivers: [{name: a, type: slack, url: 'http://x', title: [t]}]}\n",
       ":1: alerting.receivers[0].title: must be a string"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    EXPECT_EQ(Error(c.text), c.want);
  }
}

}  // namespace
}  // namespace vigil::server
