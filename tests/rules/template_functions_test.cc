// Prometheus's template functions (template/template.go), with the values
// Prometheus documents and tests, plus their argument errors.
#include <gtest/gtest.h>

#include "server/rules/template/humanize.h"
#include "server/rules/template/template_exec.h"
#include "server/rules/template/template_parser.h"

namespace vigil::rules::tmpl {
namespace {

Result<std::string> Expand(const std::string& text) {
  ASSIGN_OR_RETURN(auto parsed, ParseTemplate("T", text));
  static const TemplateData kData = [] {
    TemplateData d;
    d.external_url = "https://prom.example.com/sub/path?x=1";
    d.eval_time_ms = 1500;
    return d;
  }();
  FuncEnv env{&kData};
  return ExecuteParsedTemplate(*parsed, Value(), env);
}

struct Case {
  std::string text;
  std::string want;
};

void ExpectOutputs(const std::vector<Case>& cases) {
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    auto out = Expand(c.text);
    ASSERT_TRUE(out.ok()) << out.status().message();
    EXPECT_EQ(*out, c.want);
  }
}

TEST(TemplateFunctionsTest, Humanize) {
  ExpectOutputs({
      {"{{ humanize 0 }}", "0"},
      {"{{ humanize 0.0 }}", "0"},
      {"{{ humanize 1 }}", "1"},
      {"{{ humanize 1234567.0 }}", "1.235M"},
      {"{{ humanize 1234567 }}", "1.235M"},  // int
      {"{{ humanize \"1234567\" }}", "1.235M"},  // numeric string
      {"{{ humanize .12 }}", "120m"},
      {"{{ humanize 0.1234567 }}", "123.5m"},
      {"{{ humanize 1.234567 }}", "1.235"},
      {"{{ humanize 12.34567 }}", "12.35"},
      {"{{ humanize 123.4567 }}", "123.5"},
      {"{{ humanize 1234.567 }}", "1.235k"},
      {"{{ humanize 12345.67 }}", "12.35k"},
      {"{{ humanize 123456.7 }}", "123.5k"},
      {"{{ humanize -1234567.0 }}", "-1.235M"},
      {"{{ humanize 1e-9 }}", "1n"},
      {"{{ humanize 0.000001 }}", "1u"},
      {"{{ humanize 1e30 }}", "1e+06Y"},
      {"{{ humanize \"NaN\" }}", "NaN"},
      {"{{ humanize \"Inf\" }}", "+Inf"},
      {"{{ humanize \"-Inf\" }}", "-Inf"},
      {"{{ range args 0.0 1.0 1234567.0 0.12 }}{{ humanize . }}:{{ end }}", "0:1:1.235M:120m:"},
  });
}

TEST(TemplateFunctionsTest, Humanize1024) {
  ExpectOutputs({
      {"{{ humanize1024 0 }}", "0"},
      {"{{ humanize1024 1 }}", "1"},
      {"{{ humanize1024 0.5 }}", "0.5"},
      {"{{ humanize1024 1024.0 }}", "1ki"},
      {"{{ humanize1024 1536 }}", "1.5ki"},
      {"{{ humanize1024 1048576.0 }}", "1Mi"},
      {"{{ humanize1024 1125899906842624.0 }}", "1Pi"},
      {"{{ humanize1024 -1024 }}", "-1ki"},
      {"{{ humanize1024 \"2048\" }}", "2ki"},
      {"{{ humanize1024 \"NaN\" }}", "NaN"},
  });
}

TEST(TemplateFunctionsTest, HumanizeDuration) {
  ExpectOutputs({
      {"{{ humanizeDuration 0 }}", "0s"},
      {"{{ humanizeDuration 1 }}", "1s"},
      {"{{ humanizeDuration 60 }}", "1m 0s"},
      {"{{ humanizeDuration 3600 }}", "1h 0m 0s"},
      {"{{ humanizeDuration 90000 }}", "1d 1h 0m 0s"},
      {"{{ humanizeDuration -183845 }}", "-2d 3h 4m 5s"},
      {"{{ humanizeDuration 12.345 }}", "12.35s"},
      {"{{ humanizeDuration 61.5 }}", "1m 1s"},
      {"{{ humanizeDuration 0.1 }}", "100ms"},
      {"{{ humanizeDuration 0.0001 }}", "100us"},
      {"{{ humanizeDuration 0.000000001 }}", "1ns"},
      {"{{ humanizeDuration -0.5 }}", "-500ms"},
      {"{{ humanizeDuration \"3600\" }}", "1h 0m 0s"},
      {"{{ humanizeDuration \"NaN\" }}", "NaN"},
      {"{{ humanizeDuration \"Inf\" }}", "+Inf"},
  });
}

TEST(TemplateFunctionsTest, HumanizePercentageAndTimestamps) {
  ExpectOutputs({
      {"{{ humanizePercentage 0.1234567 }}", "12.35%"},
      {"{{ humanizePercentage 1 }}", "100%"},
      {"{{ humanizePercentage 0 }}", "0%"},
      {"{{ humanizePercentage -0.5 }}", "-50%"},
      {"{{ humanizePercentage \"0.25\" }}", "25%"},
      {"{{ humanizeTimestamp 1435065584.128 }}", "2015-06-23 13:19:44.128 +0000 UTC"},
      {"{{ humanizeTimestamp 0 }}", "1970-01-01 00:00:00 +0000 UTC"},
      {"{{ humanizeTimestamp \"1435065584.128\" }}", "2015-06-23 13:19:44.128 +0000 UTC"},
      {"{{ humanizeTimestamp \"NaN\" }}", "NaN"},
      {"{{ 1435065584.128 | toTime }}", "2015-06-23 13:19:44.128 +0000 UTC"},
      {"{{ 90 | toDuration }}", "1m30s"},
      {"{{ 0.5 | toDuration }}", "500ms"},
      // Methods of time.Time and time.Duration.
      {"{{ (toTime 1435065584.128).Unix }}", "1435065584"},
      {"{{ (toTime 1435065584.128).UnixMilli }}", "1435065584128"},
      {"{{ (toTime -1.5).Unix }}", "-2"},
      {"{{ (toTime 1435065584.128).Format \"2006-01-02T15:04:05.000Z07:00\" }}", "2015-06-23T13:19:44.128Z"},
      {"{{ (toTime 1435065584.128).Format \"Mon Jan _2 3:04PM 06 .999 -0700 MST\" }}",
       "Tue Jun 23 1:19PM 15 .128 +0000 UTC"},
      {"{{ (toTime 1435065584).Format \"Monday, January 2 2006 002 .999\" }}", "Tuesday, June 23 2015 174 "},
      {"{{ with toTime 0 }}{{ .Year }} {{ .Month }} {{ .Day }} {{ .Weekday }} {{ .Hour }}{{ end }}",
       "1970 January 1 Thursday 0"},
      {"{{ (toTime 1.5).UTC }}", "1970-01-01 00:00:01.5 +0000 UTC"},
      {"{{ (toDuration 90).Minutes }} {{ (toDuration 1.5).Milliseconds }} {{ (toDuration 7200).Hours }}", "1.5 1500 2"},
      {"{{ now }}", "1.5"},
      {"{{ parseDuration \"1h2m10ms\" }}", "3720.01"},
      {"{{ parseDuration \"1h\" }}", "3600"},
      {"{{ parseDuration \"0\" }}", "0"},
  });
}

TEST(TemplateFunctionsTest, StringsRegexpsAndUrls) {
  ExpectOutputs({
      {"{{ \"aa bb-cc_dd CC\" | title }}", "Aa Bb-Cc_dd CC"},
      {"{{ \"aa bb CC\" | toUpper }}", "AA BB CC"},
      {"{{ \"aa bb CC\" | toLower }}", "aa bb cc"},
      {"{{ match \"a+\" \"baaa\" }}", "true"},
      {"{{ match \"^b\" \"aaa\" }}", "false"},
      {"{{ reReplaceAll \"(a)b\" \"x$1\" \"ab\" }}", "xa"},
      {"{{ reReplaceAll \"a(x*)b\" \"${1}W\" \"-ab-axxb-\" }}", "-W-xxW-"},
      {"{{ reReplaceAll \"a(x*)b\" \"$1W\" \"-ab-axxb-\" }}", "---"},
      {"{{ reReplaceAll \"a(?P<x>x*)b\" \"<$x>\" \"-axb-\" }}", "-<x>-"},
      {"{{ reReplaceAll \"a*\" \"X\" \"baaac\" }}", "XbXcX"},
      {"{{ reReplaceAll \"o\" \"$$\" \"foo\" }}", "f$$"},
      {"{{ reReplaceAll \":.*\" \"\" \"host:9100\" }}", "host"},
      {"{{ stripPort \"example.com:8080\" }}", "example.com"},
      {"{{ stripPort \"[::1]:80\" }}", "::1"},
      {"{{ stripPort \"example.com\" }}", "example.com"},
      {"{{ stripPort \"::1\" }}", "::1"},
      {"{{ stripDomain \"foo.example.com:8080\" }}", "foo:8080"},
      {"{{ stripDomain \"foo.example.com\" }}", "foo"},
      {"{{ stripDomain \"192.168.0.1:9100\" }}", "192.168.0.1:9100"},
      {"{{ stripDomain \"[2001:db8::1]:9100\" }}", "[2001:db8::1]:9100"},
      {"{{ stripDomain \"localhost\" }}", "localhost"},
      {"{{ urlQueryEscape \"a b/c?d=\xC3\xA9\" }}", "a+b%2Fc%3Fd%3D%C3%A9"},
      {"{{ graphLink \"up == 0\" }}", "/graph?g0.expr=up+%3D%3D+0&g0.tab=0"},
      {"{{ tableLink \"rate(x[5m])\" }}", "/graph?g0.expr=rate%28x%5B5m%5D%29&g0.tab=1"},
      {"{{ externalURL }}", "https://prom.example.com/sub/path?x=1"},
      {"{{ pathPrefix }}", "/sub/path"},
      {"{{ safeHtml \"<b>\" }}", "<b>"},
      {"{{ with args 1 \"x\" }}{{ .arg0 }}-{{ .arg1 }}{{ end }}", "1-x"},
      {"{{ (args 1).arg5 }}", "<no value>"},
      {"{{ len (args 1 2 3) }}", "3"},
      // Unicode case mapping, as Go's strings package.
      {"{{ toUpper \"h\xC3\xA9llo\" }}", "H\xC3\x89LLO"},
      {"{{ toLower \"H\xC3\x89LLO\" }}", "h\xC3\xA9llo"},
      {"{{ title \"h\xC3\xA9llo w\xC3\xB6rld\" }}", "H\xC3\xA9llo W\xC3\xB6rld"},
      {"{{ title \"o'neil x-y 1a a_b\" }}", "O'Neil X-Y 1a A_b"},
      // Go's ParseFloat rules for numeric strings.
      {"{{ humanize \"1_000\" }}", "1k"},
      {"{{ humanize \"1e3\" }}", "1k"},
      {"{{ humanize \"0x1p10\" }}", "1.024k"},
      {"{{ humanize \"+Infinity\" }}", "+Inf"},
      {"{{ humanize \"nan\" }}", "NaN"},
      // Go's int64 conversion of huge values (math.MinInt64 on amd64).
      {"{{ humanizeDuration 1e20 }}", "-106751991167300d -15h -30m -8s"},
      {"{{ parseDuration \"1y2w3d\" }}", "3.30048e+07"},
      {"{{ html nil }} {{ urlquery nil }}", "&lt;no value&gt; %3Cno+value%3E"},
      {"{{ sortByLabel \"x\" nil }}", "[]"},
  });
}

struct ErrorCase {
  std::string text;
  std::string want;
};

TEST(TemplateFunctionsTest, ArgumentErrors) {
  const ErrorCase cases[] = {
      {"{{ humanize \"abc\" }}",
       "template: T:1:3: executing \"T\" at <humanize \"abc\">: error calling humanize: strconv.ParseFloat: parsing "
       "\"abc\": invalid syntax"},
      {"{{ humanize true }}",
       "template: T:1:3: executing \"T\" at <humanize true>: error calling humanize: can't convert bool to float"},
      {"{{ humanize (args) }}",
       "template: T:1:3: executing \"T\" at <humanize (args)>: error calling humanize: can't convert "
       "map[string]interface {} to float"},
      {"{{ humanize nil }}",
       "template: T:1:3: executing \"T\" at <humanize nil>: error calling humanize: can't convert <nil> to float"},
      {"{{ humanize 1 2 }}",
       "template: T:1:3: executing \"T\" at <humanize>: wrong number of args for humanize: want 1 got 2"},
      {"{{ humanize }}", "template: T:1:3: executing \"T\" at <humanize>: wrong number of args for humanize: want 1 got 0"},
      {"{{ humanizeTimestamp 1e20 }}",
       "template: T:1:3: executing \"T\" at <humanizeTimestamp 1e20>: error calling humanizeTimestamp: 1e+20 cannot be "
       "represented as a nanoseconds timestamp since it overflows int64"},
      {"{{ toTime \"NaN\" }}",
       "template: T:1:3: executing \"T\" at <toTime \"NaN\">: error calling toTime: value is NaN or Inf"},
      {"{{ title 1 }}", "template: T:1:9: executing \"T\" at <1>: expected string; found 1"},
      {"{{ 1.5 | title }}",
       "template: T:1:9: executing \"T\" at <title>: wrong type for value; expected string; got float64"},
      {"{{ safeHtml \"x\" | toUpper }}",
       "template: T:1:18: executing \"T\" at <toUpper>: wrong type for value; expected string; got template.HTML"},
      {"{{ label \"x\" 1 }}", "template: T:1:13: executing \"T\" at <1>: can't handle 1 for arg of type *template.sample"},
      {"{{ value (args) }}",
       "template: T:1:10: executing \"T\" at <args>: wrong type for value; expected *template.sample; got "
       "map[string]interface {}"},
      {"{{ first nil }}", "template: T:1:3: executing \"T\" at <first nil>: error calling first: first() called on vector "
                          "with no elements"},
      {"{{ match \"(\" \"x\" }}",
       "template: T:1:3: executing \"T\" at <match \"(\" \"x\">: error calling match: error parsing regexp: missing "
       "closing ): `(`"},
      {"{{ reReplaceAll \"[a\" \"\" \"x\" }}",
       "template: T:1:3: executing \"T\" at <reReplaceAll \"[a\" \"\" \"x\">: error calling reReplaceAll: "
       "regexp: Compile(`[a`): error parsing regexp: missing closing ]: `[a`"},
      {"{{ match \"a**\" \"x\" }}",
       "template: T:1:3: executing \"T\" at <match \"a**\" \"x\">: error calling match: error parsing regexp: invalid "
       "nested repetition operator: `**`"},
      {"{{ parseDuration \"x\" }}",
       "template: T:1:3: executing \"T\" at <parseDuration \"x\">: error calling parseDuration: not a valid duration "
       "string: \"x\""},
      {"{{ humanize \"0x10\" }}",
       "template: T:1:3: executing \"T\" at <humanize \"0x10\">: error calling humanize: strconv.ParseFloat: parsing "
       "\"0x10\": invalid syntax"},
      {"{{ humanize \"1e400\" }}",
       "template: T:1:3: executing \"T\" at <humanize \"1e400\">: error calling humanize: strconv.ParseFloat: parsing "
       "\"1e400\": value out of range"},
      {"{{ parseDuration \"5x\" }}",
       "template: T:1:3: executing \"T\" at <parseDuration \"5x\">: error calling parseDuration: not a valid duration "
       "string: \"5x\""},
      {"{{ parseDuration \"\" }}",
       "template: T:1:3: executing \"T\" at <parseDuration \"\">: error calling parseDuration: empty duration string"},
      {"{{ (toTime 1.5) | len }}",
       "template: T:1:18: executing \"T\" at <len>: error calling len: len of type time.Time"},
      {"{{ (toTime 1).Format }}",
       "template: T:1:11: executing \"T\" at <1>: wrong number of args for Format: want 1 got 0"},
      {"{{ (toTime 1).Nope }}",
       "template: T:1:11: executing \"T\" at <1>: can't evaluate field Nope in type *time.Time"},
      {"{{ query \"up\" }}",
       "template: T:1:3: executing \"T\" at <query \"up\">: error calling query: no query engine available to templates"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    auto out = Expand(c.text);
    ASSERT_FALSE(out.ok()) << *out;
    EXPECT_EQ(out.status().message(), c.want);
  }
}

TEST(TemplateFunctionsTest, HumanizeHelpersDirectly) {
  EXPECT_EQ(Humanize(1234567), "1.235M");
  EXPECT_EQ(Humanize1024(1048576), "1Mi");
  EXPECT_EQ(HumanizeDuration(3661), "1h 1m 1s");
  EXPECT_EQ(HumanizePercentage(0.5), "50%");
  auto ts = HumanizeTimestamp(-1.5);
  ASSERT_TRUE(ts.ok());
  EXPECT_EQ(*ts, "1969-12-31 23:59:58.5 +0000 UTC");
  EXPECT_FALSE(FloatToDurationNanos(1e300).ok());
  EXPECT_EQ(*FloatToUnixNanos(1.0019), 1001000000);  // millisecond precision
}

}  // namespace
}  // namespace vigil::rules::tmpl
