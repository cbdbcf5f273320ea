// Byte-level reimplementations of the Go library helpers listed in the header.
#include "server/rules/template/go_strings.h"

#include <re2/re2.h>

#include <cstdio>

namespace vigil::rules::tmpl {
namespace {

constexpr char kHexUpper[] = "0123456789ABCDEF";
constexpr char kHexLower[] = "0123456789abcdef";

// Go's unicode.IsPrint, approximated: controls, format characters, non-ASCII
// spaces, separators, surrogates and private use are not printable.
bool IsPrintRune(int r) {
  if (r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0xA0) || r == 0xAD) return false;
  if (r == 0x1680 || (r >= 0x2000 && r <= 0x200F) || (r >= 0x2028 && r <= 0x202F) || (r >= 0x205F && r <= 0x206F)) {
    return false;
  }
  if (r == 0x3000 || r == 0xFEFF || (r >= 0xFFF9 && r <= 0xFFFB) || (r >= 0xD800 && r <= 0xF8FF)) return false;
  return r <= 0x10FFFF && r != 0xFFFE && r != 0xFFFF;
}

void AppendQuotedRune(int rune, bool valid, unsigned char raw, char quote, std::string* out, bool ascii_only = false) {
  if (!valid) {
    out->append("\\x");
    out->push_back(kHexLower[raw >> 4]);
    out->push_back(kHexLower[raw & 15]);
    return;
  }
  if (rune == quote || rune == '\\') {
    out->push_back('\\');
    out->push_back(static_cast<char>(rune));
    return;
  }
  if (IsPrintRune(rune) && !(ascii_only && rune >= 0x80)) {
    AppendRune(rune, out);
    return;
  }
  switch (rune) {
    case '\a': out->append("\\a"); return;
    case '\b': out->append("\\b"); return;
    case '\f': out->append("\\f"); return;
    case '\n': out->append("\\n"); return;
    case '\r': out->append("\\r"); return;
    case '\t': out->append("\\t"); return;
    case '\v': out->append("\\v"); return;
    default: break;
  }
  char buf[16];
  if (rune < ' ' || rune == 0x7f) {
    std::snprintf(buf, sizeof(buf), "\\x%02x", rune);
  } else if (rune < 0x10000) {
    std::snprintf(buf, sizeof(buf), "\\u%04x", rune);
  } else {
    std::snprintf(buf, sizeof(buf), "\\U%08x", rune);
  }
  out->append(buf);
}

}  // namespace

bool IsGoLetterOrDigit(int r) {
  if (r < 0x80) return (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9');
  if (r == 0xFFFD) return false;
  if (r < 0xC0) return r == 0xAA || r == 0xB5 || r == 0xBA;
  if (r == 0xD7 || r == 0xF7) return false;
  if (r < 0x2000) return !(r >= 0x2C2 && r <= 0x2C5) && !(r >= 0x2D2 && r <= 0x2DF) && !(r >= 0x300 && r <= 0x36F) &&
                         r != 0x37E && r != 0x387 && !(r >= 0x482 && r <= 0x489) && !(r >= 0x589 && r <= 0x5CF) &&
                         !(r >= 0x600 && r <= 0x61F) && !(r >= 0x64B && r <= 0x65F) && r != 0x6D4;
  if (r < 0x2C00) return r == 0x2071 || r == 0x207F || (r >= 0x2090 && r <= 0x209C) || r == 0x2102 || r == 0x2107 ||
                         (r >= 0x210A && r <= 0x2113) || r == 0x2115 || (r >= 0x2119 && r <= 0x211D) ||
                         (r >= 0x212A && r <= 0x212D) || (r >= 0x212F && r <= 0x2139);
  if (r < 0x2E00) return true;                       // Glagolitic, Latin Extended-C, Coptic, ...
  if (r < 0x3040) return r >= 0x3005 && r <= 0x3006;  // CJK punctuation
  if (r < 0xA000) return true;                        // kana, CJK
  if (r < 0xD800) return true;                        // Yi, Hangul, ...
  if (r < 0xF900) return false;                       // surrogates, private use
  if (r < 0xFB00) return true;                        // CJK compatibility
  if (r < 0xFE00) return true;                        // presentation forms
  if (r < 0xFF00) return false;
  if (r < 0xFFF0) return (r >= 0xFF10 && r <= 0xFF19) || (r >= 0xFF21 && r <= 0xFF3A) || (r >= 0xFF41 && r <= 0xFF5A) ||
                         (r >= 0xFF66 && r <= 0xFFDC);
  if (r >= 0x1F000 && r < 0x1FC00) return false;  // emoji, symbols
  if (r >= 0xE0000) return false;
  return r < 0x40000;
}

size_t RuneLength(std::string_view s, size_t pos) {
  unsigned char c = static_cast<unsigned char>(s[pos]);
  size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
  if (pos + n > s.size()) return 1;
  for (size_t i = 1; i < n; i++) {
    if ((static_cast<unsigned char>(s[pos + i]) & 0xC0) != 0x80) return 1;
  }
  return n;
}

int DecodeRune(std::string_view s, size_t pos) {
  unsigned char c = static_cast<unsigned char>(s[pos]);
  size_t n = RuneLength(s, pos);
  if (c < 0x80) return c;
  if (n == 1) return 0xFFFD;
  int r = c & (0x7F >> n);
  for (size_t i = 1; i < n; i++) r = (r << 6) | (static_cast<unsigned char>(s[pos + i]) & 0x3F);
  return r;
}

void AppendRune(int r, std::string* out) {
  if (r < 0 || r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF)) r = 0xFFFD;
  if (r < 0x80) {
    out->push_back(static_cast<char>(r));
  } else if (r < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (r >> 6)));
    out->push_back(static_cast<char>(0x80 | (r & 0x3F)));
  } else if (r < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (r >> 12)));
    out->push_back(static_cast<char>(0x80 | ((r >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (r & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (r >> 18)));
    out->push_back(static_cast<char>(0x80 | ((r >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((r >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (r & 0x3F)));
  }
}

size_t RuneCount(std::string_view s) {
  size_t n = 0;
  for (size_t p = 0; p < s.size(); p += RuneLength(s, p)) n++;
  return n;
}

std::string GoQuote(std::string_view s, bool ascii_only) {
  std::string out = "\"";
  for (size_t p = 0; p < s.size();) {
    size_t n = RuneLength(s, p);
    bool valid = !(n == 1 && static_cast<unsigned char>(s[p]) >= 0x80);
    AppendQuotedRune(DecodeRune(s, p), valid, static_cast<unsigned char>(s[p]), '"', &out, ascii_only);
    p += n;
  }
  out.push_back('"');
  return out;
}

std::string GoQuoteRune(int rune) {
  std::string out = "'";
  AppendQuotedRune(rune, true, 0, '\'', &out);
  out.push_back('\'');
  return out;
}

std::string GoQuoteOrBackquote(std::string_view s) {
  for (size_t p = 0; p < s.size(); p += RuneLength(s, p)) {
    int r = DecodeRune(s, p);
    if (r == '`' || r == 0xFFFD || (r < ' ' && r != '\t') || r == 0x7f) return GoQuote(s);
  }
  std::string out = "`";
  out.append(s);
  out.push_back('`');
  return out;
}

std::string FormatRuneU(int rune) {
  if (rune < 0) return "U+FFFFFFFFFFFFFFFF";
  char buf[32];
  std::snprintf(buf, sizeof(buf), "U+%04X", rune);
  std::string out = buf;
  if (IsPrintRune(rune)) {
    out += " '";
    AppendRune(rune, &out);
    out += "'";
  }
  return out;
}

bool GoUnquote(std::string_view q, std::string* out) {
  out->clear();
  if (q.size() < 2 || q.front() != q.back()) return false;
  char quote = q.front();
  std::string_view body = q.substr(1, q.size() - 2);
  if (quote == '`') {
    if (body.find('`') != std::string_view::npos) return false;
    for (char c : body) {
      if (c != '\r') out->push_back(c);
    }
    return true;
  }
  if (quote != '"' && quote != '\'') return false;
  int runes = 0;
  for (size_t p = 0; p < body.size();) {
    char c = body[p];
    runes++;
    if (c == quote || c == '\n') return false;
    if (c != '\\') {
      size_t n = RuneLength(body, p);
      out->append(body.substr(p, n));
      p += n;
      continue;
    }
    if (++p >= body.size()) return false;
    char e = body[p++];
    auto hex = [&](int digits, bool as_byte) {
      if (p + digits > body.size()) return false;
      int v = 0;
      for (int i = 0; i < digits; i++) {
        char h = body[p++];
        int d = h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10 : h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
        if (d < 0) return false;
        v = v * 16 + d;
      }
      if (as_byte) {
        out->push_back(static_cast<char>(v));
      } else {
        if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return false;
        AppendRune(v, out);
      }
      return true;
    };
    switch (e) {
      case 'a': out->push_back('\a'); break;
      case 'b': out->push_back('\b'); break;
      case 'f': out->push_back('\f'); break;
      case 'n': out->push_back('\n'); break;
      case 'r': out->push_back('\r'); break;
      case 't': out->push_back('\t'); break;
      case 'v': out->push_back('\v'); break;
      case '\\': out->push_back('\\'); break;
      case '\'':
        if (quote != '\'') return false;
        out->push_back('\'');
        break;
      case '"':
        if (quote != '"') return false;
        out->push_back('"');
        break;
      case 'x': if (!hex(2, true)) return false; break;
      case 'u': if (!hex(4, false)) return false; break;
      case 'U': if (!hex(8, false)) return false; break;
      case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': {
        if (p + 2 > body.size()) return false;
        int v = e - '0';
        for (int i = 0; i < 2; i++) {
          char d = body[p++];
          if (d < '0' || d > '7') return false;
          v = v * 8 + (d - '0');
        }
        if (v > 255) return false;
        out->push_back(static_cast<char>(v));
        break;
      }
      default: return false;
    }
  }
  if (quote == '\'' && runes != 1) return false;
  return true;
}

std::string QueryEscape(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
        c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else if (c == ' ') {
      out.push_back('+');
    } else {
      out.push_back('%');
      out.push_back(kHexUpper[c >> 4]);
      out.push_back(kHexUpper[c & 15]);
    }
  }
  return out;
}

std::string HtmlEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '"': out += "&#34;"; break;
      case '\'': out += "&#39;"; break;
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '\0': out += "\xEF\xBF\xBD"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

std::string JsEscape(std::string_view s) {
  std::string out;
  for (size_t p = 0; p < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[p]);
    size_t n = RuneLength(s, p);
    if (c >= 0x80) {
      int r = DecodeRune(s, p);
      if (IsPrintRune(r)) {
        out.append(s.substr(p, n));
      } else {
        char buf[16];
        std::snprintf(buf, sizeof(buf), "\\u%04X", r);
        out += buf;
      }
      p += n;
      continue;
    }
    p++;
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\'': out += "\\'"; break;
      case '"': out += "\\\""; break;
      case '<': out += "\\u003C"; break;
      case '>': out += "\\u003E"; break;
      case '&': out += "\\u0026"; break;
      case '=': out += "\\u003D"; break;
      default:
        if (c < ' ') {
          char buf[16];
          std::snprintf(buf, sizeof(buf), "\\u%04X", c);
          out += buf;
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  return out;
}

bool SplitHostPort(std::string_view hp, std::string* host, std::string* port) {
  size_t colon = hp.rfind(':');
  if (colon == std::string_view::npos) return false;  // missing port
  std::string_view h;
  if (!hp.empty() && hp[0] == '[') {
    size_t end = hp.find(']');
    if (end == std::string_view::npos) return false;
    if (end + 1 == hp.size()) return false;        // missing port
    if (end + 1 != colon) return false;            // too many colons / missing port
    h = hp.substr(1, end - 1);
    if (hp.substr(end + 1).find('[') != std::string_view::npos) return false;
  } else {
    h = hp.substr(0, colon);
    if (h.find(':') != std::string_view::npos) return false;  // too many colons
    if (h.find('[') != std::string_view::npos || h.find(']') != std::string_view::npos) return false;
  }
  std::string_view pt = hp.substr(colon + 1);
  if (pt.find(']') != std::string_view::npos || pt.find('[') != std::string_view::npos) return false;
  *host = std::string(h);
  *port = std::string(pt);
  return true;
}

std::string GoRegexpError(const re2::RE2& re, std::string_view pattern) {
  std::string code;
  std::string arg = re.error_arg();
  switch (re.error_code()) {
    case re2::RE2::ErrorMissingParen: code = "missing closing )"; arg = std::string(pattern); break;
    case re2::RE2::ErrorUnexpectedParen: code = "unexpected )"; arg = std::string(pattern); break;
    case re2::RE2::ErrorMissingBracket: code = "missing closing ]"; break;
    case re2::RE2::ErrorRepeatArgument: code = "missing argument to repetition operator"; break;
    case re2::RE2::ErrorRepeatOp: code = "invalid nested repetition operator"; break;
    case re2::RE2::ErrorRepeatSize: code = "invalid repeat count"; break;
    case re2::RE2::ErrorBadEscape: code = "invalid escape sequence"; break;
    case re2::RE2::ErrorBadCharRange: code = "invalid character class range"; break;
    case re2::RE2::ErrorBadCharClass: code = "invalid character class"; break;
    case re2::RE2::ErrorTrailingBackslash: code = "trailing backslash at end of expression"; arg = ""; break;
    case re2::RE2::ErrorBadPerlOp: code = "invalid or unsupported Perl syntax"; break;
    case re2::RE2::ErrorBadNamedCapture: code = "invalid named capture"; break;
    case re2::RE2::ErrorBadUTF8: code = "invalid UTF-8"; break;
    default: code = re.error(); break;
  }
  return "error parsing regexp: " + code + ": `" + arg + "`";
}

}  // namespace vigil::rules::tmpl
