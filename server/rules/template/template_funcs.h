// The function map templates can call: Go's builtins (funcs.go) and
// Prometheus's (template/template.go). Each entry declares its parameter
// types so the executor can report Go's argument errors ("wrong number of
// args for humanize: want 1 got 2", "wrong type for value; expected string;
// got float64"). The table is immutable after static initialization; safe to
// use from any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/base/status.h"
#include "server/rules/template/template_expander.h"
#include "server/rules/template/template_value.h"

namespace vigil::rules::tmpl {

// What a function sees of the expansion besides its arguments.
struct FuncEnv {
  const TemplateData* data = nullptr;
};

enum class ParamType {
  kAny,          // interface{}: anything, nil allowed
  kReflect,      // reflect.Value (Go builtins): anything, even "no value"
  kString,       // string
  kFloat64,      // float64
  kSample,       // *template.sample
  kQueryResult,  // template.queryResult
};
// Go's name of the type ("string", "*template.sample").
const char* ParamTypeName(ParamType t);

// Returns the result or the error text Go's function would return (the
// executor prefixes "error calling NAME: ").
using FuncImpl = Result<Value> (*)(std::vector<Value>& args, const FuncEnv& env);

struct TemplateFunc {
  std::vector<ParamType> params;
  bool variadic = false;  // the last param repeats
  FuncImpl impl = nullptr;
  bool short_circuit = false;  // and / or: evaluated lazily by the executor
};

// nullptr when `name` is not in the function map.
const TemplateFunc* FindTemplateFunc(std::string_view name);

// Registration hooks of the two halves of the map (builtin_funcs.cc,
// prometheus_funcs.cc).
void AddGoBuiltins(std::vector<std::pair<std::string, TemplateFunc>>* out);
void AddPrometheusFuncs(std::vector<std::pair<std::string, TemplateFunc>>* out);

// Shared helpers for function implementations.
Status FuncError(std::string message);  // an error returned by the function
// Prometheus's convertToFloat: float64, int, or a string strconv.ParseFloat
// accepts; else "can't convert T to float" / strconv's message.
Result<double> ConvertToFloat(const Value& v);

}  // namespace vigil::rules::tmpl
