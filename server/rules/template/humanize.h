// Prometheus's number formatting helpers behind the template functions
// humanize, humanize1024, humanizeDuration, humanizePercentage and
// humanizeTimestamp (template/template.go). Pure functions; thread-safe.
#pragma once

#include <string>

#include "engine/base/status.h"

namespace vigil::rules::tmpl {

std::string Humanize(double v);            // 1234567 -> "1.235M", 0.001 -> "1m"
std::string Humanize1024(double v);        // 1048576 -> "1Mi"
std::string HumanizeDuration(double v);    // 3661 -> "1h 1m 1s", 0.1 -> "100ms"
std::string HumanizePercentage(double v);  // 0.1234567 -> "12.35%"
// "1970-01-01 00:00:01.5 +0000 UTC" (millisecond precision, as model.Time);
// NaN/Inf print as %.4g; out-of-range values are an error.
Result<std::string> HumanizeTimestamp(double v);

// floatToTime / floatToDuration: unix nanoseconds, or an error for
// NaN/Inf and values that overflow int64 nanoseconds.
Result<int64_t> FloatToUnixNanos(double v);
Result<int64_t> FloatToDurationNanos(double v);

}  // namespace vigil::rules::tmpl
