#include "server/rules/unittest/go_text.h"

#include <cstdlib>

#include "server/rules/template/go_format.h"

namespace vigil::rules::unittest {

std::string GoDurationString(int64_t ms) {
  if (ms == 0) return "0s";
  std::string sign = ms < 0 ? "-" : "";
  uint64_t u = ms < 0 ? static_cast<uint64_t>(-ms) : static_cast<uint64_t>(ms);
  if (u < 1000) return sign + std::to_string(u) + "ms";
  const uint64_t h = u / 3'600'000;
  const uint64_t m = (u / 60'000) % 60;
  const uint64_t s = (u / 1000) % 60;
  const uint64_t frac = u % 1000;
  std::string seconds = std::to_string(s);
  if (frac != 0) {
    std::string f = std::to_string(frac);
    f.insert(0, 3 - f.size(), '0');
    while (!f.empty() && f.back() == '0') f.pop_back();
    seconds += "." + f;
  }
  std::string out = sign;
  if (h > 0) out += std::to_string(h) + "h";
  if (h > 0 || m > 0) out += std::to_string(m) + "m";
  return out + seconds + "s";
}

std::string GoFloatE(double v) { return FormatGoFloat(v, 'E', -1); }

std::string IndentLines(const std::string& lines, const std::string& indent) {
  std::string out;
  size_t start = 0;
  bool first = true;
  while (true) {
    const size_t nl = lines.find('\n', start);
    if (!first) out += indent;
    first = false;
    if (nl == std::string::npos) {
      out += lines.substr(start);
      break;
    }
    out += lines.substr(start, nl - start);
    out += '\n';
    start = nl + 1;
  }
  return out;
}

std::string AlertListString(const std::vector<LabelsAndAnnotations>& alerts) {
  if (alerts.empty()) return "[]";
  std::string out = "[";
  for (size_t i = 0; i < alerts.size(); ++i) {
    out += i == 0 ? "\n" : ",\n";
    const std::string one = "\nLabels:" + alerts[i].labels.ToString() + "\nAnnotations:" +
                            alerts[i].annotations.ToString();
    out += std::to_string(i) + ":" + IndentLines(one, "  ");
  }
  return out + "\n]";
}

}  // namespace vigil::rules::unittest
