// Prometheus's template function map (template/template.go): queries and
// samples, humanize*, time conversion, strings, regexps, URLs and links.
#include <locale.h>
#include <re2/re2.h>
#include <wctype.h>

#include <algorithm>
#include <cctype>
#include <cmath>

#include "query/duration.h"
#include "server/rules/template/go_strings.h"
#include "server/rules/template/humanize.h"
#include "server/rules/template/template_funcs.h"

namespace vigil::rules::tmpl {
namespace {

using Args = std::vector<Value>;
constexpr ParamType S = ParamType::kString;
constexpr ParamType A = ParamType::kAny;
constexpr const char* kNilDeref = "runtime error: invalid memory address or nil pointer dereference";

Value LabelsToMap(const Labels& labels) {
  auto m = std::make_shared<MapPayload>();
  for (const auto& l : labels) m->entries.emplace(std::string(l.name), Value::String(std::string(l.value)));
  return Value::Map(std::move(m), "map[string]string");
}

Value SampleValue(const TemplateQuerySample& s) {
  auto fields = std::make_shared<StructPayload>();
  fields->fields.push_back({"Labels", LabelsToMap(s.labels)});
  fields->fields.push_back({"Value", Value::Float(s.value)});
  return Value::Struct(std::move(fields), "*template.sample", true);
}

// The Labels map of a *template.sample, or null for a nil sample.
const MapPayload* SampleLabels(const Value& s) {
  if (s.kind != ValueKind::kStruct) return nullptr;
  return s.fields->fields[0].second.map.get();
}
std::string LabelOf(const MapPayload& labels, std::string_view name) {
  auto it = labels.entries.find(name);
  return it == labels.entries.end() ? "" : it->second.s;
}

Result<Value> Query(Args& a, const FuncEnv& env) {
  if (!env.data->query) return FuncError("no query engine available to templates");
  auto result = env.data->query(a[0].s);
  if (!result.ok()) return FuncError(result.status().message());
  auto list = std::make_shared<ListPayload>();
  for (const auto& s : *result) list->items.push_back(SampleValue(s));
  return Value::List(std::move(list), "template.queryResult");
}

Result<Value> First(Args& a, const FuncEnv&) {
  if (a[0].kind == ValueKind::kList && !a[0].list->items.empty()) return a[0].list->items[0];
  return FuncError("first() called on vector with no elements");
}

Result<Value> Label(Args& a, const FuncEnv&) {
  const MapPayload* labels = SampleLabels(a[1]);
  if (labels == nullptr) return FuncError(kNilDeref);
  return Value::String(LabelOf(*labels, a[0].s));
}

Result<Value> SampleFloat(Args& a, const FuncEnv&) {
  if (a[0].kind != ValueKind::kStruct) return FuncError(kNilDeref);
  return a[0].fields->fields[1].second;
}

Result<Value> StrValue(Args& a, const FuncEnv&) {
  const MapPayload* labels = SampleLabels(a[0]);
  if (labels == nullptr) return FuncError(kNilDeref);
  return Value::String(LabelOf(*labels, "__value__"));
}

Result<Value> SortByLabel(Args& a, const FuncEnv&) {
  if (a[1].kind != ValueKind::kList) return a[1];
  auto list = std::make_shared<ListPayload>(*a[1].list);
  const std::string& by = a[0].s;
  for (const Value& s : list->items) {
    if (s.kind != ValueKind::kStruct) return FuncError(kNilDeref);
  }
  std::stable_sort(list->items.begin(), list->items.end(), [&](const Value& x, const Value& y) {
    return LabelOf(*SampleLabels(x), by) < LabelOf(*SampleLabels(y), by);
  });
  return Value::List(std::move(list), a[1].type);
}

Result<Value> ArgsMap(Args& a, const FuncEnv&) {
  auto m = std::make_shared<MapPayload>();
  m->elem_is_string = false;
  for (size_t i = 0; i < a.size(); i++) m->entries["arg" + std::to_string(i)] = a[i].valid() ? a[i] : Value::Nil();
  return Value::Map(std::move(m), "map[string]interface {}");
}

// Go's Regexp.ReplaceAllString: `$1`, `${1}`, `$name`, `${name}`, `$$`.
void ExpandReplacement(const re2::RE2& re, std::string_view repl, const std::vector<re2::StringPiece>& groups,
                       std::string* out) {
  const auto& names = re.NamedCapturingGroups();
  for (size_t i = 0; i < repl.size();) {
    if (repl[i] != '$' || i + 1 >= repl.size()) {
      out->push_back(repl[i++]);
      continue;
    }
    if (repl[i + 1] == '$') {
      out->push_back('$');
      i += 2;
      continue;
    }
    std::string_view name;
    size_t next;
    if (repl[i + 1] == '{') {
      size_t close = repl.find('}', i + 2);
      name = close == std::string_view::npos ? std::string_view() : repl.substr(i + 2, close - i - 2);
      bool ok = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
      });
      if (!ok) {  // malformed: keep the '$' literally
        out->push_back(repl[i++]);
        continue;
      }
      next = close + 1;
    } else {
      size_t j = i + 1;
      while (j < repl.size() && (std::isalnum(static_cast<unsigned char>(repl[j])) || repl[j] == '_')) j++;
      if (j == i + 1) {
        out->push_back(repl[i++]);
        continue;
      }
      name = repl.substr(i + 1, j - i - 1);
      next = j;
    }
    int index = -1;
    if (std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      index = name.size() > 9 ? -1 : std::stoi(std::string(name));
    } else {
      auto it = names.find(std::string(name));
      if (it != names.end()) index = it->second;
    }
    if (index >= 0 && static_cast<size_t>(index) < groups.size() && groups[index].data() != nullptr) {
      out->append(groups[index].data(), groups[index].size());
    }
    i = next;
  }
}

Result<Value> ReReplaceAll(Args& a, const FuncEnv&) {
  const std::string& pattern = a[0].s;
  re2::RE2::Options options;
  options.set_log_errors(false);
  re2::RE2 re(pattern, options);
  if (!re.ok()) {
    return FuncError("regexp: Compile(" + GoQuoteOrBackquote(pattern) + "): " + GoRegexpError(re, pattern));
  }
  const std::string& text = a[2].s;
  std::vector<re2::StringPiece> groups(re.NumberOfCapturingGroups() + 1);
  std::string out;
  size_t last_match_end = 0, search_pos = 0;
  while (search_pos <= text.size()) {
    if (!re.Match(text, search_pos, text.size(), re2::RE2::UNANCHORED, groups.data(), static_cast<int>(groups.size()))) {
      break;
    }
    size_t start = groups[0].data() - text.data();
    size_t end = start + groups[0].size();
    out.append(text, last_match_end, start - last_match_end);
    if (end > last_match_end || start == 0) ExpandReplacement(re, a[1].s, groups, &out);
    last_match_end = end;
    size_t width = search_pos < text.size() ? RuneLength(text, search_pos) : 0;
    if (search_pos + width > end) {
      search_pos += width;
    } else if (search_pos + 1 > end) {
      search_pos++;
    } else {
      search_pos = end;
    }
  }
  out.append(text, std::min(last_match_end, text.size()));
  return Value::String(std::move(out));
}

Result<Value> Match(Args& a, const FuncEnv&) {
  re2::RE2::Options options;
  options.set_log_errors(false);
  re2::RE2 re(a[0].s, options);
  if (!re.ok()) return FuncError(GoRegexpError(re, a[0].s));
  return Value::Bool(re2::RE2::PartialMatch(a[1].s, re));
}

// Unicode case mapping through glibc's C.UTF-8 tables (towupper_l).
locale_t Utf8Locale() {
  static locale_t loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(0));
  return loc;
}

template <bool kUpper>
std::string MapCase(std::string_view s, bool only_word_starts = false) {
  std::string out;
  out.reserve(s.size());
  locale_t loc = Utf8Locale();
  bool prev_separator = true;
  for (size_t p = 0; p < s.size();) {
    size_t n = RuneLength(s, p);
    int r = DecodeRune(s, p);
    bool invalid = r == 0xFFFD && n == 1;
    int mapped = r;
    if (!invalid && (!only_word_starts || prev_separator)) {
      if (r < 0x80) {
        mapped = kUpper ? std::toupper(r) : std::tolower(r);
      } else if (loc != static_cast<locale_t>(0)) {
        mapped = static_cast<int>(kUpper ? towupper_l(static_cast<wint_t>(r), loc) : towlower_l(static_cast<wint_t>(r), loc));
      }
    }
    // strings.Title's isSeparator: letters, digits and '_' are not separators.
    prev_separator = r < 0x80 ? !(std::isalnum(r) || r == '_') : !IsGoLetterOrDigit(r) && r <= 0x2000;
    if (invalid || mapped == r) {
      out.append(s.substr(p, n));
    } else {
      AppendRune(mapped, &out);
    }
    p += n;
  }
  return out;
}

Result<Value> Title(Args& a, const FuncEnv&) { return Value::String(MapCase<true>(a[0].s, true)); }
Result<Value> ToUpper(Args& a, const FuncEnv&) { return Value::String(MapCase<true>(a[0].s)); }
Result<Value> ToLower(Args& a, const FuncEnv&) { return Value::String(MapCase<false>(a[0].s)); }

Result<Value> GraphLink(Args& a, const FuncEnv&) {
  return Value::String("/graph?g0.expr=" + QueryEscape(a[0].s) + "&g0.tab=0");
}
Result<Value> TableLink(Args& a, const FuncEnv&) {
  return Value::String("/graph?g0.expr=" + QueryEscape(a[0].s) + "&g0.tab=1");
}
Result<Value> SafeHtml(Args& a, const FuncEnv&) { return Value::String(a[0].s, "template.HTML"); }
Result<Value> UrlQueryEscape(Args& a, const FuncEnv&) { return Value::String(QueryEscape(a[0].s)); }

Result<Value> StripPort(Args& a, const FuncEnv&) {
  std::string host, port;
  if (!SplitHostPort(a[0].s, &host, &port)) return a[0];
  return Value::String(host);
}

bool LooksLikeIp(const std::string& host) {
  if (host.find(':') != std::string::npos) return true;  // IPv6
  int dots = 0;
  for (char c : host) {
    if (c == '.') {
      dots++;
    } else if (c < '0' || c > '9') {
      return false;
    }
  }
  return dots == 3;
}

Result<Value> StripDomain(Args& a, const FuncEnv&) {
  std::string host, port;
  if (!SplitHostPort(a[0].s, &host, &port)) host = a[0].s;
  if (LooksLikeIp(host)) return a[0];
  host = host.substr(0, host.find('.'));
  if (!port.empty()) return Value::String(host + ":" + port);
  return Value::String(host);
}

template <std::string (*F)(double)>
Result<Value> FloatToString(Args& a, const FuncEnv&) {
  ASSIGN_OR_RETURN(double v, ConvertToFloat(a[0]));
  return Value::String(F(v));
}

Result<Value> HumanizeTimestampFunc(Args& a, const FuncEnv&) {
  ASSIGN_OR_RETURN(double v, ConvertToFloat(a[0]));
  ASSIGN_OR_RETURN(std::string s, HumanizeTimestamp(v));
  return Value::String(std::move(s));
}

Result<Value> ToTime(Args& a, const FuncEnv&) {
  ASSIGN_OR_RETURN(double v, ConvertToFloat(a[0]));
  ASSIGN_OR_RETURN(int64_t ns, FloatToUnixNanos(v));
  return Value::Time(ns);
}

Result<Value> ToDuration(Args& a, const FuncEnv&) {
  ASSIGN_OR_RETURN(double v, ConvertToFloat(a[0]));
  ASSIGN_OR_RETURN(int64_t ns, FloatToDurationNanos(v));
  return Value::Duration(ns);
}

Result<Value> Now(Args&, const FuncEnv& env) { return Value::Float(static_cast<double>(env.data->eval_time_ms) / 1000.0); }

// url.URL.Path of the external URL.
std::string UrlPath(const std::string& url) {
  size_t scheme = url.find("://");
  size_t start = scheme == std::string::npos ? 0 : url.find('/', scheme + 3);
  if (start == std::string::npos) return "";
  size_t end = url.find_first_of("?#", start);
  return url.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

Result<Value> PathPrefix(Args&, const FuncEnv& env) {
  if (!env.data->path_prefix.empty()) return Value::String(env.data->path_prefix);
  return Value::String(UrlPath(env.data->external_url));
}
Result<Value> ExternalUrl(Args&, const FuncEnv& env) { return Value::String(env.data->external_url); }

Result<Value> ParseDurationFunc(Args& a, const FuncEnv&) {
  auto ms = query::ParseDuration(a[0].s);
  if (!ms.ok()) {
    // Prometheus 2.42's model.ParseDuration has no "unknown unit" message.
    const std::string& m = ms.status().message();
    if (m.rfind("unknown unit", 0) == 0) return FuncError("not a valid duration string: " + GoQuote(a[0].s));
    return FuncError(m);
  }
  return Value::Float(static_cast<double>(*ms) / 1000.0);
}

}  // namespace

void AddPrometheusFuncs(std::vector<std::pair<std::string, TemplateFunc>>* out) {
  auto add = [&](std::string name, std::vector<ParamType> params, FuncImpl impl, bool variadic = false) {
    out->push_back({std::move(name), TemplateFunc{std::move(params), variadic, impl, false}});
  };
  add("query", {S}, Query);
  add("first", {ParamType::kQueryResult}, First);
  add("label", {S, ParamType::kSample}, Label);
  add("value", {ParamType::kSample}, SampleFloat);
  add("strvalue", {ParamType::kSample}, StrValue);
  add("args", {A}, ArgsMap, true);
  add("reReplaceAll", {S, S, S}, ReReplaceAll);
  add("safeHtml", {S}, SafeHtml);
  add("match", {S, S}, Match);
  add("title", {S}, Title);
  add("toUpper", {S}, ToUpper);
  add("toLower", {S}, ToLower);
  add("graphLink", {S}, GraphLink);
  add("tableLink", {S}, TableLink);
  add("sortByLabel", {S, ParamType::kQueryResult}, SortByLabel);
  add("stripPort", {S}, StripPort);
  add("stripDomain", {S}, StripDomain);
  add("humanize", {A}, FloatToString<Humanize>);
  add("humanize1024", {A}, FloatToString<Humanize1024>);
  add("humanizeDuration", {A}, FloatToString<HumanizeDuration>);
  add("humanizePercentage", {A}, FloatToString<HumanizePercentage>);
  add("humanizeTimestamp", {A}, HumanizeTimestampFunc);
  add("toTime", {A}, ToTime);
  add("toDuration", {A}, ToDuration);
  add("now", {}, Now);
  add("pathPrefix", {}, PathPrefix);
  add("externalURL", {}, ExternalUrl);
  add("parseDuration", {S}, ParseDurationFunc);
  add("urlQueryEscape", {S}, UrlQueryEscape);
}

}  // namespace vigil::rules::tmpl
