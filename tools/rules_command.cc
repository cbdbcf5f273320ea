#include "tools/rules_command.h"

#include <CLI/CLI.hpp>

#include <memory>

#include "tools/rules_check.h"
#include "tools/rules_test.h"

namespace vigil::tools {

namespace {

// The exit code travels as a silent Execution status (see ParseAndRun).
Status ExitCode(int code) { return code == 0 ? Status::OK() : Status::Execution(""); }

}  // namespace

void RegisterRulesCommands(CLI::App& app, CommandAction* action) {
  CLI::App* rules = app.add_subcommand("rules", "Check and unit-test Prometheus rule files (as promtool)");
  rules->require_subcommand(1);

  auto check_files = std::make_shared<std::vector<std::string>>();
  CLI::App* check = rules->add_subcommand("check", "Check rule files for validity (promtool check rules)");
  check->add_option("files", *check_files, "Rule files")->required();
  check->callback([action, check_files] { *action = [check_files] { return ExitCode(RunRulesCheck(*check_files)); }; });

  auto test_opts = std::make_shared<RulesTestOptions>();
  CLI::App* test = rules->add_subcommand("test", "Unit-test rule files (promtool test rules)");
  test->add_option("files", test_opts->files, "Test files")->required();
  test->add_option("--run", test_opts->run, "Only run test groups whose name matches this regexp (repeatable)");
  test->callback([action, test_opts] { *action = [test_opts] { return ExitCode(RunRulesTest(*test_opts)); }; });
}

}  // namespace vigil::tools
