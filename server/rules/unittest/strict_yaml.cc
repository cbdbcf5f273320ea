#include "server/rules/unittest/strict_yaml.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <set>

#include <re2/re2.h>

#include "query/duration.h"

namespace vigil::rules::unittest {

namespace {

int LineOf(const YAML::Node& node) { return node.Mark().line + 1; }

bool IsPlain(const YAML::Node& node) { return node.Tag() == "?"; }

std::string Scalar(const YAML::Node& node) { return node.Scalar(); }

// yaml.v2's resolution of plain scalars to numbers.
bool ResolveFloat(const std::string& s, double* out) {
  static const RE2 kFloat(R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)");
  static const RE2 kInt(R"([-+]?(0b[01_]+|0x[0-9a-fA-F_]+|0o?[0-7_]+|[0-9_]+))");
  if (s == ".inf" || s == ".Inf" || s == ".INF" || s == "+.inf" || s == "+.Inf" || s == "+.INF") {
    *out = std::numeric_limits<double>::infinity();
    return true;
  }
  if (s == "-.inf" || s == "-.Inf" || s == "-.INF") {
    *out = -std::numeric_limits<double>::infinity();
    return true;
  }
  if (s == ".nan" || s == ".NaN" || s == ".NAN") {
    *out = std::nan("");
    return true;
  }
  if (RE2::FullMatch(s, kFloat)) {
    *out = std::strtod(s.c_str(), nullptr);
    return true;
  }
  if (RE2::FullMatch(s, kInt)) {
    std::string digits;
    for (char c : s) {
      if (c != '_') digits += c;
    }
    bool negative = !digits.empty() && digits[0] == '-';
    if (!digits.empty() && (digits[0] == '-' || digits[0] == '+')) digits.erase(0, 1);
    int base = 10;
    if (digits.rfind("0b", 0) == 0) {
      base = 2;
      digits.erase(0, 2);
    } else if (digits.rfind("0x", 0) == 0) {
      base = 16;
      digits.erase(0, 2);
    } else if (digits.rfind("0o", 0) == 0) {
      base = 8;
      digits.erase(0, 2);
    } else if (digits.size() > 1 && digits[0] == '0') {
      base = 8;
    }
    if (digits.empty()) return false;
    errno = 0;
    double v = static_cast<double>(std::strtoull(digits.c_str(), nullptr, base));
    if (errno == ERANGE) return false;
    *out = negative ? -v : v;
    return true;
  }
  return false;
}

}  // namespace

std::string DescribeNode(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "!!map";
    case YAML::NodeType::Sequence:
      return "!!seq";
    case YAML::NodeType::Scalar: {
      double unused = 0;
      std::string tag = "!!str";
      if (IsPlain(node)) {
        const std::string& s = node.Scalar();
        if (s == "true" || s == "false") {
          tag = "!!bool";
        } else if (ResolveFloat(s, &unused)) {
          tag = s.find_first_of(".eE") == std::string::npos ? "!!int" : "!!float";
        }
      }
      return tag + " `" + node.Scalar() + "`";
    }
    default:
      return "!!null";
  }
}

void StrictDecoder::TypeError(const YAML::Node& node, std::string_view go_type) {
  type_errors_.push_back("line " + std::to_string(LineOf(node)) + ": cannot unmarshal " + DescribeNode(node) +
                         " into " + std::string(go_type));
}

void StrictDecoder::Fail(std::string message) {
  if (fatal_.empty()) fatal_ = std::move(message);
}

Status StrictDecoder::status() const {
  if (!fatal_.empty()) return Status::InvalidArgument(fatal_);
  if (type_errors_.empty()) return Status::OK();
  std::string msg = "yaml: unmarshal errors:";
  for (const auto& e : type_errors_) msg += "\n  " + e;
  return Status::InvalidArgument(msg);
}

bool StrictDecoder::CheckMap(const YAML::Node& node, std::string_view type_name,
                             std::initializer_list<std::string_view> fields) {
  if (!node || node.IsNull()) return true;
  if (!node.IsMap()) {
    TypeError(node, type_name);
    return false;
  }
  std::set<std::string> seen;
  for (auto it = node.begin(); it != node.end(); ++it) {
    const std::string key = it->first.IsScalar() ? it->first.Scalar() : DescribeNode(it->first);
    if (!seen.insert(key).second) {
      type_errors_.push_back("line " + std::to_string(LineOf(it->first)) + ": field " + key +
                             " already set in type " + std::string(type_name));
      continue;
    }
    if (std::find(fields.begin(), fields.end(), key) == fields.end()) {
      type_errors_.push_back("line " + std::to_string(LineOf(it->first)) + ": field " + key + " not found in type " +
                             std::string(type_name));
    }
  }
  return true;
}

std::string StrictDecoder::String(const YAML::Node& node) {
  if (!node || node.IsNull()) return "";
  if (!node.IsScalar()) {
    TypeError(node, "string");
    return "";
  }
  return Scalar(node);
}

double StrictDecoder::Float(const YAML::Node& node) {
  if (!node || node.IsNull()) return 0;
  double v = 0;
  if (!node.IsScalar() || !IsPlain(node) || !ResolveFloat(node.Scalar(), &v)) {
    TypeError(node, "float64");
    return 0;
  }
  return v;
}

bool StrictDecoder::Bool(const YAML::Node& node) {
  if (!node || node.IsNull()) return false;
  if (node.IsScalar() && IsPlain(node)) {
    static const std::set<std::string> kTrue = {"true", "True", "TRUE", "y", "Y", "yes", "Yes", "YES", "on", "On", "ON"};
    static const std::set<std::string> kFalse = {"false", "False", "FALSE", "n", "N", "no", "No", "NO", "off", "Off", "OFF"};
    if (kTrue.contains(node.Scalar())) return true;
    if (kFalse.contains(node.Scalar())) return false;
  }
  TypeError(node, "bool");
  return false;
}

int64_t StrictDecoder::Int(const YAML::Node& node) {
  if (!node || node.IsNull()) return 0;
  double v = 0;
  if (!node.IsScalar() || !IsPlain(node) || !ResolveFloat(node.Scalar(), &v) || v != std::floor(v) ||
      std::abs(v) > 9.2e18) {
    TypeError(node, "int64");
    return 0;
  }
  return static_cast<int64_t>(v);
}

int64_t StrictDecoder::Duration(const YAML::Node& node) {
  if (!node || node.IsNull()) return 0;
  if (!node.IsScalar()) {
    TypeError(node, "string");
    return 0;
  }
  auto d = query::ParseDuration(node.Scalar());
  if (!d.ok()) {
    Fail(d.status().message());
    return 0;
  }
  return *d;
}

bool StrictDecoder::IsSequence(const YAML::Node& node, std::string_view go_type) {
  if (!node || node.IsNull() || node.IsSequence()) return true;
  TypeError(node, go_type);
  return false;
}

std::vector<std::string> StrictDecoder::StringList(const YAML::Node& node) {
  std::vector<std::string> out;
  if (!IsSequence(node, "[]string") || !node) return out;
  for (const auto& item : node) out.push_back(String(item));
  return out;
}

std::vector<std::pair<std::string, std::string>> StrictDecoder::StringMap(const YAML::Node& node) {
  std::vector<std::pair<std::string, std::string>> out;
  if (!node || node.IsNull()) return out;
  if (!node.IsMap()) {
    TypeError(node, "map[string]string");
    return out;
  }
  std::set<std::string> seen;
  for (auto it = node.begin(); it != node.end(); ++it) {
    std::string key = String(it->first);
    if (!seen.insert(key).second) {
      type_errors_.push_back("line " + std::to_string(LineOf(it->first)) + ": key \"" + key +
                             "\" already set in map");
      continue;
    }
    out.emplace_back(std::move(key), String(it->second));
  }
  return out;
}

}  // namespace vigil::rules::unittest
