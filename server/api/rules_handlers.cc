// GET/POST /api/v1/rules and /api/v1/alerts (Prometheus web/api/v1/api.go
// rules() and alerts()): snapshots of the RuleManager's groups, filtered
// by type, rule_name[], rule_group[], file[], match[] (rule labels),
// exclude_alerts, and paginated with group_limit / group_next_token.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include "engine/base/labels.h"
#include "query/parser.h"
#include "server/alerting/rule_manager.h"
#include "server/api/api_response.h"
#include "server/api/handlers.h"
#include "server/api/json_writer.h"
#include "server/api/params.h"
#include "server/api/rules_json.h"
#include "server/http/json_escape.h"

namespace vigil::server::api {

namespace {

struct RulesFilter {
  bool alerts = true;     // type "" or "alert"
  bool recording = true;  // type "" or "record"
  bool exclude_alerts = false;
  std::set<std::string> rule_names, group_names, files;
  std::vector<Matchers> match;
  int64_t group_limit = 0;  // 0 = all
  std::string next_token;
};

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
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

std::set<std::string> ToSet(const std::vector<std::string_view>& values) {
  std::set<std::string> out;
  for (std::string_view v : values) out.emplace(v);
  return out;
}

// The pagination token of a group: opaque, stable while the group exists.
std::string GroupToken(const std::string& file, const std::string& name) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(StableHash64(file + ";" + name)));
  return buf;
}

// Parses the parameters; an error response in *error when one is bad.
bool ParseRulesFilter(const FormValues& form, RulesFilter* f, HttpResponse* error) {
  std::string type = Lower(form.Get("type"));
  if (!type.empty() && type != "alert" && type != "record") {
    *error = InvalidParamResponse("type", "not supported value " + GoQuote(type));
    return false;
  }
  f->alerts = type.empty() || type == "alert";
  f->recording = type.empty() || type == "record";
  std::string exclude = Lower(form.Get("exclude_alerts"));
  if (!exclude.empty() && !ParseGoBool(exclude, &f->exclude_alerts)) {
    *error = InvalidParamResponse("exclude_alerts", "error converting exclude_alerts: strconv.ParseBool: parsing " +
                                                        GoQuote(exclude) + ": invalid syntax");
    return false;
  }
  f->rule_names = ToSet(form.GetAll("rule_name[]"));
  f->group_names = ToSet(form.GetAll("rule_group[]"));
  f->files = ToSet(form.GetAll("file[]"));
  for (std::string_view s : form.GetAll("match[]")) {
    Result<Matchers> m = query::ParseMetricSelector(s);
    if (!m.ok()) {
      *error = InvalidParamResponse("match[]", m.status().message());
      return false;
    }
    if (std::none_of(m->begin(), m->end(), [](const Matcher& x) { return !x.MatchesEmpty(); })) {
      *error = InvalidParamResponse("match[]", "match[] must contain at least one non-empty matcher");
      return false;
    }
    f->match.push_back(std::move(m).value());
  }
  std::string_view limit = form.Get("group_limit");
  f->next_token = std::string(form.Get("group_next_token"));
  if (!f->next_token.empty() && limit.empty()) {
    *error = InvalidParamResponse("group_next_token", "group_limit needs to be present in order to paginate over the groups");
    return false;
  }
  if (!limit.empty()) {
    int64_t n = 0;
    bool digits = std::all_of(limit.begin() + (limit[0] == '-' || limit[0] == '+' ? 1 : 0), limit.end(),
                              [](char c) { return c >= '0' && c <= '9'; });
    if (!digits || limit.size() > 11 || limit == "-" || limit == "+") {
      *error = InvalidParamResponse("group_limit", "group_limit needs to be a valid number: strconv.ParseInt: parsing " +
                                                       GoQuote(limit) + ": invalid syntax");
      return false;
    }
    n = std::stoll(std::string(limit));
    if (n <= 0) {
      *error = InvalidParamResponse("group_limit", "group_limit needs to be greater than 0");
      return false;
    }
    f->group_limit = n;
  }
  return true;
}

// The rule's labels (as written) satisfy one of the match[] sets.
bool MatchesRuleLabels(const std::vector<Matchers>& sets, const rules::LabelPairs& labels) {
  if (sets.empty()) return true;
  auto get = [&labels](const std::string& name) -> std::string_view {
    for (const auto& [n, v] : labels) {
      if (n == name) return v;
    }
    return {};
  };
  return std::any_of(sets.begin(), sets.end(), [&](const Matchers& ms) {
    return std::all_of(ms.begin(), ms.end(), [&](const Matcher& m) { return m.Matches(get(m.name())); });
  });
}

std::vector<rules::GroupSnapshot> Snapshots(const ApiState& st) {
  std::vector<rules::GroupSnapshot> out;
  if (st.ctx.rule_manager == nullptr) return out;
  for (const auto& g : st.ctx.rule_manager->Groups()) out.push_back(g->Snapshot());
  return out;
}

}  // namespace

HttpResponse HandleRules(ApiState& st, const HttpRequest& req) {
  FormValues form(req);
  RulesFilter f;
  HttpResponse error;
  if (!ParseRulesFilter(form, &f, &error)) return error;

  std::vector<rules::GroupSnapshot> groups = Snapshots(st);
  std::string data = "{\"groups\":[";
  size_t written = 0;
  bool found_token = f.next_token.empty();
  std::string group_next_token;
  for (const rules::GroupSnapshot& g : groups) {
    std::string token = GroupToken(g.file, g.name);
    if (!found_token) {
      if (token != f.next_token) continue;
      found_token = true;
    }
    if (!f.group_names.empty() && !f.group_names.contains(g.name)) continue;
    if (!f.files.empty() && !f.files.contains(g.file)) continue;
    if (f.group_limit > 0 && written == static_cast<size_t>(f.group_limit)) {
      group_next_token = token;
      break;
    }
    std::vector<const rules::RuleSnapshot*> kept;
    for (const rules::RuleSnapshot& r : g.rules) {
      if (!f.rule_names.empty() && !f.rule_names.contains(r.name)) continue;
      if (r.alerting ? !f.alerts : !f.recording) continue;
      if (!MatchesRuleLabels(f.match, r.labels)) continue;
      kept.push_back(&r);
    }
    // Prometheus leaves out groups whose rules were all filtered away.
    if (kept.empty()) continue;
    if (written++ > 0) data.push_back(',');
    AppendGroupJson(&data, g, kept, !f.exclude_alerts);
  }
  if (!found_token) {
    return InvalidParamResponse("group_next_token",
                                "invalid group_next_token '" + f.next_token + "'. were rule groups changed?");
  }
  data.push_back(']');
  if (!group_next_token.empty()) {
    data.append(",\"groupNextToken\":");
    AppendJsonString(&data, group_next_token);
  }
  data.push_back('}');
  return JsonResponse(SuccessBody(data, {}));
}

HttpResponse HandleAlerts(ApiState& st, const HttpRequest&) {
  std::string data = "{\"alerts\":[";
  bool first = true;
  for (const rules::GroupSnapshot& g : Snapshots(st)) {
    for (const rules::RuleSnapshot& r : g.rules) {
      if (!r.alerting) continue;
      for (const rules::Alert& a : r.alerts) {
        if (a.state == rules::AlertState::kInactive) continue;
        if (!first) data.push_back(',');
        first = false;
        AppendAlertJson(&data, a);
      }
    }
  }
  data.append("]}");
  return JsonResponse(SuccessBody(data, {}));
}

}  // namespace vigil::server::api
