// Go text/template's parser (text/template/parse/parse.go): builds the tree
// set of one template text ({{define}}/{{block}} add named trees), checks
// functions and variables at parse time, and reports errors exactly as Go
// does: "template: NAME:LINE: MESSAGE". The result is immutable and can be
// executed concurrently.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "engine/base/status.h"
#include "server/rules/template/template_ast.h"

namespace vigil::rules::tmpl {

struct ParsedTemplate {
  std::string name;  // the top-level template (Go's ParseName)
  std::string text;  // the parsed text, for error locations
  std::map<std::string, std::unique_ptr<ListNode>, std::less<>> trees;

  // Go's ErrorContext location: "NAME:LINE:COL" (COL is a 0-based byte offset).
  std::string Location(int pos) const;
};

// InvalidArgument("template: NAME:LINE: ...") on a syntax error.
Result<std::shared_ptr<const ParsedTemplate>> ParseTemplate(std::string_view name, std::string_view text);

}  // namespace vigil::rules::tmpl
