// Notifier end to end over loopback HTTP: Alertmanager batches to every
// Alertmanager, routing by labels, the repeat interval (fake clock), retries
// with backoff and what is not retried, a receiver that never answers, queue
// overflow, draining on Stop and keeping repeat state across Reconfigure.
#include "server/notify/notifier.h"

#include <gtest/gtest.h>

#include <thread>

#include "server/notify/alert_format.h"
#include "server/self_metrics.h"
#include "tests/server/notify_test_util.h"

namespace vigil::notify {
namespace {

using namespace std::chrono_literals;
using testing::Answer;
using testing::FakeClock;
using testing::MakeAlert;
using testing::RecordingReceiver;
using testing::SilentListener;

constexpr int64_t kT0 = 1764277205123;

ReceiverConfig Receiver(const std::string& name, ReceiverType type, const std::string& url) {
  ReceiverConfig r;
  r.name = name;
  r.type = type;
  r.url = url;
  if (type == ReceiverType::kPagerDuty) r.routing_key = "0123456789abcdef0123456789abcdef";
  r.timeout_ms = 5'000;
  return r;
}

AlertingConfig FastRetries(AlertingConfig c) {
  c.retry_initial_backoff_ms = 50;
  c.retry_max_backoff_ms = 400;
  c.retry_max_age_ms = 60'000;
  return c;
}

double CounterValue(server::MetricsRegistry& reg, const std::string& name, const server::MetricLabels& labels) {
  return reg.GetCounter(name, "", labels)->value();
}

// Waits (bounded) until the notifier has recorded `n` delivered alerts for
// `receiver`: the receiver seeing a request comes slightly earlier.
bool WaitForSent(server::MetricsRegistry& reg, const std::string& receiver, double n) {
  for (int i = 0; i < 500; ++i) {
    if (CounterValue(reg, "vigil_notifications_sent_total", {{"receiver", receiver}}) >= n) return true;
    std::this_thread::sleep_for(10ms);
  }
  return false;
}

TEST(NotifyDeliveryTest, AlertmanagerBatchesToEveryAlertmanager) {
  RecordingReceiver am1([](size_t) { return Answer(200, ""); });
  RecordingReceiver am2([](size_t) { return Answer(200, ""); });
  AlertingConfig c;
  c.alertmanagers = {{"http://" + am1.HostPort() + "/prefix/api/v2/alerts", 5'000},
                     {"http://" + am2.HostPort() + "/api/v2/alerts", 5'000}};
  c.batch_size = 2;
  NotifierOptions o;
  o.external_labels = Labels::FromStrings({{"cluster", "eu-1"}, {"job", "ignored"}});
  o.user_agent = "vigil/test";
  server::MetricsRegistry reg;
  Notifier n(c, o, &reg);
  n.Start();
  n.Send(kT0, {MakeAlert({{"alertname", "A"}, {"job", "api"}}, {{"summary", "s"}}, kT0),
               MakeAlert({{"alertname", "B"}}, {}, kT0), MakeAlert({{"alertname", "C"}}, {}, kT0)});
  for (RecordingReceiver* am : {&am1, &am2}) {
    SCOPED_TRACE(am->HostPort());
    std::vector<testing::ReceivedRequest> got = am->WaitFor(2);
    ASSERT_EQ(got.size(), 2u);
    size_t alerts = 0;
    for (const auto& req : got) {
      EXPECT_EQ(req.path, am == &am1 ? "/prefix/api/v2/alerts" : "/api/v2/alerts");
      EXPECT_EQ(req.content_type, "application/json");
      EXPECT_EQ(req.user_agent, "vigil/test");
      nlohmann::json body = req.Json();
      ASSERT_TRUE(body.is_array()) << req.body;
      EXPECT_LE(body.size(), 2u);
      for (const auto& a : body) {
        ++alerts;
        EXPECT_EQ(a["labels"]["cluster"], "eu-1");
        if (a["labels"]["alertname"] == "A") EXPECT_EQ(a["labels"]["job"], "api");  // not overridden
        else EXPECT_EQ(a["labels"]["job"], "ignored");
      }
    }
    EXPECT_EQ(alerts, 3u);
  }
  n.Stop();
  EXPECT_EQ(CounterValue(reg, "vigil_notifications_sent_total", {{"receiver", "alertmanager " + c.alertmanagers[0].url}}), 3);
}

TEST(NotifyDeliveryTest, RoutesByLabels) {
  RecordingReceiver pd([](size_t) { return Answer(202, R"({"status":"success"})", "application/json"); });
  RecordingReceiver slack;
  RecordingReceiver hook;
  AlertingConfig c;
  ReceiverConfig pd_r = Receiver("pager", ReceiverType::kPagerDuty, pd.Url("/v2/enqueue"));
  pd_r.match = {{"severity", "critical"}};
  ReceiverConfig hook_r = Receiver("hook", ReceiverType::kWebhook, hook.Url());
  hook_r.match_re = {{"service", "api|web"}};
  c.receivers = {pd_r, Receiver("chat", ReceiverType::kSlack, slack.Url()), hook_r};
  Notifier n(c, {}, nullptr);
  n.Start();
  n.Send(kT0, {MakeAlert({{"alertname", "Crit"}, {"severity", "critical"}, {"service", "db"}}, {}, kT0),
               MakeAlert({{"alertname", "Warn"}, {"severity", "warning"}, {"service", "api"}}, {}, kT0),
               MakeAlert({{"alertname", "Warn2"}, {"severity", "warning"}, {"service", "apiX"}}, {}, kT0)});
  std::vector<testing::ReceivedRequest> got = pd.WaitFor(1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].path, "/v2/enqueue");
  EXPECT_EQ(got[0].Json()["payload"]["custom_details"]["labels"]["alertname"], "Crit");
  EXPECT_EQ(slack.WaitFor(3).size(), 3u);  // one message per alertname
  got = hook.WaitFor(1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].Json()["groupLabels"]["alertname"], "Warn");
  n.Stop();
  EXPECT_EQ(pd.count(), 1u);
  EXPECT_EQ(hook.count(), 1u);
}

TEST(NotifyDeliveryTest, RepeatIntervalAndResolvedOnce) {
  RecordingReceiver hook;
  AlertingConfig c;
  ReceiverConfig r = Receiver("hook", ReceiverType::kWebhook, hook.Url());
  r.repeat_interval_ms = 3600'000;
  c.receivers = {r};
  FakeClock clock(kT0);
  NotifierOptions o;
  o.now_ms = clock.Fn();
  server::MetricsRegistry reg;
  Notifier n(c, o, &reg);
  n.Start();
  rules::AlertNotice firing = MakeAlert({{"alertname", "Down"}, {"job", "api"}}, {}, kT0);
  rules::AlertNotice resolved = firing;
  resolved.resolved = true;

  struct Step {
    const char* what;
    int64_t advance_ms;
    const rules::AlertNotice* alert;
    size_t total_after;            // requests received so far
    const char* status = nullptr;  // of the newest request, when one is expected
  } steps[] = {
      {"new alert is sent", 0, &firing, 1, "firing"},
      {"re-sent by the rule group 1m later: suppressed", 60'000, &firing, 1},
      {"still within repeat_interval", 3000'000, &firing, 1},
      {"repeat_interval passed since the last success", 600'000, &firing, 2, "firing"},
      {"resolved: sent once", 60'000, &resolved, 3, "resolved"},
      {"resolved re-sent by the rule group: suppressed", 60'000, &resolved, 3},
      {"fires again: new to the receiver", 60'000, &firing, 4, "firing"},
  };
  for (const Step& s : steps) {
    SCOPED_TRACE(s.what);
    clock.Advance(s.advance_ms);
    n.Send(clock.Now(), {*s.alert});
    std::vector<testing::ReceivedRequest> got = hook.WaitFor(s.total_after);
    if (s.status == nullptr) {
      std::this_thread::sleep_for(200ms);  // give a wrong send the chance to arrive
      got = hook.requests();
    }
    ASSERT_EQ(got.size(), s.total_after);
    if (s.status != nullptr) EXPECT_EQ(got.back().Json()["status"], s.status);
    ASSERT_TRUE(WaitForSent(reg, "hook", static_cast<double>(s.total_after)));
  }
  n.Stop();
}

TEST(NotifyDeliveryTest, SendResolvedFalseForgetsTheAlert) {
  RecordingReceiver hook;
  AlertingConfig c;
  ReceiverConfig r = Receiver("hook", ReceiverType::kWebhook, hook.Url());
  r.send_resolved = false;
  c.receivers = {r};
  server::MetricsRegistry reg;
  Notifier n(c, {}, &reg);
  n.Start();
  rules::AlertNotice a = MakeAlert({{"alertname", "Down"}}, {}, kT0);
  n.Send(kT0, {a});
  ASSERT_EQ(hook.WaitFor(1).size(), 1u);
  ASSERT_TRUE(WaitForSent(reg, "hook", 1));
  a.resolved = true;
  n.Send(kT0, {a});
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(hook.count(), 1u);
  a.resolved = false;
  n.Send(kT0, {a});  // fires again: new
  EXPECT_EQ(hook.WaitFor(2).size(), 2u);
  n.Stop();
}

TEST(NotifyDeliveryTest, RetriesWithBackoffThenDeliversOnce) {
  struct Case {
    const char* name;
    ReceiverType type;
    std::vector<server::HttpResponse> answers;  // then success
    server::HttpResponse success;
  } cases[] = {
      {"webhook 5xx", ReceiverType::kWebhook, {Answer(500, "boom"), Answer(503, "busy")}, Answer(200, "")},
      {"slack 429 then 500", ReceiverType::kSlack, {Answer(429, "rate_limited"), Answer(500, "rollup_error")},
       Answer(200, "ok")},
      {"pagerduty 429 then 502", ReceiverType::kPagerDuty, {Answer(429, "{}"), Answer(502, "")}, Answer(202, "{}")},
  };
  for (const Case& tc : cases) {
    SCOPED_TRACE(tc.name);
    RecordingReceiver target([&](size_t i) { return i < tc.answers.size() ? tc.answers[i] : tc.success; });
    AlertingConfig c = FastRetries({});
    c.receivers = {Receiver("r", tc.type, target.Url())};
    server::MetricsRegistry reg;
    Notifier n(c, {}, &reg);
    n.Start();
    n.Send(kT0, {MakeAlert({{"alertname", "Down"}}, {}, kT0)});
    std::vector<testing::ReceivedRequest> got = target.WaitFor(3);
    ASSERT_EQ(got.size(), 3u);
    // Backoff 50ms, then 100ms (lower bounds only).
    EXPECT_GE(got[1].at - got[0].at, 40ms);
    EXPECT_GE(got[2].at - got[1].at, 90ms);
    EXPECT_EQ(got[0].body, got[2].body);
    ASSERT_TRUE(WaitForSent(reg, "r", 1));
    // Re-sent by the rule group after the success: suppressed (repeat interval).
    n.Send(kT0, {MakeAlert({{"alertname", "Down"}}, {}, kT0)});
    std::this_thread::sleep_for(500ms);
    EXPECT_EQ(target.count(), 3u);
    EXPECT_EQ(n.QueueLength(), 0u);
    n.Stop();
    EXPECT_EQ(CounterValue(reg, "vigil_notifications_sent_total", {{"receiver", "r"}}), 1);
    EXPECT_EQ(CounterValue(reg, "vigil_notifications_errors_total", {{"receiver", "r"}}), 2);
  }
}

TEST(NotifyDeliveryTest, FinalErrorsAreNotRetried) {
  struct Case {
    const char* name;
    ReceiverType type;
    server::HttpResponse answer;
  } cases[] = {
      {"webhook 400", ReceiverType::kWebhook, Answer(400, "bad")},
      {"slack 200 not ok", ReceiverType::kSlack, Answer(200, "invalid_payload")},
      {"slack 404", ReceiverType::kSlack, Answer(404, "channel_not_found")},
      {"pagerduty 400", ReceiverType::kPagerDuty, Answer(400, R"({"status":"invalid event"})")},
  };
  for (const Case& tc : cases) {
    SCOPED_TRACE(tc.name);
    RecordingReceiver target([&](size_t) { return tc.answer; });
    AlertingConfig c = FastRetries({});
    c.receivers = {Receiver("r", tc.type, target.Url())};
    server::MetricsRegistry reg;
    Notifier n(c, {}, &reg);
    n.Start();
    n.Send(kT0, {MakeAlert({{"alertname", "Down"}}, {}, kT0)});
    ASSERT_EQ(target.WaitFor(1).size(), 1u);
    std::this_thread::sleep_for(300ms);  // a retry would come after 50ms
    EXPECT_EQ(target.count(), 1u);
    n.Stop();
    EXPECT_EQ(CounterValue(reg, "vigil_notifications_dropped_total", {}), 1);
  }
}

TEST(NotifyDeliveryTest, AlertmanagerRetriesServerErrorsOnly) {
  RecordingReceiver am([](size_t i) { return i == 0 ? Answer(500, "") : Answer(200, ""); });
  RecordingReceiver am_bad([](size_t) { return Answer(400, "\"invalid\""); });
  AlertingConfig c = FastRetries({});
  c.alertmanagers = {{am.Url("/api/v2/alerts"), 5'000}, {am_bad.Url("/api/v2/alerts"), 5'000}};
  Notifier n(c, {}, nullptr);
  n.Start();
  n.Send(kT0, {MakeAlert({{"alertname", "Down"}}, {}, kT0)});
  EXPECT_EQ(am.WaitFor(2).size(), 2u);
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(am.count(), 2u);
  EXPECT_EQ(am_bad.count(), 1u);
  n.Stop();
}

TEST(NotifyDeliveryTest, NewerAlertmanagerBatchSupersedesQueuedRetry) {
  RecordingReceiver am([](size_t i) { return i == 0 ? Answer(503, "") : Answer(200, ""); });
  AlertingConfig c = FastRetries({});
  c.retry_initial_backoff_ms = 300;
  c.alertmanagers = {{am.Url("/api/v2/alerts"), 5'000}};
  server::MetricsRegistry reg;
  Notifier n(c, {}, &reg);
  n.Start();
  n.Send(kT0, {MakeAlert({{"alertname", "Down"}}, {{"summary", "old"}}, kT0)});
  ASSERT_EQ(am.WaitFor(1).size(), 1u);
  const std::string target = "alertmanager " + c.alertmanagers[0].url;
  for (int i = 0; i < 500 && CounterValue(reg, "vigil_notifications_errors_total", {{"receiver", target}}) < 1; ++i) {
    std::this_thread::sleep_for(10ms);
  }
  // The rule group's next re-send, with a newer annotation, while the old
  // batch waits for its retry.
  n.Send(kT0, {MakeAlert({{"alertname", "Down"}}, {{"summary", "new"}}, kT0)});
  std::vector<testing::ReceivedRequest> got = am.WaitFor(2);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[1].Json()[0]["annotations"]["summary"], "new");
  std::this_thread::sleep_for(600ms);  // the old batch's retry was due after 300ms
  EXPECT_EQ(am.count(), 2u);
  n.Stop();
}

TEST(NotifyDeliveryTest, SilentReceiverBlocksNeitherSendNorOthers) {
  SilentListener silent;
  RecordingReceiver hook;
  RecordingReceiver am([](size_t) { return Answer(200, ""); });
  AlertingConfig c = FastRetries({});
  c.alertmanagers = {{"http://" + silent.HostPort() + "/api/v2/alerts", 10'000}, {am.Url("/api/v2/alerts"), 10'000}};
  ReceiverConfig hung = Receiver("hung", ReceiverType::kWebhook, silent.Url());
  hung.timeout_ms = 10'000;
  c.receivers = {hung, Receiver("hook", ReceiverType::kWebhook, hook.Url())};
  Notifier n(c, {}, nullptr);
  n.Start();
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 5; ++i) {
    n.Send(kT0, {MakeAlert({{"alertname", "A" + std::to_string(i)}}, {}, kT0)});
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);  // Send never waits for delivery
  EXPECT_EQ(hook.WaitFor(5).size(), 5u);
  EXPECT_EQ(am.WaitFor(5).size(), 5u);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 8s);  // well before the silent ones time out
  const auto stop_start = std::chrono::steady_clock::now();
  n.Stop(/*drain=*/false);
  EXPECT_LT(std::chrono::steady_clock::now() - stop_start, 5s);  // in-flight transfers are canceled
}

TEST(NotifyDeliveryTest, QueueOverflowDropsOldest) {
  RecordingReceiver am([](size_t) { return Answer(200, ""); });
  AlertingConfig c;
  c.alertmanagers = {{am.Url("/api/v2/alerts"), 5'000}};
  c.queue_capacity = 3;
  server::MetricsRegistry reg;
  Notifier n(c, {}, &reg);  // not started: everything stays queued
  for (int i = 0; i < 5; ++i) n.Send(kT0, {MakeAlert({{"alertname", "A" + std::to_string(i)}}, {}, kT0)});
  EXPECT_EQ(n.QueueLength(), 3u);
  EXPECT_EQ(CounterValue(reg, "vigil_notifications_dropped_total", {}), 2);
  EXPECT_EQ(reg.GetGauge("vigil_notifications_queue_length", "")->value(), 3);
  n.Start();
  std::vector<testing::ReceivedRequest> got = am.WaitFor(3);
  ASSERT_EQ(got.size(), 3u);
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].Json()[0]["labels"]["alertname"], "A" + std::to_string(i + 2));
  }
  n.Stop();
}

TEST(NotifyDeliveryTest, StopDrainsTheQueue) {
  RecordingReceiver am([](size_t) { return Answer(200, ""); });
  AlertingConfig c;
  c.alertmanagers = {{am.Url("/api/v2/alerts"), 5'000}};
  Notifier n(c, {}, nullptr);
  n.Start();
  for (int i = 0; i < 20; ++i) n.Send(kT0, {MakeAlert({{"alertname", "A" + std::to_string(i)}}, {}, kT0)});
  n.Stop(/*drain=*/true, 10'000);
  EXPECT_EQ(am.count(), 20u);
  n.Send(kT0, {MakeAlert({{"alertname", "late"}}, {}, kT0)});  // after Stop: dropped, no crash
  EXPECT_EQ(n.QueueLength(), 0u);
  c.receivers = {Receiver("hook", ReceiverType::kWebhook, am.Url())};
  n.Reconfigure(c);  // after Stop: starts no sender (a crash at destruction otherwise)
  n.Start();
  n.Send(kT0, {MakeAlert({{"alertname", "later"}}, {}, kT0)});
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(am.count(), 20u);
}

TEST(NotifyDeliveryTest, ReconfigureKeepsRepeatStateOfUnchangedReceivers) {
  RecordingReceiver hook;
  RecordingReceiver other;
  AlertingConfig c;
  c.receivers = {Receiver("hook", ReceiverType::kWebhook, hook.Url())};
  server::MetricsRegistry reg;
  Notifier n(c, {}, &reg);
  n.Start();
  rules::AlertNotice a = MakeAlert({{"alertname", "Down"}}, {}, kT0);
  n.Send(kT0, {a});
  ASSERT_EQ(hook.WaitFor(1).size(), 1u);
  ASSERT_TRUE(WaitForSent(reg, "hook", 1));
  c.receivers.push_back(Receiver("other", ReceiverType::kWebhook, other.Url()));
  n.Reconfigure(c);
  n.Send(kT0, {a});
  EXPECT_EQ(other.WaitFor(1).size(), 1u);  // new receiver: the alert is new to it
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(hook.count(), 1u);  // kept state: still within repeat_interval
  n.Stop();
}

}  // namespace
}  // namespace vigil::notify
