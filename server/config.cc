// LoadConfigFile: the YAML adapter. yaml-cpp throws; its exceptions are
// caught here and become InvalidArgument, so nothing escapes this file.
// Every error reads "<file>:<line>: <key path>: <problem>".
#include "server/config.h"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>
#include <string_view>

#include "query/duration.h"

namespace vigil::server {

namespace {

class Loader {
 public:
  explicit Loader(std::string file) : file_(std::move(file)) {}

  Status Error(const YAML::Node& at, const std::string& key, const std::string& problem) const {
    std::string where = file_;
    if (at.IsDefined() && at.Mark().line >= 0) where += ":" + std::to_string(at.Mark().line + 1);
    return Status::InvalidArgument(where + ": " + key + ": " + problem);
  }

  // Duplicate keys anywhere in the document (yaml-cpp keeps them silently;
  // Prometheus's YAML parser refuses them).
  Status CheckDuplicates(const YAML::Node& node, const std::string& path) const {
    if (node.IsMap()) {
      std::map<std::string, int> seen;  // key → line
      for (auto it = node.begin(); it != node.end(); ++it) {
        std::string key = it->first.IsScalar() ? it->first.Scalar() : "?";
        std::string full = path.empty() ? key : path + "." + key;
        int line = it->first.Mark().line + 1;
        auto [pos, inserted] = seen.emplace(key, line);
        if (!inserted) return Error(it->first, full, "duplicate key (first at line " + std::to_string(pos->second) + ")");
        RETURN_IF_ERROR(CheckDuplicates(it->second, full));
      }
    } else if (node.IsSequence()) {
      for (size_t i = 0; i < node.size(); ++i) {
        RETURN_IF_ERROR(CheckDuplicates(node[i], path + "[" + std::to_string(i) + "]"));
      }
    }
    return Status::OK();
  }

  // REQUIRES: node is a map. Unknown keys are errors.
  Status CheckKeys(const YAML::Node& node, const std::string& path,
                   std::initializer_list<std::string_view> allowed) const {
    for (auto it = node.begin(); it != node.end(); ++it) {
      std::string key = it->first.IsScalar() ? it->first.Scalar() : "?";
      std::string full = path.empty() ? key : path + "." + key;
      if (!it->first.IsScalar()) return Error(it->first, full, "keys must be strings");
      bool known = false;
      for (std::string_view a : allowed) known |= (a == key);
      if (!known) return Error(it->first, full, "unknown key");
    }
    return Status::OK();
  }

  Status Duration(const YAML::Node& v, const std::string& key, bool positive, int64_t* out) const {
    if (!v.IsScalar()) return Error(v, key, "must be a duration such as 1m or 30s");
    Result<int64_t> d = query::ParseDuration(v.Scalar());
    if (!d.ok()) return Error(v, key, d.status().message());
    if (positive && *d <= 0) return Error(v, key, "must be greater than 0");
    *out = *d;
    return Status::OK();
  }

  Status Unsigned(const YAML::Node& v, const std::string& key, uint64_t max, uint64_t* out) const {
    std::string s = v.IsScalar() ? v.Scalar() : "";
    uint64_t x = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), x);
    if (!v.IsScalar() || s.empty() || ec != std::errc() || end != s.data() + s.size()) {
      return Error(v, key, "must be a non-negative integer, got \"" + s + "\"");
    }
    if (x > max) return Error(v, key, "must be at most " + std::to_string(max));
    *out = x;
    return Status::OK();
  }

  // Bytes: an integer, optionally with B, KB/KiB, MB/MiB, GB/GiB (all powers
  // of 1024, as Prometheus's units.Base2Bytes reads them).
  Status Bytes(const YAML::Node& v, const std::string& key, uint64_t* out) const {
    std::string s = v.IsScalar() ? v.Scalar() : "";
    uint64_t x = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), x);
    std::string_view unit(end, static_cast<size_t>(s.data() + s.size() - end));
    static const std::pair<std::string_view, uint64_t> kUnits[] = {
        {"", 1}, {"B", 1}, {"KB", 1ULL << 10}, {"KiB", 1ULL << 10}, {"MB", 1ULL << 20},
        {"MiB", 1ULL << 20}, {"GB", 1ULL << 30}, {"GiB", 1ULL << 30}};
    if (v.IsScalar() && !s.empty() && ec == std::errc()) {
      for (const auto& [name, mult] : kUnits) {
        if (unit == name) {
          if (x > std::numeric_limits<uint64_t>::max() / mult) break;
          *out = x * mult;
          return Status::OK();
        }
      }
    }
    return Error(v, key, "must be a byte size such as 33554432 or 32MiB, got \"" + s + "\"");
  }

  Status Global(const YAML::Node& g, ServerConfig* c) const {
    if (g.IsNull()) return Status::OK();
    if (!g.IsMap()) return Error(g, "global", "must be a mapping");
    RETURN_IF_ERROR(CheckKeys(g, "global", {"evaluation_interval", "scrape_interval", "external_labels",
                                            "rule_query_offset"}));
    for (auto it = g.begin(); it != g.end(); ++it) {
      std::string key = it->first.Scalar();
      const YAML::Node& v = it->second;
      if (key == "evaluation_interval") {
        RETURN_IF_ERROR(Duration(v, "global." + key, true, &c->evaluation_interval_ms));
      } else if (key == "scrape_interval") {
        RETURN_IF_ERROR(Duration(v, "global." + key, true, &c->scrape_interval_ms));
      } else if (key == "rule_query_offset") {
        RETURN_IF_ERROR(Duration(v, "global." + key, false, &c->rule_query_offset_ms));
      } else if (key == "external_labels") {
        c->external_labels.clear();
        if (v.IsNull()) continue;
        if (!v.IsMap()) return Error(v, "global.external_labels", "must be a mapping of label names to values");
        for (auto l = v.begin(); l != v.end(); ++l) {
          std::string name = l->first.IsScalar() ? l->first.Scalar() : "";
          std::string path = "global.external_labels." + name;
          if (!ValidLabelName(name)) return Error(l->first, path, "invalid label name");
          if (!l->second.IsScalar()) return Error(l->second, path, "label value must be a string");
          if (l->second.Scalar().empty()) continue;  // an empty value is no label
          c->external_labels[name] = l->second.Scalar();
        }
      }
    }
    return Status::OK();
  }

  Status RuleFiles(const YAML::Node& r, ServerConfig* c) const {
    c->rule_files.clear();
    if (r.IsNull()) return Status::OK();
    if (!r.IsSequence()) return Error(r, "rule_files", "must be a list of file globs");
    for (size_t i = 0; i < r.size(); ++i) {
      if (!r[i].IsScalar() || r[i].Scalar().empty()) {
        return Error(r[i], "rule_files[" + std::to_string(i) + "]", "must be a non-empty string");
      }
      c->rule_files.push_back(r[i].Scalar());
    }
    return Status::OK();
  }

  Status LimitsSection(const YAML::Node& l, Limits* lim) const {
    if (l.IsNull()) return Status::OK();
    if (!l.IsMap()) return Error(l, "limits", "must be a mapping");
    RETURN_IF_ERROR(CheckKeys(l, "limits",
                              {"max_labels_per_series", "max_label_name_length", "max_label_value_length",
                               "max_series_per_request", "max_request_body_bytes", "max_concurrent_queries",
                               "max_query_samples", "query_timeout", "lookback_delta"}));
    constexpr uint64_t kU32 = std::numeric_limits<uint32_t>::max();
    for (auto it = l.begin(); it != l.end(); ++it) {
      std::string key = it->first.Scalar();
      std::string path = "limits." + key;
      const YAML::Node& v = it->second;
      uint64_t x = 0;
      if (key == "query_timeout") {
        RETURN_IF_ERROR(Duration(v, path, true, &lim->query_timeout_ms));
      } else if (key == "lookback_delta") {
        RETURN_IF_ERROR(Duration(v, path, true, &lim->lookback_delta_ms));
      } else if (key == "max_request_body_bytes") {
        RETURN_IF_ERROR(Bytes(v, path, &lim->max_request_body_bytes));
        if (lim->max_request_body_bytes == 0) return Error(v, path, "must be greater than 0");
      } else if (key == "max_query_samples") {
        RETURN_IF_ERROR(Unsigned(v, path, std::numeric_limits<uint64_t>::max(), &lim->max_query_samples));
      } else {
        RETURN_IF_ERROR(Unsigned(v, path, kU32, &x));
        if (x == 0) return Error(v, path, "must be greater than 0");
        uint32_t y = static_cast<uint32_t>(x);
        if (key == "max_labels_per_series") lim->max_labels_per_series = y;
        if (key == "max_label_name_length") lim->max_label_name_length = y;
        if (key == "max_label_value_length") lim->max_label_value_length = y;
        if (key == "max_series_per_request") lim->max_series_per_request = y;
        if (key == "max_concurrent_queries") lim->max_concurrent_queries = y;
      }
    }
    return Status::OK();
  }

  // Sections reserved for later issues: a mapping (not yet interpreted) or empty.
  Status Reserved(const YAML::Node& n, const std::string& key) const {
    if (n.IsNull() || n.IsMap()) return Status::OK();
    return Error(n, key, "must be a mapping");
  }

  Status Load(const YAML::Node& root, ServerConfig* c) const {
    if (root.IsNull()) return Status::OK();  // an empty file: all defaults
    if (!root.IsMap()) return Error(root, "(top level)", "must be a mapping");
    RETURN_IF_ERROR(CheckDuplicates(root, ""));
    RETURN_IF_ERROR(CheckKeys(root, "", {"global", "rule_files", "limits", "alerting", "rum"}));
    for (auto it = root.begin(); it != root.end(); ++it) {
      std::string key = it->first.Scalar();
      if (key == "global") RETURN_IF_ERROR(Global(it->second, c));
      if (key == "rule_files") RETURN_IF_ERROR(RuleFiles(it->second, c));
      if (key == "limits") RETURN_IF_ERROR(LimitsSection(it->second, &c->limits));
      if (key == "alerting") RETURN_IF_ERROR(notify::ParseAlertingConfig(it->second, file_, &c->alerting));
      if (key == "rum") RETURN_IF_ERROR(Reserved(it->second, key));
    }
    return Status::OK();
  }

  static bool ValidLabelName(const std::string& s) {
    if (s.empty()) return false;
    for (size_t i = 0; i < s.size(); ++i) {
      char ch = s[i];
      bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_' || (i > 0 && ch >= '0' && ch <= '9');
      if (!ok) return false;
    }
    return true;
  }

 private:
  std::string file_;
};

}  // namespace

Status LoadConfigFile(const std::string& path, ServerConfig* config) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError("cannot read config file " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return Status::IOError("cannot read config file " + path);

  // Parse into a copy so that a bad file changes nothing.
  ServerConfig parsed = *config;
  parsed.rule_query_offset_ms = 0;  // file-only settings: absent means default
  parsed.alerting = notify::AlertingConfig{};
  Loader loader(path);
  try {
    YAML::Node root = YAML::Load(ss.str());
    RETURN_IF_ERROR(loader.Load(root, &parsed));
  } catch (const YAML::Exception& e) {
    std::string where = path;
    if (e.mark.line >= 0) where += ":" + std::to_string(e.mark.line + 1);
    return Status::InvalidArgument(where + ": yaml: " + e.msg);
  } catch (const std::exception& e) {
    return Status::InvalidArgument(path + ": " + e.what());
  }
  config->evaluation_interval_ms = parsed.evaluation_interval_ms;
  config->scrape_interval_ms = parsed.scrape_interval_ms;
  config->external_labels = std::move(parsed.external_labels);
  config->rule_query_offset_ms = parsed.rule_query_offset_ms;
  config->rule_files = std::move(parsed.rule_files);
  config->alerting = std::move(parsed.alerting);
  config->limits = parsed.limits;
  return Status::OK();
}

}  // namespace vigil::server
