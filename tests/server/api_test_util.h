// Fixture for the /api/v1 handler tests: a DB in a temp dir, an Engine, a
// MetadataStore, a MetricsRegistry and a ServerContext wired to a Router with
// RegisterApiHandlers. Requests go through Router::Dispatch (no sockets).
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "engine/db.h"
#include "query/engine.h"
#include "server/api/api.h"
#include "server/config.h"
#include "server/http/router.h"
#include "server/metadata_store.h"
#include "server/self_metrics.h"
#include "server/server_context.h"
#include "tests/testutil/testutil.h"

namespace vigil::server::testing_api {

class ApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    DbOptions o;
    o.retention_ms = 0;
    o.background_maintenance = false;
    o.sync_commits = false;
    auto db = DB::Open(dir_.Sub("db"), o);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(db).value();
    Init();
  }

  // (Re)builds the engine, context and router from engine_options_ and
  // config_; tests that change either call it again.
  void Init() {
    engine_ = std::make_unique<query::Engine>(engine_options_);
    ctx_ = std::make_unique<ServerContext>();
    ctx_->db = db_.get();
    ctx_->engine = engine_.get();
    ctx_->metadata = &metadata_;
    ctx_->metrics = &metrics_;
    ctx_->config = &config_;
    ctx_->build.version = "3.5.0";
    router_ = std::make_unique<Router>();
    RegisterApiHandlers(*router_, *ctx_);
  }

  void Add(std::initializer_list<std::pair<std::string_view, std::string_view>> labels, int64_t t_ms, double v) {
    auto app = db_->NewAppender();
    auto r = app->Append(0, Labels::FromStrings(labels), t_ms, v);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_TRUE(app->Commit().ok());
  }

  HttpResponse Get(const std::string& path, const std::string& query = "") {
    HttpRequest req;
    req.method = "GET";
    req.path = path;
    req.query = query;
    return router_->Dispatch(req);
  }

  HttpResponse PostForm(const std::string& path, const std::string& body, const std::string& query = "") {
    HttpRequest req;
    req.method = "POST";
    req.path = path;
    req.query = query;
    req.body = body;
    req.headers.emplace_back("content-type", "application/x-www-form-urlencoded");
    return router_->Dispatch(req);
  }

  // Parses the body; fails the test when it is not JSON.
  static nlohmann::json Json(const HttpResponse& r) {
    auto j = nlohmann::json::parse(r.body, nullptr, /*allow_exceptions=*/false);
    EXPECT_FALSE(j.is_discarded()) << "not JSON: " << r.body;
    return j;
  }

  // Expects an error response with this HTTP code, errorType and message.
  static void ExpectError(const HttpResponse& r, int code, const std::string& type, const std::string& message) {
    EXPECT_EQ(r.status, code) << r.body;
    auto j = Json(r);
    EXPECT_EQ(j.value("status", ""), "error") << r.body;
    EXPECT_EQ(j.value("errorType", ""), type) << r.body;
    EXPECT_EQ(j.value("error", ""), message) << r.body;
    EXPECT_FALSE(j.contains("data")) << r.body;
  }

  testutil::TempDir dir_;
  std::unique_ptr<DB> db_;
  query::EngineOptions engine_options_;
  std::unique_ptr<query::Engine> engine_;
  MetadataStore metadata_;
  MetricsRegistry metrics_;
  ServerConfig config_;
  std::unique_ptr<ServerContext> ctx_;
  std::unique_ptr<Router> router_;
};

}  // namespace vigil::server::testing_api
