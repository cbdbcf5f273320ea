// Method tables for time.Time (*time.Time from toTime) and time.Duration.
#include "server/rules/template/template_methods.h"

#include <ctime>
#include <map>
#include <string>

#include "server/rules/template/go_time.h"

namespace vigil::rules::tmpl {
namespace {

using Args = std::vector<Value>;
using MethodMap = std::map<std::string, TemplateFunc, std::less<>>;

std::tm Utc(int64_t nanos) {
  int64_t secs = nanos / 1000000000 - (nanos % 1000000000 < 0 ? 1 : 0);
  std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return tm;
}
int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0); }

Value Named(std::string s, const char* type) { return Value::String(std::move(s), type); }

const MethodMap& TimeMethods() {
  static const MethodMap* m = [] {
    auto* t = new MethodMap();  // NOLINT: leaked singleton
    auto add = [&](const char* name, std::vector<ParamType> params, FuncImpl impl) {
      (*t)[name] = TemplateFunc{std::move(params), false, impl, false};
    };
    add("Unix", {}, [](Args& a, const FuncEnv&) -> Result<Value> {
      Value v = Value::Int(FloorDiv(a[0].i, 1000000000));
      v.type = "int64";
      return v;
    });
    add("UnixMilli", {}, [](Args& a, const FuncEnv&) -> Result<Value> {
      Value v = Value::Int(FloorDiv(a[0].i, 1000000));
      v.type = "int64";
      return v;
    });
    add("UnixNano", {}, [](Args& a, const FuncEnv&) -> Result<Value> {
      Value v = Value::Int(a[0].i);
      v.type = "int64";
      return v;
    });
    add("UTC", {}, [](Args& a, const FuncEnv&) -> Result<Value> {
      Value v = a[0];
      v.type = "time.Time";
      v.pointer = false;
      return v;
    });
    add("String", {}, [](Args& a, const FuncEnv&) -> Result<Value> { return Value::String(FormatGoTime(a[0].i)); });
    add("Format", {ParamType::kString}, [](Args& a, const FuncEnv&) -> Result<Value> {
      return Value::String(FormatGoLayout(a[0].i, a[1].s));
    });
    add("Year", {}, [](Args& a, const FuncEnv&) -> Result<Value> { return Value::Int(Utc(a[0].i).tm_year + 1900); });
    add("YearDay", {}, [](Args& a, const FuncEnv&) -> Result<Value> { return Value::Int(Utc(a[0].i).tm_yday + 1); });
    add("Day", {}, [](Args& a, const FuncEnv&) -> Result<Value> { return Value::Int(Utc(a[0].i).tm_mday); });
    add("Hour", {}, [](Args& a, const FuncEnv&) -> Result<Value> { return Value::Int(Utc(a[0].i).tm_hour); });
    add("Minute", {}, [](Args& a, const FuncEnv&) -> Result<Value> { return Value::Int(Utc(a[0].i).tm_min); });
    add("Second", {}, [](Args& a, const FuncEnv&) -> Result<Value> { return Value::Int(Utc(a[0].i).tm_sec); });
    add("Nanosecond", {}, [](Args& a, const FuncEnv&) -> Result<Value> {
      int64_t n = a[0].i % 1000000000;
      return Value::Int(n < 0 ? n + 1000000000 : n);
    });
    add("Month", {}, [](Args& a, const FuncEnv&) -> Result<Value> {
      static const char* kMonths[] = {"January", "February", "March",     "April",   "May",      "June",
                                      "July",    "August",   "September", "October", "November", "December"};
      return Named(kMonths[Utc(a[0].i).tm_mon], "time.Month");
    });
    add("Weekday", {}, [](Args& a, const FuncEnv&) -> Result<Value> {
      static const char* kDays[] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
      return Named(kDays[Utc(a[0].i).tm_wday], "time.Weekday");
    });
    return t;
  }();
  return *m;
}

const MethodMap& DurationMethods() {
  static const MethodMap* m = [] {
    auto* t = new MethodMap();  // NOLINT: leaked singleton
    auto add = [&](const char* name, FuncImpl impl) { (*t)[name] = TemplateFunc{{}, false, impl, false}; };
    add("Seconds", [](Args& a, const FuncEnv&) -> Result<Value> { return Value::Float(static_cast<double>(a[0].i) / 1e9); });
    add("Minutes", [](Args& a, const FuncEnv&) -> Result<Value> { return Value::Float(static_cast<double>(a[0].i) / 6e10); });
    add("Hours", [](Args& a, const FuncEnv&) -> Result<Value> { return Value::Float(static_cast<double>(a[0].i) / 3.6e12); });
    add("Milliseconds", [](Args& a, const FuncEnv&) -> Result<Value> {
      Value v = Value::Int(a[0].i / 1000000);
      v.type = "int64";
      return v;
    });
    add("Nanoseconds", [](Args& a, const FuncEnv&) -> Result<Value> {
      Value v = Value::Int(a[0].i);
      v.type = "int64";
      return v;
    });
    add("String", [](Args& a, const FuncEnv&) -> Result<Value> { return Value::String(FormatGoDuration(a[0].i)); });
    return t;
  }();
  return *m;
}

}  // namespace

const TemplateFunc* FindMethod(const Value& receiver, std::string_view name) {
  const MethodMap* methods = nullptr;
  if (receiver.kind == ValueKind::kTime) methods = &TimeMethods();
  if (receiver.kind == ValueKind::kDuration) methods = &DurationMethods();
  if (methods == nullptr) return nullptr;
  auto it = methods->find(name);
  return it == methods->end() ? nullptr : &it->second;
}

}  // namespace vigil::rules::tmpl
