// Parameter parsing of the /api/v1 handlers against Prometheus's
// parseTime/parseDuration/parseLimitParam and Go's r.FormValue.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "server/api/params.h"

namespace vigil::server::api {
namespace {

TEST(ApiParams, ParseTimeTable) {
  struct Case {
    std::string in;
    int64_t ms;
  } cases[] = {
      {"1435781451.781", 1435781451781},
      {"1435781451", 1435781451000},
      {"1435781451.7814", 1435781451781},  // rounded to ms
      {"1435781451.9996", 1435781452000},
      {"0", 0},
      {"-1.5", -1500},
      {"1e3", 1000000},
      {"+4", 4000},
      {"1700000000000", 1700000000000000},  // Grafana's ms sent as seconds
      {"2015-07-01T20:10:51.781Z", 1435781451781},
      {"2015-07-01T20:10:51Z", 1435781451000},
      {"2015-07-01T22:10:51.781+02:00", 1435781451781},
      {"2015-07-01T18:10:51.781-02:00", 1435781451781},
      {"2015-07-01T20:10:51.7819999Z", 1435781451781},  // truncated, as FromTime
      {"1970-01-01T00:00:00Z", 0},
      {"1969-12-31T23:59:59.999Z", -1},
      {"2024-02-29T00:00:00Z", 1709164800000},
      {"-292273086-05-16T16:47:06Z", kMinTimeMs},
      {"292277025-08-18T07:12:54.999999999Z", kMaxTimeMs},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.in);
    auto r = ParseTime(c.in);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(*r, c.ms);
  }
}

TEST(ApiParams, ParseTimeErrors) {
  for (std::string in : {"", "abc", "2015-13-01T00:00:00Z", "2015-02-30T00:00:00Z", "2015-07-01 20:10:51Z",
                         "2015-07-01T20:10:51", "2015-07-01T25:10:51Z", "Inf", "-Inf", "NaN", "1e400", "1s"}) {
    SCOPED_TRACE(in);
    auto r = ParseTime(in);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().message(), "cannot parse \"" + in + "\" to a valid timestamp");
  }
}

TEST(ApiParams, ParseTimeParamDefault) {
  HttpRequest req;
  req.method = "GET";
  req.query = "start=&end=10";
  FormValues f(req);
  EXPECT_EQ(*ParseTimeParam(f, "start", 42), 42);
  EXPECT_EQ(*ParseTimeParam(f, "end", 42), 10000);
  EXPECT_EQ(*ParseTimeParam(f, "missing", kMaxTimeMs), kMaxTimeMs);
}

TEST(ApiParams, ParseDurationTable) {
  struct Case {
    std::string in;
    int64_t ns;
  } cases[] = {
      {"15", 15'000'000'000},      {"0.2", 200'000'000}, {"0.001", 1'000'000}, {"5m", 300'000'000'000},
      {"1h30m", 5'400'000'000'000}, {"1d", 86'400'000'000'000}, {"100ms", 100'000'000}, {"0", 0},
      {"-1", -1'000'000'000},      {"1e3", 1'000'000'000'000},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.in);
    auto r = ParseDurationNs(c.in);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(*r, c.ns);
  }
  for (std::string in : {"", "abc", "5x", "1m1h", "-5m"}) {
    SCOPED_TRACE(in);
    auto r = ParseDurationNs(in);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().message(), "cannot parse \"" + in + "\" to a valid duration");
  }
  auto big = ParseDurationNs("1e300");
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.status().message(), "cannot parse \"1e300\" to a valid duration. It overflows int64");
}

TEST(ApiParams, ParseLimitTable) {
  EXPECT_EQ(*ParseLimit(""), 0);
  EXPECT_EQ(*ParseLimit("0"), 0);
  EXPECT_EQ(*ParseLimit("40000"), 40000);
  EXPECT_EQ(*ParseLimit("+7"), 7);
  EXPECT_EQ(ParseLimit("-1").status().message(), "limit must be non-negative");
  EXPECT_EQ(ParseLimit("abc").status().message(), "strconv.Atoi: parsing \"abc\": invalid syntax");
  EXPECT_EQ(ParseLimit("1.5").status().message(), "strconv.Atoi: parsing \"1.5\": invalid syntax");
  EXPECT_EQ(ParseLimit("99999999999999999999").status().message(),
            "strconv.Atoi: parsing \"99999999999999999999\": value out of range");
}

TEST(ApiParams, ParseGoFloat) {
  double v;
  EXPECT_TRUE(ParseGoFloat("1.5", &v));
  EXPECT_EQ(v, 1.5);
  EXPECT_TRUE(ParseGoFloat(".5", &v));
  EXPECT_EQ(v, 0.5);
  EXPECT_TRUE(ParseGoFloat("-Infinity", &v));
  EXPECT_TRUE(std::isinf(v) && v < 0);
  EXPECT_TRUE(ParseGoFloat("nan", &v));
  EXPECT_TRUE(std::isnan(v));
  EXPECT_TRUE(ParseGoFloat("0x1p-2", &v));
  EXPECT_EQ(v, 0.25);
  EXPECT_FALSE(ParseGoFloat("-nan", &v));
  EXPECT_FALSE(ParseGoFloat("0x10", &v));
  EXPECT_FALSE(ParseGoFloat("1.5s", &v));
  EXPECT_FALSE(ParseGoFloat(" 1", &v));
  EXPECT_FALSE(ParseGoFloat("", &v));
  EXPECT_FALSE(ParseGoFloat("1e309", &v));
}

TEST(ApiParams, FormValuesMergeBodyFirst) {
  HttpRequest req;
  req.method = "POST";
  req.headers.emplace_back("content-type", "application/x-www-form-urlencoded; charset=UTF-8");
  req.body = "query=sum%28rate%28x%5B5m%5D%29%29+by+%28job%29&match[]=a&match%5B%5D=b";
  req.query = "query=ignored&match[]=c&step=15";
  FormValues f(req);
  EXPECT_EQ(f.Get("query"), "sum(rate(x[5m])) by (job)");
  EXPECT_EQ(f.Get("step"), "15");
  auto all = f.GetAll("match[]");
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0], "a");
  EXPECT_EQ(all[1], "b");
  EXPECT_EQ(all[2], "c");
  EXPECT_TRUE(f.Has("step"));
  EXPECT_FALSE(f.Has("nope"));
  EXPECT_EQ(f.Get("nope"), "");
  EXPECT_TRUE(f.parse_error().empty());
}

TEST(ApiParams, FormValuesGetIgnoresBodyAndOtherContentTypes) {
  HttpRequest get;
  get.method = "GET";
  get.body = "query=up";
  get.headers.emplace_back("content-type", "application/x-www-form-urlencoded");
  EXPECT_EQ(FormValues(get).Get("query"), "");
  HttpRequest json;
  json.method = "POST";
  json.body = "query=up";
  json.headers.emplace_back("content-type", "application/json");
  EXPECT_EQ(FormValues(json).Get("query"), "");
}

TEST(ApiParams, FormValuesDecoding) {
  HttpRequest req;
  req.method = "GET";
  req.query = "a=1+2%2B3&&b&c=%zz&d=%E2%82%AC&e=x;y&f=";
  FormValues f(req);
  EXPECT_EQ(f.Get("a"), "1 2+3");
  EXPECT_TRUE(f.Has("b"));
  EXPECT_EQ(f.Get("b"), "");
  EXPECT_FALSE(f.Has("c"));  // bad escape: pair skipped
  EXPECT_EQ(f.Get("d"), "\xE2\x82\xAC");
  EXPECT_FALSE(f.Has("e"));  // ';' is rejected as Go 1.17+ does
  EXPECT_TRUE(f.Has("f"));
  EXPECT_EQ(f.parse_error(), "invalid URL escape \"%zz\"");
}

TEST(ApiParams, UnescapeLabelName) {
  EXPECT_EQ(UnescapeLabelName("job"), "job");
  // '_' itself is escaped as "__" (model.EscapeName), so "http.status_code"
  // is "U__http_2e_status__code"; a lone '_' before non-hex is invalid and
  // the name stays as given.
  EXPECT_EQ(UnescapeLabelName("U__http_2e_status__code"), "http.status_code");
  EXPECT_EQ(UnescapeLabelName("U__http_2e_status_code"), "U__http_2e_status_code");
  EXPECT_EQ(UnescapeLabelName("U__a__b"), "a_b");
  EXPECT_EQ(UnescapeLabelName("U__foo"), "foo");
  EXPECT_EQ(UnescapeLabelName("U___20ac_"), "\xE2\x82\xAC");
  EXPECT_EQ(UnescapeLabelName("U__bad_zz_"), "U__bad_zz_");        // not hex
  EXPECT_EQ(UnescapeLabelName("U__open_2e"), "U__open_2e");        // no closing _
  EXPECT_EQ(UnescapeLabelName("U__big_1234567_"), "U__big_1234567_");  // > 6 digits
  EXPECT_EQ(UnescapeLabelName("U__sur_d800_"), "U__sur_d800_");     // surrogate
  EXPECT_EQ(UnescapeLabelName("U__trail_"), "U__trail_");
}

TEST(ApiParams, GoQuote) {
  EXPECT_EQ(GoQuote("a-b"), "\"a-b\"");
  EXPECT_EQ(GoQuote("q\"\\\n\x01"), "\"q\\\"\\\\\\n\\x01\"");
}

}  // namespace
}  // namespace vigil::server::api
