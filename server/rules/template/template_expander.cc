// Temporary stub: returns the text unchanged (real engine follows).
#include "server/rules/template/template_expander.h"

namespace vigil::rules {

Result<std::string> ExpandTemplate(std::string_view, std::string_view text, const TemplateData&) {
  return std::string(text);
}

std::string ExpandAlertText(std::string_view, std::string_view text, const TemplateData&) {
  return std::string(text);
}

Status CheckTemplateSyntax(std::string_view, std::string_view) { return Status::OK(); }

}  // namespace vigil::rules
