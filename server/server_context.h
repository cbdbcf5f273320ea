// ServerContext: the long-lived objects every handler needs, owned by the
// App (server/app.h) and borrowed by handlers for the server's lifetime.
#pragma once

#include <atomic>
#include <chrono>
#include <string>

#include "engine/db.h"
#include "query/engine.h"
#include "server/config.h"
#include "server/metadata_store.h"
#include "server/self_metrics.h"

namespace vigil::server {

namespace alerting {
class RuleManager;
}  // namespace alerting

struct BuildInfo {
  std::string version = "0.1.0";  // semver: Grafana compares it
  std::string revision = "unknown";
  std::string branch = "main";
  std::string build_user = "vigil";
  std::string build_date = "unknown";
  std::string go_version = "n/a (C++20)";
};

struct ServerContext {
  DB* db = nullptr;
  const query::Engine* engine = nullptr;
  MetadataStore* metadata = nullptr;
  MetricsRegistry* metrics = nullptr;
  const ServerConfig* config = nullptr;
  // The rule manager (server/alerting); null when rules do not run. The
  // rules and alerts APIs read snapshots from it.
  alerting::RuleManager* rule_manager = nullptr;
  BuildInfo build;
  std::chrono::system_clock::time_point start_time = std::chrono::system_clock::now();
  std::atomic<int> queries_in_flight{0};
  std::atomic<bool> ready{false};
};

}  // namespace vigil::server
