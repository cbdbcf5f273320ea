// Go text/template's lexer (text/template/parse/lex.go): splits a template
// into text and action tokens, with trim markers ("{{- " / " -}}"), comments,
// quoted/raw strings, character constants and numbers. Lexing stops at the
// first error, which becomes a kError token carrying Go's message.
// Single-owner value type; the input must outlive the lexer.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace vigil::rules::tmpl {

enum class TokenType {
  kError,
  kBool,
  kChar,  // one printable ASCII character, e.g. ','
  kCharConstant,
  kComplex,
  kAssign,   // =
  kDeclare,  // :=
  kEOF,
  kField,  // .Name
  kIdentifier,
  kLeftDelim,
  kLeftParen,
  kNumber,
  kPipe,
  kRawString,
  kRightDelim,
  kRightParen,
  kSpace,
  kString,
  kText,
  kVariable,  // $ or $name
  // Keywords come after kKeyword (Go's ordering, used by Token::Describe).
  kKeyword,
  kBlock,
  kBreak,
  kContinue,
  kDot,
  kDefine,
  kElse,
  kEnd,
  kIf,
  kNil,
  kRange,
  kTemplate,
  kWith,
};

struct Token {
  TokenType type = TokenType::kEOF;
  int pos = 0;   // byte offset in the input
  int line = 1;  // line of the token's first byte
  std::string val;

  // Go's item.String(): "EOF", the error text, "<if>", "\"text\"" (quoted,
  // cut to 10 characters plus "...").
  std::string Describe() const;
};

// All tokens of `input` up to and including kEOF or the first kError.
std::vector<Token> LexTemplate(std::string_view input);

}  // namespace vigil::rules::tmpl
