// libyaml's tab rule, which yaml-cpp does not enforce. In block context, a
// line whose indentation reaches a tab (blank lines and comment lines
// included) is a syntax error. Inside flow collections, quoted scalars and
// block scalar content, tabs are fine. Only lines indented with a tab are
// ever reported, so files without such lines are never affected.
// Pure function; thread-safe.
#pragma once

#include <optional>
#include <string_view>

namespace vigil::rules {

// The 1-based line of the first tab that libyaml rejects, if any.
std::optional<int> FindLibyamlTabError(std::string_view content);

}  // namespace vigil::rules
