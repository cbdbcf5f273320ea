// Go's text forms that promtool's failure messages contain: time.Duration's
// String ("1m30s"), strconv.FormatFloat 'E' ("1E+00") and the alert list
// layout of cmd/promtool/unittest.go. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/base/labels.h"

namespace vigil::rules::unittest {

// time.Duration(ms * 1e6).String(): "0s", "1.5s", "2m0s", "1h0m0s", "250ms".
std::string GoDurationString(int64_t ms);

// strconv.FormatFloat(v, 'E', -1, 64).
std::string GoFloatE(double v);

struct LabelsAndAnnotations {
  Labels labels;
  Labels annotations;
};

// promtool's labelsAndAnnotations.String(): "[]" or "[\n0:\n  Labels:...".
std::string AlertListString(const std::vector<LabelsAndAnnotations>& alerts);

// Prefixes every line after the first with `indent` (promtool indentLines).
std::string IndentLines(const std::string& lines, const std::string& indent);

}  // namespace vigil::rules::unittest
