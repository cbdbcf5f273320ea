// App: the `vigil serve` process. Owns the DB, the PromQL engine, the
// metadata store, the self-metrics registry, the Router and the HTTP server,
// and wires them: API handlers, remote write, /metrics, /-/healthy,
// /-/ready, /-/reload, /-/quit and the admin snapshot endpoint.
//
// Start order: the HTTP server first (so /-/healthy answers and /-/ready
// says 503 while the DB opens and replays its log), then the DB, then the
// full routes. Shutdown order: HTTP (stop accepting, finish in-flight
// requests), then the DB with its head sealed (DB::Close(true)), so nothing
// acknowledged is lost. Start/Shutdown/Run are called from one thread;
// handlers run concurrently on the HTTP worker pool.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "engine/base/status.h"
#include "server/config.h"
#include "server/http/http_server.h"
#include "server/http/router.h"
#include "server/server_context.h"

namespace vigil::server {

class App {
 public:
  // `http` supplies timeouts, thread counts and test hooks; its address,
  // port and body limit are replaced by config.listen_address and
  // config.limits.max_request_body_bytes.
  explicit App(ServerConfig config, HttpServerOptions http = {});
  // Shutdown().
  ~App();
  App(const App&) = delete;
  App& operator=(const App&) = delete;

  // Binds the listen address, opens the DB and starts serving. On error
  // everything started is stopped again. InvalidArgument (address),
  // IOError (bind, DB), Corruption (DB).
  Status Start();
  // Start(), then waits for SIGTERM or SIGINT (or POST /-/quit), then
  // Shutdown(). Blocks both signals in the calling thread first, so call
  // it before any other thread exists.
  Status Run();
  // Graceful stop; returns the DB's close status. Idempotent.
  Status Shutdown();

  // The bound HTTP port (after Start).
  uint16_t port() const { return http_ ? http_->port() : 0; }
  const ServerContext& context() const { return ctx_; }

 private:
  HttpResponse Serve(const HttpRequest& req) const;
  void Observe(const HttpRequest& req, const HttpResponse& resp, double seconds);
  void BuildRouter();
  void AddCollectors();
  HttpResponse Snapshot(const HttpRequest& req);
  HttpResponse Reload(const HttpRequest& req);
  HttpResponse Quit(const HttpRequest& req);

  ServerConfig config_;
  HttpServerOptions http_options_;
  MetricsRegistry metrics_;
  MetadataStore metadata_;
  std::unique_ptr<DB> db_;
  std::unique_ptr<query::Engine> engine_;
  ServerContext ctx_;
  Router boot_router_;  // while the DB opens: health, readiness, metrics
  Router router_;       // everything, once ready
  std::atomic<const Router*> active_{nullptr};
  std::unique_ptr<HttpServer> http_;
  std::atomic<bool> in_run_{false};
  std::mutex label_mu_;
  std::set<std::string> handler_labels_;  // distinct `handler` label values seen
  bool shut_down_ = false;
};

}  // namespace vigil::server
