// Line-by-line equivalents of Prometheus's humanize* closures, printing with
// Go's %.4g through GoSprintf so NaN/Inf and rounding match.
#include "server/rules/template/humanize.h"

#include <cmath>
#include <cstdint>

#include "server/rules/template/go_printf.h"

namespace vigil::rules::tmpl {
namespace {

std::string G4(double v) { return GoSprintf("%.4g", {Value::Float(v)}); }
constexpr const char* kNaNOrInf = "value is NaN or Inf";

}  // namespace

std::string Humanize(double v) {
  if (v == 0 || std::isnan(v) || std::isinf(v)) return G4(v);
  std::string prefix;
  if (std::fabs(v) >= 1) {
    for (const char* p : {"k", "M", "G", "T", "P", "E", "Z", "Y"}) {
      if (std::fabs(v) < 1000) break;
      prefix = p;
      v /= 1000;
    }
    return G4(v) + prefix;
  }
  for (const char* p : {"m", "u", "n", "p", "f", "a", "z", "y"}) {
    if (std::fabs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return G4(v) + prefix;
}

std::string Humanize1024(double v) {
  if (std::fabs(v) <= 1 || std::isnan(v) || std::isinf(v)) return G4(v);
  std::string prefix;
  for (const char* p : {"ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi", "Yi"}) {
    if (std::fabs(v) < 1024) break;
    prefix = p;
    v /= 1024;
  }
  return G4(v) + prefix;
}

std::string HumanizeDuration(double v) {
  if (std::isnan(v) || std::isinf(v)) return G4(v);
  if (v == 0) return G4(v) + "s";
  if (std::fabs(v) >= 1) {
    std::string sign;
    if (v < 0) {
      sign = "-";
      v = -v;
    }
    // Go's int64(v) on amd64: out-of-range values become math.MinInt64.
    int64_t duration = v >= 9223372036854775808.0 ? INT64_MIN : static_cast<int64_t>(v);
    int64_t seconds = duration % 60;
    int64_t minutes = (duration / 60) % 60;
    int64_t hours = (duration / 60 / 60) % 24;
    int64_t days = duration / 60 / 60 / 24;
    auto n = [](int64_t x) { return std::to_string(x); };
    if (days != 0) return sign + n(days) + "d " + n(hours) + "h " + n(minutes) + "m " + n(seconds) + "s";
    if (hours != 0) return sign + n(hours) + "h " + n(minutes) + "m " + n(seconds) + "s";
    if (minutes != 0) return sign + n(minutes) + "m " + n(seconds) + "s";
    return sign + G4(v) + "s";
  }
  std::string prefix;
  for (const char* p : {"m", "u", "n", "p", "f", "a", "z", "y"}) {
    if (std::fabs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return G4(v) + prefix + "s";
}

std::string HumanizePercentage(double v) { return G4(v * 100) + "%"; }

Result<int64_t> FloatToUnixNanos(double v) {
  if (std::isnan(v) || std::isinf(v)) return Status::InvalidArgument(kNaNOrInf);
  double ts = v * 1e9;
  if (ts > 9223372036854775807.0 || ts < -9223372036854775808.0) {
    return Status::InvalidArgument(GoSprint({Value::Float(v)}) +
                                   " cannot be represented as a nanoseconds timestamp since it overflows int64");
  }
  // model.TimeFromUnixNano keeps milliseconds (truncated toward zero).
  int64_t ns = ts >= 9223372036854775807.0 ? INT64_MAX : static_cast<int64_t>(ts);
  return ns / 1000000 * 1000000;
}

Result<int64_t> FloatToDurationNanos(double v) {
  if (std::isnan(v) || std::isinf(v)) return Status::InvalidArgument(kNaNOrInf);
  double d = v * 1e9;
  if (d > 9223372036854775807.0 || d < -9223372036854775808.0) {
    return Status::InvalidArgument(GoSprint({Value::Float(v)}) +
                                   " cannot be represented as a nanoseconds duration since it overflows int64");
  }
  return d >= 9223372036854775807.0 ? INT64_MAX : static_cast<int64_t>(d);
}

Result<std::string> HumanizeTimestamp(double v) {
  if (std::isnan(v) || std::isinf(v)) return G4(v);
  ASSIGN_OR_RETURN(int64_t ns, FloatToUnixNanos(v));
  return FormatGoTime(ns);
}

}  // namespace vigil::rules::tmpl
