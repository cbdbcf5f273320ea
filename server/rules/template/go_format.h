// Go's float formatting (strconv.FormatFloat with bitSize 64), which vigil
// must reproduce byte for byte wherever Prometheus prints a float64: template
// output (`{{ $value }}` is %v = 'g' shortest), and the API's alert values
// ('e' shortest: 1 -> "1e+00"). Pure functions; thread-safe.
#pragma once

#include <string>

namespace vigil::rules {

// strconv.FormatFloat(v, fmt, prec, 64) for fmt in 'e', 'E', 'f', 'g', 'G'.
// prec -1 means the shortest digits that round-trip. NaN -> "NaN",
// +Inf -> "+Inf", -Inf -> "-Inf". Examples: ('g',-1): 1e6 -> "1e+06",
// 123456 -> "123456", 1e-5 -> "1e-05"; ('e',-1): 1 -> "1e+00";
// ('f',2): 1.005 -> "1.00" (exact binary value, round half to even).
std::string FormatGoFloat(double v, char fmt, int prec);

}  // namespace vigil::rules
