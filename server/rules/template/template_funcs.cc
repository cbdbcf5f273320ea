// The function map: built once from the two registration hooks.
#include "server/rules/template/template_funcs.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <map>

#include "server/rules/template/go_strings.h"

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

// strconv.ParseFloat(s, 64) for decimal input (with Inf/NaN forms).
Result<double> GoParseFloat(const std::string& s) {
  auto syntax = [&] { return FuncError("strconv.ParseFloat: parsing " + GoQuote(s) + ": invalid syntax"); };
  if (s.empty()) return syntax();
  std::string lower;
  for (char c : s) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  std::string_view body = lower;
  bool neg = false;
  if (body[0] == '+' || body[0] == '-') {
    neg = body[0] == '-';
    body.remove_prefix(1);
  }
  if (body == "inf" || body == "infinity") return neg ? -HUGE_VAL : HUGE_VAL;
  if (body == "nan") return std::nan("");
  std::string clean;
  for (char c : body) {
    bool ok = (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == '+' || c == '-' || c == '_' || c == 'x' ||
              c == 'p' || (c >= 'a' && c <= 'f');
    if (!ok) return syntax();
    if (c != '_') clean.push_back(c);
  }
  if (clean.empty() || clean.size() != body.size()) {
    // Go allows '_' only with a base prefix; treat any underscore as invalid.
    return syntax();
  }
  errno = 0;
  char* end = nullptr;
  double v = std::strtod(clean.c_str(), &end);
  if (end != clean.c_str() + clean.size()) return syntax();
  if (errno == ERANGE && std::isinf(v)) {
    return FuncError("strconv.ParseFloat: parsing " + GoQuote(s) + ": value out of range");
  }
  return neg ? -v : v;
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
      if (std::string_view(v.type) == "string") return GoParseFloat(v.s);
      break;
    case ValueKind::kInvalid: case ValueKind::kNil: return FuncError("can't convert <nil> to float");
    default: break;
  }
  return FuncError(std::string("can't convert ") + v.TypeName() + " to float");
}

}  // namespace vigil::rules::tmpl
