// The Prometheus layer over the Go template engine: the alert-data prefix,
// Prometheus's data struct, error wrapping and the parse cache.
#include "server/rules/template/template_expander.h"

#include "server/rules/template/template_cache.h"
#include "server/rules/template/template_exec.h"
#include "server/rules/template/template_funcs.h"

namespace vigil::rules {
namespace {

constexpr std::string_view kAlertPrefix =
    "{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}{{$value := "
    ".Value}}";
constexpr const char* kDataType =
    "struct { Labels map[string]string; ExternalLabels map[string]string; ExternalURL string; Value float64 }";

tmpl::Value LabelsValue(const Labels& labels) {
  auto m = std::make_shared<tmpl::MapPayload>();
  for (const auto& l : labels) m->entries.emplace(std::string(l.name), tmpl::Value::String(std::string(l.value)));
  return tmpl::Value::Map(std::move(m), "map[string]string");
}

std::string WithPrefix(std::string_view text) {
  std::string full;
  full.reserve(kAlertPrefix.size() + text.size());
  full.append(kAlertPrefix).append(text);
  return full;
}

}  // namespace

Result<std::string> ExpandTemplate(std::string_view name, std::string_view text, const TemplateData& data) {
  auto parsed = tmpl::TemplateCache::Global().Get(name, WithPrefix(text));
  if (!parsed.ok()) {
    return Status::InvalidArgument("error parsing template " + std::string(name) + ": " + parsed.status().message());
  }
  auto fields = std::make_shared<tmpl::StructPayload>();
  fields->fields.push_back({"Labels", LabelsValue(data.labels)});
  fields->fields.push_back({"ExternalLabels", LabelsValue(data.external_labels)});
  fields->fields.push_back({"ExternalURL", tmpl::Value::String(data.external_url)});
  fields->fields.push_back({"Value", tmpl::Value::Float(data.value)});
  tmpl::Value dot = tmpl::Value::Struct(std::move(fields), kDataType, false);
  tmpl::FuncEnv env{&data};
  auto out = tmpl::ExecuteParsedTemplate(**parsed, dot, env);
  if (!out.ok()) {
    return Status::InvalidArgument("error executing template " + std::string(name) + ": " + out.status().message());
  }
  return out;
}

std::string ExpandAlertText(std::string_view name, std::string_view text, const TemplateData& data) {
  auto out = ExpandTemplate(name, text, data);
  if (!out.ok()) return "<error expanding template: " + out.status().message() + ">";
  return std::move(out).value();
}

Status CheckTemplateSyntax(std::string_view name, std::string_view text) {
  auto parsed = tmpl::TemplateCache::Global().Get(name, WithPrefix(text));
  if (!parsed.ok()) {
    // As the header promises: ExpandTemplate's message. Prometheus's
    // ParseTest returns the part after "error parsing template NAME: ".
    return Status::InvalidArgument("error parsing template " + std::string(name) + ": " + parsed.status().message());
  }
  return Status::OK();
}

}  // namespace vigil::rules
