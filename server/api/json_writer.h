// Streaming JSON output for the Prometheus HTTP API: appends straight into
// the response body (no DOM, no allocation per sample), with Prometheus's
// exact number spellings (util/jsonutil/marshal.go): timestamps as numbers
// of seconds with a 3-digit ms fraction only when non-zero
// (1435781451780 → 1435781451.780), sample values as strings in Go's
// strconv.AppendFloat(v, 'f' or 'e', -1) form ("1e-07", "+Inf", "NaN").
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/labels.h"
#include "query/value.h"

namespace vigil::server::api {

// A timestamp in ms as a JSON number of seconds.
void AppendTimestamp(std::string* out, int64_t t_ms);
// The bare Go spelling of a sample value: shortest round-trip digits, 'e'
// form when |v| < 1e-6 or |v| >= 1e21 (not for 0), else 'f' form; "NaN",
// "+Inf", "-Inf"; "-0" for negative zero.
void AppendGoFloat(std::string* out, double v);
// The same as a JSON string ("\"1e-07\"").
void AppendSampleValue(std::string* out, double v);
// A label set as a JSON object in label-name order: {"__name__":"up"}.
void AppendLabels(std::string* out, const Labels& labels);
// [t,"v"]
void AppendPoint(std::string* out, int64_t t_ms, double v);
// A JSON array of strings.
void AppendStringArray(std::string* out, const std::vector<std::string>& values);

// {"resultType":"vector","result":[...]} for a query result. `limit` > 0
// keeps only the first `limit` vector samples or matrix series (scalars and
// strings are never cut); *truncated says whether anything was dropped.
void AppendQueryData(std::string* out, const query::QueryResult& result, size_t limit, bool* truncated);

// A success envelope around already-encoded `data` JSON:
// {"status":"success","data":<data>[,"warnings":[...]]}.
std::string SuccessBody(std::string_view data, const std::vector<std::string>& warnings);

// Incremental form of SuccessBody for large results: BeginSuccess writes
// `{"status":"success","data":`, the caller appends the data, then
// EndSuccess adds the warnings (if any) and the closing brace.
void BeginSuccess(std::string* out);
void EndSuccess(std::string* out, const std::vector<std::string>& warnings);

}  // namespace vigil::server::api
