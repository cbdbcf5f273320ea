// Go text/template execution semantics: truthiness, control structures,
// variables, pipelines, builtins, comparisons, define/template/block, and
// execution errors with Go's location/context/message.
#include <gtest/gtest.h>

#include "server/rules/template/template_exec.h"
#include "server/rules/template/template_parser.h"

namespace vigil::rules::tmpl {
namespace {

Value StringMap(std::initializer_list<std::pair<const char*, const char*>> kv) {
  auto m = std::make_shared<MapPayload>();
  for (const auto& [k, v] : kv) m->entries[k] = Value::String(v);
  return Value::Map(std::move(m), "map[string]string");
}

Value IntList(std::initializer_list<int> xs) {
  auto l = std::make_shared<ListPayload>();
  for (int x : xs) l->items.push_back(Value::Int(x));
  return Value::List(std::move(l), "[]int");
}

Value TestData() {
  auto f = std::make_shared<StructPayload>();
  f->fields = {{"Str", Value::String("hello")},    {"Int", Value::Int(7)},
               {"Float", Value::Float(1.5)},       {"Zero", Value::Float(0)},
               {"Empty", Value::String("")},       {"Map", StringMap({{"a", "1"}, {"b", "2"}})},
               {"List", IntList({1, 2, 3})},        {"EmptyList", IntList({})},
               {"True", Value::Bool(true)},         {"Big", Value::Float(1e6)}};
  return Value::Struct(std::move(f), "main.Data", false);
}

Result<std::string> RunTemplate(const std::string& text, const ExecLimits& limits = ExecLimits()) {
  ASSIGN_OR_RETURN(auto parsed, ParseTemplate("T", text));
  static const TemplateData kData;
  FuncEnv env{&kData};
  return ExecuteParsedTemplate(*parsed, TestData(), env, limits);
}

struct Case {
  std::string text;
  std::string want;
};

void ExpectOutputs(const std::vector<Case>& cases) {
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    auto out = RunTemplate(c.text);
    ASSERT_TRUE(out.ok()) << out.status().message();
    EXPECT_EQ(*out, c.want);
  }
}

TEST(TemplateExecTest, FieldsAndPrinting) {
  ExpectOutputs({
      {"{{.Str}}", "hello"},
      {"{{.Int}}", "7"},
      {"{{.Float}}", "1.5"},
      {"{{.Big}}", "1e+06"},
      {"{{.Map.a}}", "1"},
      {"{{.Map.zz}}|", "|"},  // missing key of map[string]string: ""
      {"{{.Map}}", "map[a:1 b:2]"},
      {"{{.List}}", "[1 2 3]"},
      {"{{.True}}", "true"},
      {"{{with .Map}}{{.b}}{{$.Str}}{{end}}", "2hello"},
      {"{{$.Int}}", "7"},
      {"{{(args 1).arg5}}", "<no value>"},
      {"text only", "text only"},
  });
}

TEST(TemplateExecTest, Truthiness) {
  ExpectOutputs({
      {"{{if .Empty}}y{{else}}n{{end}}", "n"},
      {"{{if .Zero}}y{{else}}n{{end}}", "n"},
      {"{{if .EmptyList}}y{{else}}n{{end}}", "n"},
      {"{{if .List}}y{{else}}n{{end}}", "y"},
      {"{{if .Str}}y{{else}}n{{end}}", "y"},
      {"{{if 0}}y{{else}}n{{end}}", "n"},
      {"{{if 0.0}}y{{else}}n{{end}}", "n"},
      {"{{if \"\"}}y{{else}}n{{end}}", "n"},
      {"{{if false}}y{{else}}n{{end}}", "n"},
      {"{{if .Map.zz}}y{{else}}n{{end}}", "n"},
      {"{{if .Map}}y{{else}}n{{end}}", "y"},
      {"{{if .Empty}}a{{else if .Str}}b{{else}}c{{end}}", "b"},
      {"{{if .Empty}}a{{else if .Zero}}b{{else}}c{{end}}", "c"},
      {"{{with .Str}}{{.}}{{end}}", "hello"},
      {"{{with .Empty}}x{{else}}none{{end}}", "none"},
      {"{{not 0}} {{not 1}} {{not \"\"}}", "true false true"},
  });
}

TEST(TemplateExecTest, Range) {
  ExpectOutputs({
      {"{{range .List}}{{.}},{{end}}", "1,2,3,"},
      {"{{range $i, $e := .List}}{{$i}}:{{$e}} {{end}}", "0:1 1:2 2:3 "},
      {"{{range $e := .List}}{{$e}}{{end}}", "123"},
      {"{{range .EmptyList}}x{{else}}empty{{end}}", "empty"},
      {"{{range $k, $v := .Map}}{{$k}}{{$v}}{{end}}", "a1b2"},
      {"{{range .Map}}{{.}}{{end}}", "12"},
      {"{{range .List}}{{if eq . 2}}{{break}}{{end}}{{.}}{{end}}", "1"},
      {"{{range .List}}{{if eq . 2}}{{continue}}{{end}}{{.}}{{end}}", "13"},
      {"{{range (args).x}}x{{else}}none{{end}}", "none"},
      {"{{range $i, $e := .List}}{{range $.List}}{{$i}}{{end}}{{end}}", "000111222"},
      {"{{$x := 0}}{{range .List}}{{$x = .}}{{end}}{{$x}}", "3"},
  });
}

TEST(TemplateExecTest, Variables) {
  ExpectOutputs({
      {"{{$x := 1}}{{$x}}", "1"},
      {"{{$x := 1}}{{$x = 2}}{{$x}}", "2"},
      {"{{$x := 1}}{{if true}}{{$x := 2}}{{$x}}{{end}}{{$x}}", "21"},
      {"{{$x := 1}}{{if true}}{{$x = 2}}{{end}}{{$x}}", "2"},
      {"{{$x := .Map}}{{$x.a}}", "1"},
      {"{{$ := 5}}{{$}}", "5"},
      {"{{with $x := .Str}}{{$x}}{{end}}", "hello"},
  });
}

TEST(TemplateExecTest, AndOrShortCircuit) {
  ExpectOutputs({
      {"{{and 1 0 2}}", "0"},
      {"{{and 1 2}}", "2"},
      {"{{or 0 \"\" \"x\"}}", "x"},
      {"{{or 0 \"\"}}|", "|"},
      {"{{or 1 (index .List 10)}}", "1"},  // the error is never evaluated
      {"{{and 0 (index .List 10)}}", "0"},
      {"{{0 | or 5}}", "5"},
      {"{{0 | and 5}}", "0"},
      {"{{if and .Str .Int}}yes{{end}}", "yes"},
  });
}

TEST(TemplateExecTest, BuiltinFunctions) {
  ExpectOutputs({
      {"{{len .List}} {{len .Str}} {{len .Map}}", "3 5 2"},
      {"{{index .List 1}}", "2"},
      {"{{index .Map \"b\"}}", "2"},
      {"{{index .Map \"zz\"}}|", "|"},
      {"{{index \"abc\" 1}}", "98"},
      {"{{index .List}}", "[1 2 3]"},
      {"{{slice \"abcdef\" 1 3}}", "bc"},
      {"{{slice .List 1}}", "[2 3]"},
      {"{{print 1 2}}", "1 2"},
      {"{{print \"a\" 1 2 \"b\"}}", "a1 2b"},
      {"{{println 1 \"a\"}}", "1 a\n"},
      {"{{printf \"%d-%s\" 3 \"x\"}}", "3-x"},
      {"{{\"x\" | printf \"%s!\"}}", "x!"},
      {"{{\"abc\" | printf \"%s-%s\" \"x\"}}", "x-abc"},
      {"{{printf \"%.2f\" .Float}}", "1.50"},
      {"{{printf \"%d\" .Float}}", "%!d(float64=1.5)"},
      {"{{printf \"%v|%v\" .Map .List}}", "map[a:1 b:2]|[1 2 3]"},
      {"{{html \"<a href='x'>&\"}}", "&lt;a href=&#39;x&#39;&gt;&amp;"},
      {"{{js \"a'b\\\"<c>\"}}", "a\\'b\\\"\\u003Cc\\u003E"},
      {"{{urlquery \"a b&c=d/é\"}}", "a+b%26c%3Dd%2F%C3%A9"},
      {"{{.Str | len}}", "5"},
      {"{{(len .List) | printf \"%03d\"}}", "003"},
      {"{{len .List | eq 3}}", "true"},
  });
}

TEST(TemplateExecTest, Comparisons) {
  ExpectOutputs({
      {"{{eq 1 1}}", "true"},
      {"{{eq 1 2 3 1}}", "true"},
      {"{{eq 1 2 3}}", "false"},
      {"{{eq \"a\" \"b\"}}", "false"},
      {"{{eq .Str \"hello\"}}", "true"},
      {"{{eq .Map.a \"1\"}}", "true"},
      {"{{eq .Map.zz \"\"}}", "true"},
      {"{{ne 1 2}}", "true"},
      {"{{lt 1 2}} {{lt 2 1}}", "true false"},
      {"{{le 2 2}} {{le 3 2}}", "true false"},
      {"{{gt 1.5 1.2}} {{gt 1.2 1.5}}", "true false"},
      {"{{ge \"b\" \"a\"}} {{ge \"a\" \"b\"}}", "true false"},
      {"{{lt .Float 2.0}}", "true"},
      {"{{eq true true}}", "true"},
      {"{{eq (args).x nil}}", "true"},
  });
}

TEST(TemplateExecTest, NumbersAndStrings) {
  ExpectOutputs({
      {"{{0x10}}", "16"},
      {"{{1e3}}", "1000"},
      {"{{1.5e3}}", "1500"},
      {"{{-3}}", "-3"},
      {"{{+3}}", "3"},
      {"{{'a'}}", "97"},
      {"{{'\\n'}}", "10"},
      {"{{0o17}}", "15"},
      {"{{017}}", "15"},
      {"{{0b101}}", "5"},
      {"{{1_000}}", "1000"},
      {"{{.5}}", "0.5"},
      {"{{1e100}}", "1e+100"},
      {"{{1.0}}", "1"},
      {"{{\"a\\tb\\u00e9\"}}", "a\tb\xC3\xA9"},
      {"{{`raw\\n`}}", "raw\\n"},
      {"{{true}} {{false}}", "true false"},
  });
}

TEST(TemplateExecTest, TrimMarkersAndComments) {
  ExpectOutputs({
      {"a  {{- 1 -}}  b", "a1b"},
      {"a \n {{- 1}} b", "a1 b"},
      {"a {{1 -}} \n\t b", "a 1b"},
      {"a {{- /* c */ -}} b", "ab"},
      {"{{/* comment */}}x", "x"},
      {"{{- 1 -}}", "1"},
      {"{{1}}-{{2}}", "1-2"},
      {"{{-1}}", "-1"},  // "{{-1" is the number -1, not a trim marker
      {"{{ .Str\n }}", "hello"},  // newlines inside actions
  });
}

TEST(TemplateExecTest, DefineTemplateBlock) {
  ExpectOutputs({
      {"{{define \"T1\"}}[{{.}}]{{end}}{{template \"T1\" .Str}}", "[hello]"},
      {"{{template \"T1\" 5}}{{define \"T1\"}}<{{.}}>{{end}}", "<5>"},
      {"{{block \"B\" .Int}}b{{.}}{{end}}", "b7"},
      {"{{define \"T1\"}}x{{.}}{{end}}{{template \"T1\"}}", "x<no value>"},
      {"{{define \"a\"}}A{{template \"b\" .}}{{end}}{{define \"b\"}}B{{.}}{{end}}{{template \"a\" 1}}", "AB1"},
      {"{{define \"T1\"}}{{$}}{{end}}{{$x := 3}}{{template \"T1\" $x}}", "3"},
  });
}

struct ErrorCase {
  std::string text;
  std::string want;
};

TEST(TemplateExecTest, ExecutionErrorsReadLikeGo) {
  const ErrorCase cases[] = {
      {"{{.Nope}}", "template: T:1:2: executing \"T\" at <.Nope>: can't evaluate field Nope in type main.Data"},
      {"{{.Str.Len}}", "template: T:1:6: executing \"T\" at <.Str.Len>: can't evaluate field Len in type string"},
      {"x\ny {{.Nope}}", "template: T:2:4: executing \"T\" at <.Nope>: can't evaluate field Nope in type main.Data"},
      {"{{index .List 5}}",
       "template: T:1:2: executing \"T\" at <index .List 5>: error calling index: index out of range: 5"},
      {"{{index .List 3}}",
       "template: T:1:2: executing \"T\" at <index .List 3>: error calling index: reflect: slice index out of range"},
      {"{{index 1 0}}", "template: T:1:2: executing \"T\" at <index 1 0>: error calling index: can't index item of type int"},
      {"{{len 3}}", "template: T:1:2: executing \"T\" at <len 3>: error calling len: len of type int"},
      {"{{lt 1 1.5}}", "template: T:1:2: executing \"T\" at <lt 1 1.5>: error calling lt: incompatible types for comparison"},
      {"{{eq .Float 1}}",
       "template: T:1:2: executing \"T\" at <eq .Float 1>: error calling eq: incompatible types for comparison"},
      {"{{lt true false}}",
       "template: T:1:2: executing \"T\" at <lt true false>: error calling lt: invalid type for comparison"},
      {"{{eq 1}}", "template: T:1:2: executing \"T\" at <eq 1>: error calling eq: missing argument for comparison"},
      {"{{printf}}", "template: T:1:2: executing \"T\" at <printf>: wrong number of args for printf: want at least 1 got 0"},
      {"{{not 1 2}}", "template: T:1:2: executing \"T\" at <not>: wrong number of args for not: want 1 got 2"},
      {"{{1 | not 2}}", "template: T:1:6: executing \"T\" at <not>: wrong number of args for not: want 1 got 2"},
      {"{{printf 1}}", "template: T:1:9: executing \"T\" at <1>: expected string; found 1"},
      {"{{printf .Int}}", "template: T:1:9: executing \"T\" at <.Int>: wrong type for value; expected string; got int"},
      {"{{nil}}", "template: T:1:2: executing \"T\" at <nil>: nil is not a command"},
      {"{{1 2}}", "template: T:1:2: executing \"T\" at <1>: can't give argument to non-function 1"},
      {"{{.Str 1}}", "template: T:1:2: executing \"T\" at <.Str>: Str has arguments but cannot be invoked as function"},
      {"{{range 5}}{{end}}", "template: T:1:8: executing \"T\" at <5>: range can't iterate over 5"},
      {"{{template \"nope\"}}", "template: T:1:11: executing \"T\" at <{{template \"nope\"}}>: template \"nope\" not defined"},
      {"{{define \"D\"}}{{.Nope}}{{end}}{{template \"D\" .}}",
       "template: T:1:16: executing \"D\" at <.Nope>: can't evaluate field Nope in type main.Data"},
      // Go reports the last node evaluated (the inner `args`), and a field
      // chain's position is that of its second field.
      {"{{(args).x.y}}", "template: T:1:3: executing \"T\" at <args>: nil pointer evaluating interface {}.y"},
      {"{{range .Map.zz}}{{end}}", "template: T:1:12: executing \"T\" at <.Map.zz>: range can't iterate over "},
      {"{{99999999999999999999.0 | printf \"%d\"}}", "%!d(float64=1e+20)"},  // not an error
      {"{{index $.Map nil}}", "template: T:1:2: executing \"T\" at <index $.Map nil>: error calling index: value is nil; should be of type string"},
      {"{{index (args) \"a\" \"b\"}}", "template: T:1:2: executing \"T\" at <index (args) \"a\" \"b\">: error calling index: index of nil pointer"},
      {"{{len nil}}", "template: T:1:2: executing \"T\" at <len nil>: error calling len: reflect: call of reflect.Value.Type on zero Value"},
      {"{{1i}}", "template: T:1:2: executing \"T\" at <1i>: complex constants are not supported: 1i"},
      {"{{printf \"%+v\" .}}", "{Str:hello Int:7 Float:1.5 Zero:0 Empty: Map:map[a:1 b:2] List:[1 2 3] EmptyList:[] True:true Big:1e+06}"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    auto out = RunTemplate(c.text);
    if (out.ok()) {
      EXPECT_EQ(*out, c.want);
      continue;
    }
    EXPECT_EQ(out.status().message(), c.want);
  }
}

TEST(TemplateExecTest, LimitsStopRunawayTemplates) {
  auto out = RunTemplate("{{define \"r\"}}{{template \"r\"}}{{end}}{{template \"r\"}}");
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("exceeded maximum template depth (1000)"), std::string::npos)
      << out.status().message();

  ExecLimits small;
  small.max_output_bytes = 10;
  out = RunTemplate("{{range .List}}0123456789{{end}}", small);
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("template output exceeds 10 bytes"), std::string::npos);

  ExecLimits few_steps;
  few_steps.max_steps = 30;
  out = RunTemplate("{{range .List}}{{range $.List}}{{range $.List}}{{.}}{{end}}{{end}}{{end}}", few_steps);
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("steps"), std::string::npos);
  EXPECT_TRUE(RunTemplate("{{range .List}}{{.}}{{end}}", few_steps).ok());
}

}  // namespace
}  // namespace vigil::rules::tmpl
