// Loading the rule groups a server runs: expands the config's rule_files
// globs (relative to the config file's directory), loads and validates
// every file and builds one rules::RuleGroup per group, in file order then
// group order (Prometheus rules.Manager.LoadGroups). Pure function of its
// inputs plus the files it reads; thread-safe.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/base/status.h"
#include "server/config.h"
#include "server/rules/rule_group.h"

namespace vigil::server::alerting {

// What a (re)load of the rules needs from the server's config and flags.
struct RulesConfig {
  std::vector<std::string> rule_files;  // globs
  std::string base_dir;                 // the config file's directory ("" = cwd)
  rules::GroupDefaults defaults;
};

// The external URL templates and generatorURL use: --web.external-url, or
// http://<hostname>:<port> (Prometheus's default) when it is empty. A
// trailing '/' is removed.
std::string EffectiveExternalUrl(const std::string& flag_value, uint16_t port);

// Builds the RulesConfig from a loaded ServerConfig (rule_files, global
// evaluation interval, query offset and external labels, the resend delay
// flag) and the effective external URL.
RulesConfig RulesConfigFrom(const ServerConfig& config, const std::string& external_url);

// Loads every group. Any error (a bad glob, an unreadable or invalid file,
// a group that does not build) fails the whole load: InvalidArgument whose
// message lists every problem, one per line, each naming its file (and
// group and rule where known).
Result<std::vector<std::unique_ptr<rules::RuleGroup>>> LoadRuleGroups(const RulesConfig& config);

}  // namespace vigil::server::alerting
