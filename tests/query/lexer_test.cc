// Token streams of the PromQL lexer.
#include "query/lexer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace vigil::query {
namespace {

std::string Dump(std::string_view in, bool series = false) {
  std::string out;
  for (const Token& t : Lexer::LexAll(in, series, /*keep_comments=*/true)) {
    if (!out.empty()) out += " ";
    if (t.type == Tok::kEOF) {
      out += "EOF";
    } else if (t.type == Tok::kError) {
      out += "ERR(" + t.message + ")@" + std::to_string(t.pos);
    } else {
      out += TokenDesc(t);
    }
  }
  return out;
}

TEST(LexerTest, Tokens) {
  struct Case {
    const char* in;
    const char* want;
  };
  const Case cases[] = {
      {",", "\",\" EOF"},
      {"()", "\"(\" \")\" EOF"},
      {"{}", "\"{\" \"}\" EOF"},
      {"[5m]", "\"[\" duration \"5m\" \"]\" EOF"},
      {"[ 5m]", "\"[\" duration \"5m\" \"]\" EOF"},
      {"[5m:1m]", "\"[\" duration \"5m\" \":\" duration \"1m\" \"]\" EOF"},
      {"\r\n\r", "EOF"},
      {"1", "number \"1\" EOF"},
      {"4.23", "number \"4.23\" EOF"},
      {".3", "number \".3\" EOF"},
      {"5.", "number \"5.\" EOF"},
      {"NaN nAN Inf -inF", "number \"NaN\" number \"nAN\" number \"Inf\" <op:-> number \"inF\" EOF"},
      {"0x123", "number \"0x123\" EOF"},
      {"1e-3", "number \"1e-3\" EOF"},
      {"5m", "duration \"5m\" EOF"},
      {"1h30m", "duration \"1h30m\" EOF"},
      {"5mm", "ERR(bad number or duration syntax: \"5mm\")@0"},
      {"0x", "number \"0x\" EOF"},
      {"\"test\\tsequence\"", "string \"\\\"test\\\\tseq\"... EOF"},
      {"`raw`", "string \"`raw`\" EOF"},
      {"'s'", "string \"'s'\" EOF"},
      {"\"bad\\q\"", "ERR(unknown escape sequence U+0071 'q')@0"},
      {"\"open", "ERR(unterminated quoted string)@0"},
      {"abc d:e", "identifier \"abc\" metric identifier \"d:e\" EOF"},
      {"sum BY without on ignoring group_left group_right bool offset",
       "<aggr:sum> <BY> <without> <on> <ignoring> <group_left> <group_right> <bool> <offset> EOF"},
      {"and or unless atan2 == != < <= > >= + - * / % ^ @",
       "<op:and> <op:or> <op:unless> <op:atan2> <op:==> <op:!=> <op:<> <op:<=> <op:>> <op:>=> <op:+> <op:-> "
       "<op:*> <op:/> <op:%> <op:^> <op:@> EOF"},
      {"start end", "\"start\" \"end\" EOF"},
      {"foo{a=\"b\",c!=\"d\",e=~\"f\",g!~\"h\"}",
       "identifier \"foo\" \"{\" identifier \"a\" \"=\" string \"\\\"b\\\"\" \",\" identifier \"c\" <op:!=> "
       "string \"\\\"d\\\"\" \",\" identifier \"e\" <op:=~> string \"\\\"f\\\"\" \",\" identifier \"g\" "
       "<op:!~> string \"\\\"h\\\"\" \"}\" EOF"},
      {"{on=\"x\"}", "\"{\" identifier \"on\" \"=\" string \"\\\"x\\\"\" \"}\" EOF"},
      {"# comment\nfoo", "comment \"# comment\" identifier \"foo\" EOF"},
      {"foo # c", "identifier \"foo\" comment \"# c\" EOF"},
      {"(", "\"(\" ERR(unclosed left parenthesis)@1"},
      {")", "ERR(unexpected right parenthesis ')')@1"},
      {"[", "\"[\" ERR(missing unit character in duration)@1"},
      {"]", "ERR(unexpected right bracket ']')@0"},
      {"{", "\"{\" ERR(unexpected end of input inside braces)@1"},
      {"=~", "ERR(unexpected character after '=': '~')@0"},
      {"!", "ERR(unexpected character after '!': '\xEF\xBF\xBD')@0"},
      {"é", "ERR(unexpected character: 'é')@0"},
      {"\x01", "ERR(unexpected character: '\\x01')@0"},
      {"foo[5m:1m:]", "identifier \"foo\" \"[\" duration \"5m\" \":\" duration \"1m\" ERR(unexpected colon ':')@9"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.in);
    EXPECT_EQ(Dump(c.in), c.want);
  }
}

TEST(LexerTest, SeriesDescription) {
  EXPECT_EQ(Dump("m{a=\"b\"} 1+1x3 _x2 stale", true),
            "identifier \"m\" \"{\" identifier \"a\" \"=\" string \"\\\"b\\\"\" \"}\" \" \" number \"1\" "
            "<op:+> number \"1\" \"x\" number \"3\" \" \" \"_\" \"x\" number \"2\" \" \" "
            "identifier \"stale\" EOF");
}

TEST(LexerTest, Positions) {
  auto toks = Lexer::LexAll("foo  +\n bar");
  ASSERT_EQ(toks.size(), 4u);
  EXPECT_EQ(toks[0].pos, 0);
  EXPECT_EQ(toks[1].pos, 5);
  EXPECT_EQ(toks[2].pos, 8);
  EXPECT_EQ(toks[2].end(), 11);
}

TEST(GoStringTest, QuoteUnquote) {
  EXPECT_EQ(GoQuote("a\"b\\c\n\t\x01\x7f\xff é"), "\"a\\\"b\\\\c\\n\\t\\x01\\x7f\\xff é\"");
  EXPECT_EQ(GoQuote("\u00a0\u200b"), "\"\\u00a0\\u200b\"");
  std::string out;
  ASSERT_TRUE(GoUnquote("\"\\x41\\101\\u00e9\\U0001F600\\a\"", &out));
  EXPECT_EQ(out, "AA\u00e9\U0001F600\a");
  ASSERT_TRUE(GoUnquote("'\\''", &out));
  EXPECT_EQ(out, "'");
  ASSERT_TRUE(GoUnquote("`a\\n`", &out));
  EXPECT_EQ(out, "a\\n");
  EXPECT_FALSE(GoUnquote("\"\\'\"", &out));
  EXPECT_FALSE(GoUnquote("\"\\400\"", &out));
  EXPECT_FALSE(GoUnquote("\"\\ud800\"", &out));
  EXPECT_EQ(GoQuoteRune('\''), "'\\''");
  EXPECT_EQ(GoQuoteRune('\n'), "'\\n'");
}

}  // namespace
}  // namespace vigil::query
