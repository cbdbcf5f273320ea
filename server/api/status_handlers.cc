// /api/v1/status/{buildinfo,runtimeinfo,flags,tsdb}, with Prometheus's
// field names (web/api/v1/api.go PrometheusVersion, RuntimeInfo,
// TSDBStatus).
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "query/duration.h"
#include "server/api/api_response.h"
#include "server/api/handlers.h"
#include "server/api/json_writer.h"
#include "server/api/params.h"
#include "server/http/json_escape.h"

namespace vigil::server::api {
namespace {

void AppendField(std::string* out, std::string_view name, std::string_view value, bool first = false) {
  if (!first) out->push_back(',');
  AppendJsonString(out, name);
  out->push_back(':');
  AppendJsonString(out, value);
}

void AppendIntField(std::string* out, std::string_view name, int64_t value) {
  out->push_back(',');
  AppendJsonString(out, name);
  out->push_back(':');
  out->append(std::to_string(value));
}

// Go's time.Time JSON form (RFC3339Nano, UTC, trailing zeros trimmed).
std::string FormatRfc3339Nano(std::chrono::system_clock::time_point tp) {
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(tp.time_since_epoch()).count();
  int64_t secs = ns / 1000000000;
  int64_t frac = ns % 1000000000;
  if (frac < 0) {
    frac += 1000000000;
    --secs;
  }
  std::time_t tt = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec);
  std::string out = buf;
  if (frac != 0) {
    char f[16];
    std::snprintf(f, sizeof f, ".%09lld", static_cast<long long>(frac));
    std::string fs = f;
    while (fs.back() == '0') fs.pop_back();
    out += fs;
  }
  out += 'Z';
  return out;
}

int ThreadCount() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("Threads:", 0) == 0) return std::atoi(line.c_str() + 8);
  }
  return 0;
}

struct Stat {
  std::string name;
  uint64_t value;
};

// The top `limit` by value (ties by name), as Prometheus's maxHeap gives.
void AppendTopStats(std::string* out, std::string_view field, std::vector<Stat> stats, size_t limit) {
  auto cmp = [](const Stat& a, const Stat& b) { return a.value != b.value ? a.value > b.value : a.name < b.name; };
  if (stats.size() > limit) {
    std::partial_sort(stats.begin(), stats.begin() + static_cast<std::ptrdiff_t>(limit), stats.end(), cmp);
    stats.resize(limit);
  } else {
    std::sort(stats.begin(), stats.end(), cmp);
  }
  out->push_back(',');
  AppendJsonString(out, field);
  out->append(":[");
  for (size_t i = 0; i < stats.size(); ++i) {
    if (i > 0) out->push_back(',');
    out->append("{\"name\":");
    AppendJsonString(out, stats[i].name);
    out->append(",\"value\":");
    out->append(std::to_string(stats[i].value));
    out->push_back('}');
  }
  out->push_back(']');
}

}  // namespace

HttpResponse HandleBuildInfo(ApiState& st, const HttpRequest& req) {
  (void)req;
  // No "features" map: Grafana would take a non-empty one for Mimir.
  const BuildInfo& b = st.ctx.build;
  std::string data = "{";
  AppendField(&data, "version", b.version, true);
  AppendField(&data, "revision", b.revision);
  AppendField(&data, "branch", b.branch);
  AppendField(&data, "buildUser", b.build_user);
  AppendField(&data, "buildDate", b.build_date);
  AppendField(&data, "goVersion", b.go_version);
  data.push_back('}');
  return JsonResponse(SuccessBody(data, {}));
}

HttpResponse HandleRuntimeInfo(ApiState& st, const HttpRequest& req) {
  (void)req;
  char cwd[4096];
  std::string cwd_s = getcwd(cwd, sizeof cwd) != nullptr ? std::string(cwd)
                                                         : std::string("<error retrieving current working directory>");
  std::string retention;
  if (st.ctx.config != nullptr && st.ctx.config->retention_ms > 0) {
    retention = query::FormatDuration(st.ctx.config->retention_ms);
  }
  std::string start = FormatRfc3339Nano(st.ctx.start_time);
  std::string data = "{";
  AppendField(&data, "startTime", start, true);
  AppendField(&data, "CWD", cwd_s);
  data.append(",\"reloadConfigSuccess\":true");
  // No config reloads yet: the config was loaded at start.
  AppendField(&data, "lastConfigTime", start);
  AppendIntField(&data, "corruptionCount", 0);
  AppendIntField(&data, "goroutineCount", ThreadCount());  // OS threads
  AppendIntField(&data, "GOMAXPROCS", static_cast<int64_t>(std::max(1u, std::thread::hardware_concurrency())));
  AppendIntField(&data, "GOMEMLIMIT", INT64_MAX);  // Go's "no limit"
  AppendField(&data, "GOGC", "");
  AppendField(&data, "GODEBUG", "");
  AppendField(&data, "storageRetention", retention);
  data.push_back('}');
  return JsonResponse(SuccessBody(data, {}));
}

HttpResponse HandleFlags(ApiState& st, const HttpRequest& req) {
  (void)req;
  std::string data = "{";
  if (st.ctx.config != nullptr) {
    bool first = true;
    for (const auto& [k, v] : st.ctx.config->flags) {
      AppendField(&data, k, v, first);
      first = false;
    }
  }
  data.push_back('}');
  return JsonResponse(SuccessBody(data, {}));
}

// Prometheus computes these from the head's postings (series of about the
// last 2-3 h). vigil walks the series with samples in the last 3 h (and
// any future ones) through one querier: the same scope, and it never reads
// old chunks. numSeries and chunkCount come from the DB's counters.
HttpResponse HandleTsdbStatus(ApiState& st, const HttpRequest& req) {
  FormValues form(req);
  size_t limit = 10;
  if (std::string_view s = form.Get("limit"); !s.empty()) {
    auto v = ParseLimit(s);
    if (!v.ok() || *v < 1) return ErrorResponse(ErrorType::kBadData, "limit must be a positive number");
    limit = static_cast<size_t>(*v);
  }
  if (st.ctx.db == nullptr) return ErrorResponse(ErrorType::kInternal, "storage not available");
  constexpr int64_t kHeadWindowMs = 3LL * 3600 * 1000;
  auto q = st.ctx.db->NewQuerier(st.NowMs() - kHeadWindowMs, INT64_MAX);
  if (!q.ok()) return ErrorResponse(q.status());
  auto ss = (*q)->Select(Matchers{}, /*sorted=*/false);
  std::unordered_map<std::string, uint64_t> by_metric;
  std::unordered_map<std::string, uint64_t> by_pair;  // "name=value" → series
  int64_t min_t = INT64_MAX, max_t = INT64_MIN;
  std::string key;
  while (ss->Next()) {
    const Series& s = ss->At();
    for (const LabelView& l : s.labels()) {
      key.assign(l.name);
      key.push_back('=');
      key.append(l.value);
      ++by_pair[key];
      if (l.name == "__name__") ++by_metric[std::string(l.value)];
    }
    const auto& chunks = s.chunks();
    if (!chunks.empty()) {
      min_t = std::min(min_t, chunks.front().min_t);
      max_t = std::max(max_t, chunks.back().max_t);
    }
  }
  if (!ss->status().ok()) return ErrorResponse(ss->status());
  // Per label name: distinct values, and bytes of values over series.
  std::unordered_map<std::string, uint64_t> values_by_name, bytes_by_name;
  for (const auto& [pair, count] : by_pair) {
    size_t eq = pair.find('=');
    std::string name = pair.substr(0, eq);
    ++values_by_name[name];
    bytes_by_name[name] += (pair.size() - eq - 1) * count;
  }
  auto to_stats = [](const std::unordered_map<std::string, uint64_t>& m) {
    std::vector<Stat> v;
    v.reserve(m.size());
    for (const auto& [k, c] : m) v.push_back({k, c});
    return v;
  };
  DbStats dbs = st.ctx.db->stats();
  std::string data = "{\"headStats\":{\"numSeries\":";
  data.append(std::to_string(dbs.series));
  AppendIntField(&data, "numLabelPairs", static_cast<int64_t>(by_pair.size()));
  AppendIntField(&data, "chunkCount", static_cast<int64_t>(dbs.chunks_persisted + dbs.series_with_open_chunk));
  AppendIntField(&data, "minTime", min_t);
  AppendIntField(&data, "maxTime", max_t);
  data.push_back('}');
  AppendTopStats(&data, "seriesCountByMetricName", to_stats(by_metric), limit);
  AppendTopStats(&data, "labelValueCountByLabelName", to_stats(values_by_name), limit);
  AppendTopStats(&data, "memoryInBytesByLabelName", to_stats(bytes_by_name), limit);
  AppendTopStats(&data, "seriesCountByLabelValuePair", to_stats(by_pair), limit);
  data.push_back('}');
  return JsonResponse(SuccessBody(data, {}));
}

}  // namespace vigil::server::api
