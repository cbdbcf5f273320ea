// The function map: built once from the two registration hooks.
#include "server/rules/template/template_funcs.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <map>

#include "server/rules/template/go_strings.h"
#include "server/rules/template/template_number.h"

namespace vigil::rules::tmpl {
namespace {

const std::map<std::string, TemplateFunc, std::less<>>& FunctionMap() {
  static const auto* map = [] {
    std::vector<std::pair<std::string, TemplateFunc>> entries;
    AddGoBuiltins(&entries);
    AddPrometheusFuncs(&entries);
    auto* m = new std::map<std::string, TemplateFunc, std::less<>>();  // NOLINT: leaked singleton
    for (auto& [name, fn] : entries) (*m)[name] = std::move(fn);
    return m;
  }();
  return *map;
}

Result<double> ParseFloatArg(const std::string& s) {
  double v = 0;
  bool out_of_range = false;
  if (GoParseFloat(s, &v, &out_of_range)) return v;
  return FuncError("strconv.ParseFloat: parsing " + GoQuote(s) + (out_of_range ? ": value out of range" : ": invalid syntax"));
}

}  // namespace

const char* ParamTypeName(ParamType t) {
  switch (t) {
    case ParamType::kAny: return "interface {}";
    case ParamType::kReflect: return "reflect.Value";
    case ParamType::kString: return "string";
    case ParamType::kFloat64: return "float64";
    case ParamType::kSample: return "*template.sample";
    case ParamType::kQueryResult: return "template.queryResult";
  }
  return "";
}

const TemplateFunc* FindTemplateFunc(std::string_view name) {
  const auto& m = FunctionMap();
  auto it = m.find(name);
  return it == m.end() ? nullptr : &it->second;
}

Status FuncError(std::string message) { return Status::InvalidArgument(std::move(message)); }

Result<double> ConvertToFloat(const Value& v) {
  switch (v.kind) {
    case ValueKind::kFloat: return v.f;
    case ValueKind::kInt: return static_cast<double>(v.i);
    case ValueKind::kString:
      if (std::string_view(v.type) == "string") return ParseFloatArg(v.s);
      break;
    case ValueKind::kInvalid: case ValueKind::kNil: return FuncError("can't convert <nil> to float");
    default: break;
  }
  return FuncError(std::string("can't convert ") + v.TypeName() + " to float");
}

}  // namespace vigil::rules::tmpl
