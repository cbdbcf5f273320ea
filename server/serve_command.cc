#include "server/serve_command.h"

#include <CLI/CLI.hpp>

#include <memory>

#include "query/duration.h"
#include "server/app.h"

namespace vigil::server {

namespace {

Status FlagDuration(const std::string& flag, const std::string& text, bool allow_zero, int64_t* out) {
  Result<int64_t> d = query::ParseDuration(text);
  if (!d.ok()) return Status::InvalidArgument("--" + flag + ": " + d.status().message());
  if (!allow_zero && *d <= 0) return Status::InvalidArgument("--" + flag + ": must be greater than 0");
  *out = *d;
  return Status::OK();
}

}  // namespace

Result<ServerConfig> BuildServerConfig(const ServeFlags& f) {
  ServerConfig c;
  c.data_dir = f.data_dir;
  c.listen_address = f.listen_address;
  c.config_file = f.config_file;
  c.enable_admin_api = f.enable_admin_api;
  c.enable_lifecycle = f.enable_lifecycle;
  c.external_url = f.external_url;
  if (!c.external_url.empty() && !c.external_url.starts_with("http://") && !c.external_url.starts_with("https://")) {
    return Status::InvalidArgument("--web.external-url: must be an absolute http:// or https:// URL: " + c.external_url);
  }
  RETURN_IF_ERROR(FlagDuration("rules.alert.resend-delay", f.resend_delay, false, &c.resend_delay_ms));
  RETURN_IF_ERROR(FlagDuration("rules.alert.for-outage-tolerance", f.for_outage_tolerance, false, &c.for_outage_tolerance_ms));
  RETURN_IF_ERROR(FlagDuration("rules.alert.for-grace-period", f.for_grace_period, false, &c.for_grace_period_ms));
  // 0 keeps data forever (DbOptions: 0 disables retention).
  RETURN_IF_ERROR(FlagDuration("storage.tsdb.retention.time", f.retention, true, &c.retention_ms));
  if (c.data_dir.empty()) return Status::InvalidArgument("--storage.tsdb.path must not be empty");

  if (!c.config_file.empty()) RETURN_IF_ERROR(LoadConfigFile(c.config_file, &c));
  // Flags given on the command line win over the file.
  if (f.query_timeout_set) RETURN_IF_ERROR(FlagDuration("query.timeout", f.query_timeout, false, &c.limits.query_timeout_ms));
  if (f.query_lookback_delta_set) {
    RETURN_IF_ERROR(FlagDuration("query.lookback-delta", f.query_lookback_delta, false, &c.limits.lookback_delta_ms));
  }
  if (f.query_max_samples_set) c.limits.max_query_samples = f.query_max_samples;
  c.limits.query_threads = f.query_threads;
  if (f.query_max_concurrency_set) {
    if (f.query_max_concurrency == 0) return Status::InvalidArgument("--query.max-concurrency: must be greater than 0");
    c.limits.max_concurrent_queries = f.query_max_concurrency;
  }

  // As /api/v1/status/flags shows them: every flag, effective value.
  c.flags["storage.tsdb.path"] = c.data_dir;
  c.flags["web.listen-address"] = c.listen_address;
  c.flags["storage.tsdb.retention.time"] = query::FormatDuration(c.retention_ms);
  c.flags["config.file"] = c.config_file;
  c.flags["web.enable-admin-api"] = c.enable_admin_api ? "true" : "false";
  c.flags["web.enable-lifecycle"] = c.enable_lifecycle ? "true" : "false";
  c.flags["query.timeout"] = query::FormatDuration(c.limits.query_timeout_ms);
  c.flags["query.max-samples"] = std::to_string(c.limits.max_query_samples);
  c.flags["query.max-concurrency"] = std::to_string(c.limits.max_concurrent_queries);
  c.flags["query.threads"] = std::to_string(c.limits.query_threads);
  c.flags["query.lookback-delta"] = query::FormatDuration(c.limits.lookback_delta_ms);
  c.flags["web.external-url"] = c.external_url;
  c.flags["rules.alert.resend-delay"] = query::FormatDuration(c.resend_delay_ms);
  c.flags["rules.alert.for-outage-tolerance"] = query::FormatDuration(c.for_outage_tolerance_ms);
  c.flags["rules.alert.for-grace-period"] = query::FormatDuration(c.for_grace_period_ms);
  return c;
}

void RegisterServeCommand(CLI::App& app, tools::CommandAction* action) {
  auto f = std::make_shared<ServeFlags>();
  CLI::App* cmd = app.add_subcommand("serve", "Run the server: remote write, the Prometheus HTTP API, /metrics");
  cmd->add_option("--storage.tsdb.path", f->data_dir, "Base path for metrics storage")->capture_default_str();
  cmd->add_option("--web.listen-address", f->listen_address, "Address to listen on for the API and remote write")
      ->capture_default_str();
  cmd->add_option("--storage.tsdb.retention.time", f->retention, "How long to retain samples (0 = forever)")
      ->capture_default_str();
  cmd->add_option("--config.file", f->config_file, "vigil configuration file (YAML, docs/CONFIGURATION.md)");
  cmd->add_flag("--web.enable-admin-api", f->enable_admin_api, "Enable the admin API (TSDB snapshots)");
  cmd->add_flag("--web.enable-lifecycle", f->enable_lifecycle, "Enable shutdown and reload via HTTP (/-/quit, /-/reload)");
  CLI::Option* timeout =
      cmd->add_option("--query.timeout", f->query_timeout, "Maximum time a query may take before being aborted")
          ->capture_default_str();
  CLI::Option* samples = cmd->add_option("--query.max-samples", f->query_max_samples,
                                         "Maximum number of samples a single query can load into memory")
                             ->capture_default_str();
  CLI::Option* concurrency =
      cmd->add_option("--query.max-concurrency", f->query_max_concurrency, "Maximum number of queries executed concurrently")
          ->capture_default_str();
  CLI::Option* lookback = cmd->add_option("--query.lookback-delta", f->query_lookback_delta,
                                          "How far back to look for a sample of an instant vector selector")
                              ->capture_default_str();
  cmd->add_option("--query.threads", f->query_threads,
                  "Threads one query may use for range functions over selectors (0 = hardware threads, 1 = serial)")
      ->capture_default_str();
  cmd->add_option("--web.external-url", f->external_url,
                  "The URL under which vigil is reachable (alert generator URLs, templates); default "
                  "http://<hostname>:<port>");
  cmd->add_option("--rules.alert.resend-delay", f->resend_delay,
                  "Minimum time to wait before resending an alert to the notifiers")
      ->capture_default_str();
  cmd->add_option("--rules.alert.for-outage-tolerance", f->for_outage_tolerance,
                  "Max time to tolerate a vigil outage for restoring the \"for\" state of alerts")
      ->capture_default_str();
  cmd->add_option("--rules.alert.for-grace-period", f->for_grace_period,
                  "Minimum duration between alert and restored \"for\" state; kept only for alerts with a "
                  "\"for\" longer than the grace period")
      ->capture_default_str();
  cmd->callback([action, f, timeout, samples, concurrency, lookback] {
    f->query_timeout_set = timeout->count() > 0;
    f->query_max_samples_set = samples->count() > 0;
    f->query_max_concurrency_set = concurrency->count() > 0;
    f->query_lookback_delta_set = lookback->count() > 0;
    *action = [f]() -> Status {
      Result<ServerConfig> config = BuildServerConfig(*f);
      if (!config.ok()) return config.status();
      App app(std::move(config).value());
      return app.Run();
    };
  });
}

}  // namespace vigil::server
