// JSON bodies of /api/v1/rules and /api/v1/alerts from rule group
// snapshots, with the field order and spellings of Prometheus's
// web/api/v1/api.go structs (RuleDiscovery, RuleGroup, AlertingRule,
// RecordingRule, Alert): times RFC3339Nano in UTC ("0001-01-01T00:00:00Z"
// when never evaluated), durations as JSON numbers of seconds, alert values
// as strconv.FormatFloat(v, 'e', -1, 64) strings ("1e+00"), labels and
// annotations as objects sorted by name, a rule's `query` as its parsed
// expression printed back (Prometheus's rule.Query().String()). Pure
// functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "server/rules/rule_group.h"

namespace vigil::server::api {

// Go's time.Time JSON form for Unix ms (0 = Go's zero time).
std::string FormatRfc3339NanoMs(int64_t t_ms);
// A float64 as encoding/json writes it: shortest digits, 'e' form only for
// |v| < 1e-6 or >= 1e21 with a one-digit exponent kept short ("1e-7").
void AppendJsonFloat(std::string* out, double v);

// {"labels":…,"annotations":…,"state":…,"activeAt":…[,"keepFiringSince":…],"value":…}
void AppendAlertJson(std::string* out, const rules::Alert& alert);
// One rule object; `with_alerts` false writes "alerts":null (exclude_alerts).
void AppendRuleJson(std::string* out, const rules::RuleSnapshot& rule, bool with_alerts);
// One group object with the given (already filtered) rules.
void AppendGroupJson(std::string* out, const rules::GroupSnapshot& group, const std::vector<const rules::RuleSnapshot*>& rules,
                     bool with_alerts);

}  // namespace vigil::server::api
