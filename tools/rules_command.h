// `vigil rules check FILE...` and `vigil rules test FILE...`: promtool's
// `check rules` and `test rules` with the same file formats, output shape
// and exit codes (0 ok, 1 failure), implemented over server/rules.
#pragma once

#include "tools/commands.h"

namespace vigil::tools {

// Registers the `rules` subcommand and its `check` and `test` children.
void RegisterRulesCommands(CLI::App& app, CommandAction* action);

}  // namespace vigil::tools
