// Fuzz target for the Go template engine: any input must parse or fail with
// Go's "template: NAME:LINE: ..." shape, and a parsed template must execute
// (with fixed alert data and a fake query function) or fail with an exec
// error, never crash or hang: recursion, work steps and output are bounded.
// Also prints the tree (String()) and runs GoSprintf with the input as format.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "server/rules/template/go_printf.h"
#include "server/rules/template/template_exec.h"
#include "server/rules/template/template_expander.h"
#include "server/rules/template/template_parser.h"

namespace {

using vigil::Labels;
using vigil::Result;
using vigil::rules::TemplateData;
using vigil::rules::TemplateQuerySample;

const TemplateData& Data() {
  static const TemplateData* data = [] {
    auto* d = new TemplateData();
    d->labels = Labels::FromStrings({{"instance", "host:9100"}, {"job", "node"}, {"alertname", "A"}});
    d->external_labels = Labels::FromStrings({{"cluster", "c1"}});
    d->external_url = "http://localhost:9090";
    d->value = 1234.5;
    d->eval_time_ms = 1700000000000;
    d->query = [](std::string_view expr) -> Result<std::vector<TemplateQuerySample>> {
      if (expr.empty()) return vigil::Status::Execution("empty query");
      return std::vector<TemplateQuerySample>{{Labels::FromStrings({{"__name__", "up"}, {"x", "b"}}), 1},
                                              {Labels::FromStrings({{"__name__", "up"}, {"x", "a"}}), 2}};
    };
    return d;
  }();
  return *data;
}

[[noreturn]] void Fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "%s: %s\n", what, detail.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 4096) return 0;
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  namespace tmpl = vigil::rules::tmpl;

  auto parsed = tmpl::ParseTemplate("F", in);
  if (!parsed.ok()) {
    if (parsed.status().message().rfind("template: F:", 0) != 0) Fail("parse error shape", parsed.status().message());
  } else {
    (void)(*parsed)->trees.at("F")->String();
    tmpl::ExecLimits limits;
    limits.max_output_bytes = 1 << 16;
    limits.max_steps = 20000;
    limits.max_template_depth = 100;
    tmpl::FuncEnv env{&Data()};
    auto out = tmpl::ExecuteParsedTemplate(**parsed, tmpl::Value::Float(1.5), env, limits);
    if (!out.ok() && out.status().message().rfind("template: F", 0) != 0) Fail("exec error shape", out.status().message());
  }
  // The Prometheus layer on the same text: must not crash; errors wrapped.
  auto expanded = vigil::rules::ExpandTemplate("__alert_F", in, Data());
  if (!expanded.ok() && expanded.status().message().rfind("error ", 0) != 0) {
    Fail("expand error shape", expanded.status().message());
  }
  // Printf with the input as format over a few values.
  (void)tmpl::GoSprintf(in, {tmpl::Value::Int(-7), tmpl::Value::Float(2.5), tmpl::Value::String("s")});
  return 0;
}
