// The `vigil` binary: every mode is a subcommand (see tools/commands.h).
#include "tools/commands.h"

int main(int argc, char** argv) { return vigil::tools::RunCommandLine(argc, argv); }
