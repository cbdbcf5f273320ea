// What ParseRuleFile decodes from valid files (fields, durations, lines,
// label order, YAML quirks as yaml.v3 decodes them) and ExpandRuleFileGlobs.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "server/rules/rule_file.h"
#include "server/rules/yaml_tree.h"

namespace vigil::rules {
namespace {

namespace fs = std::filesystem;

RuleFileNode MustParse(const std::string& yaml) {
  RuleFileResult r = ParseRuleFile("f.yml", yaml);
  EXPECT_TRUE(r.ok()) << (r.errors.empty() ? "" : r.errors[0]);
  return r.file;
}

TEST(RuleFileParseTest, AllFields) {
  RuleFileNode f = MustParse(
      "groups:\n"
      "  - name: g1\n"
      "    interval: 1m30s\n"
      "    query_offset: 10s\n"
      "    limit: 7\n"
      "    labels: {team: a, tier: b}\n"
      "    rules:\n"
      "      - record: job:up:sum\n"
      "        expr: sum by (job) (up)\n"
      "        labels: {z: '1', a: '2'}\n"
      "      # comment\n"
      "      - alert: Down\n"
      "        expr: up == 0\n"
      "        for: 5m\n"
      "        keep_firing_for: 1h\n"
      "        labels: {severity: page}\n"
      "        annotations: {summary: '{{ $labels.job }} down'}\n"
      "  - name: g2\n"
      "    rules: []\n");
  EXPECT_EQ(f.path, "f.yml");
  ASSERT_EQ(f.groups.size(), 2u);
  const RuleGroupNode& g = f.groups[0];
  EXPECT_EQ(g.name, "g1");
  EXPECT_EQ(g.interval_ms, 90000);
  EXPECT_EQ(g.query_offset_ms, 10000);
  EXPECT_EQ(g.limit, 7);
  EXPECT_EQ(g.labels, (LabelPairs{{"team", "a"}, {"tier", "b"}}));
  ASSERT_EQ(g.rules.size(), 2u);
  EXPECT_EQ(g.rules[0].record, "job:up:sum");
  EXPECT_EQ(g.rules[0].alert, "");
  EXPECT_EQ(g.rules[0].expr, "sum by (job) (up)");
  EXPECT_EQ(g.rules[0].labels, (LabelPairs{{"z", "1"}, {"a", "2"}})) << "file order kept";
  EXPECT_EQ(g.rules[0].line, 8);
  EXPECT_EQ(g.rules[1].alert, "Down");
  EXPECT_EQ(g.rules[1].for_ms, 300000);
  EXPECT_EQ(g.rules[1].keep_firing_for_ms, 3600000);
  EXPECT_EQ(g.rules[1].annotations, (LabelPairs{{"summary", "{{ $labels.job }} down"}}));
  EXPECT_EQ(g.rules[1].line, 12);
  EXPECT_EQ(f.groups[1].name, "g2");
  EXPECT_FALSE(f.groups[1].interval_ms.has_value());
  EXPECT_FALSE(f.groups[1].query_offset_ms.has_value());
  EXPECT_EQ(f.groups[1].limit, 0);
}

TEST(RuleFileParseTest, YamlQuirksAsYamlV3) {
  struct Case {
    std::string name, yaml, want_record, want_expr;
    LabelPairs want_labels;
    int64_t want_limit = 0;
  };
  const std::string head = "groups:\n  - name: g\n";
  const std::vector<Case> cases = {
      {"alias expr keeps the anchor name",
       head + "    rules:\n      - record: a\n        expr: &e up\n      - record: b\n        expr: *e\n", "b", "e", {}},
      {"record null is the text null", head + "    rules:\n      - record: null\n        expr: up\n", "null", "up", {}},
      {"block scalar expr", head + "    rules:\n      - record: r\n        expr: |\n          sum(\n            up)\n", "r",
       "sum(\n  up)\n", {}},
      {"numbers and bools as strings",
       head + "    rules:\n      - record: r\n        expr: 42\n        labels: {a: 1.50, b: true, c: 0x1F}\n", "r",
       "42", {{"a", "1.50"}, {"b", "true"}, {"c", "0x1F"}}},
      {"null label value is empty, null key skipped",
       head + "    rules:\n      - record: r\n        expr: up\n        labels: {a: ~, ~: x}\n", "r", "up", {{"a", ""}}},
      {"merge keys, explicit keys win",
       head + "    rules:\n      - record: q\n        expr: up\n        labels: &b {severity: page, team: x}\n" +
           "      - record: r\n        expr: up\n        labels:\n          severity: ticket\n          <<: *b\n",
       "r", "up", {{"severity", "ticket"}, {"team", "x"}}},
      {"sequence merge: earlier maps win, own keys win",
       head + "    rules:\n      - record: r\n        expr: up\n        labels:\n          <<: [{a: '1', b: x}, {a: '2', b: y, "
              "c: z}]\n          b: w\n",
       "r", "up", {{"b", "w"}, {"a", "1"}, {"c", "z"}}},
      {"merged rule fields",
       head + "    rules:\n      - &common\n        record: a\n        expr: up\n      - <<: *common\n        record: r\n",
       "r", "up", {}},
      {"float limit is truncated", head + "    limit: 5.9\n    rules:\n      - record: r\n        expr: up\n", "r", "up",
       {}, 5},
      {"octal-looking limit resolves as a float", head + "    limit: 08\n    rules:\n      - record: r\n        expr: up\n",
       "r", "up", {}, 8},
      {"hex limit", head + "    limit: 0x10\n    rules:\n      - record: r\n        expr: up\n", "r", "up", {}, 16},
      {"null rule items are dropped", head + "    rules:\n      - ~\n      - record: r\n        expr: up\n", "r", "up", {}},
      {"flow style", "{groups: [{name: g, rules: [{record: r, expr: 'up'}]}]}", "r", "up", {}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name + "\n" + c.yaml);
    RuleFileNode f = MustParse(c.yaml);
    ASSERT_EQ(f.groups.size(), 1u);
    ASSERT_FALSE(f.groups[0].rules.empty());
    const RuleNode& r = f.groups[0].rules.back();
    EXPECT_EQ(r.record, c.want_record);
    EXPECT_EQ(r.expr, c.want_expr);
    EXPECT_EQ(r.labels, c.want_labels);
    EXPECT_EQ(f.groups[0].limit, c.want_limit);
  }
}

TEST(RuleFileParseTest, EmptyDocumentsHaveNoGroups) {
  for (const std::string yaml : {"", "# only a comment\n", "---\n", "groups: []\n", "groups:\n", "groups: [~]\n",
                                 "groups: []\n---\ngroups: 5\n"}) {
    SCOPED_TRACE(yaml);
    RuleFileNode f = MustParse(yaml);
    EXPECT_TRUE(f.groups.empty());
  }
}

TEST(RuleFileParseTest, ResolvePlainScalarTag) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "!!null"},        {"~", "!!null"},       {"Null", "!!null"},    {"true", "!!bool"},   {"FALSE", "!!bool"},
      {"yes", "!!str"},      {"12", "!!int"},       {"-0x1f", "!!int"},    {"0o17", "!!int"},    {"1_000", "!!int"},
      {"08", "!!float"},     {"1.5", "!!float"},    {"1e3", "!!float"},    {".inf", "!!float"},  {"-.Inf", "!!float"},
      {".nan", "!!float"},   {"1.2.3", "!!str"},    {"<<", "!!merge"},     {"5m", "!!str"},      {"+", "!!str"},
      {"99999999999999999999", "!!float"},          {"18446744073709551615", "!!int"},
  };
  for (const auto& [value, tag] : cases) {
    SCOPED_TRACE(value);
    EXPECT_EQ(ResolvePlainScalarTag(value), tag);
  }
}

class TempDir {
 public:
  TempDir() : path_(fs::temp_directory_path() / ("vigil_rule_glob_" + std::to_string(::getpid()))) {
    fs::create_directories(path_ / "sub");
  }
  ~TempDir() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }
  void Touch(const std::string& name) const { std::ofstream(path_ / name) << "groups: []\n"; }

 private:
  fs::path path_;
};

TEST(RuleFileGlobTest, ExpandsSortsAndDeduplicates) {
  TempDir dir;
  for (const char* f : {"b.yml", "a.yml", "c.yaml", "sub/d.yml", ".hidden.yml"}) dir.Touch(f);
  const std::string base = dir.path().string();
  struct Case {
    std::vector<std::string> globs;
    std::vector<std::string> want;  // relative to base
  };
  const std::vector<Case> cases = {
      {{"*.yml"}, {".hidden.yml", "a.yml", "b.yml"}},  // Go's `*` matches a leading dot
      {{".*"}, {".hidden.yml"}},
      {{"[abc].*", "a.yml", "*.yaml"}, {"a.yml", "b.yml", "c.yaml"}},
      {{"sub/*.yml"}, {"sub/d.yml"}},
      {{"[ab].yml"}, {"a.yml", "b.yml"}},
      {{"nothing*.yml"}, {}},
      {{base + "/c.yaml"}, {"c.yaml"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.globs[0]);
    Result<std::vector<std::string>> got = ExpandRuleFileGlobs(c.globs, base);
    ASSERT_TRUE(got.ok()) << got.status().message();
    std::vector<std::string> want;
    for (const std::string& w : c.want) want.push_back(base + "/" + w);
    EXPECT_EQ(*got, want);
  }
}

TEST(RuleFileGlobTest, MalformedPatterns) {
  for (const std::string pattern : {"[", "a[b", "x\\", "[]a]"}) {
    SCOPED_TRACE(pattern);
    Result<std::vector<std::string>> got = ExpandRuleFileGlobs({pattern}, "/tmp");
    ASSERT_FALSE(got.ok());
    EXPECT_NE(got.status().message().find("syntax error in pattern"), std::string::npos);
  }
}

TEST(RuleFileLoadTest, ReadsFromDisk) {
  TempDir dir;
  const fs::path file = dir.path() / "r.yml";
  std::ofstream(file) << "groups:\n  - name: g\n    rules:\n      - record: r\n        expr: up\n";
  RuleFileResult r = LoadRuleFile(file.string());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.file.path, file.string());
  ASSERT_EQ(r.file.groups.size(), 1u);
  EXPECT_EQ(r.file.groups[0].rules[0].line, 4);

  RuleFileResult is_dir = LoadRuleFile(dir.path().string());
  ASSERT_EQ(is_dir.errors.size(), 1u);
  EXPECT_EQ(is_dir.errors[0], dir.path().string() + ": read " + dir.path().string() + ": is a directory");
}

}  // namespace
}  // namespace vigil::rules
