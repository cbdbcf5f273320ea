// Matcher: one label matcher (=, !=, =~, !~). Regexes are RE2, fully anchored,
// with Prometheus 2.x semantics ('.' does not match a newline). A matcher is
// applied to the label's value, "" when the label is absent, so a matcher that
// matches "" also selects series lacking the label. Immutable; thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/status.h"

namespace re2 { class RE2; }

namespace vigil {

enum class MatchType : unsigned char { kEqual, kNotEqual, kRegexMatch, kRegexNoMatch };

class Matcher {
 public:
  // InvalidArgument (naming the pattern and RE2's message) for a bad regex.
  static Result<Matcher> Make(MatchType type, std::string name, std::string value);
  // For tests and literals: aborts on a bad regex.
  static Matcher MustMake(MatchType type, std::string name, std::string value);

  MatchType type() const { return type_; }
  const std::string& name() const { return name_; }
  const std::string& value() const { return value_; }
  bool Matches(std::string_view v) const;
  bool MatchesEmpty() const { return matches_empty_; }
  // True for = and =~ (matchers that can drive an index lookup).
  bool IsPositive() const { return type_ == MatchType::kEqual || type_ == MatchType::kRegexMatch; }
  // For =~ matching a finite set of literals (a|b|c): those literals; else empty.
  const std::vector<std::string>& set_values() const { return set_values_; }
  // name="value" with Prometheus's operators.
  std::string ToString() const;

 private:
  MatchType type_ = MatchType::kEqual;
  std::string name_;
  std::string value_;
  std::shared_ptr<const re2::RE2> re_;
  std::vector<std::string> set_values_;
  bool matches_empty_ = false;
};

using Matchers = std::vector<Matcher>;

}  // namespace vigil
