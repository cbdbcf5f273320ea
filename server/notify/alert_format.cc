#include "server/notify/alert_format.h"

#include <cstdio>
#include <ctime>

namespace vigil::notify {

namespace {

constexpr uint64_t kFnvOffset = 14695981039346656037ULL;
constexpr uint64_t kFnvPrime = 1099511628211ULL;
constexpr unsigned char kSeparator = 0xff;

uint64_t FnvAdd(uint64_t h, std::string_view s) {
  for (unsigned char c : s) {
    h ^= c;
    h *= kFnvPrime;
  }
  return h;
}
uint64_t FnvAddByte(uint64_t h, unsigned char c) {
  h ^= c;
  return h * kFnvPrime;
}

// "YYYY-MM-DDTHH:MM:SS" in UTC, and the millisecond remainder (0..999).
std::string DateTimeSeconds(int64_t unix_ms, int* millis) {
  int64_t secs = unix_ms / 1000;
  int64_t ms = unix_ms % 1000;
  if (ms < 0) {
    ms += 1000;
    secs -= 1;
  }
  *millis = static_cast<int>(ms);
  std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

}  // namespace

uint64_t LabelFingerprint(const Labels& labels) {
  uint64_t h = kFnvOffset;
  for (const LabelView& l : labels) {  // Labels are sorted by name
    h = FnvAdd(h, l.name);
    h = FnvAddByte(h, kSeparator);
    h = FnvAdd(h, l.value);
    h = FnvAddByte(h, kSeparator);
  }
  return h;
}

std::string FingerprintHex(uint64_t fingerprint) {
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(fingerprint));
  return buf;
}

std::string FormatRfc3339Millis(int64_t unix_ms) {
  int ms = 0;
  std::string s = DateTimeSeconds(unix_ms, &ms);
  char frac[8];
  std::snprintf(frac, sizeof(frac), ".%03dZ", ms);
  return s + frac;
}

std::string FormatRfc3339Nano(int64_t unix_ms) {
  int ms = 0;
  std::string s = DateTimeSeconds(unix_ms, &ms);
  if (ms != 0) {
    char frac[8];
    std::snprintf(frac, sizeof(frac), ".%03d", ms);
    std::string f = frac;
    while (f.back() == '0') f.pop_back();
    s += f;
  }
  return s + "Z";
}

}  // namespace vigil::notify
