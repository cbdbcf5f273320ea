// /api/v1/series, /api/v1/labels, /api/v1/label/<name>/values and
// /api/v1/metadata, after Prometheus's web/api/v1/api.go.
#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "query/parser.h"
#include "server/api/api_response.h"
#include "server/api/handlers.h"
#include "server/api/json_writer.h"
#include "server/api/params.h"
#include "server/http/json_escape.h"
#include "server/http/router.h"

namespace vigil::server::api {
namespace {

constexpr const char* kTruncated = "results truncated due to limit";

// parseMatchersParam: every match[] parses as a selector, and each has a
// matcher that does not match the empty string.
Result<std::vector<Matchers>> ParseMatchersParam(const std::vector<std::string_view>& params) {
  std::vector<Matchers> sets;
  sets.reserve(params.size());
  for (std::string_view s : params) {
    auto m = query::ParseMetricSelector(s);
    if (!m.ok()) return m.status();
    sets.push_back(std::move(m).value());
  }
  for (const Matchers& ms : sets) {
    bool ok = std::any_of(ms.begin(), ms.end(), [](const Matcher& m) { return !m.MatchesEmpty(); });
    if (!ok) return Status::InvalidArgument("match[] must contain at least one non-empty matcher");
  }
  return sets;
}

// The parameters labels and label values share.
struct LabelQuery {
  int64_t limit = 0;
  int64_t start = kMinTimeMs;
  int64_t end = kMaxTimeMs;
  std::vector<Matchers> sets;
};

bool ParseLabelQuery(const FormValues& form, LabelQuery* q, HttpResponse* err) {
  auto limit = ParseLimit(form.Get("limit"));
  if (!limit.ok()) {
    *err = InvalidParamResponse("limit", limit.status().message());
    return false;
  }
  q->limit = *limit;
  auto start = ParseTimeParam(form, "start", kMinTimeMs);
  if (!start.ok()) {
    *err = InvalidParamResponse("start", start.status().message());
    return false;
  }
  auto end = ParseTimeParam(form, "end", kMaxTimeMs);
  if (!end.ok()) {
    *err = InvalidParamResponse("end", end.status().message());
    return false;
  }
  q->start = *start;
  q->end = *end;
  auto sets = ParseMatchersParam(form.GetAll("match[]"));
  if (!sets.ok()) {
    *err = ErrorResponse(ErrorType::kBadData, sets.status().message());
    return false;
  }
  q->sets = std::move(sets).value();
  return true;
}

// Sorted, truncated to limit (with the warning) and written as the body.
HttpResponse StringListResponse(std::vector<std::string> values, int64_t limit) {
  std::vector<std::string> warnings;
  if (limit > 0 && values.size() > static_cast<size_t>(limit)) {
    values.resize(static_cast<size_t>(limit));
    warnings.emplace_back(kTruncated);
  }
  std::string body;
  BeginSuccess(&body);
  AppendStringArray(&body, values);
  EndSuccess(&body, warnings);
  return JsonResponse(std::move(body));
}

// Union of the sorted lists `fn(matchers)` gives for each matcher set (or
// for no matchers when there is no set).
template <typename Fn>
Result<std::vector<std::string>> UnionOver(const std::vector<Matchers>& sets, Fn&& fn) {
  if (sets.empty()) return fn(Matchers{});
  std::set<std::string> all;
  for (const Matchers& ms : sets) {
    auto r = fn(ms);
    if (!r.ok()) return r.status();
    for (std::string& v : *r) all.insert(std::move(v));
  }
  return std::vector<std::string>(all.begin(), all.end());
}

}  // namespace

HttpResponse HandleSeries(ApiState& st, const HttpRequest& req) {
  FormValues form(req);
  if (!form.parse_error().empty()) {
    return ErrorResponse(ErrorType::kBadData, "error parsing form values: " + form.parse_error());
  }
  std::vector<std::string_view> match = form.GetAll("match[]");
  if (match.empty()) return ErrorResponse(ErrorType::kBadData, "no match[] parameter provided");
  auto limit = ParseLimit(form.Get("limit"));
  if (!limit.ok()) return InvalidParamResponse("limit", limit.status().message());
  auto start = ParseTimeParam(form, "start", kMinTimeMs);
  if (!start.ok()) return InvalidParamResponse("start", start.status().message());
  auto end = ParseTimeParam(form, "end", kMaxTimeMs);
  if (!end.ok()) return InvalidParamResponse("end", end.status().message());
  auto sets = ParseMatchersParam(match);
  if (!sets.ok()) return InvalidParamResponse("match[]", sets.status().message());
  if (st.ctx.db == nullptr) return ErrorResponse(ErrorType::kInternal, "storage not available");
  auto q = st.ctx.db->NewQuerier(*start, *end);
  if (!q.ok()) return ErrorResponse(q.status());

  const size_t max = *limit > 0 ? static_cast<size_t>(*limit) : SIZE_MAX;
  bool truncated = false;
  std::string body;
  BeginSuccess(&body);
  body.push_back('[');
  size_t n = 0;
  // Labels only: no chunk is read. Several selectors are merged and
  // de-duplicated, as storage.NewMergeSeriesSet.
  std::vector<Labels> all;
  for (const Matchers& ms : *sets) {
    auto labels = (*q)->SeriesLabels(ms);
    if (!labels.ok()) return ErrorResponse(labels.status());
    if (all.empty()) {
      all = std::move(labels).value();
    } else {
      all.insert(all.end(), labels->begin(), labels->end());
    }
  }
  if (sets->size() > 1) {
    std::sort(all.begin(), all.end());
    all.erase(std::unique(all.begin(), all.end()), all.end());
  }
  for (const Labels& l : all) {
    if (n == max) {
      truncated = true;
      break;
    }
    if (n++ > 0) body.push_back(',');
    AppendLabels(&body, l);
  }
  body.push_back(']');
  std::vector<std::string> warnings;
  if (truncated) warnings.emplace_back(kTruncated);
  EndSuccess(&body, warnings);
  return JsonResponse(std::move(body));
}

HttpResponse HandleLabels(ApiState& st, const HttpRequest& req) {
  FormValues form(req);
  LabelQuery lq;
  HttpResponse err;
  if (!ParseLabelQuery(form, &lq, &err)) return err;
  if (st.ctx.db == nullptr) return ErrorResponse(ErrorType::kInternal, "storage not available");
  auto q = st.ctx.db->NewQuerier(lq.start, lq.end);
  if (!q.ok()) return ErrorResponse(q.status());
  auto names = UnionOver(lq.sets, [&](const Matchers& ms) { return (*q)->LabelNames(ms); });
  if (!names.ok()) return ErrorResponse(names.status());
  return StringListResponse(std::move(names).value(), lq.limit);
}

HttpResponse HandleLabelValues(ApiState& st, const HttpRequest& req) {
  // The route is the prefix "/api/v1/label/"; the rest must be
  // "<name>/values" with a single path segment for the name.
  constexpr std::string_view kPrefix = "/api/v1/label/";
  constexpr std::string_view kSuffix = "/values";
  std::string_view rest = std::string_view(req.path).substr(std::min(req.path.size(), kPrefix.size()));
  if (!rest.ends_with(kSuffix) || rest.substr(0, rest.size() - kSuffix.size()).find('/') != std::string_view::npos) {
    return JsonError(404, "not_found", "path " + req.path + " not found");
  }
  std::string_view raw_name = rest.substr(0, rest.size() - kSuffix.size());
  std::string name = UnescapeLabelName(raw_name);
  // vigil stores legacy names only ([a-zA-Z_][a-zA-Z0-9_]*). A U__-escaped
  // UTF-8 name (Prometheus 3.x) is valid but cannot exist here: empty list.
  bool utf8_only = false;
  if (!IsValidLabelName(name)) {
    if (name != raw_name && !name.empty() && IsValidUtf8(name)) {
      utf8_only = true;
    } else {
      return ErrorResponse(ErrorType::kBadData, "invalid label name: " + GoQuote(name));
    }
  }
  FormValues form(req);
  LabelQuery lq;
  HttpResponse err;
  if (!ParseLabelQuery(form, &lq, &err)) return err;
  if (utf8_only) return StringListResponse({}, lq.limit);
  if (st.ctx.db == nullptr) return ErrorResponse(ErrorType::kInternal, "storage not available");
  auto q = st.ctx.db->NewQuerier(lq.start, lq.end);
  if (!q.ok()) return ErrorResponse(q.status());
  auto values = UnionOver(lq.sets, [&](const Matchers& ms) { return (*q)->LabelValues(name, ms); });
  if (!values.ok()) return ErrorResponse(values.status());
  return StringListResponse(std::move(values).value(), lq.limit);
}

HttpResponse HandleMetadata(ApiState& st, const HttpRequest& req) {
  FormValues form(req);
  // As Prometheus: -1 = unlimited; limit=0 gives an empty map, while
  // limit_per_metric=0 means unlimited.
  int64_t limit = -1, limit_per_metric = -1;
  if (std::string_view s = form.Get("limit"); !s.empty()) {
    auto v = ParseLimit(s);
    if (!v.ok() && v.status().message() != "limit must be non-negative") {
      return ErrorResponse(ErrorType::kBadData, "limit must be a number");
    }
    limit = v.ok() ? *v : -1;
  }
  if (std::string_view s = form.Get("limit_per_metric"); !s.empty()) {
    auto v = ParseLimit(s);
    if (!v.ok() && v.status().message() != "limit must be non-negative") {
      return ErrorResponse(ErrorType::kBadData, "limit_per_metric must be a number");
    }
    limit_per_metric = v.ok() ? *v : -1;
  }
  std::string metric(form.Get("metric"));
  std::string body;
  BeginSuccess(&body);
  body.push_back('{');
  if (limit != 0 && st.ctx.metadata != nullptr) {
    auto all = st.ctx.metadata->Get(metric, limit > 0 ? static_cast<size_t>(limit) : 0,
                                    limit_per_metric > 0 ? static_cast<size_t>(limit_per_metric) : 0);
    bool first = true;
    for (const auto& [family, entries] : all) {
      if (!first) body.push_back(',');
      first = false;
      AppendJsonString(&body, family);
      body.append(":[");
      for (size_t i = 0; i < entries.size(); ++i) {
        if (i > 0) body.push_back(',');
        body.append("{\"type\":");
        AppendJsonString(&body, entries[i].type.empty() ? "unknown" : entries[i].type);
        body.append(",\"help\":");
        AppendJsonString(&body, entries[i].help);
        body.append(",\"unit\":");
        AppendJsonString(&body, entries[i].unit);
        body.push_back('}');
      }
      body.push_back(']');
    }
  }
  body.push_back('}');
  EndSuccess(&body, {});
  return JsonResponse(std::move(body));
}

}  // namespace vigil::server::api
