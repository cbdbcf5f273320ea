// Internal to server/api: the shared state of the API handlers and the
// handler functions RegisterApiHandlers wires up. Each handler takes the
// request and returns the complete response; errors go through the table in
// api_response.h. Thread-safe (the gate synchronises itself; the rest is
// read-only or thread-safe through ServerContext).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>

#include "server/http/http_types.h"
#include "server/server_context.h"

namespace vigil::server::api {

// Prometheus's --query.max-concurrency: at most `capacity` queries run at
// once; later ones wait in FIFO-ish order until a slot frees or their
// deadline passes (the wait counts against the query's timeout, as in
// Prometheus's ActiveQueryTracker). Thread-safe.
class QueryGate {
 public:
  explicit QueryGate(int capacity) : capacity_(capacity < 1 ? 1 : capacity) {}
  // True when a slot was taken before `deadline`; then call Release().
  bool Acquire(std::chrono::steady_clock::time_point deadline);
  void Release();
  int capacity() const { return capacity_; }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  const int capacity_;
  int running_ = 0;
};

struct ApiState {
  explicit ApiState(ServerContext& c);
  ServerContext& ctx;
  QueryGate gate;
  // Wall clock in ms (a member so tests could pin it; defaults to system).
  int64_t NowMs() const;
  // The server's query timeout: config limits, else the engine's.
  int64_t ServerTimeoutMs() const;
};

// query_handlers.cc
HttpResponse HandleQuery(ApiState& st, const HttpRequest& req);
HttpResponse HandleQueryRange(ApiState& st, const HttpRequest& req);
HttpResponse HandleQueryExemplars(ApiState& st, const HttpRequest& req);
HttpResponse HandleFormatQuery(ApiState& st, const HttpRequest& req);
// meta_handlers.cc
HttpResponse HandleSeries(ApiState& st, const HttpRequest& req);
HttpResponse HandleLabels(ApiState& st, const HttpRequest& req);
HttpResponse HandleLabelValues(ApiState& st, const HttpRequest& req);
HttpResponse HandleMetadata(ApiState& st, const HttpRequest& req);
// status_handlers.cc
HttpResponse HandleBuildInfo(ApiState& st, const HttpRequest& req);
HttpResponse HandleRuntimeInfo(ApiState& st, const HttpRequest& req);
HttpResponse HandleFlags(ApiState& st, const HttpRequest& req);
HttpResponse HandleTsdbStatus(ApiState& st, const HttpRequest& req);
// rules_handlers.cc
HttpResponse HandleRules(ApiState& st, const HttpRequest& req);
HttpResponse HandleAlerts(ApiState& st, const HttpRequest& req);

}  // namespace vigil::server::api
