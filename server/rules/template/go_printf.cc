// A small port of fmt's printer (fmt/print.go, fmt/format.go): one Printer
// per call holds the flags of the current verb and formats values
// recursively (maps print "map[k:v]", lists "[a b]", structs "{a b}").
#include "server/rules/template/go_printf.h"

#include <cmath>
#include <cstdint>
#include <cstdio>

#include "server/rules/template/go_format.h"
#include "server/rules/template/go_strings.h"

namespace vigil::rules::tmpl {
namespace {

struct Flags {
  bool plus = false, minus = false, sharp = false, space = false, zero = false;
  bool plus_v = false;  // %+v: field names in structs, no sign flag
  bool wid_present = false, prec_present = false;
  int wid = 0, prec = 0;
};

class Printer {
 public:
  std::string out;
  Flags f;

  void Pad(std::string_view s) {
    if (!f.wid_present || f.wid == 0) {
      out.append(s);
      return;
    }
    int width = static_cast<int>(RuneCount(s));
    int padding = f.wid - width;
    if (padding <= 0) {
      out.append(s);
      return;
    }
    if (f.minus) {
      out.append(s);
      out.append(padding, ' ');
    } else {
      out.append(padding, f.zero ? '0' : ' ');
      out.append(s);
    }
  }

  void BadVerb(char verb, const Value& v) {
    out += "%!";
    out.push_back(verb);
    out.push_back('(');
    if (v.kind == ValueKind::kInvalid || v.kind == ValueKind::kNil) {
      out += "<nil>";
    } else {
      out += v.TypeName();
      out.push_back('=');
      PrintValue(v, 'v', 0);  // with the verb's flags, width and precision, as Go does
    }
    out.push_back(')');
  }

  void FmtInteger(uint64_t u, int base, bool is_signed, char verb, bool upper) {
    bool negative = is_signed && static_cast<int64_t>(u) < 0;
    if (negative) u = -u;
    int prec = 0;
    if (f.prec_present) {
      prec = f.prec;
      if (prec == 0 && u == 0) {
        bool old = f.zero;
        f.zero = false;
        out.append(f.wid_present ? f.wid : 0, ' ');
        f.zero = old;
        return;
      }
    } else if (f.zero && f.wid_present) {
      prec = f.wid;
      if (negative || f.plus || f.space) prec--;
    }
    const char* digits = upper ? "0123456789ABCDEFX" : "0123456789abcdefx";
    std::string buf;
    do {
      buf.insert(buf.begin(), digits[u % base]);
      u /= base;
    } while (u > 0);
    while (static_cast<int>(buf.size()) < prec) buf.insert(buf.begin(), '0');
    if (f.sharp) {
      if (base == 16) buf.insert(0, upper ? "0X" : "0x");
      if (base == 8 && buf[0] != '0') buf.insert(buf.begin(), '0');
      if (base == 2) buf.insert(0, "0b");
    }
    if (verb == 'O') buf.insert(0, "0o");
    if (negative) {
      buf.insert(buf.begin(), '-');
    } else if (f.plus) {
      buf.insert(buf.begin(), '+');
    } else if (f.space) {
      buf.insert(buf.begin(), ' ');
    }
    bool old = f.zero;
    f.zero = false;
    Pad(buf);
    f.zero = old;
  }

  void FmtFloat(double v, char verb, int prec) {
    if (f.prec_present) prec = f.prec;
    std::string num = FormatGoFloat(v, verb, prec);
    if (num[0] != '-' && num[0] != '+') num.insert(num.begin(), '+');
    if (f.space && num[0] == '+' && !f.plus) num[0] = ' ';
    if (num[1] == 'I' || num[1] == 'N') {
      bool old = f.zero;
      f.zero = false;
      if (num[1] == 'N' && !f.space && !f.plus) num.erase(0, 1);
      Pad(num);
      f.zero = old;
      return;
    }
    if (f.plus || num[0] != '+') {
      if (f.zero && f.wid_present && f.wid > static_cast<int>(num.size())) {
        out.push_back(num[0]);
        out.append(f.wid - num.size(), '0');
        out.append(num, 1);
        return;
      }
      Pad(num);
      return;
    }
    Pad(std::string_view(num).substr(1));
  }

  // %x / %X of a float: strconv's 'x' format ("0x1.8p+00"), from C's %a
  // with the exponent widened to two digits.
  void FmtHexFloat(double v, char verb) {
    if (std::isnan(v) || std::isinf(v)) {
      FmtFloat(v, 'g', -1);
      return;
    }
    char buf[64];
    if (f.prec_present) {
      std::snprintf(buf, sizeof(buf), verb == 'x' ? "%.*a" : "%.*A", f.prec, v);
    } else {
      std::snprintf(buf, sizeof(buf), verb == 'x' ? "%a" : "%A", v);
    }
    // "0x1.8p+0" -> "0x1.8p+00": Go writes at least two exponent digits.
    std::string_view a = buf;
    size_t p = a.find_first_of("pP");
    std::string num;
    if (a[0] != '-' && f.plus) num.push_back('+');
    if (a[0] != '-' && !f.plus && f.space) num.push_back(' ');
    num.append(a.substr(0, p + 2));
    if (a.size() - (p + 2) < 2) num.push_back('0');
    num.append(a.substr(p + 2));
    Pad(num);
  }

  void FmtString(std::string_view s, char verb) {
    switch (verb) {
      case 'v': case 's': {
        if (f.prec_present) {
          size_t p = 0;
          for (int n = 0; n < f.prec && p < s.size(); n++) p += RuneLength(s, p);
          s = s.substr(0, p);
        }
        Pad(s);
        return;
      }
      case 'q':
        Pad(f.sharp && !f.plus ? GoQuoteOrBackquote(s) : GoQuote(s, f.plus));
        return;
      case 'x': case 'X': {
        const char* digits = verb == 'x' ? "0123456789abcdef" : "0123456789ABCDEF";
        std::string buf;
        for (size_t i = 0; i < s.size(); i++) {
          if (f.space && i > 0) buf.push_back(' ');
          if (f.sharp && (f.space || i == 0)) buf += verb == 'x' ? "0x" : "0X";
          unsigned char c = static_cast<unsigned char>(s[i]);
          buf.push_back(digits[c >> 4]);
          buf.push_back(digits[c & 15]);
        }
        Pad(buf);
        return;
      }
      default: break;
    }
  }

  void PrintValue(const Value& v, char verb, int depth) {
    switch (v.kind) {
      case ValueKind::kInvalid: case ValueKind::kNil:
        if (verb == 'v') {
          Pad("<nil>");
        } else {
          BadVerb(verb, v);
        }
        return;
      case ValueKind::kBool:
        if (verb == 't' || verb == 'v') {
          Pad(v.b ? "true" : "false");
        } else {
          BadVerb(verb, v);
        }
        return;
      case ValueKind::kInt:
      case ValueKind::kDuration:
        if (v.kind == ValueKind::kDuration && (verb == 'v' || verb == 's' || verb == 'q')) {
          FmtString(FormatGoDuration(v.i), verb);
          return;
        }
        PrintInt(v, verb);
        return;
      case ValueKind::kFloat:
        switch (verb) {
          case 'v': FmtFloat(v.f, 'g', -1); return;
          case 'g': case 'G': FmtFloat(v.f, verb, -1); return;
          case 'f': case 'e': case 'E': FmtFloat(v.f, verb, 6); return;
          case 'F': FmtFloat(v.f, 'f', 6); return;
          case 'x': case 'X': FmtHexFloat(v.f, verb); return;
          default: BadVerb(verb, v); return;
        }
      case ValueKind::kString:
        if (verb == 'v' || verb == 's' || verb == 'q' || verb == 'x' || verb == 'X') {
          FmtString(v.s, verb);
        } else {
          BadVerb(verb, v);
        }
        return;
      case ValueKind::kTime:
        if (verb == 'v' || verb == 's' || verb == 'q' || verb == 'x' || verb == 'X') {
          FmtString(FormatGoTime(v.i), verb);
        } else {
          BadVerb(verb, v);
        }
        return;
      case ValueKind::kMap: {
        out += "map[";
        bool first = true;
        for (const auto& [k, elem] : v.map->entries) {
          if (!first) out.push_back(' ');
          first = false;
          PrintValue(Value::String(k), verb, depth + 1);
          out.push_back(':');
          PrintValue(elem, verb, depth + 1);
        }
        out.push_back(']');
        return;
      }
      case ValueKind::kList: {
        out.push_back('[');
        for (size_t i = 0; i < v.list->items.size(); i++) {
          if (i > 0) out.push_back(' ');
          PrintValue(v.list->items[i], verb, depth + 1);
        }
        out.push_back(']');
        return;
      }
      case ValueKind::kStruct: {
        if (v.pointer) out.push_back('&');
        out.push_back('{');
        for (size_t i = 0; i < v.fields->fields.size(); i++) {
          if (i > 0) out.push_back(' ');
          if (f.plus_v) out += v.fields->fields[i].first + ":";
          PrintValue(v.fields->fields[i].second, verb, depth + 1);
        }
        out.push_back('}');
        return;
      }
    }
  }

  void PrintInt(const Value& v, char verb) {
    uint64_t u = static_cast<uint64_t>(v.i);
    switch (verb) {
      case 'v': case 'd': FmtInteger(u, 10, true, verb, false); return;
      case 'b': FmtInteger(u, 2, true, verb, false); return;
      case 'o': case 'O': FmtInteger(u, 8, true, verb, false); return;
      case 'x': FmtInteger(u, 16, true, verb, false); return;
      case 'X': FmtInteger(u, 16, true, verb, true); return;
      case 'c': {
        std::string s;
        AppendRune(v.i > 0x10FFFF || v.i < 0 ? 0xFFFD : static_cast<int>(v.i), &s);
        Pad(s);
        return;
      }
      case 'q': Pad(GoQuoteRune(v.i > 0x10FFFF || v.i < 0 ? 0xFFFD : static_cast<int>(v.i))); return;
      case 'U': {
        std::string s = FormatRuneU(static_cast<int>(v.i));
        if (!f.sharp) s = s.substr(0, s.find(' '));
        Pad(s);
        return;
      }
      default: BadVerb(verb, v); return;
    }
  }
};

bool IsStringArg(const Value& v) { return v.kind == ValueKind::kString; }

}  // namespace

std::string GoSprint(const std::vector<Value>& args) {
  Printer p;
  bool prev_string = false;
  for (size_t i = 0; i < args.size(); i++) {
    bool is_string = IsStringArg(args[i]);
    if (i > 0 && !is_string && !prev_string) p.out.push_back(' ');
    p.f = Flags();
    p.PrintValue(args[i], 'v', 0);
    prev_string = is_string;
  }
  return std::move(p.out);
}

std::string GoSprintln(const std::vector<Value>& args) {
  Printer p;
  for (size_t i = 0; i < args.size(); i++) {
    if (i > 0) p.out.push_back(' ');
    p.f = Flags();
    p.PrintValue(args[i], 'v', 0);
  }
  p.out.push_back('\n');
  return std::move(p.out);
}

std::string GoSprintf(std::string_view format, const std::vector<Value>& args) {
  Printer p;
  size_t arg_num = 0;
  size_t i = 0;
  const size_t end = format.size();
  while (i < end) {
    size_t lasti = i;
    while (i < end && format[i] != '%') i++;
    p.out.append(format.substr(lasti, i - lasti));
    if (i >= end) break;
    i++;  // skip '%'
    p.f = Flags();
    for (; i < end; i++) {
      char c = format[i];
      if (c == '#') {
        p.f.sharp = true;
      } else if (c == '0') {
        p.f.zero = !p.f.minus;
      } else if (c == '+') {
        p.f.plus = true;
      } else if (c == '-') {
        p.f.minus = true;
        p.f.zero = false;
      } else if (c == ' ') {
        p.f.space = true;
      } else {
        break;
      }
    }
    auto int_from_arg = [&](int* value) {
      if (arg_num < args.size() && args[arg_num].kind == ValueKind::kInt && args[arg_num].i >= -1000000 &&
          args[arg_num].i <= 1000000) {
        *value = static_cast<int>(args[arg_num].i);
        arg_num++;
        return true;
      }
      if (arg_num < args.size()) arg_num++;
      return false;
    };
    auto parse_num = [&](int* value) {
      bool any = false;
      int n = 0;
      while (i < end && format[i] >= '0' && format[i] <= '9') {
        if (n < 1000000) n = n * 10 + (format[i] - '0');
        i++;
        any = true;
      }
      *value = n;
      return any;
    };
    if (i < end && format[i] == '*') {
      i++;
      p.f.wid_present = int_from_arg(&p.f.wid);
      if (!p.f.wid_present) p.out += "%!(BADWIDTH)";
      if (p.f.wid < 0) {
        p.f.wid = -p.f.wid;
        p.f.minus = true;
        p.f.zero = false;
      }
    } else {
      p.f.wid_present = parse_num(&p.f.wid);
    }
    if (i + 1 <= end && i < end && format[i] == '.') {
      i++;
      if (i < end && format[i] == '*') {
        i++;
        p.f.prec_present = int_from_arg(&p.f.prec);
        if (p.f.prec < 0) {
          p.f.prec = 0;
          p.f.prec_present = false;
        }
        if (!p.f.prec_present) p.out += "%!(BADPREC)";
      } else {
        parse_num(&p.f.prec);
        p.f.prec_present = true;
      }
    }
    if (i >= end) {
      p.out += "%!(NOVERB)";
      break;
    }
    size_t verb_len = RuneLength(format, i);
    char verb = format[i];
    if (verb_len > 1) {
      // A non-ASCII verb is never valid: Go prints it in the bad-verb form.
      std::string_view raw = format.substr(i, verb_len);
      i += verb_len;
      p.out += "%!";
      p.out.append(raw);
      if (arg_num >= args.size()) {
        p.out += "(MISSING)";
      } else {
        p.out.push_back('(');
        p.out += args[arg_num].TypeName();
        p.out += "=";
        Flags saved = p.f;
        p.f = Flags();
        p.PrintValue(args[arg_num], 'v', 0);
        p.f = saved;
        p.out.push_back(')');
        arg_num++;
      }
      continue;
    }
    i++;
    if (verb == '%') {
      p.out.push_back('%');
      continue;
    }
    if (arg_num >= args.size()) {
      p.out += "%!";
      p.out.push_back(verb);
      p.out += "(MISSING)";
      continue;
    }
    if (verb == 'w') verb = 'v';
    if (verb == 'v' && p.f.plus) {
      p.f.plus = false;
      p.f.plus_v = true;
    }
    if (verb == 'T') {
      const Value& a = args[arg_num];
      bool is_nil = a.kind == ValueKind::kInvalid || a.kind == ValueKind::kNil;
      p.FmtString(is_nil ? "<nil>" : a.TypeName(), 's');
      arg_num++;
      continue;
    }
    p.PrintValue(args[arg_num++], verb, 0);
  }
  if (arg_num < args.size()) {
    p.out += "%!(EXTRA ";
    for (size_t k = arg_num; k < args.size(); k++) {
      if (k > arg_num) p.out += ", ";
      if (args[k].kind == ValueKind::kInvalid || args[k].kind == ValueKind::kNil) {
        p.out += "<nil>";
        continue;
      }
      p.out += args[k].TypeName();
      p.out.push_back('=');
      p.f = Flags();
      p.PrintValue(args[k], 'v', 0);
    }
    p.out.push_back(')');
  }
  return std::move(p.out);
}

void AppendPrintedValue(const Value& v, std::string* out) {
  if (v.kind == ValueKind::kInvalid) {
    out->append("<no value>");
    return;
  }
  if (v.kind == ValueKind::kString) {
    out->append(v.s);
    return;
  }
  Value deref = v;
  deref.pointer = false;  // printableValue indirects one pointer level
  out->append(GoSprint({deref}));
}

}  // namespace vigil::rules::tmpl
