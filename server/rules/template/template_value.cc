// Value constructors, truthiness and the time/duration String() forms.
#include "server/rules/template/template_value.h"

#include <cstdio>
#include <ctime>

namespace vigil::rules::tmpl {

Value Value::Nil() {
  Value v;
  v.kind = ValueKind::kNil;
  v.type = "interface {}";
  return v;
}
Value Value::Bool(bool b) {
  Value v;
  v.kind = ValueKind::kBool;
  v.b = b;
  v.type = "bool";
  return v;
}
Value Value::Int(int64_t i) {
  Value v;
  v.kind = ValueKind::kInt;
  v.i = i;
  v.type = "int";
  return v;
}
Value Value::Float(double f) {
  Value v;
  v.kind = ValueKind::kFloat;
  v.f = f;
  v.type = "float64";
  return v;
}
Value Value::String(std::string s, const char* type) {
  Value v;
  v.kind = ValueKind::kString;
  v.s = std::move(s);
  v.type = type;
  return v;
}
Value Value::Map(std::shared_ptr<const MapPayload> m, const char* type) {
  Value v;
  v.kind = ValueKind::kMap;
  v.map = std::move(m);
  v.type = type;
  return v;
}
Value Value::List(std::shared_ptr<const ListPayload> l, const char* type) {
  Value v;
  v.kind = ValueKind::kList;
  v.list = std::move(l);
  v.type = type;
  return v;
}
Value Value::Struct(std::shared_ptr<const StructPayload> s, const char* type, bool pointer) {
  Value v;
  v.kind = ValueKind::kStruct;
  v.fields = std::move(s);
  v.type = type;
  v.pointer = pointer;
  return v;
}
Value Value::Time(int64_t unix_nanos) {
  Value v;
  v.kind = ValueKind::kTime;
  v.i = unix_nanos;
  v.type = "*time.Time";
  v.pointer = true;
  return v;
}
Value Value::Duration(int64_t nanos) {
  Value v;
  v.kind = ValueKind::kDuration;
  v.i = nanos;
  v.type = "*time.Duration";
  v.pointer = true;
  return v;
}

bool IsTrue(const Value& v) {
  switch (v.kind) {
    case ValueKind::kInvalid: case ValueKind::kNil: return false;
    case ValueKind::kBool: return v.b;
    case ValueKind::kInt: return v.i != 0;
    case ValueKind::kFloat: return v.f != 0;
    case ValueKind::kString: return !v.s.empty();
    case ValueKind::kMap: return v.map && !v.map->entries.empty();
    case ValueKind::kList: return v.list && !v.list->items.empty();
    case ValueKind::kStruct: case ValueKind::kTime: case ValueKind::kDuration: return true;  // non-nil pointers
  }
  return false;
}

std::string FormatGoTime(int64_t unix_nanos) {
  int64_t secs = unix_nanos / 1000000000;
  int64_t nanos = unix_nanos % 1000000000;
  if (nanos < 0) {
    nanos += 1000000000;
    secs -= 1;
  }
  std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[80];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02d %02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec);
  std::string out = buf;
  if (nanos != 0) {
    std::snprintf(buf, sizeof(buf), ".%09lld", static_cast<long long>(nanos));
    std::string frac = buf;
    while (frac.back() == '0') frac.pop_back();
    out += frac;
  }
  out += " +0000 UTC";
  return out;
}

std::string FormatGoDuration(int64_t d) {
  // Mirrors time.Duration.String: fractional units below one second.
  if (d == 0) return "0s";
  bool neg = d < 0;
  uint64_t u = neg ? -static_cast<uint64_t>(d) : static_cast<uint64_t>(d);
  auto frac = [](uint64_t v, int prec, std::string* out) {  // v / 10^prec, trailing zeros trimmed
    std::string digits;
    bool print = false;
    for (int i = 0; i < prec; i++) {
      int digit = static_cast<int>(v % 10);
      print = print || digit != 0;
      if (print) digits.insert(digits.begin(), static_cast<char>('0' + digit));
      v /= 10;
    }
    if (print) digits.insert(digits.begin(), '.');
    *out = std::to_string(v) + digits;
  };
  std::string out;
  if (u < 1000000000ULL) {
    std::string num;
    if (u < 1000) {
      out = std::to_string(u) + "ns";
    } else if (u < 1000000) {
      frac(u, 3, &num);
      out = num + "\xC2\xB5s";
    } else {
      frac(u, 6, &num);
      out = num + "ms";
    }
  } else {
    std::string secs;
    frac(u % 60000000000ULL, 9, &secs);
    uint64_t minutes = u / 60000000000ULL;
    out = secs + "s";
    if (minutes > 0) {
      out = std::to_string(minutes % 60) + "m" + out;
      uint64_t hours = minutes / 60;
      if (hours > 0) out = std::to_string(hours) + "h" + out;
    }
  }
  return neg ? "-" + out : out;
}

}  // namespace vigil::rules::tmpl
