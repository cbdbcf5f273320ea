// /api/v1/series, labels, label values, metadata, format_query,
// query_exemplars and status/* through the Router: shapes, sorting, limits
// with the truncation warning, and Prometheus's error messages.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "tests/server/api_test_util.h"

namespace vigil::server::testing_api {
namespace {

constexpr int64_t kBase = 1700000000000;

class ApiMetaTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    Add({{"__name__", "up"}, {"job", "node"}, {"instance", "b:9100"}}, kBase, 1);
    Add({{"__name__", "up"}, {"job", "node"}, {"instance", "a:9100"}}, kBase, 1);
    Add({{"__name__", "up"}, {"job", "prom"}, {"instance", "c:9090"}}, kBase, 1);
    Add({{"__name__", "http_requests_total"}, {"job", "prom"}, {"code", "200"}}, kBase, 5);
    Add({{"__name__", "http_requests_total"}, {"job", "prom"}, {"code", "504"}}, kBase, 1);
  }
  using json = nlohmann::json;
};

TEST_F(ApiMetaTest, SeriesShapeAndOrder) {
  auto r = Get("/api/v1/series", "match[]=up");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body,
            R"({"status":"success","data":[{"__name__":"up","instance":"a:9100","job":"node"},)"
            R"({"__name__":"up","instance":"b:9100","job":"node"},{"__name__":"up","instance":"c:9090","job":"prom"}]})");
  // Several match[] are merged, de-duplicated and sorted.
  auto j = Json(PostForm("/api/v1/series", "match[]=up{job=\"prom\"}&match[]={job=\"prom\"}"));
  ASSERT_EQ(j["data"].size(), 3u);
  EXPECT_EQ(j["data"][0]["__name__"], "http_requests_total");
  EXPECT_EQ(j["data"][0]["code"], "200");
  EXPECT_EQ(j["data"][2]["__name__"], "up");
  // Outside the time range: nothing.
  auto none = Get("/api/v1/series", "match[]=up&start=1&end=2");
  EXPECT_EQ(none.body, R"({"status":"success","data":[]})");
}

TEST_F(ApiMetaTest, SeriesErrors) {
  ExpectError(Get("/api/v1/series", ""), 400, "bad_data", "no match[] parameter provided");
  ExpectError(Get("/api/v1/series", "match[]={job=~\".*\"}"), 400, "bad_data",
              "invalid parameter \"match[]\": match[] must contain at least one non-empty matcher");
  ExpectError(Get("/api/v1/series", "match[]=up&match[]={a=\"\"}"), 400, "bad_data",
              "invalid parameter \"match[]\": match[] must contain at least one non-empty matcher");
  ExpectError(Get("/api/v1/series", "match[]=up&start=x"), 400, "bad_data",
              "invalid parameter \"start\": cannot parse \"x\" to a valid timestamp");
  ExpectError(Get("/api/v1/series", "match[]=up&limit=x"), 400, "bad_data",
              "invalid parameter \"limit\": strconv.Atoi: parsing \"x\": invalid syntax");
  auto bad = Get("/api/v1/series", "match[]=up{");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(Json(bad)["error"].get<std::string>().rfind("invalid parameter \"match[]\": 1:", 0), 0u) << bad.body;
}

TEST_F(ApiMetaTest, SeriesLimit) {
  auto j = Json(Get("/api/v1/series", "match[]=up&limit=2"));
  EXPECT_EQ(j["data"].size(), 2u);
  EXPECT_EQ(j["warnings"], json::array({"results truncated due to limit"}));
  auto exact = Json(Get("/api/v1/series", "match[]=up&limit=3"));
  EXPECT_EQ(exact["data"].size(), 3u);
  EXPECT_FALSE(exact.contains("warnings"));
  auto multi = Json(Get("/api/v1/series", "match[]=up&match[]=http_requests_total&limit=4"));
  EXPECT_EQ(multi["data"].size(), 4u);
  EXPECT_EQ(multi["warnings"], json::array({"results truncated due to limit"}));
}

TEST_F(ApiMetaTest, Labels) {
  auto r = Get("/api/v1/labels");
  EXPECT_EQ(r.body, R"({"status":"success","data":["__name__","code","instance","job"]})");
  auto m = Get("/api/v1/labels", "match[]=up");
  EXPECT_EQ(m.body, R"({"status":"success","data":["__name__","instance","job"]})");
  auto two = Json(PostForm("/api/v1/labels", "match[]=up&match[]=http_requests_total"));
  EXPECT_EQ(two["data"], json::array({"__name__", "code", "instance", "job"}));
  auto lim = Json(Get("/api/v1/labels", "limit=2"));
  EXPECT_EQ(lim["data"], json::array({"__name__", "code"}));
  EXPECT_EQ(lim["warnings"], json::array({"results truncated due to limit"}));
  ExpectError(Get("/api/v1/labels", "match[]={a=~\".*\"}"), 400, "bad_data",
              "match[] must contain at least one non-empty matcher");
  ExpectError(Get("/api/v1/labels", "end=x"), 400, "bad_data",
              "invalid parameter \"end\": cannot parse \"x\" to a valid timestamp");
}

TEST_F(ApiMetaTest, LabelValues) {
  EXPECT_EQ(Get("/api/v1/label/job/values").body, R"({"status":"success","data":["node","prom"]})");
  EXPECT_EQ(Get("/api/v1/label/__name__/values").body,
            R"({"status":"success","data":["http_requests_total","up"]})");
  EXPECT_EQ(Get("/api/v1/label/instance/values", "match[]=up{job=\"node\"}").body,
            R"({"status":"success","data":["a:9100","b:9100"]})");
  EXPECT_EQ(Get("/api/v1/label/nope/values").body, R"({"status":"success","data":[]})");
  auto lim = Json(Get("/api/v1/label/instance/values", "limit=1"));
  EXPECT_EQ(lim["data"], json::array({"a:9100"}));
  EXPECT_EQ(lim["warnings"], json::array({"results truncated due to limit"}));
  // U__ escaping: a legacy name escaped decodes to itself; a UTF-8 name
  // cannot be stored by vigil, so it has no values.
  EXPECT_EQ(Get("/api/v1/label/U__job/values").body, R"({"status":"success","data":["node","prom"]})");
  EXPECT_EQ(Get("/api/v1/label/U__http_2e_status__code/values").body, R"({"status":"success","data":[]})");
  EXPECT_EQ(Get("/api/v1/label/U__job_2e_x/values").body, R"({"status":"success","data":[]})");
  ExpectError(Get("/api/v1/label/foo-bar/values"), 400, "bad_data", "invalid label name: \"foo-bar\"");
  ExpectError(Get("/api/v1/label/1abc/values"), 400, "bad_data", "invalid label name: \"1abc\"");
  ExpectError(Get("/api/v1/label/job/values", "limit=-2"), 400, "bad_data",
              "invalid parameter \"limit\": limit must be non-negative");
  EXPECT_EQ(Get("/api/v1/label/job").status, 404);
  EXPECT_EQ(Get("/api/v1/label/a/b/values").status, 404);
  EXPECT_EQ(PostForm("/api/v1/label/job/values", "").status, 405);  // GET only, as Prometheus
}

TEST_F(ApiMetaTest, Metadata) {
  EXPECT_EQ(Get("/api/v1/metadata").body, R"({"status":"success","data":{}})");
  metadata_.Put("up", {"gauge", "1 if the target is up.", ""});
  metadata_.Put("http_requests_total", {"counter", "Requests.", ""});
  metadata_.Put("http_requests_total", {"counter", "Requests, v2.", ""});
  metadata_.Put("go_gc_duration_seconds", {"summary", "GC pauses.", "seconds"});
  auto all = Json(Get("/api/v1/metadata"));
  ASSERT_EQ(all["data"].size(), 3u);
  EXPECT_EQ(all["data"]["up"], json::parse(R"([{"type":"gauge","help":"1 if the target is up.","unit":""}])"));
  EXPECT_EQ(all["data"]["http_requests_total"].size(), 2u);
  EXPECT_EQ(all["data"]["go_gc_duration_seconds"][0]["unit"], "seconds");
  EXPECT_EQ(Json(Get("/api/v1/metadata", "limit=1"))["data"].size(), 1u);
  EXPECT_EQ(Json(Get("/api/v1/metadata", "limit=0"))["data"].size(), 0u);
  EXPECT_EQ(Json(Get("/api/v1/metadata", "limit=-1"))["data"].size(), 3u);
  EXPECT_EQ(Json(Get("/api/v1/metadata", "limit_per_metric=1"))["data"]["http_requests_total"].size(), 1u);
  auto one = Json(Get("/api/v1/metadata", "metric=up"));
  ASSERT_EQ(one["data"].size(), 1u);
  EXPECT_TRUE(one["data"].contains("up"));
  ExpectError(Get("/api/v1/metadata", "limit=x"), 400, "bad_data", "limit must be a number");
  ExpectError(Get("/api/v1/metadata", "limit_per_metric=1.5"), 400, "bad_data", "limit_per_metric must be a number");
}

TEST_F(ApiMetaTest, FormatQuery) {
  EXPECT_EQ(Get("/api/v1/format_query", "query=sum(rate(x%5B5m%5D))by(job)").body,
            R"j({"status":"success","data":"sum by (job) (rate(x[5m]))"})j");
  EXPECT_EQ(PostForm("/api/v1/format_query", "query=up+%2B+1").body, R"({"status":"success","data":"up + 1"})");
  auto bad = Get("/api/v1/format_query", "query=sum(");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(Json(bad)["error"].get<std::string>().rfind("invalid parameter \"query\": 1:", 0), 0u) << bad.body;
}

TEST_F(ApiMetaTest, QueryExemplars) {
  EXPECT_EQ(Get("/api/v1/query_exemplars", "query=up&start=1700000000&end=1700000100").body,
            R"({"status":"success","data":[]})");
  EXPECT_EQ(PostForm("/api/v1/query_exemplars", "query=1%2B1").body, R"({"status":"success","data":[]})");
  ExpectError(Get("/api/v1/query_exemplars", "query=up&start=10&end=5"), 400, "bad_data",
              "end timestamp must not be before start timestamp");
  ExpectError(Get("/api/v1/query_exemplars", "query=up&start=x"), 400, "bad_data",
              "invalid parameter \"start\": cannot parse \"x\" to a valid timestamp");
  auto bad = Get("/api/v1/query_exemplars", "query=sum(");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(Json(bad)["error"].get<std::string>().rfind("1:", 0), 0u) << bad.body;
}

TEST_F(ApiMetaTest, BuildInfo) {
  auto j = Json(Get("/api/v1/status/buildinfo"));
  EXPECT_EQ(j["status"], "success");
  const auto& d = j["data"];
  for (const char* k : {"version", "revision", "branch", "buildUser", "buildDate", "goVersion"}) {
    ASSERT_TRUE(d.contains(k)) << k;
    EXPECT_TRUE(d[k].is_string()) << k;
  }
  EXPECT_EQ(d["version"], "3.5.0");
  EXPECT_FALSE(d.contains("features"));
  EXPECT_EQ(d.size(), 6u);
}

TEST_F(ApiMetaTest, RuntimeInfoAndFlags) {
  config_.retention_ms = 15LL * 24 * 3600 * 1000;
  config_.flags = {{"storage.tsdb.path", "/data"}, {"web.listen-address", ":9201"}};
  auto j = Json(Get("/api/v1/status/runtimeinfo"));
  const auto& d = j["data"];
  for (const char* k : {"startTime", "CWD", "lastConfigTime", "GOGC", "GODEBUG", "storageRetention"}) {
    EXPECT_TRUE(d[k].is_string()) << k;
  }
  for (const char* k : {"corruptionCount", "goroutineCount", "GOMAXPROCS", "GOMEMLIMIT"}) {
    EXPECT_TRUE(d[k].is_number_integer()) << k;
  }
  EXPECT_TRUE(d["reloadConfigSuccess"].is_boolean());
  EXPECT_EQ(d["storageRetention"], "15d");  // model.Duration: weeks only when exact
  EXPECT_EQ(d["startTime"].get<std::string>().back(), 'Z');
  EXPECT_GE(d["goroutineCount"].get<int>(), 1);
  EXPECT_EQ(Get("/api/v1/status/flags").body,
            R"({"status":"success","data":{"storage.tsdb.path":"/data","web.listen-address":":9201"}})");
}

TEST_F(ApiMetaTest, TsdbStatus) {
  int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  Add({{"__name__", "cpu"}, {"mode", "idle"}}, now - 60000, 1);
  Add({{"__name__", "cpu"}, {"mode", "user"}}, now - 30000, 1);
  Add({{"__name__", "cpu"}, {"mode", "system"}}, now, 1);
  Add({{"__name__", "mem"}, {"mode", "user"}}, now, 1);
  auto r = Get("/api/v1/status/tsdb");
  ASSERT_EQ(r.status, 200) << r.body;
  auto d = Json(r)["data"];
  EXPECT_EQ(d["headStats"]["numSeries"], 9);  // every series the DB knows
  EXPECT_EQ(d["headStats"]["numLabelPairs"], 5);  // recent series only
  EXPECT_EQ(d["headStats"]["minTime"], now - 60000);
  EXPECT_EQ(d["headStats"]["maxTime"], now);
  EXPECT_TRUE(d["headStats"]["chunkCount"].is_number_integer());
  EXPECT_EQ(d["seriesCountByMetricName"],
            json::parse(R"([{"name":"cpu","value":3},{"name":"mem","value":1}])"));
  EXPECT_EQ(d["labelValueCountByLabelName"],
            json::parse(R"([{"name":"mode","value":3},{"name":"__name__","value":2}])"));
  // Bytes of values times series: __name__ 3*3+3 = 12, mode 4+4+6+4 = 18.
  EXPECT_EQ(d["memoryInBytesByLabelName"],
            json::parse(R"([{"name":"mode","value":18},{"name":"__name__","value":12}])"));
  EXPECT_EQ(d["seriesCountByLabelValuePair"][0], json::parse(R"({"name":"__name__=cpu","value":3})"));
  EXPECT_EQ(d["seriesCountByLabelValuePair"][1], json::parse(R"({"name":"mode=user","value":2})"));
  EXPECT_EQ(d["seriesCountByLabelValuePair"].size(), 5u);
  auto lim = Json(Get("/api/v1/status/tsdb", "limit=1"))["data"];
  EXPECT_EQ(lim["seriesCountByLabelValuePair"].size(), 1u);
  ExpectError(Get("/api/v1/status/tsdb", "limit=0"), 400, "bad_data", "limit must be a positive number");
}

}  // namespace
}  // namespace vigil::server::testing_api
