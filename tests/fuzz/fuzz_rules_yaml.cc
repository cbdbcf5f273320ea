// Fuzz target for rule files: ParseRuleFile on arbitrary bytes must not
// crash or hang (aliases, merges and nesting included), and its result must
// be consistent: errors XOR groups, every error naming the file, and every
// rule of a valid file with exactly one of record/alert and an expression.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "server/rules/rule_file.h"

namespace {

void Check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "invariant violated: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 16384) return 0;
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  vigil::rules::RuleFileResult r = vigil::rules::ParseRuleFile("fuzz.yml", in);
  for (const auto& e : r.errors) Check(e.rfind("fuzz.yml: ", 0) == 0, "error names the file");
  if (!r.ok()) {
    Check(r.file.groups.empty(), "no groups from an invalid file");
    return 0;
  }
  for (const auto& g : r.file.groups) {
    Check(!g.name.empty(), "group name set");
    for (const auto& rule : g.rules) {
      Check(rule.record.empty() != rule.alert.empty(), "exactly one of record/alert");
      Check(!rule.expr.empty(), "expr set");
      Check(rule.for_ms >= 0 && rule.keep_firing_for_ms >= 0, "durations non-negative");
    }
  }
  return 0;
}
