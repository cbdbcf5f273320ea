// Request parameters of the Prometheus HTTP API, parsed as Prometheus's
// web/api/v1 does: Go's r.FormValue semantics (the URL query string and an
// application/x-www-form-urlencoded POST body, body values first), time
// parameters (float seconds rounded to ms, RFC3339Nano, the min/max
// sentinels), durations (float seconds or a Prometheus duration) and limits.
// Error messages are Prometheus's texts; callers add the
// `invalid parameter "x": ` prefix. Pure functions and value types;
// thread-compatible.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/base/status.h"
#include "server/http/http_types.h"

namespace vigil::server::api {

// Prometheus's MinTime/MaxTime (time.Unix(math.MinInt64/1000+62135596801, 0)
// and time.Unix(math.MaxInt64/1000-62135596801, 999999999)) in ms, and their
// RFC3339Nano spellings, which parseTime accepts although Go cannot parse
// years with more than four digits.
inline constexpr int64_t kMinTimeMs = -9223309901257974000LL;
inline constexpr int64_t kMaxTimeMs = 9223309901257974999LL;
inline constexpr std::string_view kMinTimeFormatted = "-292273086-05-16T16:47:06Z";
inline constexpr std::string_view kMaxTimeFormatted = "292277025-08-18T07:12:54.999999999Z";

// The merged form values of one request: body values (for a POST/PUT/PATCH
// with Content-Type application/x-www-form-urlencoded) before query-string
// values, as Go's r.Form. Malformed pairs (bad %-escapes, ';') are skipped,
// and the first problem is kept in parse_error(), as Go's ParseForm does.
class FormValues {
 public:
  explicit FormValues(const HttpRequest& req);
  FormValues() = default;

  // The first value of `key`, or "" (r.FormValue).
  std::string_view Get(std::string_view key) const;
  // Every value of `key` in order (r.Form[key]).
  std::vector<std::string_view> GetAll(std::string_view key) const;
  bool Has(std::string_view key) const;
  // "" when everything parsed.
  const std::string& parse_error() const { return parse_error_; }

  // Parses one urlencoded string, appending to *out; returns the first
  // error text ("" if none).
  static std::string ParseQuery(std::string_view s, std::vector<std::pair<std::string, std::string>>* out);

 private:
  std::vector<std::pair<std::string, std::string>> values_;
  std::string parse_error_;
};

// Go's url.QueryUnescape: %XX and '+' → ' '. False on a malformed escape,
// with Go's message (`invalid URL escape "%zz"`) in *error when given.
bool QueryUnescape(std::string_view in, std::string* out, std::string* error = nullptr);

// Go's strconv.ParseFloat(s, 64) for the forms people send: decimal with
// optional sign, fraction and exponent, "Inf"/"Infinity"/"NaN" in any case,
// hexadecimal floats with a 'p' exponent. False when it does not parse or
// overflows (ParseFloat's ErrRange).
bool ParseGoFloat(std::string_view s, double* out);

// parseTime: float seconds (the fraction rounded to ms), else RFC3339Nano,
// else one of the sentinels. Returns ms since the epoch, clamped to
// [kMinTimeMs, kMaxTimeMs]. InvalidArgument `cannot parse "x" to a valid
// timestamp` (also for NaN and infinities).
Result<int64_t> ParseTime(std::string_view s);
// parseTimeParam: ParseTime, or `default_ms` when the value is empty.
Result<int64_t> ParseTimeParam(const FormValues& form, std::string_view name, int64_t default_ms);

// RFC3339 / RFC3339Nano as Go's time.Parse(time.RFC3339Nano, s) accepts it
// (four-digit year, 'T', optional fraction of any length with '.' or ',',
// 'Z' or ±hh:mm). Returns ms (the fraction truncated), false on failure.
bool ParseRfc3339(std::string_view s, int64_t* ms);

// parseDuration: float seconds, else a Prometheus duration ("5m", "1h30m").
// Returns nanoseconds. InvalidArgument `cannot parse "x" to a valid
// duration` or `cannot parse "x" to a valid duration. It overflows int64`.
Result<int64_t> ParseDurationNs(std::string_view s);

// parseLimitParam: "" → 0 (no limit); else a decimal integer ≥ 0.
// InvalidArgument `strconv.Atoi: parsing "x": invalid syntax` (or
// `value out of range`), or `limit must be non-negative`.
Result<int64_t> ParseLimit(std::string_view s);

// model.UnescapeName with ValueEncodingEscaping: "U__http_2e_status_code"
// → "http.status_code", "__" → "_", and the input unchanged when it does not
// start with "U__" or is not a valid escape.
std::string UnescapeLabelName(std::string_view name);

// Go's %q of a string (for messages like `invalid label name: "a-b"`):
// double quotes, with \" \\ \n \t \r and \xNN for other control bytes.
std::string GoQuote(std::string_view s);

}  // namespace vigil::server::api
