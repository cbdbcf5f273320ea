// LoadConfigFile: a full valid file, and the exact messages for unknown
// keys, duplicate keys, bad durations and wrong types.
#include "server/config.h"

#include <gtest/gtest.h>

#include <fstream>

#include "tests/testutil/testutil.h"

namespace vigil::server {
namespace {

class ConfigTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& text) {
    std::string path = dir_.Sub("vigil.yml");
    std::ofstream(path) << text;
    return path;
  }
  Status Load(const std::string& text, ServerConfig* c) { return LoadConfigFile(Write(text), c); }
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

TEST_F(ConfigTest, ValidFile) {
  ServerConfig c;
  c.data_dir = "/flags/stay";
  ASSERT_OK(Load(R"(
global:
  evaluation_interval: 30s
  scrape_interval: 15s
  external_labels:
    cluster: eu-1
    replica: "a"
rule_files:
  - rules/*.yml
  - /etc/vigil/alerts.yml
limits:
  max_labels_per_series: 40
  max_label_name_length: 100
  max_label_value_length: 2000
  max_series_per_request: 5000
  max_request_body_bytes: 16MiB
  max_concurrent_queries: 8
  max_query_samples: 1000000
  query_timeout: 1m30s
  lookback_delta: 2m
alerting:
rum: {}
)",
                 &c));
  EXPECT_EQ(c.data_dir, "/flags/stay");
  EXPECT_EQ(c.evaluation_interval_ms, 30'000);
  EXPECT_EQ(c.scrape_interval_ms, 15'000);
  EXPECT_EQ(c.external_labels, (std::map<std::string, std::string>{{"cluster", "eu-1"}, {"replica", "a"}}));
  EXPECT_EQ(c.rule_files, (std::vector<std::string>{"rules/*.yml", "/etc/vigil/alerts.yml"}));
  EXPECT_EQ(c.limits.max_labels_per_series, 40u);
  EXPECT_EQ(c.limits.max_label_name_length, 100u);
  EXPECT_EQ(c.limits.max_label_value_length, 2000u);
  EXPECT_EQ(c.limits.max_series_per_request, 5000u);
  EXPECT_EQ(c.limits.max_request_body_bytes, 16ULL << 20);
  EXPECT_EQ(c.limits.max_concurrent_queries, 8u);
  EXPECT_EQ(c.limits.max_query_samples, 1'000'000u);
  EXPECT_EQ(c.limits.query_timeout_ms, 90'000);
  EXPECT_EQ(c.limits.lookback_delta_ms, 120'000);
}

TEST_F(ConfigTest, EmptyFileKeepsDefaults) {
  ServerConfig c;
  ASSERT_OK(Load("", &c));
  EXPECT_EQ(c.evaluation_interval_ms, 60'000);
  EXPECT_EQ(c.limits.max_query_samples, 50'000'000u);
  ASSERT_OK(Load("# only a comment\n", &c));
}

TEST_F(ConfigTest, UnknownKeys) {
  EXPECT_EQ(Error("global:\n  scrape_interval: 15s\nscrape_configs: []\n"), ":3: scrape_configs: unknown key");
  EXPECT_EQ(Error("global:\n  evaluation_interval: 1m\n  query_log_file: x\n"), ":3: global.query_log_file: unknown key");
  EXPECT_EQ(Error("limits:\n  max_samples: 5\n"), ":2: limits.max_samples: unknown key");
}

TEST_F(ConfigTest, DuplicateKeys) {
  EXPECT_EQ(Error("global:\n  scrape_interval: 15s\n  scrape_interval: 30s\n"),
            ":3: global.scrape_interval: duplicate key (first at line 2)");
  EXPECT_EQ(Error("limits: {}\nglobal: {}\nlimits: {}\n"), ":3: limits: duplicate key (first at line 1)");
  EXPECT_EQ(Error("global:\n  external_labels:\n    a: x\n    a: y\n"),
            ":4: global.external_labels.a: duplicate key (first at line 3)");
  // Inside reserved sections too.
  EXPECT_EQ(Error("rum:\n  routes: 1\n  routes: 2\n"), ":3: rum.routes: duplicate key (first at line 2)");
}

TEST_F(ConfigTest, BadValues) {
  EXPECT_EQ(Error("global:\n  evaluation_interval: 5x\n"),
            ":2: global.evaluation_interval: unknown unit \"x\" in duration \"5x\"");
  EXPECT_EQ(Error("global:\n  scrape_interval: soon\n"),
            ":2: global.scrape_interval: not a valid duration string: \"soon\"");
  EXPECT_EQ(Error("limits:\n  query_timeout: 0s\n"), ":2: limits.query_timeout: must be greater than 0");
  EXPECT_EQ(Error("limits:\n  max_query_samples: -3\n"),
            ":2: limits.max_query_samples: must be a non-negative integer, got \"-3\"");
  EXPECT_EQ(Error("limits:\n  max_labels_per_series: 5000000000\n"),
            ":2: limits.max_labels_per_series: must be at most 4294967295");
  EXPECT_EQ(Error("limits:\n  max_request_body_bytes: 3 parsecs\n"),
            ":2: limits.max_request_body_bytes: must be a byte size such as 33554432 or 32MiB, got \"3 parsecs\"");
  EXPECT_EQ(Error("rule_files: rules.yml\n"), ":1: rule_files: must be a list of file globs");
  EXPECT_EQ(Error("global:\n  external_labels:\n    1bad: x\n"), ":3: global.external_labels.1bad: invalid label name");
  EXPECT_EQ(Error("alerting: 5\n"), ":1: alerting: must be a mapping");
  EXPECT_EQ(Error("- a\n- b\n"), ":1: (top level): must be a mapping");
  EXPECT_EQ(Error("global: [unclosed\n"), ":2: yaml: end of sequence flow not found");
}

TEST_F(ConfigTest, ErrorLeavesConfigUnchanged) {
  ServerConfig c;
  EXPECT_FALSE(Load("global:\n  evaluation_interval: 10s\nlimits:\n  lookback_delta: nope\n", &c).ok());
  EXPECT_EQ(c.evaluation_interval_ms, 60'000);
}

TEST_F(ConfigTest, MissingFile) {
  ServerConfig c;
  Status st = LoadConfigFile(dir_.Sub("absent.yml"), &c);
  EXPECT_EQ(st.code(), StatusCode::kIOError);
  EXPECT_EQ(st.message(), "cannot read config file " + dir_.Sub("absent.yml"));
}

}  // namespace
}  // namespace vigil::server
