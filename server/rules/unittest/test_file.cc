#include "server/rules/unittest/test_file.h"

#include <cmath>
#include <ctime>
#include <exception>

#include <re2/re2.h>

#include "query/duration.h"
#include "server/rules/unittest/strict_yaml.h"

namespace vigil::rules::unittest {

namespace {

// start_timestamp: Unix seconds (integer or float) or RFC3339.
int64_t DecodeTimestamp(StrictDecoder& d, const YAML::Node& node) {
  if (!node || node.IsNull()) return 0;
  const std::string s = d.String(node);
  char* end = nullptr;
  const double seconds = std::strtod(s.c_str(), &end);
  if (!s.empty() && end == s.c_str() + s.size() && std::isfinite(seconds)) {
    return static_cast<int64_t>(std::llround(seconds * 1000));
  }
  static const RE2 kRfc3339(
      R"((\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|([+-])(\d{2}):(\d{2})))");
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  std::string frac, zone, sign, off_h, off_m;  // optional groups: strings
  if (!RE2::FullMatch(s, kRfc3339, &year, &month, &day, &hour, &minute, &second, &frac, &zone, &sign, &off_h,
                      &off_m)) {
    d.Fail("cannot parse \"" + s + "\" as a timestamp (Unix seconds or RFC3339)");
    return 0;
  }
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  int64_t ms = static_cast<int64_t>(timegm(&tm)) * 1000;
  if (!frac.empty()) ms += static_cast<int64_t>(std::strtod(("0" + frac).c_str(), nullptr) * 1000);
  const int64_t offset_ms = sign.empty() ? 0 : (std::stoll(off_h) * 3600 + std::stoll(off_m) * 60) * 1000;
  ms += sign == "+" ? -offset_ms : sign == "-" ? offset_ms : 0;
  return ms;
}

std::string DurationText(const YAML::Node& node, int64_t ms) {
  return node && !node.IsNull() ? query::FormatDuration(ms) : "0s";
}

AlertTestCase DecodeAlertTest(StrictDecoder& d, const YAML::Node& n) {
  AlertTestCase tc;
  d.CheckMap(n, "main.alertTestCase", {"eval_time", "alertname", "exp_alerts"});
  if (!n.IsMap()) return tc;
  tc.eval_time_ms = d.Duration(n["eval_time"]);
  tc.eval_time_text = DurationText(n["eval_time"], tc.eval_time_ms);
  tc.alertname = d.String(n["alertname"]);
  if (d.IsSequence(n["exp_alerts"], "[]main.alert") && n["exp_alerts"]) {
    for (const auto& a : n["exp_alerts"]) {
      d.CheckMap(a, "main.alert", {"exp_labels", "exp_annotations"});
      ExpectedAlert exp;
      if (a.IsMap()) {
        exp.labels = d.StringMap(a["exp_labels"]);
        exp.annotations = d.StringMap(a["exp_annotations"]);
      }
      tc.exp_alerts.push_back(std::move(exp));
    }
  }
  return tc;
}

PromqlTestCase DecodePromqlTest(StrictDecoder& d, const YAML::Node& n) {
  PromqlTestCase tc;
  d.CheckMap(n, "main.promqlTestCase", {"expr", "eval_time", "exp_samples"});
  if (!n.IsMap()) return tc;
  tc.expr = d.String(n["expr"]);
  tc.eval_time_ms = d.Duration(n["eval_time"]);
  tc.eval_time_text = DurationText(n["eval_time"], tc.eval_time_ms);
  if (d.IsSequence(n["exp_samples"], "[]main.sample") && n["exp_samples"]) {
    for (const auto& s : n["exp_samples"]) {
      d.CheckMap(s, "main.sample", {"labels", "value", "histogram"});
      ExpectedSample exp;
      if (s.IsMap()) {
        exp.labels = d.String(s["labels"]);
        exp.value = d.Float(s["value"]);
        exp.histogram = d.String(s["histogram"]);
      }
      tc.exp_samples.push_back(std::move(exp));
    }
  }
  return tc;
}

TestGroup DecodeTestGroup(StrictDecoder& d, const YAML::Node& n) {
  TestGroup tg;
  d.CheckMap(n, "main.testGroup",
             {"interval", "input_series", "alert_rule_test", "promql_expr_test", "external_labels", "external_url",
              "name", "start_timestamp"});
  if (!n.IsMap()) return tg;
  tg.name = d.String(n["name"]);
  tg.interval_ms = d.Duration(n["interval"]);
  tg.start_ms = DecodeTimestamp(d, n["start_timestamp"]);
  tg.external_labels = d.StringMap(n["external_labels"]);
  tg.external_url = d.String(n["external_url"]);
  if (d.IsSequence(n["input_series"], "[]main.series") && n["input_series"]) {
    for (const auto& s : n["input_series"]) {
      d.CheckMap(s, "main.series", {"series", "values"});
      if (s.IsMap()) tg.input_series.push_back({d.String(s["series"]), d.String(s["values"])});
    }
  }
  if (d.IsSequence(n["alert_rule_test"], "[]main.alertTestCase") && n["alert_rule_test"]) {
    for (const auto& a : n["alert_rule_test"]) tg.alert_tests.push_back(DecodeAlertTest(d, a));
  }
  if (d.IsSequence(n["promql_expr_test"], "[]main.promqlTestCase") && n["promql_expr_test"]) {
    for (const auto& p : n["promql_expr_test"]) tg.promql_tests.push_back(DecodePromqlTest(d, p));
  }
  return tg;
}

}  // namespace

Result<TestFile> ParseTestFile(std::string_view content) {
  YAML::Node loaded;
  try {
    loaded = YAML::Load(std::string(content));
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument("yaml: line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  const YAML::Node& root = loaded;  // const: lookups never insert
  StrictDecoder d;
  TestFile file;
  try {
    d.CheckMap(root, "main.unitTestFile",
               {"rule_files", "evaluation_interval", "group_eval_order", "tests", "fuzzy_compare"});
    if (root.IsMap()) {
      file.rule_files = d.StringList(root["rule_files"]);
      file.evaluation_interval_ms = d.Duration(root["evaluation_interval"]);
      file.group_eval_order = d.StringList(root["group_eval_order"]);
      file.fuzzy_compare = d.Bool(root["fuzzy_compare"]);
      if (d.IsSequence(root["tests"], "[]main.testGroup") && root["tests"]) {
        for (const auto& t : root["tests"]) file.tests.push_back(DecodeTestGroup(d, t));
      }
    }
  } catch (const std::exception& e) {
    return Status::InvalidArgument(std::string("yaml: ") + e.what());
  }
  RETURN_IF_ERROR(d.status());
  return file;
}

}  // namespace vigil::rules::unittest
