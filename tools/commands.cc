#include "tools/commands.h"

#include <CLI/CLI.hpp>

#include <cstdio>

#include "tools/demo.h"

namespace vigil::tools {

int RunCommandLine(int argc, char** argv) {
  CLI::App app{"vigil: a Prometheus-compatible time-series database"};
  app.require_subcommand(1);

  DemoOptions demo;
  CLI::App* demo_cmd = app.add_subcommand(
      "demo", "Write generated realistic data into a data dir, reopen it and print series, samples and bytes/sample");
  demo_cmd->add_option("--storage.tsdb.path", demo.data_dir, "Data directory")->capture_default_str();
  demo_cmd->add_option("--series", demo.series, "Active series to generate")->capture_default_str();
  demo_cmd->add_option("--hours", demo.hours, "Hours of history to generate (15 s interval)")->capture_default_str();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  Status st;
  if (demo_cmd->parsed()) st = RunDemo(demo);
  if (!st.ok()) {
    std::fprintf(stderr, "vigil: %s\n", st.ToString().c_str());
    return 1;
  }
  return 0;
}

}  // namespace vigil::tools
