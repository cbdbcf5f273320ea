// strconv.ParseInt/ParseUint/ParseFloat with base 0, as newNumber uses them.
#include "server/rules/template/template_number.h"

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdlib>

#include "server/rules/template/go_strings.h"

namespace vigil::rules::tmpl {
namespace {

char Lower(char c) { return static_cast<char>(c | 0x20); }

// strconv's underscoreOK: '_' only between digits (or after a base prefix).
bool UnderscoreOk(std::string_view s) {
  char saw = '^';
  size_t i = 0;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  bool hex = false;
  if (s.size() >= 2 && s[0] == '0' && (Lower(s[1]) == 'b' || Lower(s[1]) == 'o' || Lower(s[1]) == 'x')) {
    i = 2;
    saw = '0';
    hex = Lower(s[1]) == 'x';
  }
  for (; i < s.size(); i++) {
    char c = s[i];
    if ((c >= '0' && c <= '9') || (hex && Lower(c) >= 'a' && Lower(c) <= 'f')) {
      saw = '0';
      continue;
    }
    if (c == '_') {
      if (saw != '0') return false;
      saw = '_';
      continue;
    }
    if (saw == '_') return false;
    saw = '!';
  }
  return saw != '_';
}

std::string WithoutUnderscores(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c != '_') out.push_back(c);
  }
  return out;
}

// ParseUint (is_signed false) / ParseInt (true) with base 0.
bool ParseGoInteger(std::string_view text, bool is_signed, int64_t* i, uint64_t* u) {
  if (text.find('_') != std::string_view::npos && !UnderscoreOk(text)) return false;
  std::string s = WithoutUnderscores(text);
  bool neg = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    if (!is_signed) return false;
    neg = s[0] == '-';
    s.erase(0, 1);
  }
  int base = 10;
  size_t start = 0;
  if (s.size() > 1 && s[0] == '0') {
    char p = Lower(s[1]);
    if (p == 'x') base = 16, start = 2;
    else if (p == 'o') base = 8, start = 2;
    else if (p == 'b') base = 2, start = 2;
    else base = 8, start = 1;
  }
  if (start >= s.size() && !(start == 1)) return false;
  uint64_t v = 0;
  for (size_t k = start; k < s.size(); k++) {
    char c = Lower(s[k]);
    int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : 99;
    if (d >= base) return false;
    if (v > (UINT64_MAX - d) / base) return false;
    v = v * base + d;
  }
  if (!is_signed) {
    *u = v;
    return true;
  }
  if (neg ? v > static_cast<uint64_t>(INT64_MAX) + 1 : v > static_cast<uint64_t>(INT64_MAX)) return false;
  *i = neg ? static_cast<int64_t>(0 - v) : static_cast<int64_t>(v);
  return true;
}

Status Illegal(const std::string& text) { return Status::InvalidArgument("illegal number syntax: " + GoQuote(text)); }

}  // namespace

bool GoParseFloat(std::string_view text, double* out, bool* out_of_range) {
  if (out_of_range != nullptr) *out_of_range = false;
  if (text.find('_') != std::string_view::npos && !UnderscoreOk(text)) return false;
  std::string s = WithoutUnderscores(text);
  std::string lower;
  for (char c : s) lower.push_back(Lower(c));
  std::string_view body = lower;
  if (!body.empty() && (body[0] == '+' || body[0] == '-')) body.remove_prefix(1);
  if (body == "inf" || body == "infinity" || body == "nan") {
    *out = body == "nan" ? std::nan("") : (lower[0] == '-' ? -HUGE_VAL : HUGE_VAL);
    return true;
  }
  if (body.empty() || body.find_first_not_of("0123456789abcdefx.p+-") != std::string_view::npos) return false;
  bool hex = body.size() > 1 && body[0] == '0' && body[1] == 'x';
  if (hex != (body.find('p') != std::string_view::npos)) return false;  // hex needs 'p'; decimal has none
  const char* begin = s.c_str();
  char* end = nullptr;
  errno = 0;
  double v = std::strtod(begin, &end);
  if (end != begin + s.size()) return false;
  if (errno == ERANGE && std::isinf(v)) {
    if (out_of_range != nullptr) *out_of_range = true;
    return false;
  }
  *out = v;
  return true;
}

Status ParseNumberLiteral(NumberLiteralKind kind, NumberNode* n) {
  const std::string& text = n->text;
  if (kind == NumberLiteralKind::kCharConstant) {
    std::string decoded;
    if (!GoUnquote(text, &decoded)) {
      // strconv.UnquoteChar succeeds on the first rune but leaves a tail.
      std::string first;
      if (text.size() > 2 && text[1] != '\\' && GoUnquote(text.substr(0, 1 + RuneLength(text, 1)) + "'", &first)) {
        return Status::InvalidArgument("malformed character constant: " + text);
      }
      return Status::InvalidArgument("invalid syntax");
    }
    int rune = DecodeRune(decoded, 0);
    n->is_int = n->is_uint = n->is_float = true;
    n->int_value = rune;
    n->uint_value = static_cast<uint64_t>(rune);
    n->float_value = rune;
    return Status::OK();
  }
  if (kind == NumberLiteralKind::kComplex) {
    // "1+2i": a real part and an imaginary part, both numbers.
    size_t split = text.find_first_of("+-", 1);
    while (split != std::string::npos && Lower(text[split - 1]) == 'e') split = text.find_first_of("+-", split + 1);
    double re = 0, im = 0;
    if (split == std::string::npos || !GoParseFloat(std::string_view(text).substr(0, split), &re, nullptr) ||
        !GoParseFloat(std::string_view(text).substr(split, text.size() - split - 1), &im, nullptr)) {
      return Illegal(text);
    }
    n->is_complex = true;
    n->float_value = re;
    n->imag_value = im;
    return Status::OK();
  }
  if (!text.empty() && text.back() == 'i') {
    double im = 0;
    if (GoParseFloat(std::string_view(text).substr(0, text.size() - 1), &im, nullptr)) {
      n->is_complex = true;
      n->imag_value = im;
      return Status::OK();
    }
  }
  uint64_t u = 0;
  int64_t i = 0;
  if (ParseGoInteger(text, false, &i, &u)) {
    n->is_uint = true;
    n->uint_value = u;
  }
  if (ParseGoInteger(text, true, &i, &u)) {
    n->is_int = true;
    n->int_value = i;
    if (i == 0) {
      n->is_uint = true;
      n->uint_value = 0;
    }
  }
  if (n->is_int) {
    n->is_float = true;
    n->float_value = static_cast<double>(n->int_value);
  } else if (n->is_uint) {
    n->is_float = true;
    n->float_value = static_cast<double>(n->uint_value);
  } else {
    double f = 0;
    if (GoParseFloat(text, &f, nullptr)) {
      if (text.find_first_of(".eEpP") == std::string::npos) {
        return Status::InvalidArgument("integer overflow: " + GoQuote(text));
      }
      n->is_float = true;
      n->float_value = f;
      if (std::fabs(f) < 9.2e18 && static_cast<double>(static_cast<int64_t>(f)) == f) {
        n->is_int = true;
        n->int_value = static_cast<int64_t>(f);
      }
      if (f >= 0 && f < 1.8e19 && static_cast<double>(static_cast<uint64_t>(f)) == f) {
        n->is_uint = true;
        n->uint_value = static_cast<uint64_t>(f);
      }
    }
  }
  if (!n->is_int && !n->is_uint && !n->is_float) return Illegal(text);
  return Status::OK();
}

}  // namespace vigil::rules::tmpl
