// State machine of Go's lex.go rewritten as one loop per state; positions,
// line numbers and error messages match Go's so parse errors read the same.
#include "server/rules/template/template_lexer.h"

#include <cstdio>

#include "server/rules/template/go_strings.h"

namespace vigil::rules::tmpl {
namespace {

constexpr std::string_view kLeftDelim = "{{";
constexpr std::string_view kRightDelim = "}}";
constexpr std::string_view kLeftComment = "/*";
constexpr std::string_view kRightComment = "*/";

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
TokenType KeywordType(std::string_view word) {
  static const std::pair<std::string_view, TokenType> kKeywords[] = {
      {"block", TokenType::kBlock}, {"break", TokenType::kBreak},   {"continue", TokenType::kContinue},
      {"define", TokenType::kDefine}, {"else", TokenType::kElse},   {"end", TokenType::kEnd},
      {"if", TokenType::kIf},       {"range", TokenType::kRange},   {"nil", TokenType::kNil},
      {"template", TokenType::kTemplate}, {"with", TokenType::kWith}, {".", TokenType::kDot},
  };
  for (const auto& [k, t] : kKeywords) {
    if (k == word) return t;
  }
  return TokenType::kError;  // not a keyword
}

class Lexer {
 public:
  explicit Lexer(std::string_view input) : in_(input) {}

  std::vector<Token> Run() {
    bool inside = false;
    while (!done_) {
      if (!inside) {
        inside = LexText();
      } else {
        inside = LexInsideAction();
      }
    }
    return std::move(tokens_);
  }

 private:
  int Peek(size_t off = 0) const {
    return pos_ + off < in_.size() ? static_cast<unsigned char>(in_[pos_ + off]) : -1;
  }
  // Go's isAlphaNumeric for the rune at p: '_', letters, digits (Unicode
  // approximated by IsGoLetterOrDigit). Sets *len to the rune's byte length.
  bool AlphaNumAt(size_t p, size_t* len = nullptr) const {
    if (p >= in_.size()) return false;
    size_t n = RuneLength(in_, p);
    if (len != nullptr) *len = n;
    int r = DecodeRune(in_, p);
    return r == '_' || IsGoLetterOrDigit(r);
  }
  bool HasPrefixAt(size_t p, std::string_view s) const { return p <= in_.size() && in_.substr(p).starts_with(s); }

  void Emit(TokenType type) {
    tokens_.push_back({type, static_cast<int>(start_), start_line_, std::string(in_.substr(start_, pos_ - start_))});
    Ignore();
  }
  void Ignore() {
    for (size_t i = start_; i < pos_; i++) line_ += in_[i] == '\n';
    start_ = pos_;
    start_line_ = line_;
  }
  bool Error(std::string message) {
    tokens_.push_back({TokenType::kError, static_cast<int>(start_), start_line_, std::move(message)});
    done_ = true;
    return false;
  }

  // " -}}" or "}}" at pos_: (is delimiter, has trim marker).
  std::pair<bool, bool> AtRightDelim() const {
    if (pos_ + 1 < in_.size() && IsSpace(in_[pos_]) && in_[pos_ + 1] == '-' && HasPrefixAt(pos_ + 2, kRightDelim)) {
      return {true, true};
    }
    return {HasPrefixAt(pos_, kRightDelim), false};
  }
  size_t LeftTrimLength(size_t p) const {
    size_t n = 0;
    while (p + n < in_.size() && IsSpace(in_[p + n])) n++;
    return n;
  }

  // Scans text up to "{{"; returns true when an action (not a comment) opened.
  bool LexText() {
    size_t x = in_.find(kLeftDelim, pos_);
    if (x == std::string_view::npos) {
      pos_ = in_.size();
      if (pos_ > start_) Emit(TokenType::kText);
      Emit(TokenType::kEOF);
      done_ = true;
      return false;
    }
    pos_ = x;
    bool trim = pos_ + 3 < in_.size() && in_[pos_ + 2] == '-' && IsSpace(in_[pos_ + 3]);
    if (pos_ > start_) {
      size_t end = pos_;
      if (trim) {
        while (end > start_ && IsSpace(in_[end - 1])) end--;
      }
      size_t saved = pos_;
      pos_ = end;
      if (pos_ > start_) Emit(TokenType::kText);
      pos_ = saved;
      Ignore();
    }
    // The left delimiter.
    pos_ += kLeftDelim.size();
    size_t after_marker = trim ? 2 : 0;
    if (HasPrefixAt(pos_ + after_marker, kLeftComment)) {
      pos_ += after_marker;
      Ignore();
      return LexComment();
    }
    Emit(TokenType::kLeftDelim);
    pos_ += after_marker;
    Ignore();
    paren_depth_ = 0;
    return true;
  }

  bool LexComment() {
    pos_ += kLeftComment.size();
    size_t x = in_.find(kRightComment, pos_);
    if (x == std::string_view::npos) return Error("unclosed comment");
    pos_ = x + kRightComment.size();
    auto [delim, trim] = AtRightDelim();
    if (!delim) return Error("comment ends before closing delimiter");
    if (trim) pos_ += 2;
    pos_ += kRightDelim.size();
    if (trim) pos_ += LeftTrimLength(pos_);
    Ignore();
    return false;
  }

  // After "}}" (optionally " -}}"): back to text.
  bool LexRightDelim() {
    auto [delim, trim] = AtRightDelim();
    (void)delim;
    if (trim) {
      pos_ += 2;
      Ignore();
    }
    pos_ += kRightDelim.size();
    Emit(TokenType::kRightDelim);
    if (trim) {
      pos_ += LeftTrimLength(pos_);
      Ignore();
    }
    return false;
  }

  bool AtTerminator() const {
    int r = Peek();
    if (r == -1) return true;
    if (IsSpace(static_cast<char>(r))) return true;
    switch (r) {
      case '.': case ',': case '|': case ':': case ')': case '(': case '}':
        return true;
      default:
        return false;
    }
  }

  // Returns true to stay inside the action, false when it ended (or failed).
  bool LexInsideAction() {
    auto [delim, trim] = AtRightDelim();
    (void)trim;
    if (delim) {
      if (paren_depth_ == 0) return LexRightDelim();
      return Error("unclosed left paren");
    }
    int r = Peek();
    if (r == -1) return Error("unclosed action");
    if (IsSpace(static_cast<char>(r))) return LexSpace();
    pos_++;
    switch (r) {
      case '=': Emit(TokenType::kAssign); return true;
      case ':':
        if (Peek() != '=') return Error("expected :=");
        pos_++;
        Emit(TokenType::kDeclare);
        return true;
      case '|': Emit(TokenType::kPipe); return true;
      case '"': return LexQuote();
      case '`': return LexRawQuote();
      case '$': return LexFieldOrVariable(TokenType::kVariable);
      case '\'': return LexChar();
      case '(':
        Emit(TokenType::kLeftParen);
        paren_depth_++;
        return true;
      case ')':
        Emit(TokenType::kRightParen);
        paren_depth_--;
        if (paren_depth_ < 0) return Error("unexpected right paren");
        return true;
      default: break;
    }
    if (r == '.') {
      int n = Peek();
      if (n < '0' || n > '9') return LexFieldOrVariable(TokenType::kField);
    }
    if (r == '.' || r == '+' || r == '-' || (r >= '0' && r <= '9')) {
      pos_--;
      return LexNumber();
    }
    pos_--;
    if (AlphaNumAt(pos_)) return LexIdentifier();
    if (r < 0x80 && r >= 0x20 && r < 0x7f) {
      pos_++;
      Emit(TokenType::kChar);
      return true;
    }
    int rune = DecodeRune(in_, pos_);
    pos_ += RuneLength(in_, pos_);
    return Error("unrecognized character in action: " + FormatRuneU(rune));
  }

  bool LexSpace() {
    int spaces = 0;
    while (Peek() != -1 && IsSpace(static_cast<char>(Peek()))) {
      pos_++;
      spaces++;
    }
    // " -}}": the last space belongs to the trim marker.
    if (pos_ < in_.size() && in_[pos_] == '-' && HasPrefixAt(pos_ + 1, kRightDelim)) {
      pos_--;
      if (spaces == 1) return LexRightDelim();
    }
    Emit(TokenType::kSpace);
    return true;
  }

  bool LexIdentifier() {
    for (size_t n = 0; AlphaNumAt(pos_, &n);) pos_ += n;
    if (!AtTerminator()) return BadCharacter();
    std::string_view word = in_.substr(start_, pos_ - start_);
    TokenType kw = KeywordType(word);
    if (kw != TokenType::kError) {
      Emit(kw);
    } else if (word == "true" || word == "false") {
      Emit(TokenType::kBool);
    } else {
      Emit(TokenType::kIdentifier);
    }
    return true;
  }

  bool BadCharacter() {
    int rune = pos_ < in_.size() ? DecodeRune(in_, pos_) : -1;
    return Error("bad character " + FormatRuneU(rune));
  }

  // The '.' or '$' has been consumed.
  bool LexFieldOrVariable(TokenType type) {
    if (AtTerminator()) {
      Emit(type == TokenType::kVariable ? TokenType::kVariable : TokenType::kDot);
      return true;
    }
    for (size_t n = 0; AlphaNumAt(pos_, &n);) pos_ += n;
    if (!AtTerminator()) return BadCharacter();
    Emit(type);
    return true;
  }

  bool LexChar() {
    for (;;) {
      int c = Peek();
      if (c == -1 || c == '\n') return Error("unterminated character constant");
      pos_++;
      if (c == '\\') {
        int n = Peek();
        if (n == -1 || n == '\n') return Error("unterminated character constant");
        pos_++;
      } else if (c == '\'') {
        break;
      }
    }
    Emit(TokenType::kCharConstant);
    return true;
  }

  bool Accept(std::string_view valid) {
    int c = Peek();
    if (c != -1 && valid.find(static_cast<char>(c)) != std::string_view::npos) {
      pos_++;
      return true;
    }
    return false;
  }
  void AcceptRun(std::string_view valid) {
    while (Accept(valid)) {
    }
  }

  bool ScanNumber() {
    Accept("+-");
    std::string_view digits = "0123456789_";
    if (Accept("0")) {
      if (Accept("xX")) {
        digits = "0123456789abcdefABCDEF_";
      } else if (Accept("oO")) {
        digits = "01234567_";
      } else if (Accept("bB")) {
        digits = "01_";
      }
    }
    AcceptRun(digits);
    if (Accept(".")) AcceptRun(digits);
    if (digits.size() == 11 && Accept("eE")) {
      Accept("+-");
      AcceptRun("0123456789_");
    }
    if (digits.size() == 23 && Accept("pP")) {
      Accept("+-");
      AcceptRun("0123456789_");
    }
    Accept("i");
    if (size_t n = 0; AlphaNumAt(pos_, &n)) {
      pos_ += n;
      return false;
    }
    return true;
  }

  bool LexNumber() {
    if (!ScanNumber()) return Error("bad number syntax: " + GoQuote(in_.substr(start_, pos_ - start_)));
    int sign = Peek();
    if (sign == '+' || sign == '-') {
      if (!ScanNumber() || in_[pos_ - 1] != 'i') {
        return Error("bad number syntax: " + GoQuote(in_.substr(start_, pos_ - start_)));
      }
      Emit(TokenType::kComplex);
    } else {
      Emit(TokenType::kNumber);
    }
    return true;
  }

  bool LexQuote() {
    for (;;) {
      int c = Peek();
      if (c == -1 || c == '\n') return Error("unterminated quoted string");
      pos_++;
      if (c == '\\') {
        int n = Peek();
        if (n == -1 || n == '\n') return Error("unterminated quoted string");
        pos_++;
      } else if (c == '"') {
        break;
      }
    }
    Emit(TokenType::kString);
    return true;
  }

  bool LexRawQuote() {
    size_t x = in_.find('`', pos_);
    if (x == std::string_view::npos) return Error("unterminated raw quoted string");
    pos_ = x + 1;
    Emit(TokenType::kRawString);
    return true;
  }

  std::string_view in_;
  size_t pos_ = 0;
  size_t start_ = 0;
  int line_ = 1;  // line at start_ after Ignore()
  int start_line_ = 1;
  int paren_depth_ = 0;
  bool done_ = false;
  std::vector<Token> tokens_;
};

}  // namespace

std::string Token::Describe() const {
  if (type == TokenType::kEOF) return "EOF";
  if (type == TokenType::kError) return val;
  if (type > TokenType::kKeyword) return "<" + val + ">";
  if (val.size() > 10) {
    // Go's %.10q: the first 10 runes, quoted.
    size_t p = 0;
    for (int runes = 0; runes < 10 && p < val.size(); runes++) p += RuneLength(val, p);
    return GoQuote(std::string_view(val).substr(0, p)) + "...";
  }
  return GoQuote(val);
}

std::vector<Token> LexTemplate(std::string_view input) { return Lexer(input).Run(); }

}  // namespace vigil::rules::tmpl
