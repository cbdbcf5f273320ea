// Internal helpers for the payload builders (payloads_*.cc): label sets as
// JSON objects and the labels/annotations every alert of a group shares.
// Pure functions; thread-safe.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "engine/base/labels.h"
#include "server/rules/alert.h"

namespace vigil::notify {

// {"name": "value", ...}; {} for an empty set.
nlohmann::json LabelsJson(const Labels& labels);
// The pairs present with the same value in every set (empty for no sets).
nlohmann::json CommonJson(const std::vector<const Labels*>& sets);
// Alerts sorted by labels (a stable order for messages).
std::vector<rules::AlertNotice> SortedByLabels(std::vector<rules::AlertNotice> alerts);

// `s` cut to at most `max_bytes` (>= 4) at a UTF-8 boundary, ending in "…"
// when cut.
std::string TruncateUtf8(std::string s, size_t max_bytes);

}  // namespace vigil::notify
