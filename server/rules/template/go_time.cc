// A scanner over the layout in the manner of time/format.go nextStdChunk:
// at each position, the longest reference element that starts there wins.
#include "server/rules/template/go_time.h"

#include <ctime>

namespace vigil::rules::tmpl {
namespace {

constexpr const char* kMonths[] = {"January", "February", "March",     "April",   "May",      "June",
                                   "July",    "August",   "September", "October", "November", "December"};
constexpr const char* kDays[] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};

std::string Pad(int v, int width, char fill = '0') {
  std::string s = std::to_string(v);
  while (static_cast<int>(s.size()) < width) s.insert(s.begin(), fill);
  return s;
}

bool StartsWith(std::string_view s, size_t i, std::string_view p) { return s.substr(i, p.size()) == p; }

}  // namespace

std::string FormatGoLayout(int64_t unix_nanos, std::string_view layout) {
  int64_t secs = unix_nanos / 1000000000;
  int64_t nanos = unix_nanos % 1000000000;
  if (nanos < 0) {
    nanos += 1000000000;
    secs -= 1;
  }
  std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  int year = tm.tm_year + 1900, hour12 = tm.tm_hour % 12 == 0 ? 12 : tm.tm_hour % 12;
  std::string out;
  for (size_t i = 0; i < layout.size();) {
    auto take = [&](std::string_view element, const std::string& value) {
      if (!StartsWith(layout, i, element)) return false;
      out += value;
      i += element.size();
      return true;
    };
    char c = layout[i];
    bool done = false;
    switch (c) {
      case 'J':
        done = take("January", kMonths[tm.tm_mon]) || take("Jan", std::string(kMonths[tm.tm_mon]).substr(0, 3));
        break;
      case 'M':
        done = take("Monday", kDays[tm.tm_wday]) || take("Mon", std::string(kDays[tm.tm_wday]).substr(0, 3)) ||
               take("MST", "UTC");
        break;
      case '0':
        done = take("002", Pad(tm.tm_yday + 1, 3)) || take("01", Pad(tm.tm_mon + 1, 2)) ||
               take("02", Pad(tm.tm_mday, 2)) || take("03", Pad(hour12, 2)) || take("04", Pad(tm.tm_min, 2)) ||
               take("05", Pad(tm.tm_sec, 2)) || take("06", Pad(year % 100, 2));
        break;
      case '1':
        done = take("15", Pad(tm.tm_hour, 2)) || take("1", std::to_string(tm.tm_mon + 1));
        break;
      case '2':
        done = take("2006", Pad(year, 4)) || take("2", std::to_string(tm.tm_mday));
        break;
      case '_':
        done = take("_2006", std::string(1, '_').append(Pad(year, 4))) || take("__2", Pad(tm.tm_yday + 1, 3, ' ')) ||
               take("_2", Pad(tm.tm_mday, 2, ' '));
        break;
      case '3': done = take("3", std::to_string(hour12)); break;
      case '4': done = take("4", std::to_string(tm.tm_min)); break;
      case '5': done = take("5", std::to_string(tm.tm_sec)); break;
      case 'P': done = take("PM", tm.tm_hour >= 12 ? "PM" : "AM"); break;
      case 'p': done = take("pm", tm.tm_hour >= 12 ? "pm" : "am"); break;
      case '-':
        done = take("-07:00:00", "+00:00:00") || take("-0700", "+0000") || take("-07:00", "+00:00") ||
               take("-07", "+00");
        break;
      case 'Z':
        done = take("Z07:00:00", "Z") || take("Z0700", "Z") || take("Z07:00", "Z") || take("Z07", "Z");
        break;
      case '.': case ',': {
        // .000 / .999 fractional seconds, only when not followed by a digit.
        size_t j = i + 1;
        char d = j < layout.size() ? layout[j] : 0;
        if (d == '0' || d == '9') {
          while (j < layout.size() && layout[j] == d) j++;
          if (j >= layout.size() || layout[j] < '0' || layout[j] > '9') {
            int digits = static_cast<int>(j - i - 1);
            std::string frac = Pad(static_cast<int>(nanos), 9).substr(0, std::min(digits, 9));
            if (d == '9') {
              while (!frac.empty() && frac.back() == '0') frac.pop_back();
              if (!frac.empty()) out += std::string(1, c) + frac;
            } else {
              out += std::string(1, c) + frac;
            }
            i = j;
            done = true;
          }
        }
        break;
      }
      default: break;
    }
    if (!done) out.push_back(layout[i++]);
  }
  return out;
}

}  // namespace vigil::rules::tmpl
