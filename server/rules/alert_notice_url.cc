#include "server/rules/alert_notice_url.h"

namespace vigil::rules {

std::string GoQueryEscape(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size() * 3 / 2);
  for (unsigned char c : s) {
    const bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                            c == '-' || c == '_' || c == '.' || c == '~';
    if (unreserved) {
      out += static_cast<char>(c);
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string GeneratorUrl(std::string_view external_url, std::string_view expr) {
  std::string out(external_url);
  out += "/graph?g0.expr=";
  out += GoQueryEscape(expr);
  out += "&g0.tab=1";
  return out;
}

}  // namespace vigil::rules
