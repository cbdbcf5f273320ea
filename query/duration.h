// Prometheus durations (common/model.Duration): parsing "1h30m"-style strings
// to milliseconds and printing milliseconds back the way Prometheus does.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/base/status.h"

namespace vigil::query {

// Parses a duration made of <int><unit> parts with units y, w, d, h, m, s, ms,
// each at most once and from biggest to smallest ("1h30m", "90s", "0").
// Returns milliseconds, or InvalidArgument with model.ParseDuration's text:
// "empty duration string", "not a valid duration string: \"x\"",
// "unknown unit \"u\" in duration \"x\"", "duration out of range".
Result<int64_t> ParseDuration(std::string_view s);

// model.Duration.String(): "1h30m", "5m", "1y", "2w", "10d", "1s500ms"; "0s"
// for zero. REQUIRES: ms >= 0 (negative values print "").
std::string FormatDuration(int64_t ms);

}  // namespace vigil::query
