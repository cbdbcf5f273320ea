#include "server/alerting/rule_loader.h"

#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "server/rules/rule_file.h"

namespace vigil::server::alerting {

std::string EffectiveExternalUrl(const std::string& flag_value, uint16_t port) {
  std::string url = flag_value;
  if (url.empty()) {
    char host[256] = {};
    if (gethostname(host, sizeof(host) - 1) != 0 || host[0] == '\0') std::snprintf(host, sizeof(host), "localhost");
    url = "http://" + std::string(host) + ":" + std::to_string(port);
  }
  while (url.size() > 1 && url.back() == '/') url.pop_back();
  return url;
}

RulesConfig RulesConfigFrom(const ServerConfig& config, const std::string& external_url) {
  RulesConfig rc;
  rc.rule_files = config.rule_files;
  if (!config.config_file.empty()) rc.base_dir = std::filesystem::path(config.config_file).parent_path().string();
  rc.defaults.interval_ms = config.evaluation_interval_ms;
  rc.defaults.query_offset_ms = config.rule_query_offset_ms;
  rc.defaults.resend_delay_ms = config.resend_delay_ms;
  rc.defaults.external_url = external_url;
  std::vector<std::pair<std::string_view, std::string_view>> pairs;
  for (const auto& [name, value] : config.external_labels) pairs.emplace_back(name, value);
  // The config loader validated the names; an invalid set would only drop
  // the labels from templates.
  Result<Labels> labels = Labels::FromPairs(std::move(pairs));
  if (labels.ok()) rc.defaults.external_labels = std::move(labels).value();
  return rc;
}

Result<std::vector<std::unique_ptr<rules::RuleGroup>>> LoadRuleGroups(const RulesConfig& config) {
  Result<std::vector<std::string>> files = rules::ExpandRuleFileGlobs(config.rule_files, config.base_dir);
  if (!files.ok()) return Status::InvalidArgument("rule_files: " + files.status().message());
  std::vector<std::string> errors;
  std::vector<std::unique_ptr<rules::RuleGroup>> groups;
  for (const std::string& path : *files) {
    rules::RuleFileResult loaded = rules::LoadRuleFile(path);
    if (!loaded.ok()) {
      errors.insert(errors.end(), loaded.errors.begin(), loaded.errors.end());
      continue;
    }
    for (const rules::RuleGroupNode& node : loaded.file.groups) {
      Result<std::unique_ptr<rules::RuleGroup>> group = rules::RuleGroup::Create(node, path, config.defaults);
      if (!group.ok()) {
        errors.push_back(path + ": group \"" + node.name + "\": " + group.status().message());
        continue;
      }
      groups.push_back(std::move(group).value());
    }
  }
  if (!errors.empty()) {
    std::string message;
    for (const std::string& e : errors) {
      if (!message.empty()) message += "\n";
      message += e;
    }
    return Status::InvalidArgument(message);
  }
  return groups;
}

}  // namespace vigil::server::alerting
