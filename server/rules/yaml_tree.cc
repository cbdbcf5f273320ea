// Builds a YamlTree from yaml-cpp's event stream (see yaml_tree.h). Where
// yaml-cpp is more lenient than libyaml (Go's yaml.v3), the builder rejects
// the input as libyaml does: unclosed quotes, empty flow entries, block keys
// without ':', plain values continued too little, tab-indented blank lines
// (yaml_tab_check.h). It also translates the common messages to libyaml's
// wording.
#include "server/rules/yaml_tree.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <limits>
#include <map>
#include <sstream>

#include "re2/re2.h"
#include "server/rules/yaml_tab_check.h"

namespace vigil::rules {
namespace {

constexpr std::string_view kCoreTagPrefix = "tag:yaml.org,2002:";

// yaml-cpp's tag text to yaml.v3's short form ("" = non-specific).
std::string ShortTag(const std::string& tag) {
  if (tag == "?" || tag == "!" || tag.empty()) return "";
  if (std::string_view(tag).substr(0, kCoreTagPrefix.size()) == kCoreTagPrefix) {
    return "!!" + tag.substr(kCoreTagPrefix.size());
  }
  return tag;
}

// The text yaml.v3 keeps for a null node: "~", "null", ... or "" (empty).
std::string NullText(std::string_view content, int pos) {
  if (pos < 0 || static_cast<size_t>(pos) >= content.size()) return "";
  std::string_view rest = content.substr(pos);
  for (std::string_view word : {"~", "null", "Null", "NULL"}) {
    if (rest.substr(0, word.size()) != word) continue;
    if (rest.size() == word.size()) return std::string(word);
    char next = rest[word.size()];
    if (next == ' ' || next == '\t' || next == '\n' || next == '\r' || next == ',' || next == ']' ||
        next == '}' || next == '#' || next == ':') {
      return std::string(word);
    }
  }
  return "";
}

// Thrown for a syntax error yaml-cpp accepts but libyaml rejects.
struct LibyamlSyntaxError {
  int line;  // 1-based
  std::string message;
};

// yaml-cpp ends a quoted scalar left open at the end of the stream; libyaml
// reports "found unexpected end of stream". `pos` is the opening quote.
bool QuotedScalarIsClosed(std::string_view content, size_t pos) {
  char quote = content[pos];
  for (size_t i = pos + 1; i < content.size(); ++i) {
    if (quote == '"' && content[i] == '\\') {
      ++i;
    } else if (content[i] == quote) {
      if (quote == '\'' && i + 1 < content.size() && content[i + 1] == '\'') {
        ++i;
        continue;
      }
      return true;
    }
  }
  return false;
}

// libyaml's wording (what Prometheus prints) for yaml-cpp's common syntax
// errors; others keep yaml-cpp's text.
std::string LibyamlMessage(const YAML::Exception& e, std::string_view content) {
  struct Translation {
    std::string_view yaml_cpp_prefix, libyaml;
  };
  static constexpr Translation kTranslations[] = {
      {"end of map not found", "did not find expected key"},
      {"end of map flow not found", "did not find expected ',' or '}'"},
      {"end of sequence not found", "did not find expected '-' indicator"},
      {"end of sequence flow not found", "did not find expected ',' or ']'"},
      {"unknown escape character", "found unknown escape character"},
      {"illegal tab when looking for indentation", "found a tab character that violates indentation"},
      {"illegal block entry", "block sequence entries are not allowed in this context"},
      {"illegal map value", "mapping values are not allowed in this context"},
      {"unknown token", "found character that cannot start any token"},
      {"illegal EOF in scalar", "found unexpected end of stream"},
  };
  if (e.msg == YAML::ErrorMsg::UNKNOWN_ANCHOR) {
    // yaml.v3: "unknown anchor 'x' referenced", without a line.
    std::string name;
    for (size_t i = e.mark.pos >= 0 ? e.mark.pos + 1 : content.size(); i < content.size(); ++i) {
      char c = content[i];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',' || c == ']' || c == '}') break;
      name.push_back(c);
    }
    return "yaml: unknown anchor '" + name + "' referenced";
  }
  std::string what = e.msg;
  for (const Translation& t : kTranslations) {
    if (what.compare(0, t.yaml_cpp_prefix.size(), t.yaml_cpp_prefix) == 0) {
      what = std::string(t.libyaml);
      break;
    }
  }
  // yaml.v3 leaves the line out when the error is on the first one.
  if (e.mark.line <= 0) return "yaml: " + what;
  return "yaml: line " + std::to_string(e.mark.line + 1) + ": " + what;
}

class TreeBuilder : public YAML::EventHandler {
 public:
  TreeBuilder(YamlTree* tree, std::string_view content) : tree_(tree), content_(content) {}

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    // yaml-cpp reads "[,]" as a null entry; libyaml rejects it.
    if (!flow_sequence_.empty() && flow_sequence_.back() && mark.pos >= 0 &&
        static_cast<size_t>(mark.pos) < content_.size() && content_[mark.pos] == ',') {
      throw LibyamlSyntaxError{mark.line + 1, "did not find expected node content"};
    }
    YamlNode* n = Start(mark, anchor, YamlNode::Kind::kScalar);
    n->tag = "!!null";
    n->value = NullText(content_, mark.pos);
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    YamlNode* n = Start(mark, 0, YamlNode::Kind::kAlias);
    auto it = anchors_.find(anchor);
    if (it != anchors_.end()) {
      n->alias_target = it->second.first;
      n->value = it->second.second;
    }
  }
  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    if (tag == "?" && !open_.empty() && open_.back()->kind == YamlNode::Kind::kMapping && !flow_.back() &&
        open_.back()->content.size() % 2 == 1) {
      CheckPlainValueContinuation(mark, value, open_.back()->column - 1);
    }
    if (tag == "?" && !open_.empty() && open_.back()->kind == YamlNode::Kind::kMapping && !flow_.back() &&
        open_.back()->content.size() % 2 == 0) {
      CheckPlainKeyHasColon(mark, value);
    }
    YamlNode* n = Start(mark, anchor, YamlNode::Kind::kScalar);
    n->value = value;
    n->quoted = tag == "!";
    size_t pos = mark.pos < 0 ? content_.size() : static_cast<size_t>(mark.pos);
    if (n->quoted && pos < content_.size() && (content_[pos] == '"' || content_[pos] == '\'') &&
        !QuotedScalarIsClosed(content_, pos)) {
      // yaml.v3 names the line of the opening quote, unless that is the
      // first line (0 counts as unset): then the line of the end.
      int line = mark.line + 1;
      if (mark.line == 0) {
        line = 1;
        for (char c : content_) line += c == '\n';
      }
      throw LibyamlSyntaxError{line, "found unexpected end of stream"};
    }
    n->tag = ShortTag(tag);
    if (n->tag.empty()) n->tag = n->quoted ? "!!str" : ResolvePlainScalarTag(value);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value style) override {
    YamlNode* n = Start(mark, anchor, YamlNode::Kind::kSequence);
    n->tag = ShortTag(tag);
    if (n->tag.empty()) n->tag = "!!seq";
    open_.push_back(n);
    flow_sequence_.push_back(style == YAML::EmitterStyle::Flow);
    flow_.push_back(style == YAML::EmitterStyle::Flow);
  }
  void OnSequenceEnd() override {
    open_.pop_back();
    flow_sequence_.pop_back();
    flow_.pop_back();
  }
  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value style) override {
    YamlNode* n = Start(mark, anchor, YamlNode::Kind::kMapping);
    n->tag = ShortTag(tag);
    if (n->tag.empty()) n->tag = "!!map";
    open_.push_back(n);
    flow_sequence_.push_back(false);
    flow_.push_back(style == YAML::EmitterStyle::Flow);
  }
  void OnMapEnd() override {
    open_.pop_back();
    flow_sequence_.pop_back();
    flow_.pop_back();
  }
  void OnAnchor(const YAML::Mark&, const std::string& anchor_name) override { pending_anchor_name_ = anchor_name; }

 private:
  // yaml-cpp folds a plain value's next line into it even when that line is
  // not indented past the mapping's keys; libyaml reads it as a key without
  // ':' ("could not find expected ':'").
  void CheckPlainValueContinuation(const YAML::Mark& mark, const std::string& value, int key_column) {
    if (mark.pos < 0 || static_cast<size_t>(mark.pos) >= content_.size()) return;
    const size_t pos = mark.pos;
    size_t eol = content_.find('\n', pos);
    if (eol == std::string_view::npos) return;
    std::string_view first = content_.substr(pos, eol - pos);
    for (size_t i = 1; i < first.size(); ++i) {
      if (first[i] == '#' && (first[i - 1] == ' ' || first[i - 1] == '\t')) {
        first = first.substr(0, i);
        break;
      }
    }
    while (!first.empty() && (first.back() == ' ' || first.back() == '\t' || first.back() == '\r')) {
      first.remove_suffix(1);
    }
    if (value.size() <= first.size()) return;  // not continued
    int line = mark.line + 2;
    for (size_t start = eol + 1; start < content_.size(); ++line) {
      size_t end = std::min(content_.find('\n', start), content_.size());
      std::string_view text = content_.substr(start, end - start);
      size_t spaces = text.find_first_not_of(' ');
      if (spaces != std::string_view::npos && text.find_first_not_of(" \t\r") != std::string_view::npos) {
        if (static_cast<int>(spaces) <= key_column) throw LibyamlSyntaxError{line, "could not find expected ':'"};
        return;
      }
      start = end + 1;
    }
  }

  // yaml-cpp reads a plain block key without ':' as a key with a null
  // value; libyaml requires the ':' ("could not find expected ':'").
  void CheckPlainKeyHasColon(const YAML::Mark& mark, const std::string& value) {
    if (mark.pos < 0 || static_cast<size_t>(mark.pos) >= content_.size()) return;
    const size_t pos = mark.pos;
    if (content_.compare(pos, value.size(), value) != 0) return;  // not the literal text
    size_t before = pos;
    while (before > 0 && (content_[before - 1] == ' ' || content_[before - 1] == '\t')) --before;
    if (before > 0 && content_[before - 1] == '?') return;  // an explicit "? key"
    size_t after = pos + value.size();
    while (after < content_.size() && (content_[after] == ' ' || content_[after] == '\t')) ++after;
    if (after < content_.size() && content_[after] == ':') return;
    throw LibyamlSyntaxError{mark.line + 1, "could not find expected ':'"};
  }

  YamlNode* Start(const YAML::Mark& mark, YAML::anchor_t anchor, YamlNode::Kind kind) {
    YamlNode* n = tree_->NewNode();
    n->kind = kind;
    n->line = mark.line + 1;
    n->column = mark.column + 1;
    if (anchor != 0) anchors_[anchor] = {n, pending_anchor_name_};
    pending_anchor_name_.clear();
    if (open_.empty()) {
      if (tree_->root() == nullptr) tree_->set_root(n);
    } else {
      open_.back()->content.push_back(n);
    }
    return n;
  }

  YamlTree* tree_;
  std::string_view content_;
  std::vector<YamlNode*> open_;
  std::vector<bool> flow_sequence_;  // parallel to open_
  std::vector<bool> flow_;           // parallel to open_: a flow collection
  std::map<YAML::anchor_t, std::pair<const YamlNode*, std::string>> anchors_;
  std::string pending_anchor_name_;
};

}  // namespace

const YamlNode& YamlNode::Resolved() const {
  const YamlNode* n = this;
  for (int hops = 0; n->kind == Kind::kAlias && n->alias_target != nullptr && hops < 64; ++hops) {
    n = n->alias_target;
  }
  return *n;
}

YamlNode* YamlTree::NewNode() {
  nodes_.push_back(std::make_unique<YamlNode>());
  return nodes_.back().get();
}

Result<std::unique_ptr<YamlTree>> ParseYamlTree(std::string_view content) {
  auto tree = std::make_unique<YamlTree>();
  try {
    std::istringstream in{std::string(content)};
    YAML::Parser parser(in);
    TreeBuilder builder(tree.get(), content);
    parser.HandleNextDocument(builder);
    if (std::optional<int> line = FindLibyamlTabError(content)) {
      throw LibyamlSyntaxError{*line, "found character that cannot start any token"};
    }
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(LibyamlMessage(e, content));
  } catch (const LibyamlSyntaxError& e) {
    if (e.line <= 1) return Status::InvalidArgument("yaml: " + e.message);
    return Status::InvalidArgument("yaml: line " + std::to_string(e.line) + ": " + e.message);
  } catch (const std::exception& e) {
    return Status::InvalidArgument(std::string("yaml: ") + e.what());
  }
  return tree;
}

std::string ResolvePlainScalarTag(std::string_view value) {
  static const RE2 kFloat(R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)");
  if (value.empty() || value == "~" || value == "null" || value == "Null" || value == "NULL") return "!!null";
  if (value == "true" || value == "True" || value == "TRUE" || value == "false" || value == "False" ||
      value == "FALSE") {
    return "!!bool";
  }
  if (value == "<<") return "!!merge";
  for (std::string_view inf : {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF",
                               ".nan", ".NaN", ".NAN"}) {
    if (value == inf) return "!!float";
  }
  // yaml.v3 tries numbers only for scalars starting like one.
  if (std::string_view("+-.0123456789").find(value[0]) == std::string_view::npos) return "!!str";
  std::string plain;
  for (char c : value) {
    if (c != '_') plain.push_back(c);
  }
  if (ParseGoInt(plain).has_value() || ParseGoUint(plain).has_value()) return "!!int";
  if (RE2::FullMatch(plain, kFloat)) return "!!float";
  return "!!str";
}

std::optional<uint64_t> ParseGoUint(std::string_view s) {
  int base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16, s.remove_prefix(2);
  } else if (s.size() > 2 && s[0] == '0' && (s[1] == 'o' || s[1] == 'O')) {
    base = 8, s.remove_prefix(2);
  } else if (s.size() > 2 && s[0] == '0' && (s[1] == 'b' || s[1] == 'B')) {
    base = 2, s.remove_prefix(2);
  } else if (s.size() > 1 && s[0] == '0') {
    base = 8, s.remove_prefix(1);
  }
  if (s.empty() || s[0] == '+' || s[0] == '-') return std::nullopt;
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<int64_t> ParseGoInt(std::string_view s) {
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  std::optional<uint64_t> magnitude = ParseGoUint(s);
  if (!magnitude) return std::nullopt;
  constexpr uint64_t kMaxPositive = std::numeric_limits<int64_t>::max();
  if (!negative && *magnitude > kMaxPositive) return std::nullopt;
  if (negative && *magnitude > kMaxPositive + 1) return std::nullopt;
  return negative ? static_cast<int64_t>(0 - *magnitude) : static_cast<int64_t>(*magnitude);
}

}  // namespace vigil::rules
