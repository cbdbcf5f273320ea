#include "query/duration.h"

#include <cstdint>
#include <string>

namespace vigil::query {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

struct Unit {
  std::string_view name;
  uint64_t ns;  // multiplier in nanoseconds, as time.Duration
  int pos;      // order, biggest first
};

constexpr uint64_t kMs = 1000000ULL;
constexpr Unit kUnits[] = {
    {"y", kMs * 1000 * 60 * 60 * 24 * 365, 1}, {"w", kMs * 1000 * 60 * 60 * 24 * 7, 2},
    {"d", kMs * 1000 * 60 * 60 * 24, 3},       {"h", kMs * 1000 * 60 * 60, 4},
    {"m", kMs * 1000 * 60, 5},                 {"s", kMs * 1000, 6},
    {"ms", kMs, 7},
};

std::string Quoted(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
  return out;
}

}  // namespace

Result<int64_t> ParseDuration(std::string_view s) {
  if (s == "0") return int64_t{0};
  if (s.empty()) return Status::InvalidArgument("empty duration string");
  const std::string_view orig = s;
  auto invalid = [&] { return Status::InvalidArgument("not a valid duration string: " + Quoted(orig)); };
  uint64_t total_ns = 0;
  int last_pos = 0;
  while (!s.empty()) {
    if (!IsDigit(s[0])) return invalid();
    size_t i = 0;
    uint64_t v = 0;
    bool overflow = false;
    for (; i < s.size() && IsDigit(s[i]); ++i) {
      if (v > (UINT64_MAX - 9) / 10) overflow = true;
      v = v * 10 + static_cast<uint64_t>(s[i] - '0');
    }
    if (overflow) return invalid();
    s.remove_prefix(i);
    size_t j = 0;
    while (j < s.size() && !IsDigit(s[j])) ++j;
    if (j == 0) return invalid();
    std::string_view u = s.substr(0, j);
    s.remove_prefix(j);
    const Unit* unit = nullptr;
    for (const Unit& cand : kUnits) {
      if (cand.name == u) unit = &cand;
    }
    if (unit == nullptr) {
      return Status::InvalidArgument("unknown unit " + Quoted(u) + " in duration " + Quoted(orig));
    }
    if (unit->pos <= last_pos) return invalid();
    last_pos = unit->pos;
    if (v > (uint64_t{1} << 63) / unit->ns) return Status::InvalidArgument("duration out of range");
    total_ns += v * unit->ns;
    if (total_ns > static_cast<uint64_t>(INT64_MAX)) return Status::InvalidArgument("duration out of range");
  }
  return static_cast<int64_t>(total_ns / kMs);
}

std::string FormatDuration(int64_t ms) {
  if (ms == 0) return "0s";
  std::string r;
  auto f = [&](const char* unit, int64_t mult, bool exact) {
    if (exact && ms % mult != 0) return;
    int64_t v = ms / mult;
    if (v > 0) {
      r += std::to_string(v);
      r += unit;
      ms -= v * mult;
    }
  };
  f("y", int64_t{1000} * 60 * 60 * 24 * 365, true);
  f("w", int64_t{1000} * 60 * 60 * 24 * 7, true);
  f("d", int64_t{1000} * 60 * 60 * 24, false);
  f("h", int64_t{1000} * 60 * 60, false);
  f("m", int64_t{1000} * 60, false);
  f("s", 1000, false);
  f("ms", 1, false);
  return r;
}

}  // namespace vigil::query
