// Go's time.Time.Format layouts ("2006-01-02 15:04:05.000 MST") for UTC
// times, so templates can call (toTime $value).Format as in Prometheus.
// Pure function; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace vigil::rules::tmpl {

// Formats unix nanoseconds (UTC) with a Go reference-time layout. Supports
// the layout elements of Go's time package: 2006 06 01 1 Jan January 02 2 _2
// 002 15 03 3 04 4 05 5 PM pm Mon Monday MST -0700 -07:00 -07 Z0700 Z07:00
// .000 .999 (any length, also with ','). Other text is copied.
std::string FormatGoLayout(int64_t unix_nanos, std::string_view layout);

}  // namespace vigil::rules::tmpl
