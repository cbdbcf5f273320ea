// The `vigil` command line is one CLI11 app with a subcommand per mode.
// Each module registers its subcommands into the app; the chosen one leaves
// an action behind, run after parsing, whose Status becomes the exit code
// (0 ok, 1 error; CLI11 usage errors exit 2).
#pragma once

#include <functional>

#include "engine/base/status.h"

namespace CLI {
class App;
}  // namespace CLI

namespace vigil::tools {

// What the parsed subcommand will do. Set by a subcommand's parse callback;
// empty when no subcommand ran.
using CommandAction = std::function<Status()>;

// Registers the offline subcommands (`vigil demo`, ...). `*action` must
// outlive parsing.
void RegisterToolCommands(CLI::App& app, CommandAction* action);

// Parses argv with `app` (already populated), runs the chosen action and
// returns the process exit code; prints errors to stderr as "vigil: ...".
int ParseAndRun(CLI::App& app, CommandAction* action, int argc, char** argv);

}  // namespace vigil::tools
