// Go standard-library string helpers that templates expose or whose output
// appears in Go's messages: strconv.Quote, url.QueryEscape,
// template.HTMLEscapeString/JSEscapeString, net.SplitHostPort, UTF-8 rune
// decoding, %#U, and Go's regexp error text. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace re2 {
class RE2;
}

namespace vigil::rules::tmpl {

// The rune at s[pos] (0xFFFD for an invalid byte) and its byte length (>= 1).
int DecodeRune(std::string_view s, size_t pos);
size_t RuneLength(std::string_view s, size_t pos);
void AppendRune(int rune, std::string* out);
size_t RuneCount(std::string_view s);

// unicode.IsLetter(r) || unicode.IsDigit(r), approximated by block: ASCII
// exactly, Latin/Greek/Cyrillic/other scripts and CJK as letters, general
// punctuation, symbols, arrows, math, box drawing, emoji and private use not.
bool IsGoLetterOrDigit(int r);

// strconv.Quote: "a\"b\n" -> "\"a\\\"b\\n\"" (QuoteToASCII with ascii_only).
std::string GoQuote(std::string_view s, bool ascii_only = false);
// strconv.QuoteRune: 'a' -> "'a'".
std::string GoQuoteRune(int rune);
// Backquoted when strconv.CanBackquote allows it, else GoQuote (regexp's quote).
std::string GoQuoteOrBackquote(std::string_view s);
// fmt %#U: "U+0040 '@'".
std::string FormatRuneU(int rune);
// strconv.Unquote for "..." , `...` and '...' literals; false on bad syntax.
bool GoUnquote(std::string_view quoted, std::string* out);

// url.QueryEscape: space -> '+', unreserved kept, others %XX.
std::string QueryEscape(std::string_view s);
// text/template's HTMLEscapeString and JSEscapeString.
std::string HtmlEscape(std::string_view s);
std::string JsEscape(std::string_view s);

// net.SplitHostPort; false when Go would return an error.
bool SplitHostPort(std::string_view host_port, std::string* host, std::string* port);

// Go's regexp compile error for a failed RE2: "error parsing regexp:
// missing closing ): `(`".
std::string GoRegexpError(const re2::RE2& re, std::string_view pattern);

}  // namespace vigil::rules::tmpl
