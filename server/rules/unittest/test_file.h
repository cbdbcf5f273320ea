// The promtool rule unit-test file (docs/configuration/unit_testing_rules.md,
// cmd/promtool/unittest.go) as plain values, and its strict parser: unknown
// or repeated keys and type mismatches are errors with yaml.v2's texts.
// Parsing is a pure function; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/base/status.h"

namespace vigil::rules::unittest {

using StringPairs = std::vector<std::pair<std::string, std::string>>;

struct InputSeries {
  std::string series;  // '<metric>{<labels>}'
  std::string values;  // expanding notation
};

struct ExpectedAlert {
  StringPairs labels;  // without alertname (the runner adds it)
  StringPairs annotations;
};

struct AlertTestCase {
  int64_t eval_time_ms = 0;
  std::string eval_time_text = "0s";  // as model.Duration prints it
  std::string alertname;
  std::vector<ExpectedAlert> exp_alerts;
};

struct ExpectedSample {
  std::string labels;  // series notation, may be empty
  double value = 0;
  std::string histogram;  // native histogram notation (unsupported: must be empty)
};

struct PromqlTestCase {
  std::string expr;
  int64_t eval_time_ms = 0;
  std::string eval_time_text = "0s";
  std::vector<ExpectedSample> exp_samples;
};

struct TestGroup {
  std::string name;
  int64_t interval_ms = 0;  // 0 = not set (the file's evaluation_interval)
  int64_t start_ms = 0;     // start_timestamp
  std::vector<InputSeries> input_series;
  std::vector<AlertTestCase> alert_tests;
  std::vector<PromqlTestCase> promql_tests;
  StringPairs external_labels;
  std::string external_url;
};

struct TestFile {
  std::vector<std::string> rule_files;  // globs as written
  int64_t evaluation_interval_ms = 0;   // 0 = not set (1m)
  bool fuzzy_compare = false;
  std::vector<std::string> group_eval_order;
  std::vector<TestGroup> tests;
};

// Parses the YAML text of a test file. Errors: YAML syntax
// ("yaml: line N: ..."), unknown/repeated keys and type mismatches
// ("yaml: unmarshal errors:\n  line N: ..."), bad durations or timestamps.
Result<TestFile> ParseTestFile(std::string_view content);

}  // namespace vigil::rules::unittest
