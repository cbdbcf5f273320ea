#include "query/lexer.h"

#include <cctype>
#include <cstdio>
#include <optional>
#include <string>

namespace vigil::query {
namespace {

constexpr int kEofRune = -1;
constexpr int kRuneError = 0xFFFD;

bool IsSpace(int r) { return r == ' ' || r == '\t' || r == '\n' || r == '\r'; }
bool IsDigit(int r) { return r >= '0' && r <= '9'; }
bool IsAlpha(int r) { return r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z'); }
bool IsAlphaNumeric(int r) { return IsAlpha(r) || IsDigit(r); }

struct Keyword {
  std::string_view word;
  Tok tok;
};
constexpr Keyword kKeywords[] = {
    {"and", Tok::kLand},         {"or", Tok::kLor},
    {"unless", Tok::kLunless},   {"atan2", Tok::kAtan2},
    {"sum", Tok::kSum},          {"avg", Tok::kAvg},
    {"count", Tok::kCount},      {"min", Tok::kMin},
    {"max", Tok::kMax},          {"group", Tok::kGroup},
    {"stddev", Tok::kStddev},    {"stdvar", Tok::kStdvar},
    {"topk", Tok::kTopk},        {"bottomk", Tok::kBottomk},
    {"count_values", Tok::kCountValues}, {"quantile", Tok::kQuantile},
    {"offset", Tok::kOffset},    {"by", Tok::kBy},
    {"without", Tok::kWithout},  {"on", Tok::kOn},
    {"ignoring", Tok::kIgnoring}, {"group_left", Tok::kGroupLeft},
    {"group_right", Tok::kGroupRight}, {"bool", Tok::kBool},
    {"start", Tok::kStart},      {"end", Tok::kEnd},
    {"inf", Tok::kNumber},       {"nan", Tok::kNumber},
};

bool LookupKeyword(std::string_view word, Tok* tok) {
  if (word.size() > 12) return false;
  std::string lower(word);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const Keyword& k : kKeywords) {
    if (k.word == lower) {
      *tok = k.tok;
      return true;
    }
  }
  return false;
}

// Go's %#U: U+0078 'x'.
std::string FormatU(int r) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "U+%04X", static_cast<unsigned>(r < 0 ? kRuneError : r));
  std::string s = buf;
  if (r >= 0 && IsPrintRune(r)) {
    s += " '";
    AppendRune(&s, static_cast<uint32_t>(r));
    s += "'";
  }
  return s;
}

int DigitVal(int ch) {
  if (ch >= '0' && ch <= '9') return ch - '0';
  if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
  return 16;
}

}  // namespace

bool IsOperatorTok(Tok t) { return t >= Tok::kAdd && t <= Tok::kAtan2; }
bool IsAggregatorTok(Tok t) { return t >= Tok::kAvg && t <= Tok::kTopk; }
bool IsKeywordTok(Tok t) { return t >= Tok::kBool && t <= Tok::kWithout; }

std::string TokenDesc(const Token& t) {
  auto str = [&]() -> std::string {
    if (t.type == Tok::kIdentifier || t.type == Tok::kMetricIdentifier) return GoQuote(t.val);
    if (IsKeywordTok(t.type)) return "<" + std::string(t.val) + ">";
    if (IsOperatorTok(t.type)) return "<op:" + std::string(t.val) + ">";
    if (IsAggregatorTok(t.type)) return "<aggr:" + std::string(t.val) + ">";
    // Runes, not bytes, as Go's %.10q.
    size_t i = 0;
    int runes = 0;
    while (i < t.val.size() && runes < 10) {
      int w;
      DecodeRune(t.val, i, &w);
      i += static_cast<size_t>(w);
      ++runes;
    }
    if (t.val.size() > 10 && i < t.val.size()) return GoQuote(t.val.substr(0, i)) + "...";
    if (t.val.size() > 10) return GoQuote(t.val) + "...";
    return GoQuote(t.val);
  };
  switch (t.type) {
    case Tok::kEOF: return "end of input";
    case Tok::kError: return "error";
    case Tok::kComment: return "comment " + str();
    case Tok::kIdentifier: return "identifier " + str();
    case Tok::kMetricIdentifier: return "metric identifier " + str();
    case Tok::kString: return "string " + str();
    case Tok::kNumber: return "number " + str();
    case Tok::kDuration: return "duration " + str();
    default: return str();
  }
}

int Lexer::NextRune() {
  if (pos_ >= static_cast<int>(input_.size())) {
    width_ = 0;
    return kEofRune;
  }
  int r = DecodeRune(input_, static_cast<size_t>(pos_), &width_);
  pos_ += width_;
  return r;
}

int Lexer::Peek() const {
  if (pos_ >= static_cast<int>(input_.size())) return kEofRune;
  int w;
  return DecodeRune(input_, static_cast<size_t>(pos_), &w);
}

bool Lexer::Accept(std::string_view valid) {
  int r = NextRune();
  if (r >= 0 && r < 128 && valid.find(static_cast<char>(r)) != std::string_view::npos) return true;
  Backup();
  return false;
}

void Lexer::AcceptRun(std::string_view valid) {
  while (Accept(valid)) {
  }
}

Token Lexer::Emit(Tok t) {
  Token tok;
  tok.type = t;
  tok.pos = start_;
  tok.val = input_.substr(static_cast<size_t>(start_), static_cast<size_t>(pos_ - start_));
  start_ = pos_;
  return tok;
}

Token Lexer::Error(std::string msg) {
  Token tok;
  tok.type = Tok::kError;
  tok.pos = start_;
  tok.message = std::move(msg);
  state_ = State::kDone;
  return tok;
}

void Lexer::SkipSpaces() {
  while (IsSpace(Peek())) NextRune();
  start_ = pos_;
}

bool Lexer::ScanNumber() {
  std::string_view digits = "0123456789";
  if (!series_desc_ && Accept("0") && Accept("xX")) digits = "0123456789abcdefABCDEF";
  AcceptRun(digits);
  if (Accept(".")) AcceptRun(digits);
  if (Accept("eE")) {
    Accept("+-");
    AcceptRun("0123456789");
  }
  int r = Peek();
  return (series_desc_ && r == 'x') || !IsAlphaNumeric(r);
}

bool Lexer::AcceptRemainingDuration() {
  if (!Accept("smhdwy")) return false;
  Accept("s");
  while (Accept("0123456789")) {
    AcceptRun("0123456789");
    if (!Accept("smhdw")) return false;
    Accept("s");
  }
  return !IsAlphaNumeric(NextRune());
}

Token Lexer::LexNumberOrDuration() {
  if (ScanNumber()) return Emit(Tok::kNumber);
  if (AcceptRemainingDuration()) {
    Backup();
    return Emit(Tok::kDuration);
  }
  return Error("bad number or duration syntax: " +
               GoQuote(input_.substr(static_cast<size_t>(start_), static_cast<size_t>(pos_ - start_))));
}

Token Lexer::LexDuration() {
  if (ScanNumber()) return Error("missing unit character in duration");
  if (!AcceptRemainingDuration()) {
    return Error("bad duration syntax: " +
                 GoQuote(input_.substr(static_cast<size_t>(start_), static_cast<size_t>(pos_ - start_))));
  }
  Backup();
  return Emit(Tok::kDuration);
}

std::string Lexer::LexEscape(int quote) {
  int ch = NextRune();
  int n;
  uint32_t base, max;
  switch (ch) {
    case 'a': case 'b': case 'f': case 'n': case 'r': case 't': case 'v': case '\\':
      return "";
    case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7':
      n = 3; base = 8; max = 255;
      break;
    case 'x':
      ch = NextRune(); n = 2; base = 16; max = 255;
      break;
    case 'u':
      ch = NextRune(); n = 4; base = 16; max = 0x10ffff;
      break;
    case 'U':
      ch = NextRune(); n = 8; base = 16; max = 0x10ffff;
      break;
    case kEofRune:
      return "escape sequence not terminated";
    default:
      if (ch == quote) return "";
      return "unknown escape sequence " + FormatU(ch);
  }
  uint32_t x = 0;
  while (n > 0) {
    uint32_t d = static_cast<uint32_t>(ch < 0 ? 16 : DigitVal(ch));
    if (d >= base) {
      if (ch == kEofRune) return "escape sequence not terminated";
      return "illegal character " + FormatU(ch) + " in escape sequence";
    }
    x = x * base + d;
    --n;
    if (n > 0) ch = NextRune();
  }
  if (x > max || (x >= 0xD800 && x < 0xE000)) return "escape sequence is an invalid Unicode code point";
  return "";
}

Token Lexer::LexString(int quote) {
  for (;;) {
    int r = NextRune();
    if (r == '\\') {
      std::string err = LexEscape(quote);
      if (!err.empty()) return Error(err);
      continue;
    }
    if (r == kRuneError) return Error("invalid UTF-8 rune");
    if (r == kEofRune || r == '\n') return Error("unterminated quoted string");
    if (r == quote) break;
  }
  return Emit(Tok::kString);
}

Token Lexer::LexRawString() {
  for (;;) {
    int r = NextRune();
    if (r == kRuneError) return Error("invalid UTF-8 rune");
    if (r == kEofRune) return Error("unterminated raw string");
    if (r == '`') break;
  }
  return Emit(Tok::kString);
}

Token Lexer::LexComment() {
  pos_ += 1;
  int r = NextRune();
  while (r != '\r' && r != '\n' && r != kEofRune) r = NextRune();
  Backup();
  return Emit(Tok::kComment);
}

Token Lexer::LexKeywordOrIdentifier() {
  for (;;) {
    int r = NextRune();
    if (IsAlphaNumeric(r) || r == ':') continue;
    Backup();
    break;
  }
  std::string_view word = input_.substr(static_cast<size_t>(start_), static_cast<size_t>(pos_ - start_));
  Tok kw;
  Token tok;
  if (LookupKeyword(word, &kw)) {
    tok = Emit(kw);
  } else if (word.find(':') == std::string_view::npos) {
    tok = Emit(Tok::kIdentifier);
  } else {
    tok = Emit(Tok::kMetricIdentifier);
  }
  if (series_desc_ && Peek() != '{') state_ = State::kValueSequence;
  return tok;
}

Token Lexer::LexInsideBraces() {
  for (;;) {
    if (pos_ < static_cast<int>(input_.size()) && input_[static_cast<size_t>(pos_)] == '#') return LexComment();
    int r = NextRune();
    if (r == kEofRune) return Error("unexpected end of input inside braces");
    if (IsSpace(r)) {
      SkipSpaces();
      continue;
    }
    if (IsAlpha(r)) {
      while (IsAlphaNumeric(NextRune())) {
      }
      Backup();
      return Emit(Tok::kIdentifier);
    }
    switch (r) {
      case ',': return Emit(Tok::kComma);
      case '"': case '\'': return LexString(r);
      case '`': return LexRawString();
      case '=':
        if (NextRune() == '~') return Emit(Tok::kEqlRegex);
        Backup();
        return Emit(Tok::kEql);
      case '!': {
        int nr = NextRune();
        if (nr == '~') return Emit(Tok::kNeqRegex);
        if (nr == '=') return Emit(Tok::kNeq);
        return Error("unexpected character after '!' inside braces: " + GoQuoteRune(nr));
      }
      case '{': return Error("unexpected left brace '{'");
      case '}': {
        Token t = Emit(Tok::kRightBrace);
        brace_open_ = false;
        if (series_desc_) state_ = State::kValueSequence;
        return t;
      }
      default: return Error("unexpected character inside braces: " + GoQuoteRune(r));
    }
  }
}

Token Lexer::LexValueSequence() {
  for (;;) {
    int r = NextRune();
    if (r == kEofRune) {
      state_ = State::kStatements;
      return LexStatements();
    }
    if (r == '{' && Peek() == '{') return Error("native histograms in series descriptions are not supported");
    if (IsSpace(r)) {
      Token t = Emit(Tok::kSpace);
      SkipSpaces();
      return t;
    }
    switch (r) {
      case '+': return Emit(Tok::kAdd);
      case '-': return Emit(Tok::kSub);
      case 'x': return Emit(Tok::kTimes);
      case '_': return Emit(Tok::kBlank);
      default: break;
    }
    if (IsDigit(r) || (r == '.' && IsDigit(Peek()))) {
      Backup();
      if (!ScanNumber()) {
        return Error("bad number syntax: " +
                     GoQuote(input_.substr(static_cast<size_t>(start_), static_cast<size_t>(pos_ - start_))));
      }
      return Emit(Tok::kNumber);
    }
    if (IsAlpha(r)) {
      Backup();
      return LexKeywordOrIdentifier();
    }
    return Error("unexpected character in series sequence: " + GoQuoteRune(r));
  }
}

Token Lexer::LexStatements() {
  for (;;) {
    if (brace_open_) return LexInsideBraces();
    if (pos_ < static_cast<int>(input_.size()) && input_[static_cast<size_t>(pos_)] == '#') return LexComment();
    int r = NextRune();
    if (r == kEofRune) {
      if (paren_depth_ != 0) return Error("unclosed left parenthesis");
      if (bracket_open_) return Error("unclosed left bracket");
      Token t = Emit(Tok::kEOF);
      state_ = State::kDone;
      return t;
    }
    if (IsSpace(r)) {
      SkipSpaces();
      continue;
    }
    switch (r) {
      case ',': return Emit(Tok::kComma);
      case '*': return Emit(Tok::kMul);
      case '/': return Emit(Tok::kDiv);
      case '%': return Emit(Tok::kMod);
      case '+': return Emit(Tok::kAdd);
      case '-': return Emit(Tok::kSub);
      case '^': return Emit(Tok::kPow);
      case '@': return Emit(Tok::kAt);
      case '=': {
        int t = Peek();
        if (t == '=') {
          NextRune();
          return Emit(Tok::kEqlc);
        }
        if (t == '~') return Error("unexpected character after '=': " + GoQuoteRune(t));
        return Emit(Tok::kEql);
      }
      case '!': {
        int t = NextRune();
        if (t != '=') return Error("unexpected character after '!': " + GoQuoteRune(t));
        return Emit(Tok::kNeq);
      }
      case '<':
        if (Peek() == '=') {
          NextRune();
          return Emit(Tok::kLte);
        }
        return Emit(Tok::kLss);
      case '>':
        if (Peek() == '=') {
          NextRune();
          return Emit(Tok::kGte);
        }
        return Emit(Tok::kGtr);
      case '"': case '\'': return LexString(r);
      case '`': return LexRawString();
      case '(':
        ++paren_depth_;
        return Emit(Tok::kLeftParen);
      case ')': {
        Token t = Emit(Tok::kRightParen);
        if (--paren_depth_ < 0) return Error("unexpected right parenthesis ')'");
        return t;
      }
      case '{': {
        Token t = Emit(Tok::kLeftBrace);
        brace_open_ = true;
        return t;
      }
      case '[': {
        if (bracket_open_) return Error("unexpected left bracket '['");
        got_colon_ = false;
        Token t = Emit(Tok::kLeftBracket);
        if (IsSpace(Peek())) SkipSpaces();
        bracket_open_ = true;
        pending_duration_ = true;
        return t;
      }
      case ']': {
        if (!bracket_open_) return Error("unexpected right bracket ']'");
        Token t = Emit(Tok::kRightBracket);
        bracket_open_ = false;
        return t;
      }
      default: break;
    }
    if (IsDigit(r) || (r == '.' && IsDigit(Peek()))) {
      Backup();
      return LexNumberOrDuration();
    }
    if (IsAlpha(r) || r == ':') {
      if (!bracket_open_) {
        Backup();
        return LexKeywordOrIdentifier();
      }
      if (got_colon_) return Error("unexpected colon " + GoQuoteRune(r));
      Token t = Emit(Tok::kColon);
      got_colon_ = true;
      return t;
    }
    return Error("unexpected character: " + GoQuoteRune(r));
  }
}

Token Lexer::Next() {
  if (state_ == State::kDone) {
    Token t;
    t.type = Tok::kEOF;
    t.pos = pos_;
    return t;
  }
  if (pending_duration_) {
    pending_duration_ = false;
    return LexDuration();
  }
  if (state_ == State::kValueSequence) return LexValueSequence();
  return LexStatements();
}

std::vector<Token> Lexer::LexAll(std::string_view input, bool series_desc, bool keep_comments) {
  Lexer l(input, series_desc);
  std::vector<Token> out;
  for (;;) {
    Token t = l.Next();
    if (t.type == Tok::kComment && !keep_comments) continue;
    Tok type = t.type;
    out.push_back(std::move(t));
    if (type == Tok::kEOF || type == Tok::kError) break;
  }
  return out;
}

}  // namespace vigil::query
