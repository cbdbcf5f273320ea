// The requests Grafana 10-12 sends to a Prometheus data source
// (INTERFACES.md §1.4), in Grafana's parameter styles, and the parts of
// the answers Grafana's parsers depend on. (/api/v1/rules belongs to the
// rules module and is not tested here.)
#include <gtest/gtest.h>

#include <string>

#include "tests/server/api_test_util.h"

namespace vigil::server::testing_api {
namespace {

constexpr int64_t kBase = 1700000000000;  // ms

class ApiGrafanaTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    for (int64_t i = 0; i <= 120; ++i) {  // 30 min at 15 s
      Add({{"__name__", "node_cpu_seconds_total"}, {"cpu", "0"}, {"mode", "idle"}, {"job", "node"}},
          kBase + i * 15000, static_cast<double>(i) * 14.5);
      Add({{"__name__", "node_cpu_seconds_total"}, {"cpu", "0"}, {"mode", "user"}, {"job", "node"}},
          kBase + i * 15000, static_cast<double>(i) * 0.5);
      Add({{"__name__", "up"}, {"job", "node"}}, kBase + i * 15000, 1);
    }
    metadata_.Put("node_cpu_seconds_total", {"counter", "Seconds the CPUs spent in each mode.", ""});
    metadata_.Put("up", {"gauge", "", ""});
  }
  using json = nlohmann::json;
};

// Panel range query: backend POST, form body, float-second start/end
// aligned down to the step, float step, a timeout from the DS settings.
TEST_F(ApiGrafanaTest, PanelRangeQueryPostForm) {
  auto r = PostForm("/api/v1/query_range",
                    "query=sum+by+%28mode%29+%28rate%28node_cpu_seconds_total%5B1m%5D%29%29"
                    "&start=1700000100&end=1700001500&step=60&timeout=30s");
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = Json(r);
  EXPECT_EQ(j["status"], "success");
  EXPECT_EQ(j["data"]["resultType"], "matrix");
  auto& res = j["data"]["result"];
  ASSERT_EQ(res.size(), 2u);
  EXPECT_EQ(res[0]["metric"], json::parse(R"({"mode":"idle"})"));
  EXPECT_EQ(res[1]["metric"], json::parse(R"({"mode":"user"})"));
  ASSERT_EQ(res[0]["values"].size(), 24u);
  for (const auto& p : res[0]["values"]) {
    ASSERT_TRUE(p[0].is_number());  // timestamp: a number
    ASSERT_TRUE(p[1].is_string());  // value: a string
    EXPECT_EQ(static_cast<int64_t>(p[0].get<double>()) % 60, 0);
  }
  EXPECT_EQ(res[0]["values"][0][0].get<double>(), 1700000100.0);
  EXPECT_NEAR(std::stod(res[0]["values"][0][1].get<std::string>()), 14.5 / 15, 1e-12);
  // Sub-second steps as Grafana sends for short ranges ("0.2").
  auto fine = PostForm("/api/v1/query_range", "query=up&start=1700000100&end=1700000101&step=0.2");
  ASSERT_EQ(fine.status, 200) << fine.body;
  EXPECT_EQ(Json(fine)["data"]["result"][0]["values"].size(), 6u);
}

// "Save & test": instant 1+1 at time=4 must answer scalar [4,"2"].
TEST_F(ApiGrafanaTest, HealthCheck) {
  auto r = PostForm("/api/v1/query", "query=1%2B1&time=4");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"status":"success","data":{"resultType":"scalar","result":[4,"2"]}})");
  auto g = Get("/api/v1/query", "query=1%2B1&time=4");
  EXPECT_EQ(g.body, r.body);
}

// Instant queries (tables, alerting, variables): time is the range end.
TEST_F(ApiGrafanaTest, InstantQuery) {
  auto j = Json(PostForm("/api/v1/query", "query=up&time=1700001800&timeout=60s"));
  EXPECT_EQ(j["data"]["resultType"], "vector");
  ASSERT_EQ(j["data"]["result"].size(), 1u);
  EXPECT_EQ(j["data"]["result"][0]["value"], json::parse(R"([1700001800,"1"])"));
}

// DS init probes query_exemplars with millisecond values sent as seconds;
// a 400 here disables exemplars for the data source.
TEST_F(ApiGrafanaTest, ExemplarsMillisecondProbe) {
  auto r = Get("/api/v1/query_exemplars", "query=test&start=1700000000000&end=1700003600000");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, R"({"status":"success","data":[]})");
  auto p = PostForm("/api/v1/query_exemplars", "query=node_cpu_seconds_total&start=1700000100&end=1700001500");
  EXPECT_EQ(p.body, R"({"status":"success","data":[]})");
}

// Autocomplete / metrics browser.
TEST_F(ApiGrafanaTest, LabelsAndValues) {
  auto names = PostForm("/api/v1/labels", "start=1699999200&end=1700003600&limit=40000&match%5B%5D=up");
  EXPECT_EQ(names.body, R"({"status":"success","data":["__name__","job"]})");
  auto all = Get("/api/v1/labels", "start=1699999200&end=1700003600&limit=40000");
  EXPECT_EQ(Json(all)["data"], json::array({"__name__", "cpu", "job", "mode"}));
  auto metrics = Get("/api/v1/label/__name__/values", "start=1699999200&end=1700003600&limit=40000");
  EXPECT_EQ(metrics.body, R"({"status":"success","data":["node_cpu_seconds_total","up"]})");
  auto modes = Get("/api/v1/label/mode/values",
                   "start=1699999200&end=1700003600&limit=40000&match%5B%5D=node_cpu_seconds_total%7Bjob%3D%22node%22%7D");
  EXPECT_EQ(modes.body, R"({"status":"success","data":["idle","user"]})");
}

TEST_F(ApiGrafanaTest, Metadata) {
  auto j = Json(Get("/api/v1/metadata"));
  EXPECT_EQ(j["data"]["node_cpu_seconds_total"][0]["type"], "counter");
  EXPECT_EQ(j["data"]["node_cpu_seconds_total"][0]["help"], "Seconds the CPUs spent in each mode.");
  EXPECT_TRUE(j["data"]["up"][0]["unit"].is_string());
  EXPECT_EQ(Json(Get("/api/v1/metadata", "limit=1"))["data"].size(), 1u);
}

// "Use series endpoint": match[]={__name__!=""} with start/end/limit.
TEST_F(ApiGrafanaTest, SeriesEndpoint) {
  auto r = PostForm("/api/v1/series",
                    "match%5B%5D=%7B__name__%21%3D%22%22%7D&start=1699999200&end=1700003600&limit=40000");
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = Json(r);
  ASSERT_EQ(j["data"].size(), 3u);
  EXPECT_EQ(j["data"][0], json::parse(R"({"__name__":"node_cpu_seconds_total","cpu":"0","job":"node","mode":"idle"})"));
  EXPECT_EQ(j["data"][2], json::parse(R"({"__name__":"up","job":"node"})"));
  EXPECT_FALSE(j.contains("warnings"));
  auto sel = Get("/api/v1/series", "match%5B%5D=%7B__name__%3D%22up%22%2Cjob%21%3D%22%22%7D&limit=40000");
  EXPECT_EQ(Json(sel)["data"].size(), 1u);
}

// Version detection: no "features" (or Grafana treats us as Mimir) and a
// semver version.
TEST_F(ApiGrafanaTest, BuildInfo) {
  auto j = Json(Get("/api/v1/status/buildinfo"));
  EXPECT_EQ(j["status"], "success");
  EXPECT_FALSE(j["data"].contains("features"));
  std::string v = j["data"]["version"];
  int major = -1, minor = -1, patch = -1;
  ASSERT_EQ(std::sscanf(v.c_str(), "%d.%d.%d", &major, &minor, &patch), 3) << v;
  EXPECT_GE(major, 2);
}

// Resource calls Grafana retries as GET after a 400/405 on POST.
TEST_F(ApiGrafanaTest, PostRetriedAsGet) {
  EXPECT_EQ(PostForm("/api/v1/metadata", "").status, 405);
  EXPECT_EQ(Get("/api/v1/metadata").status, 200);
}

// Errors are JSON "<errorType>: <error>" whatever the status.
TEST_F(ApiGrafanaTest, ErrorsAreJson) {
  auto r = PostForm("/api/v1/query_range", "query=rate(up)&start=1700000100&end=1700001500&step=60");
  EXPECT_EQ(r.status, 400);
  auto j = Json(r);
  EXPECT_EQ(j["status"], "error");
  EXPECT_EQ(j["errorType"], "bad_data");
  EXPECT_TRUE(j["error"].is_string());
}

}  // namespace
}  // namespace vigil::server::testing_api
