// /api/v1/rules and /api/v1/alerts: the JSON shapes (field order as
// Prometheus's structs), every filter and its errors, pagination.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "query/parser.h"
#include "server/api/api.h"
#include "server/api/rules_json.h"
#include "server/http/router.h"
#include "server/metadata_store.h"
#include "server/self_metrics.h"
#include "server/server_context.h"
#include "tests/server/rule_manager_test_util.h"

namespace vigil::server::alerting::testing_rules {
namespace {

using ordered_json = nlohmann::ordered_json;

constexpr const char* kFileA = R"(groups:
  - name: g1
    rules:
      - record: job:rec
        expr: vector(1)
        labels: {team: infra}
      - alert: Firing
        expr: vector(1)*1000000
        labels: {severity: page, team: infra}
        annotations: {summary: hi, zz: last}
      - alert: Pending
        expr: vector(0.5)
        for: 5m
        keep_firing_for: 1m
        labels: {severity: ticket}
)";
constexpr const char* kFileB = R"(groups:
  - name: g2
    rules:
      - record: rec2
        expr: vector(2)
      - alert: Quiet
        expr: vector(1) == 0
)";

std::vector<std::string> Keys(const ordered_json& j) {
  std::vector<std::string> out;
  for (auto it = j.begin(); it != j.end(); ++it) out.push_back(it.key());
  return out;
}

class ApiRulesTest : public RuleManagerTest {
 protected:
  void SetUp() override {
    RuleManagerTest::SetUp();
    file_a_ = WriteRules("a.yml", kFileA);
    file_b_ = WriteRules("b.yml", kFileB);
    manager_ = NewManager(nullptr);
    ASSERT_OK(manager_->Update(Config(10'000)));
    ctx_.db = db_.get();
    ctx_.engine = engine_.get();
    ctx_.metadata = &metadata_;
    ctx_.metrics = &metrics_;
    ctx_.config = &config_;
    ctx_.rule_manager = manager_.get();
    RegisterApiHandlers(router_, ctx_);
  }

  HttpResponse Get(const std::string& path, const std::string& query = "") {
    HttpRequest req;
    req.method = "GET";
    req.path = path;
    req.query = query;
    return router_.Dispatch(req);
  }
  ordered_json Data(const std::string& path, const std::string& query = "") {
    HttpResponse r = Get(path, query);
    EXPECT_EQ(r.status, 200) << r.body;
    auto j = ordered_json::parse(r.body, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << r.body;
    EXPECT_EQ(j.value("status", ""), "success") << r.body;
    return j["data"];
  }
  // "group/rule" for every rule returned.
  std::vector<std::string> Names(const ordered_json& data) {
    std::vector<std::string> out;
    for (const auto& g : data["groups"]) {
      for (const auto& r : g["rules"]) out.push_back(g["name"].get<std::string>() + "/" + r["name"].get<std::string>());
    }
    return out;
  }

  std::string file_a_, file_b_;
  MetadataStore metadata_;
  MetricsRegistry metrics_;
  ServerConfig config_;
  ServerContext ctx_;
  Router router_;
};

TEST_F(ApiRulesTest, ShapesBeforeTheFirstEvaluation) {
  ordered_json data = Data("/api/v1/rules");
  EXPECT_EQ(Keys(data), std::vector<std::string>{"groups"});
  ASSERT_EQ(data["groups"].size(), 2u);
  const ordered_json& g1 = data["groups"][0];
  EXPECT_EQ(Keys(g1), (std::vector<std::string>{"name", "file", "rules", "interval", "limit", "evaluationTime",
                                                 "lastEvaluation"}));
  EXPECT_EQ(g1["name"], "g1");
  EXPECT_EQ(g1["file"], file_a_);
  EXPECT_EQ(g1["interval"], 10);
  EXPECT_EQ(g1["limit"], 0);
  EXPECT_EQ(g1["lastEvaluation"], "0001-01-01T00:00:00Z");
  const ordered_json& alert = g1["rules"][1];
  EXPECT_EQ(alert["state"], "unknown");
  EXPECT_EQ(alert["health"], "unknown");
  EXPECT_EQ(alert["alerts"], ordered_json::array());
  EXPECT_EQ(alert["lastEvaluation"], "0001-01-01T00:00:00Z");
  EXPECT_FALSE(alert.contains("lastError"));
}

TEST_F(ApiRulesTest, ShapesAfterAnEvaluation) {
  manager_->Start();
  RunRound(*manager_);
  const int64_t slot = manager_->StatsFor(file_a_, "g1")->last_eval_ts_ms.load();
  ordered_json data = Data("/api/v1/rules");
  ASSERT_EQ(data["groups"].size(), 2u);
  const ordered_json& rules = data["groups"][0]["rules"];
  ASSERT_EQ(rules.size(), 3u);

  const ordered_json& rec = rules[0];
  EXPECT_EQ(Keys(rec), (std::vector<std::string>{"name", "query", "labels", "health", "evaluationTime",
                                                 "lastEvaluation", "type"}));
  EXPECT_EQ(rec["type"], "recording");
  EXPECT_EQ(rec["name"], "job:rec");
  EXPECT_EQ(rec["query"], "vector(1)");
  EXPECT_EQ(rec["labels"], ordered_json({{"team", "infra"}}));
  EXPECT_EQ(rec["health"], "ok");
  EXPECT_NE(rec["lastEvaluation"], "0001-01-01T00:00:00Z");
  EXPECT_TRUE(rec["evaluationTime"].is_number());

  const ordered_json& firing = rules[1];
  EXPECT_EQ(Keys(firing), (std::vector<std::string>{"state", "name", "query", "duration", "keepFiringFor", "labels",
                                                    "annotations", "alerts", "health", "evaluationTime",
                                                    "lastEvaluation", "type"}));
  EXPECT_EQ(firing["type"], "alerting");
  // Printed back from the parsed tree, as Prometheus's rule.Query().String().
  EXPECT_EQ(firing["query"], (*query::ParseExpr("vector(1)*1000000"))->ToString());
  EXPECT_TRUE(firing["query"].get<std::string>().starts_with("vector(1) * ")) << firing["query"];
  EXPECT_EQ(firing["state"], "firing");
  EXPECT_EQ(firing["duration"], 0);
  EXPECT_EQ(Keys(firing["annotations"]), (std::vector<std::string>{"summary", "zz"}));
  ASSERT_EQ(firing["alerts"].size(), 1u);
  const ordered_json& a = firing["alerts"][0];
  EXPECT_EQ(Keys(a), (std::vector<std::string>{"labels", "annotations", "state", "activeAt", "value"}));
  EXPECT_EQ(a["labels"], ordered_json({{"alertname", "Firing"}, {"severity", "page"}, {"team", "infra"}}));
  EXPECT_EQ(a["state"], "firing");
  EXPECT_EQ(a["value"], "1e+06");
  EXPECT_EQ(a["activeAt"], api::FormatRfc3339NanoMs(slot));

  const ordered_json& pending = rules[2];
  EXPECT_EQ(pending["state"], "pending");
  EXPECT_EQ(pending["duration"], 300);
  EXPECT_EQ(pending["keepFiringFor"], 60);
  EXPECT_EQ(pending["alerts"][0]["value"], "5e-01");
  EXPECT_EQ(pending["alerts"][0]["state"], "pending");

  const ordered_json& quiet = data["groups"][1]["rules"][1];
  EXPECT_EQ(quiet["state"], "inactive");
  EXPECT_EQ(quiet["alerts"], ordered_json::array());
  // A recording rule without labels has none in the JSON (omitempty, as
  // Prometheus 2.42 answers).
  EXPECT_FALSE(data["groups"][1]["rules"][0].contains("labels")) << data["groups"][1]["rules"][0];

  ordered_json alerts = Data("/api/v1/alerts");
  EXPECT_EQ(Keys(alerts), std::vector<std::string>{"alerts"});
  ASSERT_EQ(alerts["alerts"].size(), 2u);
  EXPECT_EQ(alerts["alerts"][0], a);
  EXPECT_EQ(alerts["alerts"][1]["labels"]["alertname"], "Pending");
}

TEST_F(ApiRulesTest, FailedRuleShowsItsError) {
  WriteRules("c.yml", R"(groups:
  - name: g3
    rules:
      - alert: Dup
        expr: 'label_replace(vector(1), "x", "a", "", "") or label_replace(vector(2), "x", "b", "", "")'
        labels: {x: same}
)");
  ASSERT_OK(manager_->Update(Config(10'000)));
  manager_->Start();
  RunRound(*manager_);
  ordered_json data = Data("/api/v1/rules", "rule_group[]=g3");
  ASSERT_EQ(data["groups"].size(), 1u);
  const ordered_json& rule = data["groups"][0]["rules"][0];
  EXPECT_EQ(Keys(rule), (std::vector<std::string>{"state", "name", "query", "duration", "keepFiringFor", "labels",
                                                  "annotations", "alerts", "health", "lastError", "evaluationTime",
                                                  "lastEvaluation", "type"}));
  EXPECT_EQ(rule["health"], "err");
  EXPECT_NE(rule["lastError"].get<std::string>().find("same labelset"), std::string::npos) << rule;
}

TEST_F(ApiRulesTest, Filters) {
  struct Case {
    std::string query;
    std::vector<std::string> want;
  };
  const std::vector<Case> cases = {
      {"", {"g1/job:rec", "g1/Firing", "g1/Pending", "g2/rec2", "g2/Quiet"}},
      {"type=alert", {"g1/Firing", "g1/Pending", "g2/Quiet"}},
      {"type=ALERT", {"g1/Firing", "g1/Pending", "g2/Quiet"}},
      {"type=record", {"g1/job:rec", "g2/rec2"}},
      {"rule_name[]=Firing&rule_name[]=rec2", {"g1/Firing", "g2/rec2"}},
      {"rule_group[]=g2", {"g2/rec2", "g2/Quiet"}},
      {"file[]=" + file_a_, {"g1/job:rec", "g1/Firing", "g1/Pending"}},
      {"file[]=nope.yml", {}},
      {"rule_group[]=g2&type=record", {"g2/rec2"}},
      {"match[]=%7Bteam%3D%22infra%22%7D", {"g1/job:rec", "g1/Firing"}},
      {"match[]=%7Bseverity%3D%22page%22%7D&match[]=%7Bseverity%3D%22ticket%22%7D", {"g1/Firing", "g1/Pending"}},
      {"rule_name[]=Nope", {}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.query);
    ordered_json data = Data("/api/v1/rules", c.query);
    EXPECT_EQ(Names(data), c.want);
    for (const auto& g : data["groups"]) EXPECT_FALSE(g["rules"].empty()) << "empty groups are left out";
  }
}

TEST_F(ApiRulesTest, ExcludeAlerts) {
  manager_->Start();
  RunRound(*manager_);
  for (const std::string q : {"exclude_alerts=true", "exclude_alerts=1", "exclude_alerts=TRUE"}) {
    SCOPED_TRACE(q);
    ordered_json data = Data("/api/v1/rules", q);
    EXPECT_TRUE(data["groups"][0]["rules"][1]["alerts"].is_null());
    EXPECT_EQ(data["groups"][0]["rules"][1]["state"], "firing");
  }
  ordered_json data = Data("/api/v1/rules", "exclude_alerts=false");
  EXPECT_EQ(data["groups"][0]["rules"][1]["alerts"].size(), 1u);
}

TEST_F(ApiRulesTest, Pagination) {
  ordered_json page1 = Data("/api/v1/rules", "group_limit=1");
  ASSERT_EQ(page1["groups"].size(), 1u);
  EXPECT_EQ(page1["groups"][0]["name"], "g1");
  ASSERT_TRUE(page1.contains("groupNextToken"));
  std::string token = page1["groupNextToken"];
  ordered_json page2 = Data("/api/v1/rules", "group_limit=1&group_next_token=" + token);
  ASSERT_EQ(page2["groups"].size(), 1u);
  EXPECT_EQ(page2["groups"][0]["name"], "g2");
  EXPECT_FALSE(page2.contains("groupNextToken"));
  ordered_json all = Data("/api/v1/rules", "group_limit=2");
  EXPECT_EQ(all["groups"].size(), 2u);
  EXPECT_FALSE(all.contains("groupNextToken"));
}

TEST_F(ApiRulesTest, BadParameters) {
  struct Case {
    std::string query, param, message;
  };
  const Case cases[] = {
      {"type=foo", "type", "not supported value \"foo\""},
      {"exclude_alerts=maybe", "exclude_alerts",
       "error converting exclude_alerts: strconv.ParseBool: parsing \"maybe\": invalid syntax"},
      {"match[]=%7Bx%3D~%22.*%22%7D", "match[]", "match[] must contain at least one non-empty matcher"},
      {"group_limit=0", "group_limit", "group_limit needs to be greater than 0"},
      {"group_limit=-3", "group_limit", "group_limit needs to be greater than 0"},
      {"group_limit=abc", "group_limit",
       "group_limit needs to be a valid number: strconv.ParseInt: parsing \"abc\": invalid syntax"},
      {"group_next_token=x", "group_next_token", "group_limit needs to be present in order to paginate over the groups"},
      {"group_limit=1&group_next_token=nope", "group_next_token",
       "invalid group_next_token 'nope'. were rule groups changed?"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.query);
    HttpResponse r = Get("/api/v1/rules", c.query);
    EXPECT_EQ(r.status, 400) << r.body;
    auto j = nlohmann::json::parse(r.body, nullptr, false);
    EXPECT_EQ(j.value("errorType", ""), "bad_data") << r.body;
    EXPECT_EQ(j.value("error", ""), "invalid parameter \"" + c.param + "\": " + c.message) << r.body;
  }
  // A bad selector carries the parser's message.
  HttpResponse r = Get("/api/v1/rules", "match[]=%7B");
  EXPECT_EQ(r.status, 400) << r.body;
}

TEST_F(ApiRulesTest, NoRuleManager) {
  ctx_.rule_manager = nullptr;
  EXPECT_EQ(Data("/api/v1/rules")["groups"], ordered_json::array());
  EXPECT_EQ(Data("/api/v1/alerts")["alerts"], ordered_json::array());
}

TEST(RulesJsonTest, Formats) {
  struct Case {
    int64_t ms;
    const char* want;
  };
  const Case times[] = {{0, "0001-01-01T00:00:00Z"},
                        {1'700'000'000'000, "2023-11-14T22:13:20Z"},
                        {1'700'000'000'120, "2023-11-14T22:13:20.12Z"},
                        {1'700'000'000'001, "2023-11-14T22:13:20.001Z"}};
  for (const Case& c : times) {
    SCOPED_TRACE(c.ms);
    EXPECT_EQ(api::FormatRfc3339NanoMs(c.ms), c.want);
  }
  struct FloatCase {
    double v;
    const char* want;
  };
  const FloatCase floats[] = {{15, "15"}, {0.5, "0.5"}, {1.5e-7, "1.5e-7"}, {0, "0"}, {1e21, "1e+21"}};
  for (const FloatCase& c : floats) {
    SCOPED_TRACE(c.v);
    std::string s;
    api::AppendJsonFloat(&s, c.v);
    EXPECT_EQ(s, c.want);
  }
}

}  // namespace
}  // namespace vigil::server::alerting::testing_rules
