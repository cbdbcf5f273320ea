// Go text/template's builtin functions (text/template/funcs.go): and, or,
// not, len, index, slice, print, printf, println, html, js, urlquery and the
// comparisons eq, ne, lt, le, gt, ge with Go's basic-kind rules.
#include <algorithm>

#include "server/rules/template/go_printf.h"
#include "server/rules/template/go_strings.h"
#include "server/rules/template/template_funcs.h"

namespace vigil::rules::tmpl {
namespace {

using Args = std::vector<Value>;
constexpr ParamType R = ParamType::kReflect;
constexpr ParamType A = ParamType::kAny;

// indirectInterface: a nil interface holds no value.
Value Indirect(const Value& v) { return v.kind == ValueKind::kNil ? Value() : v; }

Result<Value> Not(Args& a, const FuncEnv&) { return Value::Bool(!IsTrue(a[0])); }
Result<Value> Unused(Args& a, const FuncEnv&) { return a.empty() ? Value() : a.back(); }

Result<Value> Len(Args& a, const FuncEnv&) {
  const Value& v = a[0];
  switch (v.kind) {
    case ValueKind::kString: return Value::Int(static_cast<int64_t>(v.s.size()));
    case ValueKind::kMap: return Value::Int(static_cast<int64_t>(v.map->entries.size()));
    case ValueKind::kList: return Value::Int(static_cast<int64_t>(v.list->items.size()));
    case ValueKind::kInvalid: case ValueKind::kNil:
      return FuncError("reflect: call of reflect.Value.Type on zero Value");  // Go's panic text
    default: {
      std::string type = v.TypeName();
      if (v.pointer && type[0] == '*') type.erase(0, 1);  // len looks through the pointer
      return FuncError("len of type " + type);
    }
  }
}

Result<int64_t> IndexArg(const Value& index, size_t cap) {
  Value i = Indirect(index);
  if (i.kind == ValueKind::kInvalid) return FuncError("cannot index slice/array with nil");
  if (i.kind != ValueKind::kInt) return FuncError(std::string("cannot index slice/array with type ") + i.TypeName());
  if (i.i < 0 || static_cast<uint64_t>(i.i) > cap) return FuncError("index out of range: " + std::to_string(i.i));
  return i.i;
}

Result<Value> Index(Args& a, const FuncEnv&) {
  Value item = Indirect(a[0]);
  if (!item.valid()) return FuncError("index of untyped nil");
  for (size_t k = 1; k < a.size(); k++) {
    const Value& index = a[k];
    if (item.kind == ValueKind::kNil) return FuncError("index of nil pointer");
    switch (item.kind) {
      case ValueKind::kString: case ValueKind::kList: {
        size_t len = item.kind == ValueKind::kString ? item.s.size() : item.list->items.size();
        ASSIGN_OR_RETURN(int64_t x, IndexArg(index, len));
        if (static_cast<size_t>(x) == len) {
          return FuncError(item.kind == ValueKind::kString ? "reflect: string index out of range"
                                                           : "reflect: slice index out of range");
        }
        if (item.kind == ValueKind::kString) {
          Value byte = Value::Int(static_cast<unsigned char>(item.s[x]));
          byte.type = "uint8";
          item = byte;
        } else {
          item = item.list->items[x];
        }
        break;
      }
      case ValueKind::kMap: {
        Value key = Indirect(index);
        std::string k_str;
        if (key.kind == ValueKind::kString) {
          k_str = key.s;
        } else if (key.valid()) {
          return FuncError(std::string("value has type ") + key.TypeName() + "; should be string");
        } else {
          return FuncError("value is nil; should be of type string");
        }
        auto it = item.map->entries.find(k_str);
        if (it != item.map->entries.end()) {
          item = it->second;
        } else {
          item = item.map->elem_is_string ? Value::String("") : Value::Nil();
        }
        break;
      }
      default:
        return FuncError(std::string("can't index item of type ") + item.TypeName());
    }
  }
  return item;
}

Result<Value> Slice(Args& a, const FuncEnv&) {
  Value item = Indirect(a[0]);
  if (!item.valid()) return FuncError("slice of untyped nil");
  if (a.size() > 4) return FuncError("too many slice indexes: " + std::to_string(a.size() - 1));
  size_t cap;
  if (item.kind == ValueKind::kString) {
    if (a.size() == 4) return FuncError("cannot 3-index slice a string");
    cap = item.s.size();
  } else if (item.kind == ValueKind::kList) {
    cap = item.list->items.size();
  } else {
    return FuncError(std::string("can't slice item of type ") + item.TypeName());
  }
  int64_t idx[3] = {0, static_cast<int64_t>(cap), static_cast<int64_t>(cap)};
  for (size_t k = 1; k < a.size(); k++) {
    ASSIGN_OR_RETURN(idx[k - 1], IndexArg(a[k], cap));
  }
  if (idx[0] > idx[1]) {
    return FuncError("invalid slice index: " + std::to_string(idx[0]) + " > " + std::to_string(idx[1]));
  }
  if (a.size() == 4 && idx[1] > idx[2]) {
    return FuncError("invalid slice index: " + std::to_string(idx[1]) + " > " + std::to_string(idx[2]));
  }
  if (item.kind == ValueKind::kString) return Value::String(item.s.substr(idx[0], idx[1] - idx[0]), item.type);
  auto list = std::make_shared<ListPayload>();
  list->items.assign(item.list->items.begin() + idx[0], item.list->items.begin() + idx[1]);
  return Value::List(std::move(list), item.type);
}

Result<Value> Print(Args& a, const FuncEnv&) { return Value::String(GoSprint(a)); }
Result<Value> Println(Args& a, const FuncEnv&) { return Value::String(GoSprintln(a)); }
Result<Value> Printf(Args& a, const FuncEnv&) {
  std::vector<Value> rest(a.begin() + 1, a.end());
  return Value::String(GoSprintf(a[0].s, rest));
}

// evalArgs: a single plain string is used as is, otherwise fmt.Sprint.
std::string EvalArgs(const Args& a) {
  if (a.size() == 1 && a[0].kind == ValueKind::kString && std::string_view(a[0].type) == "string") return a[0].s;
  Args printable = a;
  for (Value& v : printable) {
    if (v.kind == ValueKind::kInvalid || v.kind == ValueKind::kNil) v = Value::String("<no value>");
  }
  return GoSprint(printable);
}
Result<Value> Html(Args& a, const FuncEnv&) { return Value::String(HtmlEscape(EvalArgs(a))); }
Result<Value> Js(Args& a, const FuncEnv&) { return Value::String(JsEscape(EvalArgs(a))); }
Result<Value> UrlQuery(Args& a, const FuncEnv&) { return Value::String(QueryEscape(EvalArgs(a))); }

enum class BasicKind { kInvalid, kBool, kInt, kFloat, kString };
BasicKind KindOf(const Value& v) {
  switch (v.kind) {
    case ValueKind::kBool: return BasicKind::kBool;
    case ValueKind::kInt: case ValueKind::kDuration: return BasicKind::kInt;
    case ValueKind::kFloat: return BasicKind::kFloat;
    case ValueKind::kString: return BasicKind::kString;
    default: return BasicKind::kInvalid;
  }
}
constexpr const char* kBadComparison = "incompatible types for comparison";
constexpr const char* kBadComparisonType = "invalid type for comparison";

Result<bool> EqualValues(const Value& x, const Value& y) {
  BasicKind k1 = KindOf(x), k2 = KindOf(y);
  if (k1 != k2) {
    if (x.valid() && y.valid()) return FuncError(kBadComparison);
    return false;
  }
  switch (k1) {
    case BasicKind::kBool: return x.b == y.b;
    case BasicKind::kInt: return x.i == y.i;
    case BasicKind::kFloat: return x.f == y.f;
    case BasicKind::kString: return x.s == y.s;
    case BasicKind::kInvalid: break;
  }
  if (!x.valid() || !y.valid()) return !x.valid() && !y.valid();
  if (x.kind != y.kind || std::string_view(x.type) != y.type) {
    return FuncError(std::string("non-comparable types ") + x.TypeName() + ", " + y.TypeName());
  }
  switch (x.kind) {
    case ValueKind::kStruct: return x.fields == y.fields;  // pointer identity
    case ValueKind::kTime: return x.i == y.i;
    default: return FuncError(std::string("non-comparable type ") + GoSprint({y}) + ": " + y.TypeName());
  }
}

Result<Value> Eq(Args& a, const FuncEnv&) {
  Value x = Indirect(a[0]);
  if (a.size() == 1) return FuncError("missing argument for comparison");
  for (size_t k = 1; k < a.size(); k++) {
    ASSIGN_OR_RETURN(bool equal, EqualValues(x, Indirect(a[k])));
    if (equal) return Value::Bool(true);
  }
  return Value::Bool(false);
}

Result<Value> Ne(Args& a, const FuncEnv&) {
  ASSIGN_OR_RETURN(bool equal, EqualValues(Indirect(a[0]), Indirect(a[1])));
  return Value::Bool(!equal);
}

Result<bool> LessThan(const Value& x0, const Value& y0) {
  Value x = Indirect(x0), y = Indirect(y0);
  BasicKind k1 = KindOf(x), k2 = KindOf(y);
  if (k1 == BasicKind::kInvalid || k2 == BasicKind::kInvalid) return FuncError(kBadComparisonType);
  if (k1 != k2) return FuncError(kBadComparison);
  switch (k1) {
    case BasicKind::kBool: return FuncError(kBadComparisonType);
    case BasicKind::kInt: return x.i < y.i;
    case BasicKind::kFloat: return x.f < y.f;
    case BasicKind::kString: return x.s < y.s;
    default: return FuncError(kBadComparisonType);
  }
}

Result<bool> LessOrEqual(const Value& x, const Value& y) {
  ASSIGN_OR_RETURN(bool lt, LessThan(x, y));
  if (lt) return true;
  return EqualValues(Indirect(x), Indirect(y));
}

Result<Value> Lt(Args& a, const FuncEnv&) {
  ASSIGN_OR_RETURN(bool r, LessThan(a[0], a[1]));
  return Value::Bool(r);
}
Result<Value> Le(Args& a, const FuncEnv&) {
  ASSIGN_OR_RETURN(bool r, LessOrEqual(a[0], a[1]));
  return Value::Bool(r);
}
Result<Value> Gt(Args& a, const FuncEnv&) {
  ASSIGN_OR_RETURN(bool r, LessOrEqual(a[0], a[1]));
  return Value::Bool(!r);
}
Result<Value> Ge(Args& a, const FuncEnv&) {
  ASSIGN_OR_RETURN(bool r, LessThan(a[0], a[1]));
  return Value::Bool(!r);
}

}  // namespace

void AddGoBuiltins(std::vector<std::pair<std::string, TemplateFunc>>* out) {
  auto add = [&](std::string name, std::vector<ParamType> params, bool variadic, FuncImpl impl, bool sc = false) {
    out->push_back({std::move(name), TemplateFunc{std::move(params), variadic, impl, sc}});
  };
  add("and", {R, R}, true, Unused, true);
  add("or", {R, R}, true, Unused, true);
  add("not", {R}, false, Not);
  add("len", {R}, false, Len);
  add("index", {R, R}, true, Index);
  add("slice", {R, R}, true, Slice);
  add("print", {A}, true, Print);
  add("printf", {ParamType::kString, A}, true, Printf);
  add("println", {A}, true, Println);
  add("html", {A}, true, Html);
  add("js", {A}, true, Js);
  add("urlquery", {A}, true, UrlQuery);
  add("eq", {R, R}, true, Eq);
  add("ne", {R, R}, false, Ne);
  add("lt", {R, R}, false, Lt);
  add("le", {R, R}, false, Le);
  add("gt", {R, R}, false, Gt);
  add("ge", {R, R}, false, Ge);
}

}  // namespace vigil::rules::tmpl
