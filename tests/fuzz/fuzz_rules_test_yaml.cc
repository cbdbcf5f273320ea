// Fuzz target for the promtool unit-test file parser: any input must parse
// or fail with a message (no crash, no exception escaping yaml-cpp), and a
// parsed file's input series go through the series-notation parser the
// runner uses.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "query/parser.h"
#include "server/rules/unittest/test_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 16384) return 0;
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  auto parsed = vigil::rules::unittest::ParseTestFile(in);
  if (!parsed.ok()) {
    if (parsed.status().message().empty()) {
      std::fprintf(stderr, "error without a message\n");
      std::abort();
    }
    return 0;
  }
  for (const auto& group : parsed->tests) {
    if (group.interval_ms < 0) {
      std::fprintf(stderr, "negative interval accepted\n");
      std::abort();
    }
    for (const auto& series : group.input_series) {
      if (series.series.size() + series.values.size() < 2048) {
        (void)vigil::query::ParseSeriesDesc(series.series + " " + series.values);
      }
    }
  }
  return 0;
}
