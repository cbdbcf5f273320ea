// The App's rules wiring end to end over HTTP: rules load at start (a bad
// file fails the start), POST /-/reload (403 without --web.enable-lifecycle,
// 500 with the file's messages on failure while the old rules keep
// running, vigil_config_last_reload_successful), and SIGHUP reloading a
// running server.
#include <gtest/gtest.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "server/app.h"
#include "query/duration.h"
#include "server/serve_command.h"
#include "tests/server/rule_manager_test_util.h"
#include "tests/testutil/testutil.h"

namespace vigil::server {
namespace {

using alerting::testing_rules::WaitFor;

struct Reply {
  long status = 0;
  std::string body;
};

size_t Collect(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

Reply Http(const std::string& method, uint16_t port, const std::string& path) {
  Reply r;
  CURL* curl = curl_easy_init();
  std::string url = "http://127.0.0.1:" + std::to_string(port) + path;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  if (method == "POST") curl_easy_setopt(curl, CURLOPT_POSTFIELDS, "");
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &Collect);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &r.body);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 10'000L);
  if (curl_easy_perform(curl) == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &r.status);
  curl_easy_cleanup(curl);
  return r;
}

std::vector<std::string> GroupNames(uint16_t port) {
  Reply r = Http("GET", port, "/api/v1/rules");
  std::vector<std::string> out;
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  if (j.is_discarded()) return out;
  for (const auto& g : j["data"]["groups"]) out.push_back(g["name"]);
  return out;
}

// A port that was free a moment ago (for Run(), which has no port() hook
// before it blocks).
uint16_t FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

constexpr const char* kGroupA = "groups:\n  - name: a\n    rules:\n      - record: a\n        expr: vector(1)\n";
constexpr const char* kGroupB = "groups:\n  - name: b\n    rules:\n      - alert: B\n        expr: vector(1)\n";
constexpr const char* kBroken = "groups:\n  - name: c\n    rules:\n      - record: c\n        expr: 'sum('\n";

class ReloadAppTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(dir_.Sub("rules"));
    std::ofstream(dir_.Sub("vigil.yml")) << "global:\n  evaluation_interval: 1s\nrule_files: ['rules/*.yml']\n";
    Write("a.yml", kGroupA);
  }
  void Write(const std::string& name, const std::string& text) { std::ofstream(dir_.Sub("rules/" + name)) << text; }
  ServerConfig Config(bool lifecycle) {
    ServerConfig c;
    c.data_dir = dir_.Sub("data");
    c.listen_address = "127.0.0.1:0";
    c.config_file = dir_.Sub("vigil.yml");
    c.enable_lifecycle = lifecycle;
    EXPECT_OK(LoadConfigFile(c.config_file, &c));
    return c;
  }
  HttpServerOptions Http() {
    HttpServerOptions o;
    o.io_threads = 1;
    o.worker_threads = 2;
    return o;
  }
  testutil::TempDir dir_;
};

TEST_F(ReloadAppTest, ReloadIsForbiddenWithoutLifecycle) {
  App app(Config(false), Http());
  ASSERT_OK(app.Start());
  Reply r = vigil::server::Http("POST", app.port(), "/-/reload");
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.body, "Lifecycle API is not enabled.\n");
  ASSERT_OK(app.Shutdown());
}

TEST_F(ReloadAppTest, FailedReloadKeepsTheRulesAndReportsTheError) {
  App app(Config(true), Http());
  ASSERT_OK(app.Start());
  EXPECT_EQ(GroupNames(app.port()), std::vector<std::string>{"a"});
  EXPECT_EQ(app.external_url(), "http://" + [] {
    char h[256] = {};
    gethostname(h, sizeof h - 1);
    return std::string(h);
  }() + ":" + std::to_string(app.port()));

  Write("c.yml", kBroken);
  Reply r = vigil::server::Http("POST", app.port(), "/-/reload");
  EXPECT_EQ(r.status, 500);
  EXPECT_TRUE(r.body.starts_with("failed to reload config: ")) << r.body;
  EXPECT_NE(r.body.find("c.yml"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("could not parse expression"), std::string::npos) << r.body;
  EXPECT_EQ(GroupNames(app.port()), std::vector<std::string>{"a"});
  Reply m = vigil::server::Http("GET", app.port(), "/metrics");
  EXPECT_NE(m.body.find("\nvigil_config_last_reload_successful 0\n"), std::string::npos);
  EXPECT_NE(m.body.find("vigil_rule_group_rules{rule_group="), std::string::npos);

  std::filesystem::remove(dir_.Sub("rules/c.yml"));
  Write("b.yml", kGroupB);
  r = vigil::server::Http("POST", app.port(), "/-/reload");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(GroupNames(app.port()), (std::vector<std::string>{"a", "b"}));
  m = vigil::server::Http("GET", app.port(), "/metrics");
  EXPECT_NE(m.body.find("\nvigil_config_last_reload_successful 1\n"), std::string::npos);
  ASSERT_OK(app.Shutdown());
}

TEST_F(ReloadAppTest, BrokenRulesFailTheStart) {
  Write("c.yml", kBroken);
  App app(Config(false), Http());
  Status st = app.Start();
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("c.yml"), std::string::npos) << st.message();
}

TEST_F(ReloadAppTest, ReloadConfigAppliesAConfigChange) {
  App app(Config(false), Http());
  ASSERT_OK(app.Start());
  // The file now names no rule files at all: every group goes.
  std::ofstream(dir_.Sub("vigil.yml")) << "global:\n  evaluation_interval: 1s\n";
  ASSERT_OK(app.ReloadConfig());
  EXPECT_TRUE(GroupNames(app.port()).empty());
  ASSERT_OK(app.Shutdown());
}

TEST_F(ReloadAppTest, SighupReloadsARunningServer) {
  ServerConfig c = Config(false);
  uint16_t port = FreePort();
  c.listen_address = "127.0.0.1:" + std::to_string(port);
  App app(std::move(c), Http());
  Status run_status;
  std::thread runner([&] { run_status = app.Run(); });
  ASSERT_TRUE(WaitFor([&] { return vigil::server::Http("GET", port, "/-/ready").status == 200; }, 20'000));
  EXPECT_EQ(GroupNames(port), std::vector<std::string>{"a"});
  Write("b.yml", kGroupB);
  // Run() blocks SIGHUP in its thread and sigwaits for it.
  pthread_kill(runner.native_handle(), SIGHUP);
  EXPECT_TRUE(WaitFor([&] { return GroupNames(port).size() == 2; }));
  pthread_kill(runner.native_handle(), SIGTERM);
  runner.join();
  EXPECT_OK(run_status);
}

TEST(RulesFlagsTest, DurationsAndExternalUrl) {
  struct Case {
    std::string resend, tolerance, grace, url;
    std::string error;  // "" = valid
  };
  const Case cases[] = {
      {"1m", "1h", "10m", "", ""},
      {"30s", "2h", "5m", "https://vigil.example.com/x", ""},
      {"x", "1h", "10m", "", "--rules.alert.resend-delay"},
      {"1m", "0s", "10m", "", "--rules.alert.for-outage-tolerance"},
      {"1m", "1h", "-", "", "--rules.alert.for-grace-period"},
      {"1m", "1h", "10m", "vigil.example.com", "--web.external-url"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.resend + " " + c.tolerance + " " + c.grace + " " + c.url);
    ServeFlags f;
    f.resend_delay = c.resend;
    f.for_outage_tolerance = c.tolerance;
    f.for_grace_period = c.grace;
    f.external_url = c.url;
    Result<ServerConfig> config = BuildServerConfig(f);
    if (!c.error.empty()) {
      ASSERT_FALSE(config.ok());
      EXPECT_NE(config.status().message().find(c.error), std::string::npos) << config.status().message();
      continue;
    }
    ASSERT_TRUE(config.ok()) << config.status().ToString();
    Result<int64_t> resend = query::ParseDuration(c.resend);
    ASSERT_TRUE(resend.ok());
    EXPECT_EQ(config->resend_delay_ms, *resend);
    EXPECT_EQ(config->external_url, c.url);
    EXPECT_EQ(config->flags.at("rules.alert.resend-delay"), c.resend);
    EXPECT_EQ(config->flags.at("rules.alert.for-grace-period"), c.grace);
  }
}

}  // namespace
}  // namespace vigil::server
