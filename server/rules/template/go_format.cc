// Go's strconv float formatting on top of std::to_chars, which produces the
// same exactly-rounded (and shortest round-trip) digits as Go's Ryu code; the
// layout rules (%e exponent of at least two digits, %g's choice between %e
// and %f, trimmed trailing zeros) follow strconv/ftoa.go formatDigits.
#include "server/rules/template/go_format.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>

namespace vigil::rules {
namespace {

// A decimal 0.d[0]d[1]... x 10^dp, trailing zeros removed (Go's decimalSlice).
struct Digits {
  std::string d;
  int dp = 0;
};

// Parses to_chars scientific output ("-1.2345e+06") of |v|.
Digits ScientificDigits(double abs_v, int precision /* -1 = shortest */) {
  char buf[1100];
  std::to_chars_result r = precision < 0
                               ? std::to_chars(buf, buf + sizeof(buf), abs_v, std::chars_format::scientific)
                               : std::to_chars(buf, buf + sizeof(buf), abs_v, std::chars_format::scientific,
                                               precision);
  std::string_view s(buf, r.ptr - buf);
  size_t e = s.find('e');
  Digits out;
  for (char c : s.substr(0, e)) {
    if (c != '.') out.d.push_back(c);
  }
  int exp = std::atoi(std::string(s.substr(e + 1)).c_str());
  while (!out.d.empty() && out.d.back() == '0') out.d.pop_back();
  out.dp = out.d.empty() ? 0 : exp + 1;
  return out;
}

void AppendExponentForm(const Digits& digs, int prec, char e_char, std::string* dst) {
  int nd = static_cast<int>(digs.d.size());
  dst->push_back(nd == 0 ? '0' : digs.d[0]);
  if (prec > 0) {
    dst->push_back('.');
    int i = 1;
    int m = std::min(nd, prec + 1);
    if (i < m) {
      dst->append(digs.d, i, m - i);
      i = m;
    }
    for (; i <= prec; i++) dst->push_back('0');
  }
  dst->push_back(e_char);
  int exp = nd == 0 ? 0 : digs.dp - 1;
  if (exp < 0) {
    dst->push_back('-');
    exp = -exp;
  } else {
    dst->push_back('+');
  }
  if (exp < 10) dst->push_back('0');
  dst->append(std::to_string(exp));
}

void AppendFixedForm(const Digits& digs, int prec, std::string* dst) {
  int nd = static_cast<int>(digs.d.size());
  if (digs.dp > 0) {
    int m = std::min(nd, digs.dp);
    dst->append(digs.d, 0, m);
    for (; m < digs.dp; m++) dst->push_back('0');
  } else {
    dst->push_back('0');
  }
  if (prec > 0) {
    dst->push_back('.');
    for (int i = 1; i <= prec; i++) {
      int j = digs.dp + i - 1;
      dst->push_back(j >= 0 && j < nd ? digs.d[j] : '0');
    }
  }
}

}  // namespace

std::string FormatGoFloat(double v, char fmt, int prec) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  std::string out;
  if (std::signbit(v)) out.push_back('-');
  double abs_v = std::fabs(v);
  bool shortest = prec < 0;
  if (fmt == 'f' && !shortest) {
    char buf[1100];
    auto r = std::to_chars(buf, buf + sizeof(buf), abs_v, std::chars_format::fixed, prec);
    out.append(buf, r.ptr - buf);
    return out;
  }
  Digits digs;
  if (shortest) {
    digs = ScientificDigits(abs_v, -1);
    int nd = static_cast<int>(digs.d.size());
    switch (fmt) {
      case 'e': case 'E': prec = std::max(nd - 1, 0); break;
      case 'f': prec = std::max(nd - digs.dp, 0); break;
      default: prec = nd; break;
    }
  } else if (fmt == 'e' || fmt == 'E') {
    digs = ScientificDigits(abs_v, prec);
  } else {  // 'g', 'G' with a precision: prec significant digits.
    if (prec == 0) prec = 1;
    digs = ScientificDigits(abs_v, prec - 1);
  }
  int nd = static_cast<int>(digs.d.size());
  switch (fmt) {
    case 'e': case 'E':
      AppendExponentForm(digs, prec, fmt, &out);
      return out;
    case 'f':
      AppendFixedForm(digs, prec, &out);
      return out;
    default: {
      int eprec = prec;
      if (eprec > nd && nd >= digs.dp) eprec = nd;
      if (shortest) eprec = 6;
      int exp = digs.dp - 1;
      if (nd == 0) exp = -1;  // zero: Go's dp is 0
      if (exp < -4 || exp >= eprec) {
        if (prec > nd) prec = nd;
        AppendExponentForm(digs, prec - 1, fmt == 'G' ? 'E' : 'e', &out);
        return out;
      }
      if (prec > digs.dp) prec = nd;
      AppendFixedForm(digs, std::max(prec - digs.dp, 0), &out);
      return out;
    }
  }
}

}  // namespace vigil::rules
