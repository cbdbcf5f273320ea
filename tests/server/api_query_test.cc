// /api/v1/query and /api/v1/query_range through the Router: result shapes,
// Prometheus's parameter errors, the error table for engine failures, the
// limit parameter, the concurrency gate and the self-metrics.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

#include "server/api/handlers.h"
#include "tests/server/api_test_util.h"

namespace vigil::server::testing_api {
namespace {

constexpr int64_t kBase = 1700000000000;  // ms; 2023-11-14T22:13:20Z

class ApiQueryTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    // 10 minutes at 15 s of two `up` series and one counter.
    for (int64_t i = 0; i <= 40; ++i) {
      Add({{"__name__", "up"}, {"job", "b"}, {"instance", "1"}}, kBase + i * 15000, 1);
      Add({{"__name__", "up"}, {"job", "a"}, {"instance", "1"}}, kBase + i * 15000, 0);
      Add({{"__name__", "req_total"}, {"job", "a"}}, kBase + i * 15000, static_cast<double>(i * 10));
    }
  }
};

TEST_F(ApiQueryTest, InstantVector) {
  auto r = Get("/api/v1/query", "query=up&time=1700000060");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.content_type, "application/json");
  auto j = Json(r);
  EXPECT_EQ(j["status"], "success");
  EXPECT_FALSE(j.contains("warnings"));
  EXPECT_FALSE(j.contains("errorType"));
  EXPECT_EQ(j["data"]["resultType"], "vector");
  ASSERT_EQ(j["data"]["result"].size(), 2u);
  for (const auto& s : j["data"]["result"]) {
    EXPECT_EQ(s["metric"]["__name__"], "up");
    ASSERT_TRUE(s["value"].is_array());
    EXPECT_EQ(s["value"][0].get<double>(), 1700000060.0);
    EXPECT_TRUE(s["value"][1].is_string());
  }
  // The exact spelling of one element.
  auto one = Get("/api/v1/query", "query=req_total&time=1700000060.5");
  EXPECT_EQ(one.body,
            R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{"__name__":"req_total","job":"a"},"value":[1700000060.500,"40"]}]}})");
}

TEST_F(ApiQueryTest, ScalarAndString) {
  auto r = Get("/api/v1/query", "query=1%2B1&time=4");
  EXPECT_EQ(r.body, R"({"status":"success","data":{"resultType":"scalar","result":[4,"2"]}})");
  auto s = Get("/api/v1/query", "query=%22hello%22&time=4.25");
  EXPECT_EQ(s.body, R"({"status":"success","data":{"resultType":"string","result":[4.250,"hello"]}})");
}

TEST_F(ApiQueryTest, RangeMatrixSortedByLabels) {
  auto r = PostForm("/api/v1/query_range", "query=up&start=1700000000&end=1700000060&step=15");
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = Json(r);
  EXPECT_EQ(j["data"]["resultType"], "matrix");
  auto& res = j["data"]["result"];
  ASSERT_EQ(res.size(), 2u);
  EXPECT_EQ(res[0]["metric"]["job"], "a");
  EXPECT_EQ(res[1]["metric"]["job"], "b");
  ASSERT_EQ(res[0]["values"].size(), 5u);
  EXPECT_EQ(res[0]["values"][0][0].get<double>(), 1700000000.0);
  EXPECT_EQ(res[0]["values"][4][0].get<double>(), 1700000060.0);
  EXPECT_EQ(res[0]["values"][4][1], "0");
  EXPECT_EQ(res[1]["values"][4][1], "1");
  // GET and POST are equivalent; durations work as steps.
  auto g = Get("/api/v1/query_range", "query=up&start=1700000000&end=1700000060&step=15s");
  EXPECT_EQ(g.body, r.body);
  // Sub-second float steps.
  auto f = Get("/api/v1/query_range", "query=1&start=0&end=1&step=0.2");
  auto fj = Json(f);
  ASSERT_EQ(fj["data"]["result"].size(), 1u);
  EXPECT_EQ(fj["data"]["result"][0]["values"].size(), 6u);
  EXPECT_NE(f.body.find("[0.200,\"1\"]"), std::string::npos) << f.body;
}

TEST_F(ApiQueryTest, RangeParameterErrors) {
  ExpectError(Get("/api/v1/query_range", "query=up&start=20&end=10&step=1"), 400, "bad_data",
              "invalid parameter \"end\": end timestamp must not be before start time");
  ExpectError(Get("/api/v1/query_range", "query=up&start=10&end=20&step=0"), 400, "bad_data",
              "invalid parameter \"step\": zero or negative query resolution step widths are not accepted. Try a "
              "positive integer");
  ExpectError(Get("/api/v1/query_range", "query=up&start=10&end=20&step=-5"), 400, "bad_data",
              "invalid parameter \"step\": zero or negative query resolution step widths are not accepted. Try a "
              "positive integer");
  ExpectError(Get("/api/v1/query_range", "query=up&start=10&end=20&step=abc"), 400, "bad_data",
              "invalid parameter \"step\": cannot parse \"abc\" to a valid duration");
  ExpectError(Get("/api/v1/query_range", "query=up&end=20&step=1"), 400, "bad_data",
              "invalid parameter \"start\": cannot parse \"\" to a valid timestamp");
  ExpectError(Get("/api/v1/query_range", "query=up&start=1&end=x&step=1"), 400, "bad_data",
              "invalid parameter \"end\": cannot parse \"x\" to a valid timestamp");
  ExpectError(Get("/api/v1/query_range", "query=up&start=0&end=11001&step=1"), 400, "bad_data",
              "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution "
              "(?step=XX)");
  ExpectError(Get("/api/v1/query_range",
                  "query=1&start=-292273086-05-16T16:47:06Z&end=292277025-08-18T07:12:54.999999999Z&step=1e9"),
              400, "bad_data",
              "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution "
              "(?step=XX)");
  // Exactly 11,000 steps is allowed.
  EXPECT_EQ(Get("/api/v1/query_range", "query=1&start=0&end=11000&step=1").status, 200);
  ExpectError(Get("/api/v1/query_range", "query=up&start=0&end=10&step=1&timeout=x"), 400, "bad_data",
              "invalid parameter \"timeout\": cannot parse \"x\" to a valid duration");
  ExpectError(Get("/api/v1/query_range", "query=up&start=0&end=10&step=1&limit=x"), 400, "bad_data",
              "invalid parameter \"limit\": strconv.Atoi: parsing \"x\": invalid syntax");
}

TEST_F(ApiQueryTest, InstantParameterErrors) {
  ExpectError(Get("/api/v1/query", "query=up&time=yesterday"), 400, "bad_data",
              "invalid parameter \"time\": cannot parse \"yesterday\" to a valid timestamp");
  ExpectError(Get("/api/v1/query", "query=up&limit=-1"), 400, "bad_data",
              "invalid parameter \"limit\": limit must be non-negative");
  ExpectError(Get("/api/v1/query", "query=up&timeout=5x"), 400, "bad_data",
              "invalid parameter \"timeout\": cannot parse \"5x\" to a valid duration");
  ExpectError(Get("/api/v1/query", "query=up&lookback_delta=x"), 400, "bad_data",
              "error parsing lookback delta duration: cannot parse \"x\" to a valid duration");
  auto parse = Get("/api/v1/query", "query=sum(&time=1");
  EXPECT_EQ(parse.status, 400);
  auto j = Json(parse);
  EXPECT_EQ(j["errorType"], "bad_data");
  EXPECT_EQ(j["error"].get<std::string>().rfind("invalid parameter \"query\": 1:", 0), 0u) << parse.body;
  auto empty = Get("/api/v1/query", "time=1");
  EXPECT_EQ(empty.status, 400);
  EXPECT_EQ(Json(empty)["error"].get<std::string>().rfind("invalid parameter \"query\": ", 0), 0u) << empty.body;
}

TEST_F(ApiQueryTest, EngineErrorsUseTheTable) {
  // Many-to-many matching is an evaluation error: execution, 422.
  auto m = Get("/api/v1/query", "query=up%20%2B%20on()%20up&time=1700000060");
  EXPECT_EQ(m.status, 422) << m.body;
  EXPECT_EQ(Json(m)["errorType"], "execution");
  // A non-positive timeout is a deadline already passed.
  ExpectError(Get("/api/v1/query", "query=up&time=1700000060&timeout=0"), 503, "timeout",
              "query timed out in query queue");
  // Too many samples: execution, with Prometheus's message.
  engine_options_.max_samples = 1;
  Init();
  ExpectError(Get("/api/v1/query", "query=up%5B10m%5D&time=1700000600"), 422, "execution",
              "query processing would load too many samples into memory in query execution");
}

TEST_F(ApiQueryTest, LimitTruncatesWithWarning) {
  auto r = Get("/api/v1/query", "query=up&time=1700000060&limit=1");
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = Json(r);
  EXPECT_EQ(j["data"]["result"].size(), 1u);
  ASSERT_TRUE(j.contains("warnings"));
  EXPECT_EQ(j["warnings"], nlohmann::json::array({"results truncated due to limit"}));
  auto exact = Json(Get("/api/v1/query", "query=up&time=1700000060&limit=2"));
  EXPECT_EQ(exact["data"]["result"].size(), 2u);
  EXPECT_FALSE(exact.contains("warnings"));
  auto range = Json(Get("/api/v1/query_range", "query=up&start=1700000000&end=1700000060&step=15&limit=1"));
  EXPECT_EQ(range["data"]["result"].size(), 1u);
  EXPECT_EQ(range["data"]["result"][0]["metric"]["job"], "a");
  EXPECT_EQ(range["warnings"], nlohmann::json::array({"results truncated due to limit"}));
  // Scalars are never cut.
  auto scalar = Json(Get("/api/v1/query", "query=1&time=1&limit=1"));
  EXPECT_FALSE(scalar.contains("warnings"));
}

TEST_F(ApiQueryTest, MethodsAndOptions) {
  HttpRequest put;
  put.method = "PUT";
  put.path = "/api/v1/query";
  EXPECT_EQ(router_->Dispatch(put).status, 405);
  HttpRequest opt;
  opt.method = "OPTIONS";
  opt.path = "/api/v1/query_range";
  EXPECT_EQ(router_->Dispatch(opt).status, 204);
  // CORS headers on normal answers when the browser sends Origin.
  HttpRequest get;
  get.method = "GET";
  get.path = "/api/v1/query";
  get.query = "query=1&time=1";
  get.headers.emplace_back("origin", "http://grafana.local");
  auto r = router_->Dispatch(get);
  bool cors = false;
  for (const auto& [k, v] : r.headers) cors |= k == "Access-Control-Allow-Origin" && v == "*";
  EXPECT_TRUE(cors);
}

TEST_F(ApiQueryTest, SelfMetrics) {
  (void)Get("/api/v1/query", "query=1&time=1");
  (void)Get("/api/v1/query", "query=1&time=1");
  (void)Get("/api/v1/query", "query=sum(&time=1");
  (void)Get("/api/v1/query_range", "query=1&start=0&end=10&step=1");
  auto c = [&](const std::string& h, const std::string& o) {
    return metrics_.GetCounter("vigil_api_requests_total", "", {{"handler", h}, {"outcome", o}})->value();
  };
  EXPECT_EQ(c("/api/v1/query", "success"), 2);
  EXPECT_EQ(c("/api/v1/query", "bad_data"), 1);
  EXPECT_EQ(c("/api/v1/query_range", "success"), 1);
  std::string text = metrics_.Render();
  EXPECT_NE(text.find("vigil_query_duration_seconds_count{handler=\"/api/v1/query\"} 3"), std::string::npos)
      << text;
}

TEST(ApiQueryGate, WaitsUntilDeadlineThenGivesUp) {
  api::QueryGate gate(1);
  auto now = std::chrono::steady_clock::now;
  ASSERT_TRUE(gate.Acquire(now() + std::chrono::seconds(1)));
  auto t0 = now();
  EXPECT_FALSE(gate.Acquire(now() + std::chrono::milliseconds(50)));
  EXPECT_GE(now() - t0, std::chrono::milliseconds(45));
  // A waiter gets the slot as soon as it is released.
  std::thread releaser([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    gate.Release();
  });
  EXPECT_TRUE(gate.Acquire(now() + std::chrono::seconds(5)));
  releaser.join();
  gate.Release();
  EXPECT_EQ(api::QueryGate(0).capacity(), 1);
}

TEST_F(ApiQueryTest, GateCapacityFromConfig) {
  config_.limits.max_concurrent_queries = 1;
  Init();
  // Sequential queries each get the single slot back.
  for (int i = 0; i < 3; ++i) EXPECT_EQ(Get("/api/v1/query", "query=up&time=1700000060").status, 200);
  // Concurrent ones queue and all succeed within their timeout.
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      if (Get("/api/v1/query_range", "query=rate(req_total%5B1m%5D)&start=1700000000&end=1700000600&step=15")
              .status == 200) {
        ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 4);
  EXPECT_EQ(ctx_->queries_in_flight.load(), 0);
}

}  // namespace
}  // namespace vigil::server::testing_api
