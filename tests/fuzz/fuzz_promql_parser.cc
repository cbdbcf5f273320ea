// Fuzz target for the PromQL parser: any input must parse or fail cleanly
// (no crash, no hang: nesting is bounded by kMaxParseDepth), and a parsed
// expression must print to text that parses back to the same text. Also
// exercises Prettify, ParseMetricSelector and ParseSeriesDesc.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "query/parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 4096) return 0;
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  auto r = vigil::query::ParseExpr(in);
  if (r.ok()) {
    const std::string printed = (*r)->ToString();
    auto again = vigil::query::ParseExpr(printed);
    if (!again.ok()) {
      std::fprintf(stderr, "printed form does not parse: %s\n  -> %s\n", printed.c_str(),
                   again.status().message().c_str());
      std::abort();
    }
    if ((*again)->ToString() != printed) {
      std::fprintf(stderr, "round trip differs: %s\n  -> %s\n", printed.c_str(), (*again)->ToString().c_str());
      std::abort();
    }
    const std::string pretty = vigil::query::Prettify(**r);
    auto from_pretty = vigil::query::ParseExpr(pretty);
    if (!from_pretty.ok() || (*from_pretty)->ToString() != printed) {
      std::fprintf(stderr, "prettified form differs: %s\n", pretty.c_str());
      std::abort();
    }
  } else if (r.status().message().find("parse error: ") == std::string::npos) {
    std::fprintf(stderr, "error without position: %s\n", r.status().message().c_str());
    std::abort();
  }
  (void)vigil::query::ParseMetricSelector(in);
  (void)vigil::query::ParseSeriesDesc(in);
  return 0;
}
