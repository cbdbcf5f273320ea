#include "server/app.h"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <random>

#include "server/http/json_escape.h"

#if __has_include("server/api/api.h")
#include "server/api/api.h"
#define VIGIL_HAVE_API 1
#endif
#if __has_include("server/remote_write/handler.h")
#include "server/remote_write/handler.h"
#define VIGIL_HAVE_REMOTE_WRITE 1
#endif

namespace vigil::server {

namespace {

// Distinct `handler` label values before new paths are counted as "other".
constexpr size_t kMaxHandlerLabels = 200;

HttpResponse Text(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.content_type = "text/plain; charset=utf-8";
  r.body = std::move(body);
  return r;
}

// The first value of `key` in a urlencoded string ("" if absent; no
// %-decoding needed for the boolean values looked up here).
bool FindParam(std::string_view s, std::string_view key, std::string* value) {
  while (!s.empty()) {
    size_t amp = s.find('&');
    std::string_view pair = s.substr(0, amp);
    s = amp == std::string_view::npos ? std::string_view() : s.substr(amp + 1);
    size_t eq = pair.find('=');
    if (pair.substr(0, eq) != key) continue;
    *value = eq == std::string_view::npos ? "" : std::string(pair.substr(eq + 1));
    return true;
  }
  return false;
}

// Go's strconv.ParseBool.
bool ParseGoBool(const std::string& s, bool* out) {
  for (const char* t : {"1", "t", "T", "TRUE", "true", "True"}) {
    if (s == t) return *out = true, true;
  }
  for (const char* f : {"0", "f", "F", "FALSE", "false", "False"}) {
    if (s == f) return *out = false, true;
  }
  return false;
}

// Prometheus's snapshot name: UTC time, '-', 16 random hex digits.
std::string SnapshotName() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char ts[32];
  std::strftime(ts, sizeof(ts), "%Y%m%dT%H%M%SZ", &tm);
  std::random_device rd;
  std::mt19937_64 rng((static_cast<uint64_t>(rd()) << 32) ^ rd());
  char hex[17];
  std::snprintf(hex, sizeof(hex), "%016llx", static_cast<unsigned long long>(rng() >> 1));
  return std::string(ts) + "-" + hex;
}

}  // namespace

App::App(ServerConfig config, HttpServerOptions http) : config_(std::move(config)), http_options_(std::move(http)) {
  ctx_.metadata = &metadata_;
  ctx_.metrics = &metrics_;
  ctx_.config = &config_;
}

App::~App() { (void)Shutdown(); }

Status App::Start() {
  HttpServerOptions o = http_options_;
  RETURN_IF_ERROR(ParseListenAddress(config_.listen_address, &o.address, &o.port));
  o.body_limit_bytes = config_.limits.max_request_body_bytes;
  o.observer = [this](const HttpRequest& req, const HttpResponse& resp, double seconds) {
    Observe(req, resp, seconds);
  };

  // Boot routes answer while the DB opens.
  boot_router_.Handle({"GET", "HEAD"}, "/-/healthy", [](const HttpRequest&) { return Text(200, "vigil is Healthy.\n"); });
  boot_router_.Handle({"GET", "HEAD"}, "/-/ready", [](const HttpRequest&) { return Text(503, "Service Unavailable"); });
  boot_router_.Handle({"GET"}, "/metrics", [this](const HttpRequest&) {
    HttpResponse r = Text(200, metrics_.Render());
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    return r;
  });
  metrics_.GetGauge("vigil_build_info", "A metric with a constant '1' value labeled by version, revision and branch.",
                    {{"version", ctx_.build.version}, {"revision", ctx_.build.revision}, {"branch", ctx_.build.branch}})
      ->Set(1);
  metrics_.GetGauge("process_start_time_seconds", "Start time of the process since unix epoch in seconds.")
      ->Set(std::chrono::duration<double>(ctx_.start_time.time_since_epoch()).count());

  http_ = std::make_unique<HttpServer>(o, [this](const HttpRequest& req) { return Serve(req); });
  Status st = http_->Start();
  if (!st.ok()) {
    http_.reset();
    return st;
  }
  std::fprintf(stderr, "vigil: listening on %s:%u; opening %s\n", o.address.c_str(), http_->port(),
               config_.data_dir.c_str());

  DbOptions db_options;
  db_options.retention_ms = config_.retention_ms;
  Result<std::unique_ptr<DB>> db = DB::Open(config_.data_dir, db_options);
  if (!db.ok()) {
    http_->Shutdown();
    http_.reset();
    return db.status();
  }
  db_ = std::move(db).value();

  query::EngineOptions eo;
  eo.lookback_delta_ms = config_.limits.lookback_delta_ms;
  eo.max_samples = config_.limits.max_query_samples;
  eo.timeout_ms = config_.limits.query_timeout_ms;
  eo.query_threads = config_.limits.query_threads;
  eo.default_subquery_step_ms = config_.evaluation_interval_ms;
  engine_ = std::make_unique<query::Engine>(eo);
  ctx_.db = db_.get();
  ctx_.engine = engine_.get();

  st = StartRules();
  if (!st.ok()) {
    rule_manager_.reset();
    notifier_.reset();
    ctx_.db = nullptr;
    (void)db_->Close(false);
    db_.reset();
    http_->Shutdown();
    http_.reset();
    return st;
  }

  AddCollectors();
  BuildRouter();
  active_.store(&router_, std::memory_order_release);
  ctx_.ready = true;
  DbStats s = db_->stats();
  std::fprintf(stderr, "vigil: ready: %llu series, %llu log records replayed\n",
               static_cast<unsigned long long>(s.series), static_cast<unsigned long long>(s.log_records_replayed));
  return Status::OK();
}

Status App::StartRules() {
  external_url_ = alerting::EffectiveExternalUrl(config_.external_url, http_->port());
  notify::NotifierOptions no;
  std::vector<std::pair<std::string_view, std::string_view>> pairs(config_.external_labels.begin(),
                                                                   config_.external_labels.end());
  Result<Labels> external = Labels::FromPairs(std::move(pairs));
  if (external.ok()) no.external_labels = std::move(external).value();
  no.external_url = external_url_;
  no.user_agent = "vigil/" + ctx_.build.version;
  notifier_ = std::make_unique<notify::Notifier>(config_.alerting, std::move(no), &metrics_);

  alerting::RuleManagerOptions ro;
  ro.engine = engine_.get();
  ro.db = db_.get();
  ro.sink = notifier_.get();
  ro.outage_tolerance_ms = config_.for_outage_tolerance_ms;
  ro.grace_period_ms = config_.for_grace_period_ms;
  rule_manager_ = std::make_unique<alerting::RuleManager>(ro);
  Status st = rule_manager_->Update(alerting::RulesConfigFrom(config_, external_url_));
  if (!st.ok()) return Status::InvalidArgument("error loading rules:\n" + st.message());
  notifier_->Start();
  rule_manager_->Start();
  ctx_.rule_manager = rule_manager_.get();
  metrics_.GetGauge("vigil_config_last_reload_successful", "Whether the last configuration reload succeeded.")->Set(1);
  metrics_.GetGauge("vigil_config_last_reload_success_timestamp_seconds",
                    "Timestamp of the last successful configuration reload.")
      ->Set(static_cast<double>(std::time(nullptr)));
  size_t groups = rule_manager_->Groups().size();
  if (groups > 0) std::fprintf(stderr, "vigil: %zu rule groups loaded\n", groups);
  return Status::OK();
}

Status App::ReloadConfig() {
  std::lock_guard<std::mutex> lock(reload_mu_);
  Gauge* ok = metrics_.GetGauge("vigil_config_last_reload_successful", "Whether the last configuration reload succeeded.");
  // What the file sets starts from the defaults (a key removed from the
  // file reverts); the flags stay.
  ServerConfig fresh = config_;
  ServerConfig defaults;
  fresh.evaluation_interval_ms = defaults.evaluation_interval_ms;
  fresh.scrape_interval_ms = defaults.scrape_interval_ms;
  fresh.external_labels = defaults.external_labels;
  fresh.rule_query_offset_ms = defaults.rule_query_offset_ms;
  fresh.rule_files = defaults.rule_files;
  fresh.alerting = defaults.alerting;
  Status st;
  if (!config_.config_file.empty()) st = LoadConfigFile(config_.config_file, &fresh);
  if (st.ok() && rule_manager_ != nullptr) st = rule_manager_->Update(alerting::RulesConfigFrom(fresh, external_url_));
  if (!st.ok()) {
    ok->Set(0);
    std::fprintf(stderr, "vigil: error reloading config (the previous configuration stays in effect): %s\n",
                 st.message().c_str());
    return st;
  }
  if (notifier_ != nullptr) notifier_->Reconfigure(fresh.alerting);
  ok->Set(1);
  metrics_.GetGauge("vigil_config_last_reload_success_timestamp_seconds",
                    "Timestamp of the last successful configuration reload.")
      ->Set(static_cast<double>(std::time(nullptr)));
  std::fprintf(stderr, "vigil: configuration reloaded (%zu rule groups)\n",
               rule_manager_ != nullptr ? rule_manager_->Groups().size() : size_t{0});
  return Status::OK();
}

Status App::Run() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  // Every thread started from here on inherits the mask, so the signals
  // stay pending until sigwait below takes them.
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  RETURN_IF_ERROR(Start());
  in_run_ = true;
  int sig = 0;
  for (;;) {
    if (sigwait(&set, &sig) != 0) continue;
    if (sig != SIGHUP) break;
    (void)ReloadConfig();  // logs its own errors
  }
  in_run_ = false;
  std::fprintf(stderr, "vigil: received %s, shutting down gracefully\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
  Status st = Shutdown();
  if (st.ok()) std::fprintf(stderr, "vigil: stopped cleanly\n");
  return st;
}

Status App::Shutdown() {
  if (shut_down_) return Status::OK();
  shut_down_ = true;
  ctx_.ready = false;
  if (http_) http_->Shutdown();  // every acknowledged request has been answered
  // Rule evaluation first (it writes to the DB and feeds the notifier),
  // then the notifier with its queue drained, then the DB.
  if (rule_manager_) rule_manager_->Stop();
  if (notifier_) notifier_->Stop(/*drain=*/true);
  Status st;
  if (db_) st = db_->Close(/*seal=*/true);
  http_.reset();
  ctx_.db = nullptr;
  return st;
}

HttpResponse App::Serve(const HttpRequest& req) const {
  if (const Router* r = active_.load(std::memory_order_acquire)) return r->Dispatch(req);
  if (req.path == "/-/healthy" || req.path == "/-/ready" || req.path == "/metrics") return boot_router_.Dispatch(req);
  return JsonError(503, "unavailable", "vigil is starting: the database is opening");
}

void App::Observe(const HttpRequest& req, const HttpResponse& resp, double seconds) {
  // The handler label: the path, except the label-values route by pattern
  // and paths no route knows (the Router's own 404) as "other"; after
  // kMaxHandlerLabels distinct values, new ones are "other" too.
  std::string handler = req.path;
  if (handler.starts_with("/api/v1/label/")) {
    handler = "/api/v1/label/:name/values";
  } else if (resp.status == 404 && resp.body.starts_with("{\"status\":\"error\",\"errorType\":\"not_found\",\"error\":\"path ")) {
    handler = "other";
  } else if (handler.empty()) {
    handler = "other";
  }
  {
    std::lock_guard<std::mutex> lock(label_mu_);
    if (!handler_labels_.contains(handler)) {
      if (handler_labels_.size() >= kMaxHandlerLabels) {
        handler = "other";
      } else {
        handler_labels_.insert(handler);
      }
    }
  }
  MetricLabels labels = {{"handler", handler}, {"code", std::to_string(resp.status)}};
  metrics_.GetHistogram("vigil_http_request_duration_seconds", "Latency of HTTP requests by handler and code.",
                        MetricsRegistry::DefaultLatencyBuckets(), labels)
      ->Observe(seconds);
  metrics_.GetCounter("vigil_http_requests_total", "HTTP requests by handler and code.", labels)->Inc();
}

void App::BuildRouter() {
#ifdef VIGIL_HAVE_API
  RegisterApiHandlers(router_, ctx_);
#endif
#ifdef VIGIL_HAVE_REMOTE_WRITE
  RegisterRemoteWrite(router_, ctx_);
#endif
  router_.Handle({"GET"}, "/metrics", [this](const HttpRequest&) {
    HttpResponse r = Text(200, metrics_.Render());
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    return r;
  });
  router_.Handle({"GET", "HEAD"}, "/-/healthy", [](const HttpRequest&) { return Text(200, "vigil is Healthy.\n"); });
  router_.Handle({"GET", "HEAD"}, "/-/ready", [this](const HttpRequest&) {
    return ctx_.ready ? Text(200, "vigil is Ready.\n") : Text(503, "Service Unavailable");
  });
  router_.Handle({"POST", "PUT"}, "/-/reload", [this](const HttpRequest& req) { return Reload(req); });
  router_.Handle({"POST", "PUT"}, "/-/quit", [this](const HttpRequest& req) { return Quit(req); });
  router_.Handle({"POST", "PUT"}, "/api/v1/admin/tsdb/snapshot", [this](const HttpRequest& req) { return Snapshot(req); });
}

void App::AddCollectors() {
  metrics_.AddCollector([this](std::string* out) {
    DB* db = ctx_.db;
    if (db == nullptr) return;
    DbStats s = db->stats();
    auto metric = [out](const char* name, const char* type, const char* help, uint64_t v) {
      *out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n" + name + " " +
              std::to_string(v) + "\n";
    };
    metric("vigil_head_series", "gauge", "Series in the head (the in-memory index).", s.series);
    metric("vigil_head_chunks_open", "gauge", "Series with an open (unsealed) head chunk.", s.series_with_open_chunk);
    metric("vigil_head_chunks_persisted_total", "counter", "Chunks sealed and written to the chunks family.",
           s.chunks_persisted);
    metric("vigil_head_chunks_checkpointed_total", "counter", "Open chunks written by head checkpoints.",
           s.chunks_checkpointed);
    metric("vigil_head_series_collected_total", "counter", "Series removed after retention.", s.series_collected);
    metric("vigil_log_start_seq", "gauge", "Sequence number of the oldest redo-log record kept.", s.log_start_seq);
    metric("vigil_log_next_seq", "gauge", "Sequence number of the next redo-log record.", s.next_seq);
    metric("vigil_log_records_replayed", "gauge", "Redo-log records replayed at startup.", s.log_records_replayed);
    metric("vigil_log_samples_replayed", "gauge", "Samples replayed from the redo log at startup.",
           s.samples_replayed);
    metric("vigil_log_commit_groups_total", "counter", "Group commits of the redo log.", s.commit_groups);
    metric("vigil_log_syncs_total", "counter", "Synced writes issued to RocksDB.", s.syncs);
    *out += "# HELP vigil_rocksdb_family_bytes Approximate bytes on disk per RocksDB column family.\n"
            "# TYPE vigil_rocksdb_family_bytes gauge\n";
    *out += "vigil_rocksdb_family_bytes{family=\"chunks\"} " + std::to_string(s.chunk_bytes) + "\n";
    *out += "vigil_rocksdb_family_bytes{family=\"log\"} " + std::to_string(s.log_bytes) + "\n";
    *out += "vigil_rocksdb_family_bytes{family=\"series\"} " + std::to_string(s.series_bytes) + "\n";
    *out += "vigil_rocksdb_family_bytes{family=\"timestamps\"} " + std::to_string(s.ts_bytes) + "\n";
    metric("vigil_ready", "gauge", "1 once the database is open and serving.", ctx_.ready ? 1 : 0);
  });
  if (alerting::RuleManager* rules = rule_manager_.get()) {
    metrics_.AddCollector([rules](std::string* out) { rules->AppendMetrics(out); });
  }
}

HttpResponse App::Snapshot(const HttpRequest& req) {
  if (!config_.enable_admin_api) return JsonError(500, "unavailable", "admin APIs disabled");
  std::string raw;
  bool skip_head = false;
  bool found = FindParam(req.query, "skip_head", &raw);
  if (!found && req.Header("content-type").starts_with("application/x-www-form-urlencoded")) {
    found = FindParam(req.body, "skip_head", &raw);
  }
  if (found && !raw.empty() && !ParseGoBool(raw, &skip_head)) {
    return JsonError(400, "bad_data",
                     "unable to parse boolean 'skip_head' argument: strconv.ParseBool: parsing \"" + raw +
                         "\": invalid syntax");
  }
  // skip_head is accepted for compatibility; DB::Snapshot always seals the
  // head first, so the snapshot includes it either way.
  namespace fs = std::filesystem;
  std::string name = SnapshotName();
  fs::path parent = fs::path(config_.data_dir) / "snapshots";
  std::error_code ec;
  fs::create_directories(parent, ec);
  if (ec) return JsonError(500, "internal", "create snapshot directory: " + ec.message());
  Status st = ctx_.db->Snapshot((parent / name).string());
  if (!st.ok()) return JsonError(500, "internal", "create snapshot: " + st.message());
  HttpResponse r;
  r.body = "{\"status\":\"success\",\"data\":{\"name\":";
  AppendJsonString(&r.body, name);
  r.body += "}}";
  return r;
}

HttpResponse App::Reload(const HttpRequest&) {
  if (!config_.enable_lifecycle) return Text(403, "Lifecycle API is not enabled.\n");
  Status st = ReloadConfig();
  // Prometheus: http.Error(w, "failed to reload config: <err>", 500).
  if (!st.ok()) return Text(500, "failed to reload config: " + st.message() + "\n");
  return Text(200, "");
}

HttpResponse App::Quit(const HttpRequest&) {
  if (!config_.enable_lifecycle) return Text(403, "Lifecycle API is not enabled.\n");
  // Run() waits in sigwait; the signal makes it shut down like SIGTERM.
  if (in_run_) kill(getpid(), SIGTERM);
  return Text(200, "Requesting termination... Goodbye!");
}

}  // namespace vigil::server
