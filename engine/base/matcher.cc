#include "engine/base/matcher.h"

#include <re2/re2.h>

#include <cstdlib>

namespace vigil {

namespace {

// If `pattern` is a plain literal or an alternation of plain literals,
// returns them; otherwise an empty vector. Used for fast set matching.
std::vector<std::string> LiteralAlternatives(const std::string& pattern) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : pattern) {
    if (c == '|') { out.push_back(std::move(cur)); cur.clear(); continue; }
    bool meta = std::string_view("\\.+*?()[]{}^$").find(c) != std::string_view::npos;
    if (meta) return {};
    cur += c;
  }
  out.push_back(std::move(cur));
  return out;
}

}  // namespace

Result<Matcher> Matcher::Make(MatchType type, std::string name, std::string value) {
  Matcher m;
  m.type_ = type;
  m.name_ = std::move(name);
  m.value_ = std::move(value);
  if (type == MatchType::kRegexMatch || type == MatchType::kRegexNoMatch) {
    RE2::Options opts;
    opts.set_log_errors(false);
    opts.set_dot_nl(false);
    auto re = std::make_shared<RE2>("^(?:" + m.value_ + ")$", opts);
    if (!re->ok()) {
      return Status::InvalidArgument("invalid regular expression \"" + m.value_ + "\": " + re->error());
    }
    m.re_ = std::move(re);
    m.set_values_ = LiteralAlternatives(m.value_);
  }
  m.matches_empty_ = m.Matches("");
  return m;
}

Matcher Matcher::MustMake(MatchType type, std::string name, std::string value) {
  auto r = Make(type, std::move(name), std::move(value));
  if (!r.ok()) std::abort();
  return std::move(r).value();
}

bool Matcher::Matches(std::string_view v) const {
  switch (type_) {
    case MatchType::kEqual: return v == value_;
    case MatchType::kNotEqual: return v != value_;
    case MatchType::kRegexMatch:
    case MatchType::kRegexNoMatch: {
      bool hit;
      if (!set_values_.empty()) {
        hit = false;
        for (const auto& s : set_values_) {
          if (s == v) { hit = true; break; }
        }
      } else {
        hit = RE2::FullMatch(re2::StringPiece(v.data(), v.size()), *re_);
      }
      return type_ == MatchType::kRegexMatch ? hit : !hit;
    }
  }
  return false;
}

std::string Matcher::ToString() const {
  static constexpr std::string_view kOps[] = {"=", "!=", "=~", "!~"};
  std::string out = name_;
  out += kOps[static_cast<int>(type_)];
  out += '"';
  for (char c : value_) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
  return out;
}

}  // namespace vigil
