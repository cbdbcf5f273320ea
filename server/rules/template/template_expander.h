// Alert templates as Prometheus expands them (template/template.go): Go
// text/template syntax and semantics, Prometheus's function map (humanize*,
// query, printf, ...) and Go's number formatting (`{{ $value }}` of 1e6
// prints "1e+06"). Written here: no Debian library does Go templates.
// Stateless functions; thread-safe. Provided by the template module
// (server/rules/template/*); everything else uses only this header.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/labels.h"
#include "engine/base/status.h"

namespace vigil::rules {

// One sample of a template `query` result.
struct TemplateQuerySample {
  Labels labels;
  double value = 0;
};

// Runs `query "<expr>"` inside a template: an instant query at the
// evaluation time. Errors become template execution errors.
using TemplateQueryFunc = std::function<Result<std::vector<TemplateQuerySample>>(std::string_view expr)>;

// What one expansion sees: the data behind Prometheus's prepended
// `{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}
// {{$externalURL := .ExternalURL}}{{$value := .Value}}`.
struct TemplateData {
  Labels labels;           // $labels / .Labels (the alert's labels)
  Labels external_labels;  // $externalLabels
  std::string external_url;
  double value = 0;  // $value / .Value
  int64_t eval_time_ms = 0;           // for `query` and `now`
  TemplateQueryFunc query;            // may be empty: `query` then fails
  std::string path_prefix;            // for `pathPrefix` (usually "")
};

// Prometheus's Expander.Expand for template `name` (e.g. "__alert_HighErrorRate")
// over `text` (the prepended definitions are added here): the output, or
// InvalidArgument with Prometheus's message ("error parsing template
// __alert_X: template: __alert_X:1: ..." / "error executing template ...").
Result<std::string> ExpandTemplate(std::string_view name, std::string_view text, const TemplateData& data);

// What alerting rules put in a label or annotation: the expansion, or on
// error "<error expanding template: MESSAGE>" (Prometheus keeps the rule
// running and uses that text).
std::string ExpandAlertText(std::string_view name, std::string_view text, const TemplateData& data);

// Parses only (promtool's rule-file check, Expander.ParseTest): OK or
// InvalidArgument with the same message ExpandTemplate would give for a
// syntax error.
Status CheckTemplateSyntax(std::string_view name, std::string_view text);

}  // namespace vigil::rules
