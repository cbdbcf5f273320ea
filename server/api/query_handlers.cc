// /api/v1/query, /api/v1/query_range, /api/v1/query_exemplars and
// /api/v1/format_query, after Prometheus's web/api/v1/api.go.
#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "query/parser.h"
#include "server/api/api_response.h"
#include "server/api/handlers.h"
#include "server/api/json_writer.h"
#include "server/api/params.h"
#include "server/http/json_escape.h"

namespace vigil::server::api {
namespace {

constexpr int64_t kNsPerMs = 1000000;
constexpr const char* kTruncated = "results truncated due to limit";

// The common part of query and query_range once the parameters parsed:
// timeout, the concurrency gate, the engine call, the JSON body.
struct QueryParams {
  std::string_view query;
  int64_t limit = 0;
  bool has_timeout = false;
  int64_t timeout_ns = 0;
  int64_t lookback_delta_ms = 0;
};

// Parses timeout and lookback_delta into *p; an error response on failure.
bool ParseCommon(const FormValues& form, QueryParams* p, HttpResponse* err) {
  if (std::string_view to = form.Get("timeout"); !to.empty()) {
    auto d = ParseDurationNs(to);
    if (!d.ok()) {
      *err = InvalidParamResponse("timeout", d.status().message());
      return false;
    }
    p->has_timeout = true;
    p->timeout_ns = *d;
  }
  // extractQueryOpts: lookback_delta, a per-query lookback.
  if (std::string_view lb = form.Get("lookback_delta"); !lb.empty()) {
    auto d = ParseDurationNs(lb);
    if (!d.ok()) {
      *err = ErrorResponse(ErrorType::kBadData, "error parsing lookback delta duration: " + d.status().message());
      return false;
    }
    p->lookback_delta_ms = *d / kNsPerMs;
  }
  p->query = form.Get("query");
  return true;
}

template <typename Run>
HttpResponse RunQuery(ApiState& st, const QueryParams& p, Run&& run) {
  if (st.ctx.engine == nullptr || st.ctx.db == nullptr) {
    return ErrorResponse(ErrorType::kInternal, "query engine not available");
  }
  // Per-request timeout = min(param, server). A non-positive param is a
  // deadline already passed, as context.WithDeadline(now+timeout) is.
  int64_t timeout_ms = st.ServerTimeoutMs();
  if (p.has_timeout) {
    if (p.timeout_ns <= 0) return ErrorResponse(ErrorType::kTimeout, "query timed out in query queue");
    int64_t param_ms = p.timeout_ns / kNsPerMs + (p.timeout_ns % kNsPerMs != 0 ? 1 : 0);
    timeout_ms = std::min(timeout_ms, param_ms);
  }
  auto start = std::chrono::steady_clock::now();
  auto deadline = start + std::chrono::milliseconds(timeout_ms);
  if (!st.gate.Acquire(deadline)) return ErrorResponse(ErrorType::kTimeout, "query timed out in query queue");
  st.ctx.queries_in_flight.fetch_add(1, std::memory_order_relaxed);
  int64_t waited_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  query::QueryOptions qo;
  qo.timeout_ms = std::max<int64_t>(1, timeout_ms - waited_ms);
  qo.lookback_delta_ms = p.lookback_delta_ms;
  Result<query::QueryResult> res = run(qo);
  st.ctx.queries_in_flight.fetch_sub(1, std::memory_order_relaxed);
  st.gate.Release();
  if (!res.ok()) {
    // Parse and type errors surface as Prometheus's invalidParamError.
    if (res.status().code() == StatusCode::kInvalidArgument) {
      return InvalidParamResponse("query", res.status().message());
    }
    return ErrorResponse(res.status());
  }
  const query::QueryResult& qr = *res;
  std::string body;
  BeginSuccess(&body);
  bool truncated = false;
  AppendQueryData(&body, qr, static_cast<size_t>(p.limit), &truncated);
  if (truncated) {
    std::vector<std::string> warnings = qr.warnings;
    warnings.emplace_back(kTruncated);
    EndSuccess(&body, warnings);
  } else {
    EndSuccess(&body, qr.warnings);
  }
  return JsonResponse(std::move(body));
}

}  // namespace

HttpResponse HandleQuery(ApiState& st, const HttpRequest& req) {
  FormValues form(req);
  QueryParams p;
  auto limit = ParseLimit(form.Get("limit"));
  if (!limit.ok()) return InvalidParamResponse("limit", limit.status().message());
  p.limit = *limit;
  auto t = ParseTimeParam(form, "time", st.NowMs());
  if (!t.ok()) return InvalidParamResponse("time", t.status().message());
  HttpResponse err;
  if (!ParseCommon(form, &p, &err)) return err;
  int64_t t_ms = *t;
  return RunQuery(st, p, [&](const query::QueryOptions& qo) {
    return st.ctx.engine->InstantQuery(*st.ctx.db, p.query, t_ms, qo);
  });
}

HttpResponse HandleQueryRange(ApiState& st, const HttpRequest& req) {
  FormValues form(req);
  QueryParams p;
  auto limit = ParseLimit(form.Get("limit"));
  if (!limit.ok()) return InvalidParamResponse("limit", limit.status().message());
  p.limit = *limit;
  auto start = ParseTime(form.Get("start"));
  if (!start.ok()) return InvalidParamResponse("start", start.status().message());
  auto end = ParseTime(form.Get("end"));
  if (!end.ok()) return InvalidParamResponse("end", end.status().message());
  if (*end < *start) return InvalidParamResponse("end", "end timestamp must not be before start time");
  auto step = ParseDurationNs(form.Get("step"));
  if (!step.ok()) return InvalidParamResponse("step", step.status().message());
  // The engine works in ms: a step below 1 ms is as unusable as zero.
  if (*step < kNsPerMs) {
    return InvalidParamResponse(
        "step", "zero or negative query resolution step widths are not accepted. Try a positive integer");
  }
  // end.Sub(start)/step > 11000 in ns. Go's Sub saturates at ~292 years,
  // which lets absurd ranges through; vigil uses the exact span.
  __int128 span_ns = (static_cast<__int128>(*end) - *start) * kNsPerMs;
  if (span_ns / *step > 11000) {
    return ErrorResponse(ErrorType::kBadData,
                         "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query "
                         "resolution (?step=XX)");
  }
  HttpResponse err;
  if (!ParseCommon(form, &p, &err)) return err;
  int64_t start_ms = *start, end_ms = *end, step_ms = *step / kNsPerMs;
  return RunQuery(st, p, [&](const query::QueryOptions& qo) {
    return st.ctx.engine->RangeQuery(*st.ctx.db, p.query, start_ms, end_ms, step_ms, qo);
  });
}

HttpResponse HandleQueryExemplars(ApiState& st, const HttpRequest& req) {
  (void)st;
  FormValues form(req);
  auto start = ParseTimeParam(form, "start", kMinTimeMs);
  if (!start.ok()) return InvalidParamResponse("start", start.status().message());
  auto end = ParseTimeParam(form, "end", kMaxTimeMs);
  if (!end.ok()) return InvalidParamResponse("end", end.status().message());
  if (*end < *start) return ErrorResponse(ErrorType::kBadData, "end timestamp must not be before start timestamp");
  auto expr = query::ParseExpr(form.Get("query"));
  if (!expr.ok()) return ErrorResponse(ErrorType::kBadData, expr.status().message());
  // vigil stores no exemplars yet: every valid request gets an empty list
  // (Prometheus answers 204 when the query has no selector; an empty list
  // is what clients parse either way).
  return JsonResponse(SuccessBody("[]", {}));
}

HttpResponse HandleFormatQuery(ApiState& st, const HttpRequest& req) {
  (void)st;
  FormValues form(req);
  auto expr = query::ParseExpr(form.Get("query"));
  if (!expr.ok()) return InvalidParamResponse("query", expr.status().message());
  std::string data;
  AppendJsonString(&data, query::Prettify(**expr));
  return JsonResponse(SuccessBody(data, {}));
}

}  // namespace vigil::server::api
