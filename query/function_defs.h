// The PromQL function signature table (Prometheus 2.53's parser/functions.go):
// names, argument types, variadic rules and return types. The parser type-
// checks calls with it; the evaluator dispatches on the name. Immutable.
#pragma once

#include <string_view>
#include <vector>

#include "query/value.h"

namespace vigil::query {

struct FunctionDef {
  std::string_view name;
  std::vector<ValueType> arg_types;
  // 0: exactly arg_types.size() arguments. -1: the last type may repeat
  // without bound. n > 0: between arg_types.size() - 1 and
  // arg_types.size() - 1 + n arguments (Prometheus's Variadic).
  int variadic = 0;
  ValueType return_type = ValueType::kVector;
  bool experimental = false;  // mad_over_time, sort_by_label(_desc)
};

// nullptr for an unknown name.
const FunctionDef* LookupFunction(std::string_view name);
// Every function, for completion APIs and tests.
const std::vector<FunctionDef>& AllFunctions();

}  // namespace vigil::query
