// Go string quoting for PromQL (strconv.Quote / Unquote semantics) and UTF-8
// helpers; declared in lexer.h.
#include <cstdio>
#include <string>

#include "query/lexer.h"

namespace vigil::query {
namespace {

constexpr int kRuneError = 0xFFFD;

int DigitValue(int ch) {
  if (ch >= '0' && ch <= '9') return ch - '0';
  if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
  return 16;
}

bool IsPrintRuneImpl(int r) {
  if (r < 0x20 || r == 0x7f) return false;
  if (r < 0x7f) return true;
  if (r <= 0xa0 || r == 0xad || r == 0x1680 || r == 0x180e) return false;
  if ((r >= 0x2000 && r <= 0x200f) || (r >= 0x2028 && r <= 0x202f) || (r >= 0x205f && r <= 0x206f)) return false;
  if (r == 0x3000 || r == 0xfeff || (r >= 0xfff9 && r <= 0xfffb)) return false;
  if ((r >= 0xd800 && r <= 0xf8ff) || r >= 0xf0000 || r > 0x10ffff) return false;
  return true;
}

std::string Hex(uint32_t v, int digits) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%0*x", digits, v);
  return buf;
}

// Appends r escaped as Go's strconv does for quote character q.
void AppendEscapedRune(std::string* out, int r, char q) {
  if (r == q || r == '\\') {
    *out += '\\';
    *out += static_cast<char>(r);
    return;
  }
  if (IsPrintRuneImpl(r)) {
    AppendRune(out, static_cast<uint32_t>(r));
    return;
  }
  switch (r) {
    case '\a': *out += "\\a"; return;
    case '\b': *out += "\\b"; return;
    case '\f': *out += "\\f"; return;
    case '\n': *out += "\\n"; return;
    case '\r': *out += "\\r"; return;
    case '\t': *out += "\\t"; return;
    case '\v': *out += "\\v"; return;
    default: break;
  }
  if (r < ' ' || r == 0x7f) {
    *out += "\\x" + Hex(static_cast<uint32_t>(r), 2);
  } else if (r < 0x10000) {
    *out += "\\u" + Hex(static_cast<uint32_t>(r), 4);
  } else {
    *out += "\\U" + Hex(static_cast<uint32_t>(r), 8);
  }
}

}  // namespace

bool IsPrintRune(int r) { return IsPrintRuneImpl(r); }

int DecodeRune(std::string_view s, size_t i, int* width) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = b(i);
  *width = 1;
  if (c < 0x80) return c;
  int n;
  uint32_t r;
  uint32_t min;
  if (c >= 0xc2 && c <= 0xdf) { n = 1; r = c & 0x1f; min = 0x80; }
  else if (c >= 0xe0 && c <= 0xef) { n = 2; r = c & 0x0f; min = 0x800; }
  else if (c >= 0xf0 && c <= 0xf4) { n = 3; r = c & 0x07; min = 0x10000; }
  else return kRuneError;
  if (i + static_cast<size_t>(n) >= s.size()) return kRuneError;
  for (int k = 1; k <= n; ++k) {
    unsigned char cc = b(i + k);
    if ((cc & 0xc0) != 0x80) return kRuneError;
    r = (r << 6) | (cc & 0x3f);
  }
  if (r < min || r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff)) return kRuneError;
  *width = n + 1;
  return static_cast<int>(r);
}

void AppendRune(std::string* out, uint32_t r) {
  if (r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff)) r = kRuneError;
  if (r < 0x80) {
    *out += static_cast<char>(r);
  } else if (r < 0x800) {
    *out += static_cast<char>(0xc0 | (r >> 6));
    *out += static_cast<char>(0x80 | (r & 0x3f));
  } else if (r < 0x10000) {
    *out += static_cast<char>(0xe0 | (r >> 12));
    *out += static_cast<char>(0x80 | ((r >> 6) & 0x3f));
    *out += static_cast<char>(0x80 | (r & 0x3f));
  } else {
    *out += static_cast<char>(0xf0 | (r >> 18));
    *out += static_cast<char>(0x80 | ((r >> 12) & 0x3f));
    *out += static_cast<char>(0x80 | ((r >> 6) & 0x3f));
    *out += static_cast<char>(0x80 | (r & 0x3f));
  }
}

std::string GoQuote(std::string_view s) {
  std::string out = "\"";
  size_t i = 0;
  while (i < s.size()) {
    int w;
    int r = DecodeRune(s, i, &w);
    if (r == kRuneError && w == 1) {
      out += "\\x" + Hex(static_cast<unsigned char>(s[i]), 2);
    } else {
      AppendEscapedRune(&out, r, '"');
    }
    i += static_cast<size_t>(w);
  }
  out += '"';
  return out;
}

std::string GoQuoteRune(int r) {
  if (r < 0 || r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff)) r = kRuneError;
  std::string out = "'";
  AppendEscapedRune(&out, r, '\'');
  out += "'";
  return out;
}

bool GoUnquote(std::string_view in, std::string* out) {
  out->clear();
  if (in.size() < 2) return false;
  char q = in[0];
  if (in.back() != q) return false;
  std::string_view s = in.substr(1, in.size() - 2);
  if (q == '`') {
    if (s.find('`') != std::string_view::npos) return false;
    out->assign(s);
    return true;
  }
  if (q != '"' && q != '\'') return false;
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c == q || c == '\n') return false;
    if (c != '\\') {
      *out += c;
      ++i;
      continue;
    }
    if (++i >= s.size()) return false;
    c = s[i++];
    switch (c) {
      case 'a': *out += '\a'; continue;
      case 'b': *out += '\b'; continue;
      case 'f': *out += '\f'; continue;
      case 'n': *out += '\n'; continue;
      case 'r': *out += '\r'; continue;
      case 't': *out += '\t'; continue;
      case 'v': *out += '\v'; continue;
      case '\\': *out += '\\'; continue;
      case '\'':
      case '"':
        if (c != q) return false;
        *out += c;
        continue;
      default: break;
    }
    int n = 0, base = 0;
    bool is_byte = false;
    uint32_t max = 0;
    if (c >= '0' && c <= '7') {
      n = 3; base = 8; max = 255; is_byte = true; --i;
    } else if (c == 'x') {
      n = 2; base = 16; max = 255; is_byte = true;
    } else if (c == 'u') {
      n = 4; base = 16; max = 0x10ffff;
    } else if (c == 'U') {
      n = 8; base = 16; max = 0x10ffff;
    } else {
      return false;
    }
    uint32_t v = 0;
    for (int k = 0; k < n; ++k) {
      if (i >= s.size()) return false;
      int d = DigitValue(static_cast<unsigned char>(s[i++]));
      if (d >= base) return false;
      v = v * static_cast<uint32_t>(base) + static_cast<uint32_t>(d);
    }
    if (v > max) return false;
    if (is_byte) {
      *out += static_cast<char>(v);
    } else {
      if (v >= 0xd800 && v < 0xe000) return false;
      AppendRune(out, v);
    }
  }
  return true;
}

}  // namespace vigil::query
