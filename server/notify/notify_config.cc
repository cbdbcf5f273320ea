// ParseAlertingConfig: the yaml-cpp adapter for the `alerting:` section.
// yaml-cpp throws; everything is caught here and becomes InvalidArgument.
// Error texts never contain the value of a secret field (URLs of Slack and
// webhook receivers, PagerDuty routing keys).
#include "server/notify/notify_config.h"

#include <re2/re2.h>
#include <yaml-cpp/yaml.h>

#include <charconv>
#include <initializer_list>
#include <set>
#include <string_view>

#include "query/duration.h"

namespace vigil::notify {

namespace {

constexpr std::string_view kPagerDutyDefaultUrl = "https://events.pagerduty.com/v2/enqueue";

class AlertingParser {
 public:
  explicit AlertingParser(std::string file) : file_(std::move(file)) {}

  Status Error(const YAML::Node& at, const std::string& key, const std::string& problem) const {
    std::string where = file_;
    if (at.IsDefined() && at.Mark().line >= 0) where += ":" + std::to_string(at.Mark().line + 1);
    return Status::InvalidArgument(where + ": " + key + ": " + problem);
  }

  Status Parse(const YAML::Node& node, AlertingConfig* out) const {
    *out = AlertingConfig{};
    if (!node.IsDefined() || node.IsNull()) return Status::OK();
    if (!node.IsMap()) return Error(node, "alerting", "must be a mapping");
    RETURN_IF_ERROR(CheckMap(node, "alerting",
                             {"alertmanagers", "receivers", "queue_capacity", "batch_size", "retry"}));
    for (auto it = node.begin(); it != node.end(); ++it) {
      const std::string key = it->first.Scalar();
      const std::string path = "alerting." + key;
      const YAML::Node& v = it->second;
      if (key == "alertmanagers") {
        RETURN_IF_ERROR(Alertmanagers(v, path, &out->alertmanagers));
      } else if (key == "receivers") {
        RETURN_IF_ERROR(Receivers(v, path, &out->receivers));
      } else if (key == "queue_capacity") {
        RETURN_IF_ERROR(PositiveInt(v, path, &out->queue_capacity));
      } else if (key == "batch_size") {
        RETURN_IF_ERROR(PositiveInt(v, path, &out->batch_size));
      } else if (key == "retry") {
        RETURN_IF_ERROR(Retry(v, path, out));
      }
    }
    if (out->batch_size > out->queue_capacity) {
      return Error(node["batch_size"].IsDefined() ? node["batch_size"] : node["queue_capacity"], "alerting.batch_size",
                   "must not exceed queue_capacity (" + std::to_string(out->queue_capacity) + ")");
    }
    return Status::OK();
  }

 private:
  // REQUIRES: node is a map. Unknown, non-string and duplicate keys are errors.
  Status CheckMap(const YAML::Node& node, const std::string& path,
                  std::initializer_list<std::string_view> allowed) const {
    std::set<std::string> seen;
    for (auto it = node.begin(); it != node.end(); ++it) {
      if (!it->first.IsScalar()) return Error(it->first, path + ".?", "keys must be strings");
      const std::string key = it->first.Scalar();
      const std::string full = path + "." + key;
      bool known = allowed.size() == 0;
      for (std::string_view a : allowed) known |= (a == key);
      if (!known) return Error(it->first, full, "unknown key");
      if (!seen.insert(key).second) return Error(it->first, full, "duplicate key");
    }
    return Status::OK();
  }

  Status String(const YAML::Node& v, const std::string& key, std::string* out) const {
    if (!v.IsScalar()) return Error(v, key, "must be a string");
    *out = v.Scalar();
    return Status::OK();
  }

  Status Bool(const YAML::Node& v, const std::string& key, bool* out) const {
    const std::string s = v.IsScalar() ? v.Scalar() : "";
    if (s == "true") *out = true;
    else if (s == "false") *out = false;
    else return Error(v, key, "must be true or false");
    return Status::OK();
  }

  Status Int(const YAML::Node& v, const std::string& key, int64_t min, int64_t* out) const {
    const std::string s = v.IsScalar() ? v.Scalar() : "";
    int64_t x = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), x);
    if (!v.IsScalar() || s.empty() || ec != std::errc() || end != s.data() + s.size()) {
      return Error(v, key, "must be an integer, got \"" + s + "\"");
    }
    if (x < min) return Error(v, key, "must be at least " + std::to_string(min));
    *out = x;
    return Status::OK();
  }
  Status PositiveInt(const YAML::Node& v, const std::string& key, int64_t* out) const {
    return Int(v, key, 1, out);
  }

  Status Duration(const YAML::Node& v, const std::string& key, int64_t* out) const {
    if (!v.IsScalar()) return Error(v, key, "must be a duration such as 1m or 30s");
    Result<int64_t> d = query::ParseDuration(v.Scalar());
    if (!d.ok()) return Error(v, key, d.status().message());
    if (*d <= 0) return Error(v, key, "must be greater than 0");
    *out = *d;
    return Status::OK();
  }

  // http(s)://host[...]; `secret` keeps the value out of the message.
  Status Url(const YAML::Node& v, const std::string& key, bool secret, std::string* out) const {
    if (!v.IsScalar() || v.Scalar().empty()) return Error(v, key, "must be a non-empty URL");
    const std::string& s = v.Scalar();
    size_t host = s.starts_with("http://") ? 7 : s.starts_with("https://") ? 8 : 0;
    bool ok = host != 0 && host < s.size() && s[host] != '/' && s.find_first_of(" \t\r\n") == std::string::npos;
    if (!ok) {
      return Error(v, key, secret ? "must be an http:// or https:// URL with a host (value hidden: secret)"
                                  : "must be an http:// or https:// URL with a host, got \"" + s + "\"");
    }
    *out = s;
    return Status::OK();
  }

  Status Retry(const YAML::Node& r, const std::string& path, AlertingConfig* out) const {
    if (r.IsNull()) return Status::OK();
    if (!r.IsMap()) return Error(r, path, "must be a mapping");
    RETURN_IF_ERROR(CheckMap(r, path, {"initial_backoff", "max_backoff", "max_age"}));
    for (auto it = r.begin(); it != r.end(); ++it) {
      const std::string key = it->first.Scalar();
      const std::string full = path + "." + key;
      if (key == "initial_backoff") RETURN_IF_ERROR(Duration(it->second, full, &out->retry_initial_backoff_ms));
      if (key == "max_backoff") RETURN_IF_ERROR(Duration(it->second, full, &out->retry_max_backoff_ms));
      if (key == "max_age") RETURN_IF_ERROR(Duration(it->second, full, &out->retry_max_age_ms));
    }
    if (out->retry_max_backoff_ms < out->retry_initial_backoff_ms) {
      return Error(r, path + ".max_backoff", "must not be smaller than initial_backoff");
    }
    return Status::OK();
  }

  Status Alertmanagers(const YAML::Node& list, const std::string& path, std::vector<AlertmanagerTarget>* out) const {
    out->clear();
    if (list.IsNull()) return Status::OK();
    if (!list.IsSequence()) return Error(list, path, "must be a list");
    for (size_t i = 0; i < list.size(); ++i) {
      const YAML::Node& am = list[i];
      const std::string p = path + "[" + std::to_string(i) + "]";
      if (!am.IsMap()) return Error(am, p, "must be a mapping");
      RETURN_IF_ERROR(CheckMap(am, p, {"static_configs", "scheme", "path_prefix", "timeout", "api_version"}));
      std::string scheme = "http", prefix;
      int64_t timeout_ms = 10'000;
      std::vector<std::string> targets;
      for (auto it = am.begin(); it != am.end(); ++it) {
        const std::string key = it->first.Scalar();
        const std::string full = p + "." + key;
        const YAML::Node& v = it->second;
        if (key == "scheme") {
          RETURN_IF_ERROR(String(v, full, &scheme));
          if (scheme != "http" && scheme != "https") return Error(v, full, "must be http or https");
        } else if (key == "path_prefix") {
          RETURN_IF_ERROR(String(v, full, &prefix));
        } else if (key == "timeout") {
          RETURN_IF_ERROR(Duration(v, full, &timeout_ms));
        } else if (key == "api_version") {
          std::string version;
          RETURN_IF_ERROR(String(v, full, &version));
          if (version != "v2") return Error(v, full, "only v2 is supported, got \"" + version + "\"");
        } else if (key == "static_configs") {
          RETURN_IF_ERROR(StaticConfigs(v, full, &targets));
        }
      }
      while (prefix.ends_with('/')) prefix.pop_back();
      if (!prefix.empty() && !prefix.starts_with('/')) prefix.insert(prefix.begin(), '/');
      for (const std::string& t : targets) {
        out->push_back({scheme + "://" + t + prefix + "/api/v2/alerts", timeout_ms});
      }
    }
    return Status::OK();
  }

  Status StaticConfigs(const YAML::Node& list, const std::string& path, std::vector<std::string>* targets) const {
    if (list.IsNull()) return Status::OK();
    if (!list.IsSequence()) return Error(list, path, "must be a list");
    for (size_t i = 0; i < list.size(); ++i) {
      const YAML::Node& sc = list[i];
      const std::string p = path + "[" + std::to_string(i) + "]";
      if (!sc.IsMap()) return Error(sc, p, "must be a mapping");
      RETURN_IF_ERROR(CheckMap(sc, p, {"targets"}));
      const YAML::Node t = sc["targets"];
      if (!t.IsDefined() || t.IsNull()) continue;
      if (!t.IsSequence()) return Error(t, p + ".targets", "must be a list of host:port");
      for (size_t j = 0; j < t.size(); ++j) {
        const std::string tp = p + ".targets[" + std::to_string(j) + "]";
        if (!t[j].IsScalar() || t[j].Scalar().empty()) return Error(t[j], tp, "must be a non-empty host:port");
        const std::string& hp = t[j].Scalar();
        if (hp.find('/') != std::string::npos || hp.find_first_of(" \t") != std::string::npos) {
          return Error(t[j], tp, "must be host:port without scheme or path, got \"" + hp + "\"");
        }
        targets->push_back(hp);
      }
    }
    return Status::OK();
  }

  Status Matchers(const YAML::Node& m, const std::string& path, bool regex,
                  std::vector<std::pair<std::string, std::string>>* out) const {
    out->clear();
    if (m.IsNull()) return Status::OK();
    if (!m.IsMap()) return Error(m, path, "must be a mapping of label names to values");
    RETURN_IF_ERROR(CheckMap(m, path, {}));
    for (auto it = m.begin(); it != m.end(); ++it) {
      const std::string name = it->first.Scalar();
      const std::string full = path + "." + name;
      if (!IsValidLabelName(name)) return Error(it->first, full, "invalid label name");
      if (!it->second.IsScalar()) return Error(it->second, full, "must be a string");
      const std::string& value = it->second.Scalar();
      if (regex) {
        RE2 re(value, RE2::Quiet);  // unanchored here: RE2's message then quotes the user's pattern
        if (!re.ok()) return Error(it->second, full, "invalid regular expression: " + re.error());
      }
      out->emplace_back(name, value);
    }
    return Status::OK();
  }

  static bool IsValidLabelName(const std::string& s) {
    if (s.empty()) return false;
    for (size_t i = 0; i < s.size(); ++i) {
      char c = s[i];
      bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (i > 0 && c >= '0' && c <= '9');
      if (!ok) return false;
    }
    return true;
  }

  Status Receivers(const YAML::Node& list, const std::string& path, std::vector<ReceiverConfig>* out) const {
    out->clear();
    if (list.IsNull()) return Status::OK();
    if (!list.IsSequence()) return Error(list, path, "must be a list");
    std::set<std::string> names;
    for (size_t i = 0; i < list.size(); ++i) {
      ReceiverConfig r;
      RETURN_IF_ERROR(Receiver(list[i], path + "[" + std::to_string(i) + "]", &r));
      if (!names.insert(r.name).second) {
        return Error(list[i]["name"], path + "[" + std::to_string(i) + "].name",
                     "duplicate receiver name \"" + r.name + "\"");
      }
      out->push_back(std::move(r));
    }
    return Status::OK();
  }

  Status Receiver(const YAML::Node& n, const std::string& p, ReceiverConfig* r) const {
    if (!n.IsMap()) return Error(n, p, "must be a mapping");
    RETURN_IF_ERROR(CheckMap(n, p, {"name", "type", "url", "routing_key", "match", "match_re", "repeat_interval",
                                    "send_resolved", "timeout", "max_alerts", "channel", "username", "icon_emoji",
                                    "icon_url", "title", "text", "severity"}));
    // The type first: which keys are allowed depends on it.
    const YAML::Node type = n["type"];
    if (!type.IsDefined() || type.IsNull()) return Error(n, p + ".type", "required (slack, pagerduty or webhook)");
    const std::string t = type.IsScalar() ? type.Scalar() : "";
    if (t == "slack") r->type = ReceiverType::kSlack;
    else if (t == "pagerduty") r->type = ReceiverType::kPagerDuty;
    else if (t == "webhook") r->type = ReceiverType::kWebhook;
    else return Error(type, p + ".type", "must be slack, pagerduty or webhook, got \"" + t + "\"");

    for (auto it = n.begin(); it != n.end(); ++it) {
      const std::string key = it->first.Scalar();
      const std::string full = p + "." + key;
      const YAML::Node& v = it->second;
      const bool slack_only = key == "channel" || key == "username" || key == "icon_emoji" || key == "icon_url" ||
                              key == "title" || key == "text";
      if (slack_only && r->type != ReceiverType::kSlack) return Error(it->first, full, "only for type slack");
      if ((key == "routing_key" || key == "severity") && r->type != ReceiverType::kPagerDuty) {
        return Error(it->first, full, "only for type pagerduty");
      }
      if (key == "max_alerts" && r->type != ReceiverType::kWebhook) return Error(it->first, full, "only for type webhook");
      if (key == "name") {
        RETURN_IF_ERROR(String(v, full, &r->name));
        if (r->name.empty()) return Error(v, full, "must not be empty");
      } else if (key == "url") {
        RETURN_IF_ERROR(Url(v, full, r->type != ReceiverType::kPagerDuty, &r->url));
      } else if (key == "routing_key") {
        if (!v.IsScalar() || v.Scalar().empty()) return Error(v, full, "must be a non-empty string");
        r->routing_key = v.Scalar();
      } else if (key == "match") {
        RETURN_IF_ERROR(Matchers(v, full, false, &r->match));
      } else if (key == "match_re") {
        RETURN_IF_ERROR(Matchers(v, full, true, &r->match_re));
      } else if (key == "repeat_interval") {
        RETURN_IF_ERROR(Duration(v, full, &r->repeat_interval_ms));
      } else if (key == "send_resolved") {
        RETURN_IF_ERROR(Bool(v, full, &r->send_resolved));
      } else if (key == "timeout") {
        RETURN_IF_ERROR(Duration(v, full, &r->timeout_ms));
      } else if (key == "max_alerts") {
        RETURN_IF_ERROR(Int(v, full, 0, &r->max_alerts));
      } else if (key == "channel") {
        RETURN_IF_ERROR(String(v, full, &r->channel));
      } else if (key == "username") {
        RETURN_IF_ERROR(String(v, full, &r->username));
      } else if (key == "icon_emoji") {
        RETURN_IF_ERROR(String(v, full, &r->icon_emoji));
      } else if (key == "icon_url") {
        RETURN_IF_ERROR(Url(v, full, false, &r->icon_url));
      } else if (key == "title") {
        RETURN_IF_ERROR(String(v, full, &r->title));
      } else if (key == "text") {
        RETURN_IF_ERROR(String(v, full, &r->text));
      } else if (key == "severity") {
        RETURN_IF_ERROR(String(v, full, &r->severity));
        const std::string& s = r->severity;
        if (s != "critical" && s != "error" && s != "warning" && s != "info") {
          return Error(v, full, "must be critical, error, warning or info, got \"" + s + "\"");
        }
      }
    }
    if (r->name.empty()) return Error(n, p + ".name", "required");
    if (r->type == ReceiverType::kPagerDuty) {
      if (r->routing_key.empty()) return Error(n, p + ".routing_key", "required for type pagerduty");
      if (r->url.empty()) r->url = std::string(kPagerDutyDefaultUrl);
    } else if (r->url.empty()) {
      return Error(n, p + ".url", "required for type " + t);
    }
    return Status::OK();
  }

  std::string file_;
};

}  // namespace

Status ParseAlertingConfig(const YAML::Node& node, const std::string& file, AlertingConfig* out) {
  AlertingConfig parsed;
  AlertingParser parser(file);
  try {
    RETURN_IF_ERROR(parser.Parse(node, &parsed));
  } catch (const YAML::Exception& e) {
    std::string where = file;
    if (e.mark.line >= 0) where += ":" + std::to_string(e.mark.line + 1);
    return Status::InvalidArgument(where + ": alerting: yaml: " + e.msg);
  } catch (const std::exception& e) {
    return Status::InvalidArgument(file + ": alerting: " + e.what());
  }
  *out = std::move(parsed);
  return Status::OK();
}

}  // namespace vigil::notify
