// Secrets (Slack and webhook URLs, PagerDuty routing keys) never reach the
// logs, the self metrics or the rendered config, whatever goes wrong.
#include <gtest/gtest.h>

#include <thread>

#include "server/notify/notifier.h"
#include "server/notify/redacted_config.h"
#include "server/self_metrics.h"
#include "tests/server/notify_test_util.h"

namespace vigil::notify {
namespace {

using namespace std::chrono_literals;
using testing::Answer;
using testing::MakeAlert;
using testing::RecordingReceiver;

constexpr char kSecret[] = "S3CR3T";

// A loopback port with nothing listening (bound, then closed).
std::string ClosedPortUrl(const std::string& path) {
  auto listener = std::make_unique<testing::SilentListener>();
  std::string url = listener->Url(path);
  listener.reset();
  return url;
}

AlertingConfig SecretConfig(const RecordingReceiver& failing, const RecordingReceiver& pd) {
  AlertingConfig c;
  c.retry_initial_backoff_ms = 20;
  c.retry_max_backoff_ms = 40;
  c.retry_max_age_ms = 150;  // give up quickly: that is logged too
  ReceiverConfig hook;
  hook.name = "hook";
  hook.type = ReceiverType::kWebhook;
  hook.url = failing.Url(std::string("/hooks/") + kSecret);
  ReceiverConfig slack;
  slack.name = "chat";
  slack.type = ReceiverType::kSlack;
  slack.url = failing.Url(std::string("/services/T/B/") + kSecret);
  ReceiverConfig dead;
  dead.name = "dead";
  dead.type = ReceiverType::kWebhook;
  dead.url = ClosedPortUrl(std::string("/x/") + kSecret);
  ReceiverConfig pager;
  pager.name = "pager";
  pager.type = ReceiverType::kPagerDuty;
  pager.url = pd.Url("/v2/enqueue");
  pager.routing_key = std::string("key-") + kSecret;
  c.receivers = {hook, slack, dead, pager};
  return c;
}

TEST(NotifySecretsTest, NeverInLogsOrMetrics) {
  // 500 (retried), then 400 (final) and Slack-style error bodies.
  RecordingReceiver failing([](size_t n) { return n % 2 == 0 ? Answer(500, "oops") : Answer(400, "invalid_payload"); });
  RecordingReceiver pd([](size_t) { return Answer(400, R"({"status":"invalid event"})", "application/json"); });
  AlertingConfig c = SecretConfig(failing, pd);
  server::MetricsRegistry reg;
  ::testing::internal::CaptureStderr();
  {
    Notifier n(c, {}, &reg);
    n.Start();
    n.Send(0, {MakeAlert({{"alertname", "Down"}}, {{"summary", "down"}}, 1'000)});
    failing.WaitFor(3);
    pd.WaitFor(1);
    std::this_thread::sleep_for(400ms);  // the dead receiver's retries give up
    n.Stop(/*drain=*/false);
  }
  std::string log = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(log.find("hook"), std::string::npos) << log;   // receivers are named...
  EXPECT_NE(log.find("dead"), std::string::npos) << log;
  EXPECT_NE(log.find("pager"), std::string::npos) << log;
  EXPECT_EQ(log.find(kSecret), std::string::npos) << log;  // ...their secrets never
  std::string metrics = reg.Render();
  EXPECT_NE(metrics.find("vigil_notifications_errors_total{receiver=\"hook\"}"), std::string::npos) << metrics;
  EXPECT_EQ(metrics.find(kSecret), std::string::npos) << metrics;
}

TEST(NotifySecretsTest, RenderedConfigIsRedacted) {
  RecordingReceiver failing;
  RecordingReceiver pd;
  AlertingConfig c = SecretConfig(failing, pd);
  c.alertmanagers = {{"http://am:9093/api/v2/alerts", 10'000}};
  std::string text = RenderAlertingConfigRedacted(c);
  EXPECT_EQ(text.find(kSecret), std::string::npos) << text;
  for (const char* want : {"name: hook", "name: chat", "name: pager", "type: pagerduty", "url: <secret>",
                           "routing_key: <secret>", "http://am:9093/api/v2/alerts", "repeat_interval: 4h",
                           "max_age: 150ms"}) {
    SCOPED_TRACE(want);
    EXPECT_NE(text.find(want), std::string::npos) << text;
  }
  EXPECT_NE(text.find(pd.Url("/v2/enqueue")), std::string::npos) << text;  // PagerDuty's endpoint is public
}

}  // namespace
}  // namespace vigil::notify
