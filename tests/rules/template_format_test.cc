// Go number and value formatting: strconv.FormatFloat, fmt's Sprintf/Sprint
// verbs, flags and error forms, time.Time and time.Duration strings.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "server/rules/template/go_format.h"
#include "server/rules/template/go_printf.h"
#include "server/rules/template/template_value.h"

namespace vigil::rules::tmpl {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

struct FloatCase {
  double v;
  char fmt;
  int prec;
  std::string want;
};

TEST(TemplateFormatTest, FormatGoFloatMatchesStrconv) {
  const FloatCase cases[] = {
      // %v: shortest 'g'; exponent form when the exponent is < -4 or >= 6
      {1e6, 'g', -1, "1e+06"},
      {1234567, 'g', -1, "1.234567e+06"},
      {123456, 'g', -1, "123456"},
      {999999, 'g', -1, "999999"},
      {0.0001, 'g', -1, "0.0001"},
      {0.00001, 'g', -1, "1e-05"},
      {0.000123, 'g', -1, "0.000123"},
      {0, 'g', -1, "0"},
      {-0.0, 'g', -1, "-0"},
      {1.5, 'g', -1, "1.5"},
      {-2.5, 'g', -1, "-2.5"},
      {100, 'g', -1, "100"},
      {12345.678, 'g', -1, "12345.678"},
      {1e20, 'g', -1, "1e+20"},
      {1e21, 'g', -1, "1e+21"},
      {0.1 + 0.2, 'g', -1, "0.30000000000000004"},
      {5e-324, 'g', -1, "5e-324"},
      {1.7976931348623157e308, 'g', -1, "1.7976931348623157e+308"},
      {std::nan(""), 'g', -1, "NaN"},
      {kInf, 'g', -1, "+Inf"},
      {-kInf, 'e', -1, "-Inf"},
      {kInf, 'f', 2, "+Inf"},
      // 'e' shortest (the API's alert values)
      {1, 'e', -1, "1e+00"},
      {0, 'e', -1, "0e+00"},
      {1234.5, 'e', -1, "1.2345e+03"},
      {0.5, 'e', -1, "5e-01"},
      {-2, 'e', -1, "-2e+00"},
      {1e100, 'e', -1, "1e+100"},
      {1234.5, 'E', -1, "1.2345E+03"},
      // fixed precision: exact binary value, ties to even
      {1.005, 'f', 2, "1.00"},
      {2.5, 'f', 2, "2.50"},
      {0.125, 'f', 2, "0.12"},
      {0.375, 'f', 2, "0.38"},
      {0.5, 'f', 0, "0"},
      {1.5, 'f', 0, "2"},
      {2.5, 'f', 0, "2"},
      {-1.25, 'f', 1, "-1.2"},
      {1e21, 'f', -1, "1000000000000000000000"},
      {0.1, 'f', -1, "0.1"},
      {1e-7, 'f', -1, "0.0000001"},
      {1234.5, 'e', 3, "1.234e+03"},
      {1, 'e', 2, "1.00e+00"},
      // %.Ng: N significant digits, trailing zeros dropped
      {1234567, 'g', 4, "1.235e+06"},
      {1.5, 'g', 4, "1.5"},
      {100, 'g', 4, "100"},
      {123456, 'g', 4, "1.235e+05"},
      {0.0001234567, 'g', 4, "0.0001235"},
      {1e-5, 'g', 4, "1e-05"},
      {9999.5, 'g', 4, "1e+04"},
      {123, 'g', 0, "1e+02"},
      {0, 'g', 4, "0"},
      {1234.5678, 'G', 3, "1.23E+03"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(1, c.fmt) + " " + std::to_string(c.prec) + " " + c.want);
    EXPECT_EQ(FormatGoFloat(c.v, c.fmt, c.prec), c.want);
  }
}

struct PrintfCase {
  std::string format;
  std::vector<Value> args;
  std::string want;
};

Value S(const char* s) { return Value::String(s); }
Value I(int64_t i) { return Value::Int(i); }
Value F(double f) { return Value::Float(f); }

TEST(TemplateFormatTest, SprintfVerbsAndFlags) {
  auto m = std::make_shared<MapPayload>();
  m->entries["b"] = S("y");
  m->entries["a"] = S("x");
  Value map = Value::Map(m, "map[string]string");
  auto l = std::make_shared<ListPayload>();
  l->items = {I(1), F(2.5), S("s")};
  Value list = Value::List(l, "[]interface {}");
  const PrintfCase cases[] = {
      {"%d", {I(42)}, "42"},
      {"%5d|", {I(42)}, "   42|"},
      {"%-5d|", {I(42)}, "42   |"},
      {"%05d", {I(-42)}, "-0042"},
      {"%+d", {I(42)}, "+42"},
      {"% d", {I(5)}, " 5"},
      {"%.3d", {I(7)}, "007"},
      {"%x %X %#x", {I(255), I(255), I(255)}, "ff FF 0xff"},
      {"%x", {I(-255)}, "-ff"},
      {"%o %b", {I(8), I(5)}, "10 101"},
      {"%c%c", {I(72), I(105)}, "Hi"},
      {"%q", {I(65)}, "'A'"},
      {"%U", {I(65)}, "U+0041"},
      {"%v", {I(-3)}, "-3"},
      {"%f", {F(3.14159)}, "3.141590"},
      {"%.2f", {F(3.14159)}, "3.14"},
      {"%8.3f|", {F(3.14159)}, "   3.142|"},
      {"%-8.3f|", {F(3.14159)}, "3.142   |"},
      {"%08.3f", {F(-3.14159)}, "-003.142"},
      {"%+.1f", {F(2)}, "+2.0"},
      {"% .2f", {F(1)}, " 1.00"},
      {"%e", {F(1234.5678)}, "1.234568e+03"},
      {"%E", {F(1234.5678)}, "1.234568E+03"},
      {"%g", {F(1234.5678)}, "1234.5678"},
      {"%g", {F(1e6)}, "1e+06"},
      {"%.3g", {F(1234.5678)}, "1.23e+03"},
      {"%v", {F(1e6)}, "1e+06"},
      {"%.2f", {F(std::nan(""))}, "NaN"},
      {"%f", {F(kInf)}, "+Inf"},
      {"%5.1f|", {F(-kInf)}, " -Inf|"},
      {"%06.1f|", {F(kInf)}, "  +Inf|"},
      {"%F", {F(1.5)}, "1.500000"},
      {"%s", {S("abc")}, "abc"},
      {"%5s|", {S("abc")}, "  abc|"},
      {"%-5s|", {S("abc")}, "abc  |"},
      {"%.2s", {S("abc")}, "ab"},
      {"%5.1s|", {S("h\xC3\xA9llo")}, "    h|"},
      {"%.2s", {S("\xC3\xA9t\xC3\xA9")}, "\xC3\xA9t"},
      {"%q", {S("a\"b\n")}, "\"a\\\"b\\n\""},
      {"%#q", {S("ab")}, "`ab`"},
      {"%+q", {S("\xC3\xA9")}, "\"\\u00e9\""},
      {"%q", {S("\x01\xC2\xA0")}, "\"\\x01\\u00a0\""},
      {"%x", {S("hi")}, "6869"},
      {"% x", {S("hi")}, "68 69"},
      {"%X", {S("hi")}, "6869"},
      {"%t %v", {Value::Bool(true), Value::Bool(false)}, "true false"},
      {"%v", {map}, "map[a:x b:y]"},
      {"%s", {list}, "[%!s(int=1) %!s(float64=2.5) s]"},
      {"%v", {list}, "[1 2.5 s]"},
      {"%v", {Value::Nil()}, "<nil>"},
      {"%T %T %T %T", {F(1), S("x"), map, Value::Nil()}, "float64 string map[string]string <nil>"},
      // Go's error forms.
      {"%d", {F(1.5)}, "%!d(float64=1.5)"},
      {"%s", {F(1.5)}, "%!s(float64=1.5)"},
      {"%f", {I(5)}, "%!f(int=5)"},
      {"%d", {S("x")}, "%!d(string=x)"},
      {"%d", {Value::Bool(true)}, "%!d(bool=true)"},
      {"%s", {Value::Nil()}, "%!s(<nil>)"},
      {"%z", {I(1)}, "%!z(int=1)"},
      {"%d", {}, "%!d(MISSING)"},
      {"%d %d", {I(1)}, "1 %!d(MISSING)"},
      {"%d", {I(1), I(2)}, "1%!(EXTRA int=2)"},
      {"x", {S("a"), F(1)}, "x%!(EXTRA string=a, float64=1)"},
      {"%", {}, "%!(NOVERB)"},
      {"100%%", {}, "100%"},
      {"%*d", {I(5), I(42)}, "   42"},
      {"%-*d|", {I(4), I(7)}, "7   |"},
      {"%.*f", {I(1), F(2.25)}, "2.2"},
      {"%*d", {S("x"), I(1)}, "%!(BADWIDTH)1"},
      {"%!", {I(1)}, "%!!(int=1)"},
      // Bad verbs print the value with the verb's width and precision.
      {"%5.1f|", {S("x")}, "%!f(string=    x)|"},
      {"%.2f", {S("abc")}, "%!f(string=ab)"},
      {"%5.1f|", {Value::Bool(true)}, "%!f(bool= true)|"},
      // Hex floats (strconv 'x'), invalid runes.
      {"%x %X %x %.2x", {F(1e6), F(1.5), F(0), F(3.14159)}, "0x1.e848p+19 0X1.8P+00 0x0p+00 0x1.92p+01"},
      {"%q", {I(-2)}, "'\xEF\xBF\xBD'"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.format);
    EXPECT_EQ(GoSprintf(c.format, c.args), c.want);
  }
}

TEST(TemplateFormatTest, SprintSpacesOnlyBetweenNonStrings) {
  EXPECT_EQ(GoSprint({I(1), I(2)}), "1 2");
  EXPECT_EQ(GoSprint({S("a"), I(1), I(2), S("b")}), "a1 2b");
  EXPECT_EQ(GoSprint({S("a"), S("b")}), "ab");
  EXPECT_EQ(GoSprint({F(1.5), S("x"), F(1e6)}), "1.5x1e+06");
  EXPECT_EQ(GoSprint({}), "");
  EXPECT_EQ(GoSprintln({S("a"), I(1)}), "a 1\n");
  EXPECT_EQ(GoSprintln({}), "\n");
}

TEST(TemplateFormatTest, PrintedValues) {
  std::string out;
  AppendPrintedValue(Value(), &out);
  EXPECT_EQ(out, "<no value>");
  out.clear();
  AppendPrintedValue(Value::Nil(), &out);
  EXPECT_EQ(out, "<nil>");
  out.clear();
  auto f = std::make_shared<StructPayload>();
  f->fields = {{"Labels", Value::Map(std::make_shared<MapPayload>(), "map[string]string")}, {"Value", F(2)}};
  AppendPrintedValue(Value::Struct(f, "*template.sample", true), &out);
  EXPECT_EQ(out, "{map[] 2}");  // the top-level pointer is dereferenced
  out.clear();
  AppendPrintedValue(Value::Time(1500000000), &out);
  EXPECT_EQ(out, "1970-01-01 00:00:01.5 +0000 UTC");
  out.clear();
  AppendPrintedValue(Value::Duration(90000000000), &out);
  EXPECT_EQ(out, "1m30s");
}

TEST(TemplateFormatTest, GoTimeAndDurationStrings) {
  EXPECT_EQ(FormatGoTime(0), "1970-01-01 00:00:00 +0000 UTC");
  EXPECT_EQ(FormatGoTime(1435065584128000000), "2015-06-23 13:19:44.128 +0000 UTC");
  EXPECT_EQ(FormatGoTime(-1500000000), "1969-12-31 23:59:58.5 +0000 UTC");
  EXPECT_EQ(FormatGoTime(1), "1970-01-01 00:00:00.000000001 +0000 UTC");
  const std::pair<int64_t, const char*> durations[] = {
      {0, "0s"},
      {1, "1ns"},
      {999, "999ns"},
      {1500, "1.5\xC2\xB5s"},
      {100000000, "100ms"},
      {1500000000, "1.5s"},
      {60000000000, "1m0s"},
      {3661000000000, "1h1m1s"},
      {3600000000000, "1h0m0s"},
      {-90000000000, "-1m30s"},
      {90061500000000, "25h1m1.5s"},
  };
  for (const auto& [ns, want] : durations) {
    SCOPED_TRACE(want);
    EXPECT_EQ(FormatGoDuration(ns), want);
  }
}

}  // namespace
}  // namespace vigil::rules::tmpl
