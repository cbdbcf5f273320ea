// yaml.v3 decoding rules (gopkg.in/yaml.v3 decode.go) over YamlTree.
#include "server/rules/yaml_strict_decoder.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "query/duration.h"
#include "server/rules/rule_file_format.h"

namespace vigil::rules {
namespace {

// yaml.v3's allowedAliasRatio: the share of decode steps that may come from
// aliases before the document counts as an alias bomb.
double AllowedAliasRatio(int64_t decode_count) {
  constexpr double kLow = 400000, kHigh = 4000000;
  if (decode_count <= kLow) return 0.99;
  if (decode_count >= kHigh) return 0.10;
  return 0.99 - 0.89 * ((static_cast<double>(decode_count) - kLow) / (kHigh - kLow));
}

// Go's strconv.ParseFloat for yaml.v3 float scalars (".inf", "1e3", ...).
double ParseYamlFloat(const std::string& s) {
  std::string_view v = s;
  bool negative = !v.empty() && v[0] == '-';
  if (!v.empty() && (v[0] == '-' || v[0] == '+')) v.remove_prefix(1);
  if (v == ".inf" || v == ".Inf" || v == ".INF") {
    return negative ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
  }
  if (v == ".nan" || v == ".NaN" || v == ".NAN") return std::numeric_limits<double>::quiet_NaN();
  return std::strtod(s.c_str(), nullptr);
}

}  // namespace

// RAII: enter a node (resolving an alias) and leave it on scope exit.
class AliasScope {
 public:
  AliasScope(StrictYamlDecoder* d, const YamlNode& n) : decoder_(d), node_(n), resolved_(d->Enter(n)) {}
  ~AliasScope() {
    if (resolved_ != nullptr) decoder_->Leave(node_);
  }
  AliasScope(const AliasScope&) = delete;
  AliasScope& operator=(const AliasScope&) = delete;
  const YamlNode* get() const { return resolved_; }

 private:
  StrictYamlDecoder* decoder_;
  const YamlNode& node_;
  const YamlNode* resolved_;
};

const YamlNode* StrictYamlDecoder::Enter(const YamlNode& n) {
  if (aborted()) return nullptr;
  ++decode_count_;
  if (!active_aliases_.empty()) ++alias_count_;
  if (alias_count_ > 100 && decode_count_ > 1000 &&
      static_cast<double>(alias_count_) / static_cast<double>(decode_count_) > AllowedAliasRatio(decode_count_)) {
    Fail("yaml: document contains excessive aliasing");
    return nullptr;
  }
  if (n.kind != YamlNode::Kind::kAlias) return &n;
  if (n.alias_target == nullptr) {
    Fail("yaml: unknown anchor '" + n.value + "' referenced");
    return nullptr;
  }
  if (active_aliases_.count(n.alias_target) != 0) {
    Fail("yaml: anchor '" + n.value + "' value contains itself");
    return nullptr;
  }
  active_aliases_.insert(n.alias_target);
  return n.alias_target;
}

void StrictYamlDecoder::Leave(const YamlNode& n) {
  if (n.kind == YamlNode::Kind::kAlias) active_aliases_.erase(n.alias_target);
}

bool StrictYamlDecoder::CheckUniqueKeys(const YamlNode& mapping) {
  size_t before = type_errors_.size();
  const auto& c = mapping.content;
  for (size_t i = 0; i + 1 < c.size(); i += 2) {
    for (size_t j = i + 2; j + 1 < c.size(); j += 2) {
      if (c[i]->kind == c[j]->kind && c[i]->value == c[j]->value) {
        type_errors_.push_back("line " + std::to_string(c[j]->line) + ": mapping key \"" + c[j]->value +
                               "\" already defined at line " + std::to_string(c[i]->line));
      }
    }
  }
  return type_errors_.size() == before;
}

void StrictYamlDecoder::TypeError(const YamlNode& n, std::string_view go_type) {
  std::string value;
  if (n.kind == YamlNode::Kind::kScalar) {
    value = n.value.size() > 10 ? " `" + n.value.substr(0, 7) + "...`" : " `" + n.value + "`";
  }
  type_errors_.push_back("line " + std::to_string(n.line) + ": cannot unmarshal " + n.tag + value + " into " +
                         std::string(go_type));
}

void StrictYamlDecoder::Fail(std::string message) {
  if (!fatal_) fatal_ = std::move(message);
}

bool StrictYamlDecoder::IsMergeKey(const YamlNode& key) {
  return key.kind == YamlNode::Kind::kScalar && key.tag == "!!merge";
}

void StrictYamlDecoder::Merge(const YamlNode& value, const std::function<void(const YamlNode&)>& each) {
  auto is_map = [](const YamlNode& n) { return n.Resolved().kind == YamlNode::Kind::kMapping; };
  if (is_map(value)) {
    each(value);
    return;
  }
  if (value.kind == YamlNode::Kind::kSequence) {
    for (const YamlNode* item : value.content) {
      if (!is_map(*item)) return Fail("yaml: map merge requires map or sequence of maps as the value");
    }
    // Earlier maps take precedence: apply them last.
    for (auto it = value.content.rbegin(); it != value.content.rend() && !aborted(); ++it) each(**it);
    return;
  }
  Fail("yaml: map merge requires map or sequence of maps as the value");
}

void StrictYamlDecoder::DecodeStruct(const YamlNode& node, std::string_view go_type, const FieldFn& field) {
  AliasScope scope(this, node);
  const YamlNode* n = scope.get();
  if (n == nullptr || n->IsNull()) return;
  if (n->kind != YamlNode::Kind::kMapping) return TypeError(*n, go_type);
  if (!CheckUniqueKeys(*n)) return;
  const auto& c = n->content;
  for (size_t i = 0; i + 1 < c.size() && !aborted(); i += 2) {
    if (IsMergeKey(*c[i])) {
      Merge(*c[i + 1], [&](const YamlNode& m) { DecodeStruct(m, go_type, field); });
    }
  }
  for (size_t i = 0; i + 1 < c.size() && !aborted(); i += 2) {
    if (IsMergeKey(*c[i])) continue;
    std::string name;
    if (!DecodeString(*c[i], &name)) continue;
    if (!field(name, *c[i + 1]) && known_fields_) {
      type_errors_.push_back("line " + std::to_string(c[i]->line) + ": field " + name + " not found in type " +
                             std::string(go_type));
    }
  }
}

void StrictYamlDecoder::DecodeSequence(const YamlNode& node, std::string_view go_type, const ItemFn& item) {
  AliasScope scope(this, node);
  const YamlNode* n = scope.get();
  if (n == nullptr || n->IsNull()) return;
  if (n->kind == YamlNode::Kind::kMapping && !CheckUniqueKeys(*n)) return;
  if (n->kind != YamlNode::Kind::kSequence) return TypeError(*n, go_type);
  for (const YamlNode* child : n->content) {
    if (aborted()) return;
    item(*child);
  }
}

bool StrictYamlDecoder::DecodeString(const YamlNode& node, std::string* out) {
  AliasScope scope(this, node);
  const YamlNode* n = scope.get();
  if (n == nullptr || n->IsNull()) return false;  // Go's d.null: nothing set
  if (n->kind == YamlNode::Kind::kMapping && !CheckUniqueKeys(*n)) return false;
  if (n->kind != YamlNode::Kind::kScalar) {
    TypeError(*n, "string");
    return false;
  }
  *out = n->value;
  return true;
}

bool StrictYamlDecoder::DecodeInt(const YamlNode& node, int64_t* out) {
  AliasScope scope(this, node);
  const YamlNode* n = scope.get();
  if (n == nullptr) return false;
  if (n->IsNull()) return true;
  if (n->kind == YamlNode::Kind::kMapping && !CheckUniqueKeys(*n)) return false;
  if (n->kind == YamlNode::Kind::kScalar && n->tag == "!!int") {
    std::string plain;
    for (char c : n->value) {
      if (c != '_') plain.push_back(c);
    }
    if (auto v = ParseGoInt(plain)) {
      *out = *v;
      return true;
    }
  }
  if (n->kind == YamlNode::Kind::kScalar && n->tag == "!!float") {
    double v = ParseYamlFloat(n->value);
    if (v == -std::numeric_limits<double>::infinity()) {
      *out = std::numeric_limits<int64_t>::min();
      return true;
    }
    if (v < 9223372036854775807.0 && v >= -9223372036854775808.0) {
      *out = static_cast<int64_t>(v);
      return true;
    }
  }
  TypeError(*n, "int");
  return false;
}

void StrictYamlDecoder::DecodeStringMap(const YamlNode& node,
                                        std::vector<std::pair<std::string, std::string>>* out) {
  AliasScope scope(this, node);
  const YamlNode* n = scope.get();
  if (n == nullptr || n->IsNull()) return;
  if (n->kind == YamlNode::Kind::kMapping && !CheckUniqueKeys(*n)) return;
  if (n->kind != YamlNode::Kind::kMapping) return TypeError(*n, "map[string]string");
  auto set = [out](std::string key, std::string value) {
    for (auto& [k, v] : *out) {
      if (k == key) {
        v = std::move(value);
        return;
      }
    }
    out->emplace_back(std::move(key), std::move(value));
  };
  const auto& c = n->content;
  for (size_t i = 0; i + 1 < c.size() && !aborted(); i += 2) {
    if (IsMergeKey(*c[i])) Merge(*c[i + 1], [&](const YamlNode& m) { DecodeStringMap(m, out); });
  }
  for (size_t i = 0; i + 1 < c.size() && !aborted(); i += 2) {
    if (IsMergeKey(*c[i])) continue;
    std::string key, value;
    if (!DecodeString(*c[i], &key)) continue;
    // A null value is stored as "", a null key skipped (yaml.v3 mapping()).
    if (!DecodeString(*c[i + 1], &value) && !c[i + 1]->Resolved().IsNull()) continue;
    set(std::move(key), std::move(value));
  }
}

void StrictYamlDecoder::DecodeDuration(const YamlNode& node, int64_t* out_ms) {
  AliasScope scope(this, node);
  const YamlNode* n = scope.get();
  if (n == nullptr || n->IsNull()) return;
  std::string text;
  if (!DecodeString(*n, &text)) return;  // null was handled above
  Result<int64_t> ms = query::ParseDuration(text);
  if (!ms.ok()) {
    // Prometheus 2.42's common/model says "not a valid duration string"
    // for every malformed string (newer versions name the unit).
    const std::string& m = ms.status().message();
    return Fail(m.rfind("unknown unit", 0) == 0 ? "not a valid duration string: " + GoQuote(text) : m);
  }
  *out_ms = *ms;
}

std::optional<std::string> StrictYamlDecoder::Error() const {
  if (fatal_) return fatal_;
  if (type_errors_.empty()) return std::nullopt;
  std::string text = "yaml: unmarshal errors:";
  for (const std::string& e : type_errors_) text += "\n  " + e;
  return text;
}

}  // namespace vigil::rules
