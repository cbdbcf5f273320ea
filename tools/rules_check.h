// `vigil rules check`: validates rule files as `promtool check rules` does,
// printing "Checking FILE" then "  SUCCESS: N rules found" or "  FAILED:"
// and the errors, to stdout/stderr as promtool. Returns the exit code
// (0 all valid, 1 any invalid).
#pragma once

#include <string>
#include <vector>

namespace vigil::tools {

int RunRulesCheck(const std::vector<std::string>& files);

}  // namespace vigil::tools
