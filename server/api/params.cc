#include "server/api/params.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "query/duration.h"

namespace vigil::server::api {
namespace {

int HexVal(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

bool IsFormContentType(std::string_view ct) {
  // mime.ParseMediaType: the type before ';', case-insensitive, trimmed.
  size_t semi = ct.find(';');
  std::string_view t = ct.substr(0, semi);
  while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
  while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
  return IEquals(t, "application/x-www-form-urlencoded");
}

// Floor division and modulo for a positive divisor.
int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && (a < 0)); }

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

bool Digits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

int64_t ClampMs(__int128 ms) {
  if (ms < kMinTimeMs) return kMinTimeMs;
  if (ms > kMaxTimeMs) return kMaxTimeMs;
  return static_cast<int64_t>(ms);
}

}  // namespace

bool QueryUnescape(std::string_view in, std::string* out, std::string* error) {
  out->clear();
  out->reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '+') {
      out->push_back(' ');
    } else if (c == '%') {
      int hi = i + 1 < in.size() ? HexVal(in[i + 1]) : -1;
      int lo = i + 2 < in.size() ? HexVal(in[i + 2]) : -1;
      if (hi < 0 || lo < 0) {
        if (error != nullptr) *error = "invalid URL escape " + GoQuote(in.substr(i, 3));
        return false;
      }
      out->push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out->push_back(c);
    }
  }
  return true;
}

std::string FormValues::ParseQuery(std::string_view s, std::vector<std::pair<std::string, std::string>>* out) {
  std::string first_error;
  while (!s.empty()) {
    size_t amp = s.find('&');
    std::string_view pair = s.substr(0, amp);
    s = amp == std::string_view::npos ? std::string_view() : s.substr(amp + 1);
    if (pair.find(';') != std::string_view::npos) {
      if (first_error.empty()) first_error = "invalid semicolon separator in query";
      continue;
    }
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    std::string_view k = pair.substr(0, eq);
    std::string_view v = eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    std::string key, value;
    std::string err;
    if (!QueryUnescape(k, &key, &err) || !QueryUnescape(v, &value, &err)) {
      if (first_error.empty()) first_error = err;
      continue;
    }
    out->emplace_back(std::move(key), std::move(value));
  }
  return first_error;
}

FormValues::FormValues(const HttpRequest& req) {
  std::string body_error;
  if ((req.method == "POST" || req.method == "PUT" || req.method == "PATCH") &&
      IsFormContentType(req.Header("content-type"))) {
    body_error = ParseQuery(req.body, &values_);
  }
  std::string query_error = ParseQuery(req.query, &values_);
  parse_error_ = !body_error.empty() ? body_error : query_error;
}

std::string_view FormValues::Get(std::string_view key) const {
  for (const auto& [k, v] : values_) {
    if (k == key) return v;
  }
  return {};
}

std::vector<std::string_view> FormValues::GetAll(std::string_view key) const {
  std::vector<std::string_view> r;
  for (const auto& [k, v] : values_) {
    if (k == key) r.push_back(v);
  }
  return r;
}

bool FormValues::Has(std::string_view key) const {
  for (const auto& kv : values_) {
    if (kv.first == key) return true;
  }
  return false;
}

bool ParseGoFloat(std::string_view s, double* out) {
  if (s.empty()) return false;
  bool neg = false;
  std::string_view body = s;
  if (body[0] == '+' || body[0] == '-') {
    neg = body[0] == '-';
    body.remove_prefix(1);
  }
  if (IEquals(body, "inf") || IEquals(body, "infinity")) {
    *out = neg ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
    return true;
  }
  if (IEquals(body, "nan")) {
    if (body.size() != s.size()) return false;  // Go: no sign on NaN
    *out = std::numeric_limits<double>::quiet_NaN();
    return true;
  }
  if (body.empty()) return false;
  if (body.size() > 2 && body[0] == '0' && (body[1] == 'x' || body[1] == 'X')) {
    // Hex float: Go requires the 'p' exponent.
    if (body.find_first_of("pP") == std::string_view::npos) return false;
    std::string tmp(body);
    char* end = nullptr;
    errno = 0;
    double v = std::strtod(tmp.c_str(), &end);
    if (end != tmp.c_str() + tmp.size() || errno == ERANGE || std::isinf(v)) return false;
    *out = neg ? -v : v;
    return true;
  }
  // Decimal only: digits, optional '.', optional exponent.
  for (char c : body) {
    bool ok = (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-';
    if (!ok) return false;
  }
  double v = 0;
  auto r = std::from_chars(body.data(), body.data() + body.size(), v, std::chars_format::general);
  if (r.ec == std::errc::result_out_of_range) {
    // Underflow parses as 0 in Go; overflow is an error.
    std::string tmp(body);
    double w = std::strtod(tmp.c_str(), nullptr);
    if (std::isinf(w)) return false;
    v = w;
  } else if (r.ec != std::errc() || r.ptr != body.data() + body.size()) {
    return false;
  }
  *out = neg ? -v : v;
  return true;
}

bool ParseRfc3339(std::string_view s, int64_t* ms) {
  // 2006-01-02T15:04:05[.999999999]Z07:00
  int year, mon, day, hh, mm, ss;
  if (!Digits(s, 0, 4, &year) || s.size() < 20 || s[4] != '-' || !Digits(s, 5, 2, &mon) || s[7] != '-' ||
      !Digits(s, 8, 2, &day) || s[10] != 'T' || !Digits(s, 11, 2, &hh) || s[13] != ':' ||
      !Digits(s, 14, 2, &mm) || s[16] != ':' || !Digits(s, 17, 2, &ss)) {
    return false;
  }
  if (mon < 1 || mon > 12 || hh > 23 || mm > 59 || ss > 59 || day < 1) return false;
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int mdays = kDays[mon - 1] + (mon == 2 && IsLeap(year) ? 1 : 0);
  if (day > mdays) return false;
  size_t pos = 19;
  int64_t nanos = 0;
  if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
    ++pos;
    size_t start = pos;
    int64_t scale = 100000000;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (scale > 0) {
        nanos += (s[pos] - '0') * scale;
        scale /= 10;
      }
      ++pos;
    }
    if (pos == start) return false;
  }
  if (pos >= s.size()) return false;
  int64_t offset_s = 0;
  if (s[pos] == 'Z') {
    ++pos;
  } else if (s[pos] == '+' || s[pos] == '-') {
    int oh, om;
    if (!Digits(s, pos + 1, 2, &oh) || pos + 3 >= s.size() || s[pos + 3] != ':' || !Digits(s, pos + 4, 2, &om)) {
      return false;
    }
    if (oh > 24 || om > 59) return false;
    offset_s = (oh * 3600 + om * 60) * (s[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return false;
  }
  if (pos != s.size()) return false;
  int64_t secs = DaysFromCivil(year, static_cast<unsigned>(mon), static_cast<unsigned>(day)) * 86400 + hh * 3600 +
                 mm * 60 + ss - offset_s;
  *ms = secs * 1000 + nanos / 1000000;
  return true;
}

Result<int64_t> ParseTime(std::string_view s) {
  double f;
  if (ParseGoFloat(s, &f)) {
    if (std::isnan(f) || std::isinf(f)) {
      return Status::InvalidArgument("cannot parse " + GoQuote(s) + " to a valid timestamp");
    }
    // As Prometheus: s, ns := math.Modf(t); ns = math.Round(ns*1000)/1000;
    // time.Unix(int64(s), int64(ns*1e9)); then timestamp.FromTime.
    double ip;
    double frac = std::modf(f, &ip);
    frac = std::round(frac * 1000) / 1000;
    if (ip >= 9.2e18 || ip <= -9.2e18) return ip > 0 ? kMaxTimeMs : kMinTimeMs;
    int64_t sec = static_cast<int64_t>(ip);
    int64_t nsec = static_cast<int64_t>(frac * 1e9);
    sec += FloorDiv(nsec, 1000000000);
    nsec -= FloorDiv(nsec, 1000000000) * 1000000000;
    return ClampMs(static_cast<__int128>(sec) * 1000 + nsec / 1000000);
  }
  int64_t ms;
  if (ParseRfc3339(s, &ms)) return ms;
  if (s == kMinTimeFormatted) return kMinTimeMs;
  if (s == kMaxTimeFormatted) return kMaxTimeMs;
  return Status::InvalidArgument("cannot parse " + GoQuote(s) + " to a valid timestamp");
}

Result<int64_t> ParseTimeParam(const FormValues& form, std::string_view name, int64_t default_ms) {
  std::string_view v = form.Get(name);
  if (v.empty()) return default_ms;
  return ParseTime(v);
}

Result<int64_t> ParseDurationNs(std::string_view s) {
  double f;
  if (ParseGoFloat(s, &f)) {
    double ns = f * 1e9;
    // Go compares against float64(math.MaxInt64), which rounds up to 2^63.
    if (std::isnan(ns) || ns > 9223372036854775807.0 || ns < -9223372036854775808.0) {
      return Status::InvalidArgument("cannot parse " + GoQuote(s) + " to a valid duration. It overflows int64");
    }
    if (ns >= 9223372036854775807.0) return std::numeric_limits<int64_t>::max();
    return static_cast<int64_t>(ns);
  }
  auto d = query::ParseDuration(s);
  if (d.ok()) return *d * 1000000;
  return Status::InvalidArgument("cannot parse " + GoQuote(s) + " to a valid duration");
}

Result<int64_t> ParseLimit(std::string_view s) {
  if (s.empty()) return int64_t{0};
  std::string_view digits = s;
  bool neg = false;
  if (digits[0] == '+' || digits[0] == '-') {
    neg = digits[0] == '-';
    digits.remove_prefix(1);
  }
  bool syntax_ok = !digits.empty();
  for (char c : digits) syntax_ok = syntax_ok && c >= '0' && c <= '9';
  if (!syntax_ok) return Status::InvalidArgument("strconv.Atoi: parsing " + GoQuote(s) + ": invalid syntax");
  uint64_t v = 0;
  for (char c : digits) {
    if (v > (static_cast<uint64_t>(INT64_MAX) + 1 - static_cast<uint64_t>(c - '0')) / 10) {
      return Status::InvalidArgument("strconv.Atoi: parsing " + GoQuote(s) + ": value out of range");
    }
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  if (v > static_cast<uint64_t>(INT64_MAX) + (neg ? 1 : 0)) {
    return Status::InvalidArgument("strconv.Atoi: parsing " + GoQuote(s) + ": value out of range");
  }
  if (neg && v != 0) return Status::InvalidArgument("limit must be non-negative");
  return static_cast<int64_t>(v);
}

std::string UnescapeLabelName(std::string_view name) {
  if (!name.starts_with("U__")) return std::string(name);
  std::string_view esc = name.substr(3);
  std::string out;
  for (size_t i = 0; i < esc.size(); ++i) {
    if (esc[i] != '_') {
      out.push_back(esc[i]);
      continue;
    }
    ++i;
    if (i >= esc.size()) return std::string(name);
    if (esc[i] == '_') {
      out.push_back('_');
      continue;
    }
    uint32_t cp = 0;
    bool closed = false;
    for (int j = 0; i < esc.size(); ++j) {
      if (j >= 6) return std::string(name);
      if (esc[i] == '_') {
        closed = true;
        break;
      }
      int h = HexVal(esc[i]);
      if (h < 0) return std::string(name);
      cp = cp * 16 + static_cast<uint32_t>(h);
      ++i;
    }
    if (!closed) return std::string(name);
    if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return std::string(name);
    // UTF-8 encode.
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out.push_back(static_cast<char>(0xc0 | (cp >> 6)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    } else if (cp < 0x10000) {
      out.push_back(static_cast<char>(0xe0 | (cp >> 12)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    } else {
      out.push_back(static_cast<char>(0xf0 | (cp >> 18)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    }
  }
  return out;
}

std::string GoQuote(std::string_view s) {
  static const char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          out += "\\x";
          out += kHex[c >> 4];
          out += kHex[c & 0xf];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
  return out;
}

}  // namespace vigil::server::api
