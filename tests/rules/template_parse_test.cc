// Lexer and parser: Go's parse error messages ("template: NAME:LINE: ...")
// and the String() forms of parsed nodes.
#include <gtest/gtest.h>

#include "server/rules/template/template_lexer.h"
#include "server/rules/template/template_parser.h"

namespace vigil::rules::tmpl {
namespace {

struct Case {
  std::string text;
  std::string want;
};

TEST(TemplateParseTest, SyntaxErrorsMatchGo) {
  const Case cases[] = {
      {"{{", "template: T:1: unclosed action"},
      {"{{ .Foo", "template: T:1: unclosed action"},
      {"{{ .Foo }", "template: T:1: unexpected \"}\" in operand"},
      {"{{ foo }}", "template: T:1: function \"foo\" not defined"},
      {"{{ .X | foo }}", "template: T:1: function \"foo\" not defined"},
      {"{{ $x }}", "template: T:1: undefined variable \"$x\""},
      {"{{ if true }}", "template: T:1: unexpected EOF"},
      {"{{ range .X }}{{ if 1 }}{{ end }}", "template: T:1: unexpected EOF"},
      {"{{ end }}", "template: T:1: unexpected {{end}}"},
      {"{{ else }}", "template: T:1: unexpected {{else}}"},
      {"{{ if }}{{ end }}", "template: T:1: missing value for if"},
      {"{{ range }}{{ end }}", "template: T:1: missing value for range"},
      {"{{ with }}{{ end }}", "template: T:1: missing value for with"},
      {"{{ }}", "template: T:1: missing value for command"},
      {"{{ ( ) }}", "template: T:1: missing value for parenthesized pipeline"},
      {"{{ ( .Foo }}", "template: T:1: unclosed left paren"},
      {"{{ ) }}", "template: T:1: unexpected \")\" in command"},
      {"{{ 1a }}", "template: T:1: bad number syntax: \"1a\""},
      {"{{ 0x1g }}", "template: T:1: bad number syntax: \"0x1g\""},
      {"{{ \"abc }}", "template: T:1: unterminated quoted string"},
      {"{{ `abc }}", "template: T:1: unterminated raw quoted string"},
      {"{{ 'a }}", "template: T:1: unterminated character constant"},
      {"{{ 'ab' }}", "template: T:1: malformed character constant: 'ab'"},
      {"{{ @ }}", "template: T:1: unexpected \"@\" in command"},
      {"{{ \x01 }}", "template: T:1: unrecognized character in action: U+0001"},
      {"{{ .Foo@ }}", "template: T:1: bad character U+0040 '@'"},
      {"{{ $x@ := 1 }}", "template: T:1: bad character U+0040 '@'"},
      {"{{ .A: }}", "template: T:1: expected :="},
      {"{{ a: }}", "template: T:1: function \"a\" not defined"},  // the parser sees `a` first
      {"{{/* x }}", "template: T:1: unclosed comment"},
      {"{{/* x */ }}", "template: T:1: comment ends before closing delimiter"},
      {"{{ 1 | 2 }}", "template: T:1: non executable command in pipeline stage 2"},
      {"{{ len . | . }}", "template: T:1: non executable command in pipeline stage 2"},
      {"{{ \"x\".Foo }}", "template: T:1: unexpected . after term \"\\\"x\\\"\""},
      {"{{ $x, $y := 1 }}", "template: T:1: too many declarations in command"},
      {"{{ range $a, $b, $c := . }}{{ end }}", "template: T:1: too many declarations in range"},
      {"{{ range $a, 1 }}{{ end }}", "template: T:1: range can only initialize variables"},
      {"{{ break }}", "template: T:1: {{break}} outside {{range}}"},
      {"{{ continue }}", "template: T:1: {{continue}} outside {{range}}"},
      {"{{ range . }}{{ break 1 }}{{ end }}", "template: T:1: unexpected \"1\" in {{break}}"},
      {"{{ define \"a\" }}x{{ end }}{{ define \"a\" }}y{{ end }}",
       "template: T:1: template: multiple definition of template \"a\""},
      {"{{ define a }}{{ end }}", "template: T:1: unexpected \"a\" in define clause"},
      {"{{ define \"a\" }}", "template: T:1: unexpected EOF"},
      {"{{ template foo }}", "template: T:1: unexpected \"foo\" in template clause"},
      {"{{ template \"x\" | }}", "template: T:1: unexpected \"|\" in template clause"},
      {"{{ if 1 }}{{ else }}{{ else }}{{ end }}", "template: T:1: expected end; found {{else}}"},
      {"{{ range . }}{{ else if 1 }}{{ end }}", "template: T:1: unexpected <if> in input"},
      {"{{ \xE2\x82\xAC }}", "template: T:1: unrecognized character in action: U+20AC '\xE2\x82\xAC'"},
      {"{{ 1__0 }}", "template: T:1: illegal number syntax: \"1__0\""},
      {"{{ 1_ }}", "template: T:1: illegal number syntax: \"1_\""},
      {"{{ 0x1.8 }}", "template: T:1: illegal number syntax: \"0x1.8\""},
      {"{{ 99999999999999999999 }}", "template: T:1: integer overflow: \"99999999999999999999\""},
      {"{{ | }}", "template: T:1: unexpected \"|\" in command"},
      {"{{ $x := }}", "template: T:1: missing value for command"},
      {"{{ = }}", "template: T:1: unexpected \"=\" in command"},
      {"{{ \"a\\q\" }}", "template: T:1: invalid syntax"},
      {"{{ nil.X }}", "template: T:1: unexpected . after term \"nil\""},
      {"{{ if 1 }}{{ end }}{{ end }}", "template: T:1: unexpected {{end}}"},
      {"{{ .X \"abcdefghijklmn\" ) }}", "template: T:1: unexpected \")\" in command"},
      {"{{ .X ,}}", "template: T:1: unexpected \",\" in operand"},
      {"{{ 1 \"abcdefghijklmnop\" , }}", "template: T:1: unexpected \",\" in operand"},
      // Line numbers: of the token where the error was found.
      {"a\n\n{{ foo }}", "template: T:3: function \"foo\" not defined"},
      {"{{ if 1 }}\n\n", "template: T:3: unexpected EOF"},
      {"{{ if\n", "template: T:2: unclosed action started at T:1"},
      {"{{ \"x\"\n.Y }}{{ foo }}", "template: T:2: function \"foo\" not defined"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    auto parsed = ParseTemplate("T", c.text);
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.status().message(), c.want);
  }
}

TEST(TemplateParseTest, ValidTemplatesParse) {
  const std::string valid[] = {
      "",
      "plain",
      "{{.}}",
      "{{ $ }}",
      "{{ .A.B.C }}",
      "{{ $x := 1 }}{{ $x = 2 }}",
      "{{ range $i, $v := . }}{{ $i }}{{ end }}",
      "{{ range $v := . }}{{ else }}{{ end }}",
      "{{ if 1 }}{{ else if 2 }}{{ else if 3 }}{{ else }}{{ end }}",
      "{{ with $x := . }}{{ $x }}{{ end }}",
      "{{ (1) }}",
      "{{ (.X).Y }}",
      "{{ (len .).Foo }}",
      "{{ \"a\" | printf \"%s\" | len }}",
      "{{ 'a' }} {{ '\\n' }} {{ '\\u00e9' }} {{ 0x1F }} {{ 1e-3 }} {{ -.5 }}",
      "{{- /* a comment */ -}}",
      "{{ define \"x\" }}{{ end }}{{ define \"x\" }}   {{ end }}",  // empty redefinition is allowed
      "{{ block \"b\" . }}{{ end }}",
      "{{ template \"b\" }}",
      "{{ range . }}{{ if 1 }}{{ break }}{{ else }}{{ continue }}{{ end }}{{ end }}",
      "{{ .X\n  | len }}",
      "{{ humanize 1 | toUpper }}",
      "{{ .X | }}",  // Go accepts a trailing pipe
      "{{ .\xC3\xA9t\xC3\xA9 }}{{ $\xC3\xA9 := 1 }}{{ $\xC3\xA9 }}",  // Unicode letters in names
      "{{ 1i }} {{ 1+2i }} {{ 0x1p-2 }}",
  };
  for (const auto& text : valid) {
    SCOPED_TRACE(text);
    auto parsed = ParseTemplate("T", text);
    EXPECT_TRUE(parsed.ok()) << parsed.status().message();
  }
}

TEST(TemplateParseTest, NodesPrintLikeGo) {
  const Case cases[] = {
      {"{{ .A.B }}", "{{.A.B}}"},
      {"{{$x := 1}}", "{{$x := 1}}"},
      {"{{ $x := 1 }}{{ $x = 2 }}", "{{$x := 1}}{{$x = 2}}"},
      {"{{ printf \"%d\"   (len .) | html }}", "{{printf \"%d\" (len .) | html}}"},
      {"{{ if .A }}a{{ else }}b{{ end }}", "{{if .A}}a{{else}}b{{end}}"},
      {"{{ range $i, $v := .L }}x{{ end }}", "{{range $i, $v := .L}}x{{end}}"},
      {"{{ with .A }}{{ . }}{{ end }}", "{{with .A}}{{.}}{{end}}"},
      {"{{ template \"t\" . }}", "{{template \"t\" .}}"},
      {"{{ (.A).B }}", "{{(.A).B}}"},
      {"{{ nil | not }}", "{{nil | not}}"},
      {"{{ `raw` }}", "{{`raw`}}"},
      {"{{ true }}{{ 0x10 }}", "{{true}}{{0x10}}"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    auto parsed = ParseTemplate("T", c.text);
    ASSERT_TRUE(parsed.ok()) << parsed.status().message();
    EXPECT_EQ((*parsed)->trees.at("T")->String(), c.want);
  }
}

TEST(TemplateParseTest, DefinesAddTrees) {
  auto parsed = ParseTemplate("T", "a{{define \"x\"}}X{{end}}{{block \"y\" .}}Y{{end}}");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ((*parsed)->trees.size(), 3u);
  EXPECT_EQ((*parsed)->trees.at("x")->String(), "X");
  EXPECT_EQ((*parsed)->trees.at("y")->String(), "Y");
  EXPECT_EQ((*parsed)->trees.at("T")->String(), "a{{template \"y\" .}}");
}

TEST(TemplateParseTest, LexerTokens) {
  struct LexCase {
    std::string text;
    std::vector<TokenType> types;
  };
  using T = TokenType;
  const LexCase cases[] = {
      {"a{{.X}}b", {T::kText, T::kLeftDelim, T::kField, T::kRightDelim, T::kText, T::kEOF}},
      {"a {{- 1 -}} b", {T::kText, T::kLeftDelim, T::kNumber, T::kRightDelim, T::kText, T::kEOF}},
      {"{{$x := 'c'}}", {T::kLeftDelim, T::kVariable, T::kSpace, T::kDeclare, T::kSpace, T::kCharConstant,
                         T::kRightDelim, T::kEOF}},
      {"{{if else end range with nil true}}",
       {T::kLeftDelim, T::kIf, T::kSpace, T::kElse, T::kSpace, T::kEnd, T::kSpace, T::kRange, T::kSpace, T::kWith,
        T::kSpace, T::kNil, T::kSpace, T::kBool, T::kRightDelim, T::kEOF}},
      {"{{(x)|y}}", {T::kLeftDelim, T::kLeftParen, T::kIdentifier, T::kRightParen, T::kPipe, T::kIdentifier,
                     T::kRightDelim, T::kEOF}},
      {"{{/* c */}}", {T::kEOF}},
      {"{{ @", {T::kLeftDelim, T::kSpace, T::kChar, T::kError}},
      {"{{ \x01", {T::kLeftDelim, T::kSpace, T::kError}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    std::vector<TokenType> got;
    for (const auto& t : LexTemplate(c.text)) got.push_back(t.type);
    EXPECT_EQ(got, c.types);
  }
  auto tokens = LexTemplate("a\nb{{\n.X}}");
  ASSERT_GE(tokens.size(), 4u);
  EXPECT_EQ(tokens[1].line, 2);  // {{
  EXPECT_EQ(tokens[3].line, 3);  // .X
  EXPECT_EQ(tokens[3].pos, 6);
}

TEST(TemplateParseTest, TokenDescriptionsMatchGo) {
  Token t;
  t.type = TokenType::kChar;
  t.val = "}";
  EXPECT_EQ(t.Describe(), "\"}\"");
  t.type = TokenType::kString;
  t.val = "\"abcdefghijklmn\"";
  EXPECT_EQ(t.Describe(), "\"\\\"abcdefghi\"...");
  t.type = TokenType::kIf;
  t.val = "if";
  EXPECT_EQ(t.Describe(), "<if>");
  t.type = TokenType::kEOF;
  EXPECT_EQ(t.Describe(), "EOF");
}

TEST(TemplateParseTest, ErrorLocationsAreLineAndByteColumn) {
  auto parsed = ParseTemplate("N", "ab\ncd{{.X}}");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ((*parsed)->Location(0), "N:1:0");
  EXPECT_EQ((*parsed)->Location(2), "N:1:2");
  EXPECT_EQ((*parsed)->Location(7), "N:2:4");
}

}  // namespace
}  // namespace vigil::rules::tmpl
