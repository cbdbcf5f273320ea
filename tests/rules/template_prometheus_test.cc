// The Prometheus layer: prefix variables, $labels/$value, error wrapping,
// <error expanding template: ...>, syntax checks, query functions.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "server/rules/template/template_cache.h"
#include "server/rules/template/template_expander.h"

namespace vigil::rules {
namespace {

TemplateData AlertData() {
  TemplateData d;
  d.labels = Labels::FromStrings({{"instance", "host1:9100"}, {"job", "node"}, {"alertname", "HighLoad"}});
  d.external_labels = Labels::FromStrings({{"cluster", "eu1"}});
  d.external_url = "http://prom.example.com:9090/prefix";
  d.value = 1000000;
  d.eval_time_ms = 1700000000123;
  return d;
}

struct Case {
  std::string text;
  std::string want;
};

TEST(TemplatePrometheusTest, ExpandsAlertTexts) {
  const Case cases[] = {
      {"plain text", "plain text"},
      {"", ""},
      {"{{ $value }}", "1e+06"},
      {"{{ .Value }}", "1e+06"},
      {"{{ $labels.instance }}", "host1:9100"},
      {"{{ .Labels.job }}", "node"},
      {"{{ $labels.missing }}|", "|"},
      {"{{ $externalLabels.cluster }}", "eu1"},
      {"{{ $externalURL }}", "http://prom.example.com:9090/prefix"},
      {"{{ .ExternalURL }}", "http://prom.example.com:9090/prefix"},
      {"{{ $value | humanize }}", "1M"},
      {"{{ printf \"%.2f\" $value }}", "1000000.00"},
      {"{{ $labels }}", "map[alertname:HighLoad instance:host1:9100 job:node]"},
      {"{{ range $k, $v := $labels }}{{ $k }}={{ $v }};{{ end }}", "alertname=HighLoad;instance=host1:9100;job=node;"},
      {"{{ if gt $value 100.0 }}big{{ else }}small{{ end }}", "big"},
      {"{{ $labels.instance | stripPort }}", "host1"},
      {"<b>{{ $labels.job }}</b> & 'x'", "<b>node</b> & 'x'"},  // text/template: no escaping
      {"{{ externalURL }}{{ pathPrefix }}", "http://prom.example.com:9090/prefix/prefix"},
      {"{{ now }}", "1.700000000123e+09"},
      {"line1\n{{- \" x\" }}\n", "line1 x\n"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    auto out = ExpandTemplate("__alert_HighLoad", c.text, AlertData());
    ASSERT_TRUE(out.ok()) << out.status().message();
    EXPECT_EQ(*out, c.want);
  }
}

TEST(TemplatePrometheusTest, ErrorsAreWrappedLikePrometheus) {
  const Case cases[] = {
      {"{{ .Foo }", "error parsing template __alert_X: template: __alert_X:1: unexpected \"}\" in operand"},
      {"{{ foo }}", "error parsing template __alert_X: template: __alert_X:1: function \"foo\" not defined"},
      {"{{ $x }}", "error parsing template __alert_X: template: __alert_X:1: undefined variable \"$x\""},
      {"line\n{{ if }}", "error parsing template __alert_X: template: __alert_X:2: missing value for if"},
      {"{{ .Foo }}",
       "error executing template __alert_X: template: __alert_X:1:115: executing \"__alert_X\" at <.Foo>: can't "
       "evaluate field Foo in type struct { Labels map[string]string; ExternalLabels map[string]string; "
       "ExternalURL string; Value float64 }"},
      {"{{ humanize \"abc\" }}",
       "error executing template __alert_X: template: __alert_X:1:115: executing \"__alert_X\" at <humanize "
       "\"abc\">: error calling humanize: strconv.ParseFloat: parsing \"abc\": invalid syntax"},
      {"{{ if eq $value 0 }}x{{ end }}",
       "error executing template __alert_X: template: __alert_X:1:118: executing \"__alert_X\" at <eq $value 0>: "
       "error calling eq: incompatible types for comparison"},
      {"{{ query \"up\" | first | value }}",
       "error executing template __alert_X: template: __alert_X:1:115: executing \"__alert_X\" at <query \"up\">: "
       "error calling query: no query engine available to templates"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    auto out = ExpandTemplate("__alert_X", c.text, AlertData());
    ASSERT_FALSE(out.ok());
    EXPECT_EQ(out.status().message(), c.want);
    EXPECT_EQ(ExpandAlertText("__alert_X", c.text, AlertData()), "<error expanding template: " + c.want + ">");
  }
}

TEST(TemplatePrometheusTest, CheckTemplateSyntaxReturnsExpandsParseError) {
  EXPECT_TRUE(CheckTemplateSyntax("__alert_A", "{{ $labels.x }} {{ humanize $value }}").ok());
  EXPECT_TRUE(CheckTemplateSyntax("__alert_A", "{{ .Anything.Goes }}").ok());  // fields are checked at run time
  Status st = CheckTemplateSyntax("__alert_A", "{{ nope }}");
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.message(), "error parsing template __alert_A: template: __alert_A:1: function \"nope\" not defined");
  st = CheckTemplateSyntax("__alert_A", "a\nb\n{{ if 1 }}");
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.message(), "error parsing template __alert_A: template: __alert_A:3: unexpected EOF");
}

TEST(TemplatePrometheusTest, QueryFunctions) {
  TemplateData d = AlertData();
  std::string last_expr;
  d.query = [&](std::string_view expr) -> Result<std::vector<TemplateQuerySample>> {
    last_expr = std::string(expr);
    if (expr == "bad") return Status::Execution("parse error: bad");
    if (expr == "none") return std::vector<TemplateQuerySample>{};
    return std::vector<TemplateQuerySample>{
        {Labels::FromStrings({{"__name__", "up"}, {"instance", "b"}}), 0},
        {Labels::FromStrings({{"__name__", "up"}, {"instance", "a"}}), 1},
    };
  };
  const Case cases[] = {
      {"{{ query \"up\" | first | value }}", "0"},
      {"{{ with query \"up\" }}{{ . | first | label \"instance\" }}{{ end }}", "b"},
      {"{{ range query \"up\" | sortByLabel \"instance\" }}{{ .Labels.instance }}={{ .Value }} {{ end }}",
       "a=1 b=0 "},
      {"{{ with query \"none\" }}yes{{ else }}empty{{ end }}", "empty"},
      {"{{ len (query \"up\") }}", "2"},
      {"{{ (query \"up\" | first).Labels.instance }}", "b"},
      {"{{ index (query \"up\") 1 | value }}", "1"},
      {"{{ query \"up\" | first | strvalue }}|", "|"},
      {"{{ printf \"up{instance='%s'}\" $labels.job | query | len }}", "2"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    auto out = ExpandTemplate("__alert_Q", c.text, d);
    ASSERT_TRUE(out.ok()) << out.status().message();
    EXPECT_EQ(*out, c.want);
  }
  EXPECT_EQ(last_expr, "up{instance='node'}");
  auto out = ExpandTemplate("__alert_Q", "{{ query \"none\" | first }}", d);
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("error calling first: first() called on vector with no elements"),
            std::string::npos)
      << out.status().message();
  out = ExpandTemplate("__alert_Q", "{{ query \"bad\" }}", d);
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("error calling query: parse error: bad"), std::string::npos);
}

TEST(TemplatePrometheusTest, ConcurrentExpansionsShareTheCache) {
  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; t++) {
    threads.emplace_back([t, &mismatches] {
      TemplateData d = AlertData();
      for (int i = 0; i < 500; i++) {
        d.value = i;
        // A few distinct texts per thread, each expanded many times.
        std::string text = "{{ $value }}-" + std::to_string(t) + "-" + std::to_string(i % 7);
        std::string want = std::to_string(i) + "-" + std::to_string(t) + "-" + std::to_string(i % 7);
        if (ExpandAlertText("__alert_C", text, d) != want) mismatches++;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(mismatches.load(), 0);
}

TEST(TemplatePrometheusTest, BoundedCacheStillParsesEveryText) {
  tmpl::TemplateCache cache(2);
  for (int round = 0; round < 2; round++) {
    for (const char* text : {"{{ 1 }}", "{{ 2 }}", "{{ 3 }}", "{{ nope }}"}) {
      SCOPED_TRACE(text);
      auto parsed = cache.Get("T", text);
      if (std::string_view(text) == "{{ nope }}") {
        ASSERT_FALSE(parsed.ok());
        EXPECT_EQ(parsed.status().message(), "template: T:1: function \"nope\" not defined");
      } else {
        ASSERT_TRUE(parsed.ok());
        EXPECT_EQ((*parsed)->trees.at("T")->String(), std::string(text).replace(2, 1, "").replace(3, 1, ""));
      }
    }
  }
  // The same text under two names is two templates (names appear in errors).
  auto a = cache.Get("A", "{{ .X }}");
  auto b = cache.Get("B", "{{ .X }}");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ((*a)->name, "A");
  EXPECT_EQ((*b)->name, "B");
}

}  // namespace
}  // namespace vigil::rules
