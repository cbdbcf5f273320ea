// A YAML document as Go's yaml.v3 sees it (yaml.Node): kind, resolved short
// tag, scalar text, 1-based line/column, and aliases kept as alias nodes
// (Value = anchor name) so strict decoders can mirror yaml.v3 exactly.
// Built from yaml-cpp's event parser, and rejecting the syntax libyaml
// rejects where yaml-cpp is lenient. Immutable after parsing; thread-safe
// to read.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/status.h"

namespace vigil::rules {

struct YamlNode {
  enum class Kind { kScalar, kSequence, kMapping, kAlias };
  Kind kind = Kind::kScalar;
  // yaml.v3 short tag: "!!str", "!!int", "!!float", "!!bool", "!!null",
  // "!!seq", "!!map", or an explicit tag as written (e.g. "!custom").
  std::string tag;
  std::string value;   // scalar text; alias: the anchor name
  bool quoted = false;  // single/double-quoted or block scalar (always !!str)
  int line = 0;         // 1-based
  int column = 0;       // 1-based
  std::vector<const YamlNode*> content;  // sequence items / mapping k, v, k, v...
  const YamlNode* alias_target = nullptr;

  bool IsNull() const { return kind == Kind::kScalar && tag == "!!null"; }
  // Follows aliases (a chain is impossible in YAML, but be safe).
  const YamlNode& Resolved() const;
};

// Owns the nodes of the first document of a YAML stream.
class YamlTree {
 public:
  // nullptr for an empty stream (no document: Go's io.EOF).
  const YamlNode* root() const { return root_; }
  YamlNode* NewNode();
  void set_root(const YamlNode* root) { root_ = root; }

 private:
  std::vector<std::unique_ptr<YamlNode>> nodes_;
  const YamlNode* root_ = nullptr;
};

// Parses the first document of `content`. InvalidArgument("yaml: line N:
// <what>") on a syntax error, like yaml.v3 (libyaml's wording for the
// common errors, yaml-cpp's for the rest; lines can differ).
Result<std::unique_ptr<YamlTree>> ParseYamlTree(std::string_view content);

// yaml.v3's resolution of a plain scalar's tag ("!!null", "!!bool",
// "!!int", "!!float" or "!!str").
std::string ResolvePlainScalarTag(std::string_view value);

// Go's strconv.ParseUint / ParseInt with base 0 ("0x1f", "0o17", "017",
// "0b101", decimal); nullopt when invalid or out of range.
std::optional<uint64_t> ParseGoUint(std::string_view s);
std::optional<int64_t> ParseGoInt(std::string_view s);

}  // namespace vigil::rules
