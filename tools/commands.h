// The `vigil` command line: CLI11 subcommands, each returning a Status that
// becomes the exit code (0 ok, 1 error, 2 usage).
#pragma once

namespace vigil::tools {

int RunCommandLine(int argc, char** argv);

}  // namespace vigil::tools
