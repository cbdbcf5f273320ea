// `vigil serve`: the server subcommand. Its flags use Prometheus's names;
// BuildServerConfig turns the parsed flags (plus --config.file) into the
// ServerConfig the App runs with. Precedence: built-in defaults < the
// config file's `limits` < query flags given explicitly on the command line.
#pragma once

#include <cstdint>
#include <string>

#include "engine/base/status.h"
#include "server/config.h"
#include "tools/commands.h"

namespace CLI {
class App;
}  // namespace CLI

namespace vigil::server {

// The flags as typed (durations still text). `*_set` say whether a query
// flag was given explicitly (then it overrides the config file).
struct ServeFlags {
  std::string data_dir = "./data";
  std::string listen_address = "0.0.0.0:9201";
  std::string retention = "15d";
  std::string config_file;
  bool enable_admin_api = false;
  bool enable_lifecycle = false;
  std::string query_timeout = "2m";
  uint64_t query_max_samples = 50'000'000;
  uint32_t query_max_concurrency = 20;
  uint32_t query_threads = 0;  // 0 = the hardware threads (at most 16)
  std::string query_lookback_delta = "5m";
  std::string external_url;            // --web.external-url ("" = http://<hostname>:<port>)
  std::string resend_delay = "1m";     // --rules.alert.resend-delay
  std::string for_outage_tolerance = "1h";  // --rules.alert.for-outage-tolerance
  std::string for_grace_period = "10m";     // --rules.alert.for-grace-period
  bool query_timeout_set = false;
  bool query_max_samples_set = false;
  bool query_max_concurrency_set = false;
  bool query_lookback_delta_set = false;
};

// Parses durations, loads the config file (if any) and fills every field of
// ServerConfig including `flags`. InvalidArgument naming the flag
// ("--query.timeout: not a valid duration string: ...") or the config
// file's error; IOError when the config file cannot be read.
Result<ServerConfig> BuildServerConfig(const ServeFlags& flags);

// Adds the `serve` subcommand; when chosen, *action runs the server until
// SIGTERM/SIGINT. `*action` must outlive parsing.
void RegisterServeCommand(CLI::App& app, tools::CommandAction* action);

}  // namespace vigil::server
