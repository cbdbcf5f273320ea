// MetricsRegistry::Render: the Prometheus text format 0.0.4, byte for byte.
#include "server/self_metrics.h"

#include <gtest/gtest.h>

#include <limits>

namespace vigil::server {
namespace {

TEST(SelfMetricsTest, CountersGaugesAndEscaping) {
  MetricsRegistry reg;
  reg.GetCounter("vigil_requests_total", "Requests.\nBy \\code.", {{"code", "200"}, {"handler", "/a"}})->Inc();
  reg.GetCounter("vigil_requests_total", "ignored", {{"handler", "/a"}, {"code", "200"}})->Inc(2);  // same series
  reg.GetCounter("vigil_requests_total", "", {{"code", "500"}, {"handler", "say \"hi\"\\\n"}})->Inc();
  reg.GetGauge("vigil_a_gauge", "A gauge.")->Set(1234567);
  reg.GetGauge("vigil_small", "Small.")->Set(0.00001);
  reg.GetGauge("vigil_inf", "Inf.")->Set(-std::numeric_limits<double>::infinity());
  Gauge* g = reg.GetGauge("vigil_plain", "Plain.");
  g->Set(100000);
  g->Add(0.5);
  EXPECT_EQ(reg.Render(),
            "# HELP vigil_a_gauge A gauge.\n"
            "# TYPE vigil_a_gauge gauge\n"
            "vigil_a_gauge 1.234567e+06\n"
            "# HELP vigil_inf Inf.\n"
            "# TYPE vigil_inf gauge\n"
            "vigil_inf -Inf\n"
            "# HELP vigil_plain Plain.\n"
            "# TYPE vigil_plain gauge\n"
            "vigil_plain 100000.5\n"
            "# HELP vigil_requests_total Requests.\\nBy \\\\code.\n"
            "# TYPE vigil_requests_total counter\n"
            "vigil_requests_total{code=\"200\",handler=\"/a\"} 3\n"
            "vigil_requests_total{code=\"500\",handler=\"say \\\"hi\\\"\\\\\\n\"} 1\n"
            "# HELP vigil_small Small.\n"
            "# TYPE vigil_small gauge\n"
            "vigil_small 1e-05\n");
}

TEST(SelfMetricsTest, Histogram) {
  MetricsRegistry reg;
  Histogram* h = reg.GetHistogram("vigil_latency_seconds", "Latency.", {0.1, 1, 2.5}, {{"handler", "/q"}});
  h->Observe(0.05);
  h->Observe(0.1);  // le is inclusive
  h->Observe(2);
  h->Observe(100);
  EXPECT_EQ(reg.GetHistogram("vigil_latency_seconds", "", {9}, {{"handler", "/q"}}), h);
  EXPECT_EQ(reg.Render(),
            "# HELP vigil_latency_seconds Latency.\n"
            "# TYPE vigil_latency_seconds histogram\n"
            "vigil_latency_seconds_bucket{handler=\"/q\",le=\"0.1\"} 2\n"
            "vigil_latency_seconds_bucket{handler=\"/q\",le=\"1\"} 2\n"
            "vigil_latency_seconds_bucket{handler=\"/q\",le=\"2.5\"} 3\n"
            "vigil_latency_seconds_bucket{handler=\"/q\",le=\"+Inf\"} 4\n"
            "vigil_latency_seconds_sum{handler=\"/q\"} 102.15\n"
            "vigil_latency_seconds_count{handler=\"/q\"} 4\n");
}

TEST(SelfMetricsTest, HistogramWithoutLabelsAndDefaultBuckets) {
  MetricsRegistry reg;
  Histogram* h = reg.GetHistogram("h", "H.", MetricsRegistry::DefaultLatencyBuckets());
  h->Observe(0.003);
  std::string text = reg.Render();
  EXPECT_NE(text.find("h_bucket{le=\"0.005\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("h_bucket{le=\"60\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("h_bucket{le=\"+Inf\"} 1\nh_sum 0.003\nh_count 1\n"), std::string::npos) << text;
}

TEST(SelfMetricsTest, CollectorsAndTypeConflicts) {
  MetricsRegistry reg;
  reg.GetCounter("c_total", "C.")->Inc();
  // Same name, another type: a usable metric that is not exported.
  Gauge* orphan = reg.GetGauge("c_total", "Not me.");
  ASSERT_NE(orphan, nullptr);
  orphan->Set(7);
  reg.AddCollector([](std::string* out) { *out += "# HELP x X.\n# TYPE x gauge\nx 1\n"; });
  EXPECT_EQ(reg.Render(), "# HELP c_total C.\n# TYPE c_total counter\nc_total 1\n# HELP x X.\n# TYPE x gauge\nx 1\n");
}

}  // namespace
}  // namespace vigil::server
