// Generator URLs of alert notices (Prometheus strutil.TableLinkForExpression
// with url.QueryEscape). Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace vigil::rules {

// Go's url.QueryEscape: unreserved bytes kept, space as '+', the rest %XX.
std::string GoQueryEscape(std::string_view s);

// <external_url>/graph?g0.expr=<QueryEscape(expr)>&g0.tab=1
std::string GeneratorUrl(std::string_view external_url, std::string_view expr);

}  // namespace vigil::rules
