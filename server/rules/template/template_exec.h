// Executes a parsed Go template (text/template/exec.go semantics): variable
// scoping, if/with/range (maps in key order, break/continue), define/template
// /block, pipelines with the previous value as final argument, and/or short
// circuit, field access on maps and structs. Errors read as Go's:
// "template: NAME:LINE:COL: executing \"NAME\" at <NODE>: MESSAGE".
// Bounded: output size, work steps and template call depth are capped so
// hostile templates cannot hang or exhaust memory. Stateless; thread-safe.
#pragma once

#include <cstddef>
#include <string>

#include "engine/base/status.h"
#include "server/rules/template/template_funcs.h"
#include "server/rules/template/template_parser.h"
#include "server/rules/template/template_value.h"

namespace vigil::rules::tmpl {

struct ExecLimits {
  size_t max_output_bytes = 1 << 20;
  size_t max_steps = 1000000;  // nodes walked plus commands evaluated
  int max_template_depth = 1000;  // Go allows 100000 nested {{template}} calls
};

// Runs the top-level tree of `tmpl` with `data` as dot and $.
Result<std::string> ExecuteParsedTemplate(const ParsedTemplate& tmpl, const Value& data, const FuncEnv& env,
                                          const ExecLimits& limits = ExecLimits());

}  // namespace vigil::rules::tmpl
