// Strict YAML decoding on top of yaml-cpp, after Go's yaml.v2
// UnmarshalStrict as promtool uses it: unknown and repeated keys and type
// mismatches are collected as "line N: ..." errors (reported together as
// "yaml: unmarshal errors:\n  line N: ..."), while errors of custom
// decoders (durations) stop decoding with their own text. yaml-cpp never
// throws out of here. Single-use, single-threaded.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "engine/base/status.h"

namespace vigil::rules::unittest {

class StrictDecoder {
 public:
  // Checks that `node` is a mapping (or null) whose keys are all in
  // `fields` and unique; `type_name` names it in errors ("main.testGroup").
  // False when `node` is not a mapping at all.
  bool CheckMap(const YAML::Node& node, std::string_view type_name, std::initializer_list<std::string_view> fields);

  // Scalar conversions; a mismatch records an error and returns a default.
  std::string String(const YAML::Node& node);
  double Float(const YAML::Node& node);
  bool Bool(const YAML::Node& node);
  int64_t Int(const YAML::Node& node);
  // model.Duration: a string like "5m"; errors stop decoding.
  int64_t Duration(const YAML::Node& node);
  std::vector<std::string> StringList(const YAML::Node& node);
  // map[string]string in document order (keys unique).
  std::vector<std::pair<std::string, std::string>> StringMap(const YAML::Node& node);
  // True when `node` is null/absent or a sequence (recording an error otherwise).
  bool IsSequence(const YAML::Node& node, std::string_view go_type);

  // Records a non-type error that ends decoding (first one wins).
  void Fail(std::string message);
  // OK, the first fatal error, or the collected type errors.
  Status status() const;

 private:
  void TypeError(const YAML::Node& node, std::string_view go_type);
  std::vector<std::string> type_errors_;
  std::string fatal_;
};

// "!!str `abc`" style description of a node for type errors.
std::string DescribeNode(const YAML::Node& node);

}  // namespace vigil::rules::unittest
