// Parsing and comparison for the PromQL test-script runner; see
// promql_script.h. Mirrors Prometheus v2.53 promql/promqltest/test.go.
#include "tests/query/promql_script.h"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <map>
#include <regex>
#include <sstream>

namespace vigil::promqltest {

namespace {

std::string_view TrimSpace(std::string_view s) {
  constexpr std::string_view kWs = " \t\n\v\f\r";
  const size_t b = s.find_first_not_of(kWs);
  if (b == std::string_view::npos) return {};
  const size_t e = s.find_last_not_of(kWs);
  return s.substr(b, e - b + 1);
}

bool HasNativeHistogram(std::string_view line) { return line.find("{{") != std::string_view::npos; }

// getLines: trimmed, comment lines blanked.
std::vector<std::string> GetLines(std::string_view input) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (true) {
    const size_t nl = input.find('\n', start);
    std::string_view l = input.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
    l = TrimSpace(l);
    if (!l.empty() && l[0] == '#') l = {};
    lines.emplace_back(l);
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  return lines;
}

Status Raise(std::string_view name, int line_index, const std::string& msg) {
  return Status::InvalidArgument(std::string(name) + ":" + std::to_string(line_index + 1) + ": " + msg);
}

const std::regex& PatLoad() {
  static const std::regex re(R"(^load(?:_(with_nhcb))?\s+(.+?)$)");
  return re;
}
const std::regex& PatEvalInstant() {
  static const std::regex re(R"(^eval(?:_(fail|warn|ordered|info))?\s+instant\s+(?:at\s+(.+?))?\s+(.+)$)");
  return re;
}
const std::regex& PatEvalRange() {
  static const std::regex re(R"(^eval(?:_(fail|warn|info))?\s+range\s+from\s+(.+)\s+to\s+(.+)\s+step\s+(.+?)\s+(.+)$)");
  return re;
}

// Adds or replaces (same label set) a series, as the Go maps keyed by hash.
template <typename T>
void Upsert(std::vector<T>& v, T item) {
  for (T& x : v) {
    if (x.labels == item.labels) {
      x = std::move(item);
      return;
    }
  }
  v.push_back(std::move(item));
}

Result<int> ParseLoad(std::string_view name, const std::vector<std::string>& lines, int i,
                      const SeriesDescParser& parse_series, LoadCmd* cmd) {
  std::smatch m;
  if (!std::regex_match(lines[i], m, PatLoad())) {
    return Raise(name, i, "invalid load command. (load[_with_nhcb] <step:duration>)");
  }
  cmd->line = i + 1;
  cmd->with_nhcb = m[1].matched;
  auto gap = ParseDurationMs(m[2].str());
  if (!gap.ok()) return Raise(name, i, "invalid step definition \"" + m[2].str() + "\": " + gap.status().message());
  cmd->step_ms = *gap;
  while (i + 1 < static_cast<int>(lines.size())) {
    ++i;
    const std::string& def = lines[i];
    if (def.empty()) {
      --i;
      break;
    }
    if (HasNativeHistogram(def)) {
      ++cmd->native_histogram_lines;
      continue;
    }
    auto desc = parse_series(def);
    if (!desc.ok()) return Raise(name, i, desc.status().message());
    Upsert(cmd->series, std::move(*desc));
  }
  return i;
}

Result<int> ParseEval(std::string_view name, const std::vector<std::string>& lines, int i,
                      const SeriesDescParser& parse_series, EvalCmd* cmd) {
  std::smatch im, rm;
  const bool is_instant = std::regex_match(lines[i], im, PatEvalInstant());
  const bool is_range = !is_instant && std::regex_match(lines[i], rm, PatEvalRange());
  if (!is_instant && !is_range) {
    return Raise(name, i,
                 "invalid evaluation command. Must be either 'eval[_fail|_warn|_ordered] instant [at "
                 "<offset:duration>] <query>' or 'eval[_fail|_warn] range from <from> to <to> step <step> <query>'");
  }
  cmd->line = i + 1;
  std::string mod;
  if (is_instant) {
    mod = im[1].str();
    cmd->expr = im[3].str();
    auto at = ParseDurationMs(im[2].str());
    if (!at.ok()) {
      return Raise(name, i, "error in eval " + cmd->expr + ": invalid timestamp definition \"" + im[2].str() +
                                "\": " + at.status().message());
    }
    cmd->start_ms = *at;
  } else {
    mod = rm[1].str();
    cmd->expr = rm[5].str();
    cmd->is_range = true;
    auto from = ParseDurationMs(rm[2].str());
    auto to = ParseDurationMs(rm[3].str());
    auto step = ParseDurationMs(rm[4].str());
    if (!from.ok() || !to.ok() || !step.ok()) {
      return Raise(name, i, "error in eval " + cmd->expr + ": invalid range definition");
    }
    if (*to < *from) return Raise(name, i, "error in eval " + cmd->expr + ": end timestamp is before start");
    cmd->start_ms = *from;
    cmd->end_ms = *to;
    cmd->step_ms = *step;
  }
  cmd->ordered = mod == "ordered";
  cmd->fail = mod == "fail";
  cmd->warn = mod == "warn";
  cmd->info = mod == "info";

  for (int j = 1; i + 1 < static_cast<int>(lines.size()); ++j) {
    ++i;
    const std::string& def = lines[i];
    if (def.empty()) {
      --i;
      break;
    }
    if (cmd->fail && def.starts_with("expected_fail_message")) {
      cmd->expected_fail_message = std::string(TrimSpace(std::string_view(def).substr(21)));
      break;
    }
    if (cmd->fail && def.starts_with("expected_fail_regexp")) {
      cmd->expected_fail_regexp = std::string(TrimSpace(std::string_view(def).substr(20)));
      try {
        std::regex check(cmd->expected_fail_regexp);
      } catch (const std::regex_error& e) {
        return Raise(name, i, "invalid regexp '" + cmd->expected_fail_regexp + "' for expected_fail_regexp");
      }
      break;
    }
    if (auto f = ParseNumber(def)) {
      cmd->expect_scalar = true;
      cmd->scalar = *f;
      cmd->expected.clear();
      break;
    }
    if (HasNativeHistogram(def)) {
      ++cmd->native_histogram_lines;
      continue;
    }
    auto desc = parse_series(def);
    if (!desc.ok()) return Raise(name, i, desc.status().message());
    cmd->expect_scalar = false;
    Upsert(cmd->expected, ExpectedSeries{std::move(desc->labels), std::move(desc->values), j});
  }
  return i;
}

}  // namespace

Result<Script> ParseScript(std::string_view name, std::string_view text, const SeriesDescParser& parse_series) {
  Script script;
  script.name = std::string(name);
  const std::vector<std::string> lines = GetLines(text);
  for (int i = 0; i < static_cast<int>(lines.size()); ++i) {
    const std::string& l = lines[i];
    if (l.empty()) continue;
    std::string c = l.substr(0, l.find_first_of(" \t"));
    for (char& ch : c) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (c == "clear") {
      script.commands.emplace_back(ClearCmd{i + 1});
    } else if (c.starts_with("load")) {
      LoadCmd cmd;
      ASSIGN_OR_RETURN(i, ParseLoad(name, lines, i, parse_series, &cmd));
      script.commands.emplace_back(std::move(cmd));
    } else if (c.starts_with("eval")) {
      EvalCmd cmd;
      ASSIGN_OR_RETURN(i, ParseEval(name, lines, i, parse_series, &cmd));
      script.commands.emplace_back(std::move(cmd));
    } else {
      return Raise(name, i, "invalid command \"" + l + "\"");
    }
  }
  return script;
}

Result<int64_t> ParseDurationMs(std::string_view s) {
  if (s == "0") return int64_t{0};
  if (s.empty()) return Status::InvalidArgument("empty duration string");
  struct Unit {
    std::string_view name;
    int64_t ms;
  };
  static constexpr Unit kUnits[] = {{"y", 365LL * 24 * 3600 * 1000}, {"w", 7LL * 24 * 3600 * 1000},
                                    {"d", 24LL * 3600 * 1000},       {"h", 3600LL * 1000},
                                    {"m", 60LL * 1000},              {"s", 1000},
                                    {"ms", 1}};
  const Status bad = Status::InvalidArgument("not a valid duration string: \"" + std::string(s) + "\"");
  int64_t total = 0;
  size_t next_unit = 0;  // units must appear in order, each at most once
  size_t p = 0;
  while (p < s.size()) {
    const size_t digits_begin = p;
    while (p < s.size() && s[p] >= '0' && s[p] <= '9') ++p;
    if (p == digits_begin) return bad;
    int64_t n = 0;
    if (std::from_chars(s.data() + digits_begin, s.data() + p, n).ec != std::errc()) return bad;
    const size_t unit_begin = p;
    while (p < s.size() && (s[p] < '0' || s[p] > '9')) ++p;
    const std::string_view unit = s.substr(unit_begin, p - unit_begin);
    size_t u = next_unit;
    while (u < std::size(kUnits) && kUnits[u].name != unit) ++u;
    if (u == std::size(kUnits)) return bad;
    next_unit = u + 1;
    if (n > std::numeric_limits<int64_t>::max() / kUnits[u].ms) return bad;
    total += n * kUnits[u].ms;
  }
  return total;
}

namespace {

bool IsDigitInBase(char c, int base) {
  int d;
  if (c >= '0' && c <= '9') {
    d = c - '0';
  } else if (c >= 'a' && c <= 'z') {
    d = c - 'a' + 10;
  } else if (c >= 'A' && c <= 'Z') {
    d = c - 'A' + 10;
  } else {
    return false;
  }
  return d < base;
}

// Go's strconv.ParseInt(s, 0, 64): base prefixes 0x 0b 0o, a leading 0 for
// octal, underscores only between digits (a prefix counts as a digit).
std::optional<int64_t> ParseGoInt(std::string_view s) {
  bool neg = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  int base = 10;
  char saw = '^';  // '^' start, '0' digit or prefix, '_' underscore
  if (s.size() >= 2 && s[0] == '0') {
    const char c = static_cast<char>(std::tolower(static_cast<unsigned char>(s[1])));
    if (c == 'x' || c == 'b' || c == 'o') {
      base = c == 'x' ? 16 : c == 'b' ? 2 : 8;
      s.remove_prefix(2);
      saw = '0';
    } else {
      base = 8;
    }
  }
  std::string digits;
  for (char c : s) {
    if (c == '_') {
      if (saw != '0') return std::nullopt;
      saw = '_';
    } else if (IsDigitInBase(c, base)) {
      digits.push_back(c);
      saw = '0';
    } else {
      return std::nullopt;
    }
  }
  if (digits.empty() || saw == '_') return std::nullopt;
  uint64_t v = 0;
  if (std::from_chars(digits.data(), digits.data() + digits.size(), v, base).ec != std::errc()) return std::nullopt;
  if (neg) {
    if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) + 1) return std::nullopt;
    return static_cast<int64_t>(0 - v);
  }
  if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return std::nullopt;
  return static_cast<int64_t>(v);
}

bool EqualFoldAscii(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

// Go's strconv.ParseFloat(s, 64) for the forms the test files use.
std::optional<double> ParseGoFloat(std::string_view s) {
  if (s.empty()) return std::nullopt;
  std::string_view body = s;
  double sign = 1;
  if (body[0] == '+' || body[0] == '-') {
    sign = body[0] == '-' ? -1 : 1;
    body.remove_prefix(1);
  }
  if (EqualFoldAscii(body, "inf") || EqualFoldAscii(body, "infinity")) {
    return sign * std::numeric_limits<double>::infinity();
  }
  if (EqualFoldAscii(s, "nan")) return std::numeric_limits<double>::quiet_NaN();
  // Decimal or hex float; no other letters than e/E/p/P/x/X and hex digits.
  if (body.empty() || !(std::isdigit(static_cast<unsigned char>(body[0])) || body[0] == '.')) return std::nullopt;
  if (s.find('_') != std::string_view::npos) return std::nullopt;
  const std::string buf(s);
  char* end = nullptr;
  const double v = std::strtod(buf.c_str(), &end);
  if (end != buf.c_str() + buf.size()) return std::nullopt;
  return v;  // Go returns ±Inf with a range error; the value is what matters here
}

}  // namespace

std::optional<double> ParseNumber(std::string_view s) {
  if (auto n = ParseGoInt(s)) return static_cast<double>(*n);
  return ParseGoFloat(s);
}

bool AlmostEqual(double a, double b, double epsilon) {
  if (std::isnan(a) && std::isnan(b)) return true;
  if (a == b) return true;
  constexpr double kMinNormal = 2.2250738585072014e-308;  // 0x0010000000000000
  const double abs_sum = std::abs(a) + std::abs(b);
  const double diff = std::abs(a - b);
  if (a == 0 || b == 0 || abs_sum < kMinNormal) return diff < epsilon * kMinNormal;
  return diff / std::min(abs_sum, std::numeric_limits<double>::max()) < epsilon;
}

std::string FormatFloat(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::scientific);
  std::string sci(buf, r.ptr);  // [-]d[.ddd]e±XX
  const size_t e = sci.find('e');
  const int exp = std::stoi(sci.substr(e + 1));
  if (exp < -4 || exp >= 6) {  // strconv 'g', shortest: precision 6 decides
    // Go: at least two exponent digits.
    std::string mant = sci.substr(0, e);
    const char esign = exp < 0 ? '-' : '+';
    std::string ed = std::to_string(std::abs(exp));
    if (ed.size() < 2) ed = "0" + ed;
    return mant + "e" + esign + ed;
  }
  r = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::fixed);
  return std::string(buf, r.ptr);
}

}  // namespace vigil::promqltest
