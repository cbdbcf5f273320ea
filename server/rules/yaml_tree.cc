// Builds a YamlTree from yaml-cpp's event stream (see yaml_tree.h).
#include "server/rules/yaml_tree.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <map>
#include <sstream>

#include "re2/re2.h"

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
        next == '}' || next == '#') {
      return std::string(word);
    }
  }
  return "";
}

class TreeBuilder : public YAML::EventHandler {
 public:
  TreeBuilder(YamlTree* tree, std::string_view content) : tree_(tree), content_(content) {}

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
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
    YamlNode* n = Start(mark, anchor, YamlNode::Kind::kScalar);
    n->value = value;
    n->quoted = tag == "!";
    n->tag = ShortTag(tag);
    if (n->tag.empty()) n->tag = n->quoted ? "!!str" : ResolvePlainScalarTag(value);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    YamlNode* n = Start(mark, anchor, YamlNode::Kind::kSequence);
    n->tag = ShortTag(tag);
    if (n->tag.empty()) n->tag = "!!seq";
    open_.push_back(n);
  }
  void OnSequenceEnd() override { open_.pop_back(); }
  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    YamlNode* n = Start(mark, anchor, YamlNode::Kind::kMapping);
    n->tag = ShortTag(tag);
    if (n->tag.empty()) n->tag = "!!map";
    open_.push_back(n);
  }
  void OnMapEnd() override { open_.pop_back(); }
  void OnAnchor(const YAML::Mark&, const std::string& anchor_name) override { pending_anchor_name_ = anchor_name; }

 private:
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
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument("yaml: line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
  } catch (const std::exception& e) {
    return Status::InvalidArgument(std::string("yaml: ") + e.what());
  }
  return tree;
}

std::string ResolvePlainScalarTag(std::string_view value) {
  static const RE2 kInt(R"([-+]?(0b[01_]+|0o[0-7_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*))");
  static const RE2 kFloat(R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)");
  static const RE2 kSpecialFloat(R"([-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))");
  if (value.empty() || value == "~" || value == "null" || value == "Null" || value == "NULL") return "!!null";
  if (value == "true" || value == "True" || value == "TRUE" || value == "false" || value == "False" ||
      value == "FALSE") {
    return "!!bool";
  }
  if (value == "<<") return "!!merge";
  if (RE2::FullMatch(value, kInt)) return "!!int";
  if (RE2::FullMatch(value, kFloat) || RE2::FullMatch(value, kSpecialFloat)) return "!!float";
  return "!!str";
}

}  // namespace vigil::rules
