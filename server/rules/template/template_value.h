// The dynamic values a template computes with, standing in for Go's
// reflect.Value: nil, bool, int, float64, string, maps (sorted keys), lists,
// structs (the data, query samples), time.Time and time.Duration. Each value
// carries its Go type name for error messages ("wrong type for value;
// expected string; got float64"). Aggregates share immutable payloads, so
// copies are cheap. Thread-compatible; shared payloads are never mutated.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace vigil::rules::tmpl {

enum class ValueKind {
  kInvalid,  // no value (Go's zero reflect.Value): prints "<no value>"
  kNil,      // a nil interface{}: prints "<nil>"
  kBool,
  kInt,
  kFloat,
  kString,
  kMap,
  kList,
  kStruct,
  kTime,      // unix nanoseconds, UTC
  kDuration,  // nanoseconds
};

struct Value;
struct MapPayload {
  std::map<std::string, Value, std::less<>> entries;
  bool elem_is_string = true;  // map[string]string (else map[string]interface {})
};
struct ListPayload {
  std::vector<Value> items;
};
struct StructPayload {
  std::vector<std::pair<std::string, Value>> fields;
};

struct Value {
  ValueKind kind = ValueKind::kInvalid;
  bool b = false;
  int64_t i = 0;  // kInt, kTime, kDuration
  double f = 0;
  std::string s;
  std::shared_ptr<const MapPayload> map;
  std::shared_ptr<const ListPayload> list;
  std::shared_ptr<const StructPayload> fields;
  const char* type = "";  // Go type name
  bool pointer = false;   // *T (structs, time): printed with "&" when nested

  static Value Invalid() { return Value(); }
  static Value Nil();
  static Value Bool(bool v);
  static Value Int(int64_t v);
  static Value Float(double v);
  static Value String(std::string v, const char* type = "string");
  static Value Map(std::shared_ptr<const MapPayload> m, const char* type);
  static Value List(std::shared_ptr<const ListPayload> l, const char* type);
  static Value Struct(std::shared_ptr<const StructPayload> s, const char* type, bool pointer);
  static Value Time(int64_t unix_nanos);
  static Value Duration(int64_t nanos);

  bool valid() const { return kind != ValueKind::kInvalid; }
  bool IsStringKind() const { return kind == ValueKind::kString; }
  // Go's type name as %T prints it ("float64", "map[string]string").
  const char* TypeName() const { return kind == ValueKind::kInvalid ? "<nil>" : type; }
};

// text/template's isTrue: false for zero numbers, "", empty map/list, nil.
bool IsTrue(const Value& v);

// time.Time.String(): "2006-01-02 15:04:05.999999999 +0000 UTC".
std::string FormatGoTime(int64_t unix_nanos);
// time.Duration.String(): "1h2m3.5s", "150ms", "0s".
std::string FormatGoDuration(int64_t nanos);

}  // namespace vigil::rules::tmpl
