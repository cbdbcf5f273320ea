// App: the `vigil serve` process. Owns the DB, the PromQL engine, the
// metadata store, the self-metrics registry, the Router and the HTTP server,
// and wires them: API handlers, remote write, /metrics, /-/healthy,
// /-/ready, /-/reload, /-/quit and the admin snapshot endpoint.
//
// Start order: the HTTP server first (so /-/healthy answers and /-/ready
// says 503 while the DB opens and replays its log), then the DB, then the
// notifier and the rule manager (rule files loaded; a bad file fails the
// start), then the full routes. Shutdown order: HTTP (stop accepting,
// finish in-flight requests), rule evaluation, the notifier (draining its
// queue), then the DB with its head sealed (DB::Close(true)), so nothing
// acknowledged is lost. Reload (SIGHUP, POST /-/reload) re-reads the
// config and rule files; a failed reload keeps everything running as it
// was. Start/Shutdown/Run are called from one thread; handlers and reloads
// run concurrently on the HTTP worker pool.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "engine/base/status.h"
#include "server/alerting/rule_manager.h"
#include "server/config.h"
#include "server/http/http_server.h"
#include "server/http/router.h"
#include "server/notify/notifier.h"
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
  // Shutdown(); SIGHUP reloads the configuration meanwhile. Blocks the
  // three signals in the calling thread first, so call it before any other
  // thread exists.
  Status Run();
  // Re-reads --config.file and the rule files it names. On success the new
  // rule groups replace the old ones (alert state and `for` progress kept)
  // and the notifier gets the new `alerting:` section; on failure nothing
  // changes and the error (every file / group / rule message) is returned
  // and logged. Sets vigil_config_last_reload_successful. What SIGHUP and
  // POST /-/reload call; thread-safe. REQUIRES: Start() succeeded.
  Status ReloadConfig();
  // Graceful stop; returns the DB's close status. Idempotent.
  Status Shutdown();

  // The bound HTTP port (after Start).
  uint16_t port() const { return http_ ? http_->port() : 0; }
  const ServerContext& context() const { return ctx_; }
  // The external URL in effect (--web.external-url or http://<host>:<port>).
  const std::string& external_url() const { return external_url_; }
  // After Start: the rule manager (null before).
  alerting::RuleManager* rule_manager() { return rule_manager_.get(); }

 private:
  HttpResponse Serve(const HttpRequest& req) const;
  void Observe(const HttpRequest& req, const HttpResponse& resp, double seconds);
  void BuildRouter();
  void AddCollectors();
  Status StartRules();
  HttpResponse Snapshot(const HttpRequest& req);
  HttpResponse Reload(const HttpRequest& req);
  HttpResponse Quit(const HttpRequest& req);

  ServerConfig config_;
  HttpServerOptions http_options_;
  MetricsRegistry metrics_;
  MetadataStore metadata_;
  std::unique_ptr<DB> db_;
  std::unique_ptr<query::Engine> engine_;
  std::string external_url_;
  std::unique_ptr<notify::Notifier> notifier_;
  std::unique_ptr<alerting::RuleManager> rule_manager_;  // after notifier_: destroyed first
  std::mutex reload_mu_;  // serializes reloads
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
