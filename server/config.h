// ServerConfig: everything `vigil serve` runs with, from its flags
// (Prometheus's names) and the YAML file given by --config.file (schema in
// docs/CONFIGURATION.md). Immutable once loaded; shared read-only.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "engine/base/status.h"
#include "server/notify/notify_config.h"

namespace vigil::server {

// Ingest and query protection. Each rejection is a clear error and counted
// in /metrics.
struct Limits {
  uint32_t max_labels_per_series = 64;        // Mimir's default 30; Prometheus has none
  uint32_t max_label_name_length = 1024;
  uint32_t max_label_value_length = 4096;
  uint32_t max_series_per_request = 100'000;  // remote-write series per request
  uint64_t max_request_body_bytes = 32ULL << 20;  // compressed body; decoded is capped at 8x this
  uint32_t max_concurrent_queries = 20;       // Prometheus's --query.max-concurrency
  uint32_t query_threads = 0;                 // --query.threads: threads per query, 0 = hardware, 1 = serial
  uint64_t max_query_samples = 50'000'000;    // --query.max-samples
  int64_t query_timeout_ms = 2 * 60 * 1000;   // --query.timeout
  int64_t lookback_delta_ms = 5 * 60 * 1000;  // --query.lookback-delta
};

struct ServerConfig {
  // Flags.
  std::string data_dir = "./data";             // --storage.tsdb.path
  std::string listen_address = "0.0.0.0:9201"; // --web.listen-address
  int64_t retention_ms = 15LL * 24 * 3600 * 1000;  // --storage.tsdb.retention.time
  std::string config_file;                     // --config.file ("" = none)
  bool enable_admin_api = false;               // --web.enable-admin-api
  bool enable_lifecycle = false;               // --web.enable-lifecycle
  std::string external_url;                    // --web.external-url ("" = http://<hostname>:<port>)
  int64_t resend_delay_ms = 60 * 1000;         // --rules.alert.resend-delay
  int64_t for_outage_tolerance_ms = 3600 * 1000;  // --rules.alert.for-outage-tolerance
  int64_t for_grace_period_ms = 600 * 1000;       // --rules.alert.for-grace-period
  // Every flag as given (for /api/v1/status/flags).
  std::map<std::string, std::string> flags;

  // From the config file.
  int64_t evaluation_interval_ms = 60 * 1000;  // global.evaluation_interval
  int64_t scrape_interval_ms = 60 * 1000;      // global.scrape_interval (informational)
  std::map<std::string, std::string> external_labels;  // global.external_labels
  int64_t rule_query_offset_ms = 0;            // global.rule_query_offset
  std::vector<std::string> rule_files;         // rule_files (globs, relative to the config file's directory)
  notify::AlertingConfig alerting;             // alerting: (Alertmanagers and direct receivers)
  Limits limits;                               // limits:
};

// Parses the YAML at `path` into *config (leaving flag fields alone).
// InvalidArgument naming the file, the key and the problem for unknown
// keys, wrong types or bad durations.
Status LoadConfigFile(const std::string& path, ServerConfig* config);

}  // namespace vigil::server
