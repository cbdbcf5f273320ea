// A line scanner that tracks the YAML contexts where tabs are allowed:
// flow collections, multi-line quoted scalars and block scalars. Blank and
// comment lines indented with a tab are reported, as libyaml's
// scan_to_next_token does not skip a tab at the start of a block-context
// line. Tab-indented lines with content are left to yaml-cpp: there libyaml
// accepts some of them (inside multi-line plain scalars).
#include "server/rules/yaml_tab_check.h"

#include <string>

namespace vigil::rules {
namespace {

constexpr size_t kNpos = std::string_view::npos;

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

// The position after the quote that closes a scalar opened by `quote`
// before `i`, or npos if it stays open past the end of `s`.
size_t SkipQuoted(std::string_view s, size_t i, char quote) {
  for (; i < s.size(); ++i) {
    if (quote == '"' && s[i] == '\\') {
      ++i;
    } else if (s[i] == quote) {
      if (quote == '\'' && i + 1 < s.size() && s[i + 1] == '\'') {
        ++i;
        continue;
      }
      return i + 1;
    }
  }
  return kNpos;
}

size_t SkipBlanks(std::string_view s, size_t i) {
  while (i < s.size() && IsBlank(s[i])) ++i;
  return i;
}

class TabScanner {
 public:
  // Feeds the next line; false if it breaks libyaml's tab rule.
  bool Line(std::string_view line) {
    if (open_quote_ != 0) {
      size_t end = SkipQuoted(line, 0, open_quote_);
      if (end == kNpos) return true;
      open_quote_ = 0;
      if (flow_depth_ > 0) Flow(line, end);
      return true;
    }
    if (flow_depth_ > 0) {
      Flow(line, 0);
      return true;
    }
    size_t spaces = 0;
    while (spaces < line.size() && line[spaces] == ' ') ++spaces;
    const bool tab_led = spaces < line.size() && line[spaces] == '\t';
    const size_t first = SkipBlanks(line, spaces);
    const bool blank = first == line.size();
    if (block_scalar_) {
      const int indent = static_cast<int>(spaces);
      if (blank) return !tab_led || (block_indent_ >= 0 && indent >= block_indent_);
      if (tab_led) return block_indent_ >= 0 && indent >= block_indent_;
      if (block_indent_ < 0 && indent > block_parent_indent_) block_indent_ = indent;
      if (block_indent_ >= 0 && indent >= block_indent_) return true;
      block_scalar_ = false;  // the line ends the block scalar
    }
    if (blank) return !tab_led;
    if (line[first] == '#') return !tab_led || !seen_token_;
    if (tab_led) return true;  // content: yaml-cpp decides
    seen_token_ = true;
    Block(line, first);
    return true;
  }

 private:
  // A block-context line from its first token: sequence dashes, an
  // optional key, then the value that may open a context.
  void Block(std::string_view line, size_t i) {
    while (i < line.size() && line[i] == '-' && (i + 1 == line.size() || IsBlank(line[i + 1]))) {
      i = SkipBlanks(line, i + 1);
    }
    if (i < line.size() && (line[i] == '[' || line[i] == '{')) {  // a flow collection (as a key or an item)
      flow_depth_ = 1;
      Flow(line, i + 1);
      return;
    }
    const int key_column = static_cast<int>(i);
    size_t value = i;
    if (i < line.size() && (line[i] == '"' || line[i] == '\'')) {
      size_t end = SkipQuoted(line, i + 1, line[i]);
      if (end == kNpos) {
        open_quote_ = line[i];
        return;
      }
      size_t after = SkipBlanks(line, end);
      if (after >= line.size() || line[after] != ':') return;  // a quoted value
      value = after + 1;
    } else {
      for (size_t j = i; j < line.size(); ++j) {
        if (line[j] == '#' && j > i && IsBlank(line[j - 1])) break;
        if (line[j] == ':' && (j + 1 == line.size() || IsBlank(line[j + 1]))) {
          value = j + 1;
          break;
        }
      }
    }
    value = SkipBlanks(line, value);
    while (value < line.size() && (line[value] == '&' || line[value] == '!')) {  // anchors, tags
      while (value < line.size() && !IsBlank(line[value])) ++value;
      value = SkipBlanks(line, value);
    }
    if (value >= line.size()) return;
    const char c = line[value];
    if (c == '[' || c == '{') {
      flow_depth_ = 1;
      Flow(line, value + 1);
    } else if (c == '"' || c == '\'') {
      if (SkipQuoted(line, value + 1, c) == kNpos) open_quote_ = c;
    } else if (c == '|' || c == '>') {
      block_scalar_ = true;
      block_parent_indent_ = key_column;
      block_indent_ = -1;
    }
  }

  // Flow context from line[i]: brackets, quoted scalars, comments.
  void Flow(std::string_view line, size_t i) {
    for (; i < line.size() && flow_depth_ > 0; ++i) {
      const char c = line[i];
      const bool token_start = i == 0 || IsBlank(line[i - 1]) || std::string_view("[{,:").find(line[i - 1]) != kNpos;
      if ((c == '"' || c == '\'') && token_start) {
        size_t end = SkipQuoted(line, i + 1, c);
        if (end == kNpos) {
          open_quote_ = c;
          return;
        }
        i = end - 1;
      } else if (c == '#' && (i == 0 || IsBlank(line[i - 1]))) {
        return;
      } else if (c == '[' || c == '{') {
        ++flow_depth_;
      } else if (c == ']' || c == '}') {
        --flow_depth_;
      }
    }
  }

  int flow_depth_ = 0;
  char open_quote_ = 0;  // a quoted scalar continues on the next line
  bool block_scalar_ = false;
  int block_parent_indent_ = 0;  // block scalar content is indented more
  int block_indent_ = -1;        // of its first content line; -1 = not yet
  bool seen_token_ = false;
};

}  // namespace

std::optional<int> FindLibyamlTabError(std::string_view content) {
  TabScanner scanner;
  int number = 0;
  for (size_t start = 0; start <= content.size();) {
    size_t end = content.find('\n', start);
    if (end == kNpos) end = content.size();
    std::string_view line = content.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    ++number;
    if (!scanner.Line(line)) return number;
    if (end == content.size()) break;
    start = end + 1;
  }
  return std::nullopt;
}

}  // namespace vigil::rules
