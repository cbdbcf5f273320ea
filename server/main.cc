// The `vigil` binary: one CLI11 app whose subcommands are the server
// (`vigil serve`, server/serve_command.h) and the offline tools
// (tools/commands.h).
#include <CLI/CLI.hpp>

#include "server/serve_command.h"
#include "tools/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"vigil: a Prometheus-compatible time-series database"};
  app.require_subcommand(1);
  vigil::tools::CommandAction action;
  vigil::server::RegisterServeCommand(app, &action);
  vigil::tools::RegisterToolCommands(app, &action);
  return vigil::tools::ParseAndRun(app, &action, argc, argv);
}
