// The two yaml.v3 decode passes of rulefmt.Parse (Prometheus 2.42).
#include "server/rules/rule_file_decode.h"

#include "server/rules/yaml_strict_decoder.h"
#include "server/rules/yaml_tree.h"

namespace vigil::rules {
namespace {

// A field decoded into a yaml.Node: copied as is (an alias keeps the
// anchor's name as its value, as in Go).
void CopyNode(const YamlNode& n, std::string* value, YamlPos* pos) {
  *value = (n.kind == YamlNode::Kind::kScalar || n.kind == YamlNode::Kind::kAlias) ? n.value : "";
  *pos = {n.line, n.column};
}

DecodedRule DecodeRule(StrictYamlDecoder& d, const YamlNode& item) {
  DecodedRule r;
  r.rule.line = item.Resolved().line;
  d.DecodeStruct(item, "rulefmt.RuleNode", [&](const std::string& field, const YamlNode& v) {
    if (field == "record") {
      CopyNode(v, &r.rule.record, &r.record);
    } else if (field == "alert") {
      CopyNode(v, &r.rule.alert, &r.alert);
    } else if (field == "expr") {
      CopyNode(v, &r.rule.expr, &r.expr);
    } else if (field == "for") {
      d.DecodeDuration(v, &r.rule.for_ms);
    } else if (field == "keep_firing_for") {
      d.DecodeDuration(v, &r.rule.keep_firing_for_ms);
    } else if (field == "labels") {
      d.DecodeStringMap(v, &r.rule.labels);
    } else if (field == "annotations") {
      d.DecodeStringMap(v, &r.rule.annotations);
    } else {
      return false;
    }
    return true;
  });
  return r;
}

DecodedGroup DecodeGroup(StrictYamlDecoder& d, const YamlNode& item) {
  DecodedGroup g;
  g.pos = {item.line, item.column};
  d.DecodeStruct(item, "rulefmt.RuleGroup", [&](const std::string& field, const YamlNode& v) {
    if (field == "name") {
      d.DecodeString(v, &g.group.name);
    } else if (field == "interval") {
      int64_t ms = 0;
      d.DecodeDuration(v, &ms);
      g.group.interval_ms = ms == 0 ? std::nullopt : std::optional<int64_t>(ms);
    } else if (field == "query_offset") {  // newer Prometheus: a *model.Duration
      if (v.Resolved().IsNull()) return true;
      int64_t ms = 0;
      d.DecodeDuration(v, &ms);
      g.group.query_offset_ms = ms;
    } else if (field == "limit") {
      d.DecodeInt(v, &g.group.limit);
    } else if (field == "rules") {
      d.DecodeSequence(v, "[]rulefmt.RuleNode", [&](const YamlNode& r) {
        // yaml.v3 drops a null element of a []struct.
        if (!r.Resolved().IsNull()) g.rules.push_back(DecodeRule(d, r));
      });
    } else if (field == "labels") {  // newer Prometheus
      d.DecodeStringMap(v, &g.group.labels);
    } else {
      return false;
    }
    return true;
  });
  return g;
}

}  // namespace

std::vector<std::string> DecodeRuleFile(std::string_view content, DecodedRuleFile* out) {
  Result<std::unique_ptr<YamlTree>> tree = ParseYamlTree(content);
  if (!tree.ok()) return {tree.status().message(), tree.status().message()};
  const YamlNode* root = (*tree)->root();
  if (root == nullptr) return {};  // io.EOF: an empty file is fine

  std::vector<std::string> errors;
  StrictYamlDecoder strict(/*known_fields=*/true);
  strict.DecodeStruct(*root, "rulefmt.RuleGroups", [&](const std::string& field, const YamlNode& v) {
    if (field != "groups") return false;
    strict.DecodeSequence(v, "[]rulefmt.RuleGroup",
                          [&](const YamlNode& item) {
                            if (!item.Resolved().IsNull()) out->groups.push_back(DecodeGroup(strict, item));
                          });
    return true;
  });
  if (auto e = strict.Error()) errors.push_back(*e);

  // Second pass: only the group nodes' positions.
  StrictYamlDecoder lax(/*known_fields=*/false);
  size_t index = 0;
  lax.DecodeStruct(*root, "rulefmt.ruleGroups", [&](const std::string& field, const YamlNode& v) {
    if (field != "groups") return false;
    lax.DecodeSequence(v, "[]yaml.Node", [&](const YamlNode& item) {
      if (index < out->groups.size()) out->groups[index].pos = {item.line, item.column};
      ++index;
    });
    return true;
  });
  if (auto e = lax.Error()) errors.push_back(*e);
  return errors;
}

}  // namespace vigil::rules
