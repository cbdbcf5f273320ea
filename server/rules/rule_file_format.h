// Go formatting helpers the rule-file messages need. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace vigil::rules {

// Go's %q / strconv.Quote of a string: double quotes, with \" \\ \n \t ...
// escaped, other control bytes and invalid UTF-8 as \xNN, printable
// Unicode kept as is.
std::string GoQuote(std::string_view s);

}  // namespace vigil::rules
