// Helpers for the kernel tests: expand upstream `load` series notation into
// samples, cut the window the 2.x evaluator would hand a range function, and
// compare floats the way promqltest does. Header-only, test use only.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "query/kernels.h"
#include "query/value.h"

namespace vigil::query::kernels_test {

constexpr int64_t kSec = 1000;
constexpr int64_t kMin = 60 * kSec;

// Expands a promqltest series description ("0+10x4 0+10x5", "1 2 NaN _ Inf",
// "8000-10x1000", "0x10") into samples at i*interval_ms. `a+bxn` yields n+1
// values by repeated addition, as upstream's parser does; `_` skips a slot.
inline std::vector<Point> LoadSeries(std::string_view desc, int64_t interval_ms) {
  std::vector<Point> out;
  std::istringstream in{std::string(desc)};
  std::string tok;
  int64_t slot = 0;
  while (in >> tok) {
    if (tok == "_") {
      ++slot;
      continue;
    }
    const size_t x = tok.find('x');
    if (x == std::string::npos) {
      out.push_back({slot++ * interval_ms, std::strtod(tok.c_str(), nullptr)});
      continue;
    }
    const std::string head = tok.substr(0, x);
    const long times = std::strtol(tok.c_str() + x + 1, nullptr, 10);
    char* rest = nullptr;
    double v = std::strtod(head.c_str(), &rest);
    const double inc = *rest ? std::strtod(rest, nullptr) : 0;
    for (long i = 0; i <= times; ++i) {
      out.push_back({slot++ * interval_ms, v});
      v += inc;
    }
  }
  return out;
}

// Samples of `series` in [end - range, end], both ends inclusive (2.x).
inline std::vector<Point> Cut(const std::vector<Point>& series, int64_t end_ms, int64_t range_ms) {
  std::vector<Point> out;
  for (const Point& p : series) {
    if (p.t >= end_ms - range_ms && p.t <= end_ms) out.push_back(p);
  }
  return out;
}

// Runs range kernel `name` for `f(series[range] offset o @ at, scalars...)`
// evaluated at t_ms. nullopt when the kernel yields no sample.
inline std::optional<double> EvalRange(std::string_view name, const std::vector<Point>& series,
                                       int64_t t_ms, int64_t range_ms,
                                       std::vector<double> scalars = {}, int64_t offset_ms = 0,
                                       std::optional<int64_t> at_ms = std::nullopt) {
  const RangeKernel k = LookupRangeKernel(name);
  EXPECT_NE(k, nullptr) << name;
  if (k == nullptr) return std::nullopt;
  const int64_t end = (at_ms ? *at_ms : t_ms) - offset_ms;
  const std::vector<Point> pts = Cut(series, end, range_ms);
  RangeWindow w;
  w.points = pts;
  w.range_start = end - range_ms;
  w.range_end = end;
  w.scalars = scalars;
  w.step_t = t_ms;
  double out = 0;
  if (!k(w, &out)) return std::nullopt;
  return out;
}

inline double Elem(std::string_view name, double v, std::vector<double> scalars = {}) {
  const ElementKernel k = LookupElementKernel(name);
  EXPECT_NE(k, nullptr) << name;
  return k == nullptr ? NAN : k(v, scalars);
}

// promqltest's comparison: NaN equals NaN, else almost.Equal with 1e-6.
inline ::testing::AssertionResult PromEq(double want, double got) {
  if (std::isnan(want) && std::isnan(got)) return ::testing::AssertionSuccess();
  if (want == got) return ::testing::AssertionSuccess();
  const double abs_sum = std::fabs(want) + std::fabs(got);
  const double diff = std::fabs(want - got);
  constexpr double kEps = 1e-6;
  constexpr double kMinNormal = 2.2250738585072014e-308;
  const bool ok = (want == 0 || got == 0 || abs_sum < kMinNormal) ? diff < kEps * kMinNormal
                                                                  : diff / abs_sum < kEps;
  if (ok) return ::testing::AssertionSuccess();
  std::ostringstream msg;
  msg.precision(17);
  msg << "want " << want << ", got " << got;
  return ::testing::AssertionFailure() << msg.str();
}

// Bitwise equality, NaN equal to NaN (for results we know to the last bit).
inline ::testing::AssertionResult Same(double want, double got) {
  if ((std::isnan(want) && std::isnan(got)) ||
      (want == got && std::signbit(want) == std::signbit(got))) {
    return ::testing::AssertionSuccess();
  }
  std::ostringstream msg;
  msg.precision(17);
  msg << "want " << want << ", got " << got;
  return ::testing::AssertionFailure() << msg.str();
}

}  // namespace vigil::query::kernels_test
