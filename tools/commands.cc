#include "tools/commands.h"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <memory>

#include "tools/demo.h"
#include "tools/rules_command.h"

namespace vigil::tools {

void RegisterToolCommands(CLI::App& app, CommandAction* action) {
  auto demo = std::make_shared<DemoOptions>();
  CLI::App* demo_cmd = app.add_subcommand(
      "demo", "Write generated realistic data into a data dir, reopen it and print series, samples and bytes/sample");
  demo_cmd->add_option("--storage.tsdb.path", demo->data_dir, "Data directory")->capture_default_str();
  demo_cmd->add_option("--series", demo->series, "Active series to generate")->capture_default_str();
  demo_cmd->add_option("--hours", demo->hours, "Hours of history to generate (15 s interval)")->capture_default_str();
  demo_cmd->callback([action, demo] { *action = [demo] { return RunDemo(*demo); }; });
  RegisterRulesCommands(app, action);
}

int ParseAndRun(CLI::App& app, CommandAction* action, int argc, char** argv) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (!*action) return 0;
  Status st = (*action)();
  if (!st.ok()) {
    // An Execution status without a message is a bare exit code 1 from a
    // command that printed its own report (rules check/test).
    if (st.code() == StatusCode::kExecution && st.message().empty()) return 1;
    std::fprintf(stderr, "vigil: %s\n", st.ToString().c_str());
    return 1;
  }
  return 0;
}

}  // namespace vigil::tools
