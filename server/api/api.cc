#include "server/api/api.h"

#include <memory>
#include <string>

#include "server/api/api_response.h"
#include "server/api/handlers.h"

namespace vigil::server {
namespace api {

bool QueryGate::Acquire(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock<std::mutex> lock(mu_);
  if (!cv_.wait_until(lock, deadline, [&] { return running_ < capacity_; })) return false;
  ++running_;
  return true;
}

void QueryGate::Release() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    --running_;
  }
  cv_.notify_one();
}

namespace {
int GateCapacity(const ServerContext& ctx) {
  return ctx.config != nullptr ? static_cast<int>(ctx.config->limits.max_concurrent_queries) : 20;
}
}  // namespace

ApiState::ApiState(ServerContext& c) : ctx(c), gate(GateCapacity(c)) {}

int64_t ApiState::NowMs() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int64_t ApiState::ServerTimeoutMs() const {
  if (ctx.config != nullptr && ctx.config->limits.query_timeout_ms > 0) return ctx.config->limits.query_timeout_ms;
  if (ctx.engine != nullptr) return ctx.engine->options().timeout_ms;
  return 2 * 60 * 1000;
}

}  // namespace api

void RegisterApiHandlers(Router& router, ServerContext& ctx) {
  auto state = std::make_shared<api::ApiState>(ctx);
  using Fn = HttpResponse (*)(api::ApiState&, const HttpRequest&);
  // `name` is the handler label of the self-metrics (Prometheus's
  // prometheus_http_requests_total uses the route pattern the same way).
  auto add = [&](std::vector<std::string> methods, std::string path, std::string name, Fn fn, bool is_query) {
    router.Handle(std::move(methods), std::move(path), [state, name, fn, is_query](const HttpRequest& req) {
      auto start = std::chrono::steady_clock::now();
      HttpResponse resp = fn(*state, req);
      // CORS as Prometheus's httputil.SetCORS with the default origin '.*'.
      if (!req.Header("origin").empty()) {
        resp.headers.emplace_back("Access-Control-Allow-Origin", "*");
        resp.headers.emplace_back("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
        resp.headers.emplace_back("Access-Control-Allow-Headers", "Accept, Authorization, Content-Type, Origin");
        resp.headers.emplace_back("Access-Control-Expose-Headers", "Date");
      }
      if (MetricsRegistry* m = state->ctx.metrics) {
        std::string outcome(api::OutcomeForHttpStatus(resp.status));
        m->GetCounter("vigil_api_requests_total", "Prometheus API requests by handler and outcome.",
                      {{"handler", name}, {"outcome", outcome}})
            ->Inc();
        if (is_query) {
          double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
          m->GetHistogram("vigil_query_duration_seconds",
                          "PromQL query latency (queue wait included) by handler.",
                          MetricsRegistry::DefaultLatencyBuckets(), {{"handler", name}})
              ->Observe(secs);
        }
      }
      return resp;
    });
  };
  const std::vector<std::string> kGetPost = {"GET", "POST"};
  const std::vector<std::string> kGet = {"GET"};
  add(kGetPost, "/api/v1/query", "/api/v1/query", &api::HandleQuery, true);
  add(kGetPost, "/api/v1/query_range", "/api/v1/query_range", &api::HandleQueryRange, true);
  add(kGetPost, "/api/v1/query_exemplars", "/api/v1/query_exemplars", &api::HandleQueryExemplars, false);
  add(kGetPost, "/api/v1/format_query", "/api/v1/format_query", &api::HandleFormatQuery, false);
  add(kGetPost, "/api/v1/series", "/api/v1/series", &api::HandleSeries, false);
  add(kGetPost, "/api/v1/labels", "/api/v1/labels", &api::HandleLabels, false);
  add(kGet, "/api/v1/label/", "/api/v1/label/:name/values", &api::HandleLabelValues, false);
  add(kGet, "/api/v1/metadata", "/api/v1/metadata", &api::HandleMetadata, false);
  add(kGet, "/api/v1/status/buildinfo", "/api/v1/status/buildinfo", &api::HandleBuildInfo, false);
  add(kGet, "/api/v1/status/runtimeinfo", "/api/v1/status/runtimeinfo", &api::HandleRuntimeInfo, false);
  add(kGet, "/api/v1/status/flags", "/api/v1/status/flags", &api::HandleFlags, false);
  add(kGet, "/api/v1/status/tsdb", "/api/v1/status/tsdb", &api::HandleTsdbStatus, false);
  add(kGetPost, "/api/v1/rules", "/api/v1/rules", &api::HandleRules, false);
  add(kGetPost, "/api/v1/alerts", "/api/v1/alerts", &api::HandleAlerts, false);
}

}  // namespace vigil::server
