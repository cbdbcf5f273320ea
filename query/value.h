// PromQL values: scalars, strings, instant vectors and range matrices, as the
// evaluator produces them and the HTTP layer prints them. Plain value types;
// thread-compatible.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/labels.h"
#include "engine/base/sample.h"

namespace vigil::query {

enum class ValueType : unsigned char { kNone, kScalar, kVector, kMatrix, kString };
// "scalar", "vector", "matrix", "string" (Prometheus's resultType names);
// kVector prints "instant vector" and kMatrix "range vector" in parse
// errors, see TypeNameForErrors.
std::string_view ValueTypeName(ValueType t);
std::string_view TypeNameForErrors(ValueType t);

// A (ms, value) point: the engine's Sample, so decoded chunks feed the
// evaluator without conversion.
using Point = Sample;

// One element of an instant vector.
struct VectorSample {
  Labels labels;
  int64_t t = 0;
  double v = 0;
};
using Vector = std::vector<VectorSample>;

// One series of a range result.
struct MatrixSeries {
  Labels labels;
  std::vector<Point> points;
};
using Matrix = std::vector<MatrixSeries>;

struct Scalar {
  int64_t t = 0;
  double v = 0;
};

struct StringValue {
  int64_t t = 0;
  std::string v;
};

// What a query returns: exactly one member is meaningful, per `type`.
struct QueryResult {
  ValueType type = ValueType::kNone;
  Scalar scalar;
  StringValue string;
  Vector vector;
  Matrix matrix;
  std::vector<std::string> warnings;
};

}  // namespace vigil::query
