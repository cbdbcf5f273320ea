// Go yaml.v3 decoding semantics over a YamlTree: the type errors it collects
// ("line N: cannot unmarshal !!str `x` into int", "line N: field f not
// found in type T", "line N: mapping key \"k\" already defined at line M"),
// the fatal errors that abort a decode (a custom unmarshaler's error, a bad
// merge), aliases, merge keys (<<) and null handling. One decoder per
// decode pass; not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "server/rules/yaml_tree.h"

namespace vigil::rules {

class AliasScope;

class StrictYamlDecoder {
 public:
  // known_fields: yaml.v3 Decoder.KnownFields(true) (unknown keys are errors).
  explicit StrictYamlDecoder(bool known_fields) : known_fields_(known_fields) {}

  // Called for each (field name, value node) of a struct mapping; returns
  // false if the struct has no such field.
  using FieldFn = std::function<bool(const std::string& field, const YamlNode& value)>;
  // Called for each element of a sequence.
  using ItemFn = std::function<void(const YamlNode& item)>;

  // Decodes `n` into a Go struct named `go_type`.
  void DecodeStruct(const YamlNode& n, std::string_view go_type, const FieldFn& field);
  // Decodes `n` into a Go slice named `go_type` ("[]pkg.T").
  void DecodeSequence(const YamlNode& n, std::string_view go_type, const ItemFn& item);
  // Go string / int targets. Returns false on a type error; a null node
  // leaves `out` unchanged and returns false for a string (Go's d.null:
  // a null map key is skipped), true for an int.
  bool DecodeString(const YamlNode& n, std::string* out);
  bool DecodeInt(const YamlNode& n, int64_t* out);
  // map[string]string, in file order; a later duplicate from a merge is
  // overwritten in place like a Go map.
  void DecodeStringMap(const YamlNode& n, std::vector<std::pair<std::string, std::string>>* out);
  // model.Duration (custom unmarshaler): a parse error aborts the decode.
  void DecodeDuration(const YamlNode& n, int64_t* out_ms);

  bool aborted() const { return fatal_.has_value(); }
  // The error this decode returns, as Go's err.Error(): the fatal error
  // alone, or "yaml: unmarshal errors:\n  line ...\n  line ...", or none.
  std::optional<std::string> Error() const;

 private:
  friend class AliasScope;
  // Follows an alias (guarding against self-containing anchors and
  // excessive aliasing as yaml.v3 does); nullptr if the decode aborted.
  const YamlNode* Enter(const YamlNode& n);
  void Leave(const YamlNode& n);
  // yaml.v3's duplicate-key check; false if `mapping` has duplicates.
  bool CheckUniqueKeys(const YamlNode& mapping);
  void TypeError(const YamlNode& n, std::string_view go_type);
  void Fail(std::string message);
  // Calls `each` on every mapping merged in by a `<<` value.
  void Merge(const YamlNode& value, const std::function<void(const YamlNode&)>& each);
  static bool IsMergeKey(const YamlNode& key);

  bool known_fields_;
  std::vector<std::string> type_errors_;
  std::optional<std::string> fatal_;
  std::set<const YamlNode*> active_aliases_;
  int64_t decode_count_ = 0;
  int64_t alias_count_ = 0;
};

}  // namespace vigil::rules
