// The PromQL lexer, after Prometheus 2.53's promql/parser/lex.go: turns query
// text into tokens with byte positions, tracking (), {} and [] state the same
// way so that errors ("unclosed left parenthesis", "bad duration syntax: ...")
// and their positions match Prometheus. Also hosts the Go string quoting
// helpers the parser and printer share. A Lexer borrows its input, which must
// outlive it; single-owner.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::query {

enum class Tok : unsigned char {
  kEOF, kError, kComment, kIdentifier, kMetricIdentifier, kNumber, kDuration, kString,
  kLeftParen, kRightParen, kLeftBrace, kRightBrace, kLeftBracket, kRightBracket,
  kComma, kEql, kColon, kSpace, kBlank, kTimes,
  // Operators.
  kAdd, kSub, kMul, kDiv, kMod, kPow, kEqlc, kNeq, kLss, kLte, kGtr, kGte,
  kEqlRegex, kNeqRegex, kLand, kLor, kLunless, kAt, kAtan2,
  // Aggregators.
  kAvg, kBottomk, kCount, kCountValues, kGroup, kMax, kMin, kQuantile, kStddev,
  kStdvar, kSum, kTopk,
  // Keywords.
  kBool, kBy, kGroupLeft, kGroupRight, kIgnoring, kOffset, kOn, kWithout,
  // Preprocessors.
  kStart, kEnd,
};

bool IsOperatorTok(Tok t);
bool IsAggregatorTok(Tok t);
bool IsKeywordTok(Tok t);

struct Token {
  Tok type = Tok::kEOF;
  int pos = 0;           // byte offset of the first character
  std::string_view val;  // the token's text (for kError: empty, see message)
  std::string message;   // kError only: the lexer's error text
  int end() const { return pos + static_cast<int>(val.size()); }
};

// Prometheus's Item.desc(): `identifier "foo"`, `<op:+>`, `<by>`, `","`,
// `number "1"`, "end of input", ...
std::string TokenDesc(const Token& t);

class Lexer {
 public:
  // series_desc selects the series-description mode of ParseSeriesDesc.
  explicit Lexer(std::string_view input, bool series_desc = false)
      : input_(input), series_desc_(series_desc) {}
  // The next token. After kEOF or kError, keeps returning kEOF.
  Token Next();
  // All tokens up to and including the first kEOF or kError; comments are
  // dropped unless keep_comments.
  static std::vector<Token> LexAll(std::string_view input, bool series_desc = false,
                                   bool keep_comments = false);

 private:
  enum class State { kStatements, kValueSequence, kDone };
  int Peek() const;       // next rune or -1
  int NextRune();         // consumes; -1 at end
  void Backup() { pos_ -= width_; }
  bool Accept(std::string_view valid);
  void AcceptRun(std::string_view valid);
  Token Emit(Tok t);
  Token Error(std::string msg);
  void SkipSpaces();
  bool ScanNumber();
  bool AcceptRemainingDuration();
  Token LexStatements();
  Token LexInsideBraces();
  Token LexValueSequence();
  Token LexString(int quote);
  Token LexRawString();
  Token LexKeywordOrIdentifier();
  Token LexNumberOrDuration();
  Token LexDuration();
  Token LexComment();
  // Scans an escape after '\'; returns an error message or "".
  std::string LexEscape(int quote);

  std::string_view input_;
  bool series_desc_;
  State state_ = State::kStatements;
  int pos_ = 0;
  int start_ = 0;
  int width_ = 0;
  int paren_depth_ = 0;
  bool brace_open_ = false;
  bool bracket_open_ = false;
  bool got_colon_ = false;
  bool pending_duration_ = false;  // after '[': lex a duration next
};

// Go's strconv.Quote (printable runes kept, others escaped).
std::string GoQuote(std::string_view s);
// Go's %q of a single rune ('x', '\n', '\x00').
std::string GoQuoteRune(int r);
// Prometheus strutil.Unquote: removes "", '' or `` quotes and resolves Go
// escapes. False on malformed input.
bool GoUnquote(std::string_view quoted, std::string* out);
// Decodes one UTF-8 rune at s[i]; sets *width (>= 1). Returns 0xFFFD for
// invalid bytes (width 1).
int DecodeRune(std::string_view s, size_t i, int* width);
void AppendRune(std::string* out, uint32_t r);
// Approximates Go's unicode.IsPrint (which runes GoQuote leaves unescaped).
bool IsPrintRune(int r);

}  // namespace vigil::query
