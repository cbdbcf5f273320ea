// JSON encoding of the /api/v1 responses: Prometheus's timestamp and sample
// value spellings (util/jsonutil/marshal.go), label objects, result shapes
// and the envelope.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <random>
#include <string>

#include "server/api/api_response.h"
#include "server/api/json_writer.h"

namespace vigil::server::api {
namespace {

std::string Ts(int64_t ms) {
  std::string s;
  AppendTimestamp(&s, ms);
  return s;
}

std::string Val(double v) {
  std::string s;
  AppendSampleValue(&s, v);
  return s;
}

TEST(ApiJson, TimestampTable) {
  EXPECT_EQ(Ts(1435781451780), "1435781451.780");
  EXPECT_EQ(Ts(1435781451000), "1435781451");
  EXPECT_EQ(Ts(1435781451781), "1435781451.781");
  EXPECT_EQ(Ts(1000), "1");
  EXPECT_EQ(Ts(1100), "1.100");
  EXPECT_EQ(Ts(1010), "1.010");
  EXPECT_EQ(Ts(1001), "1.001");
  EXPECT_EQ(Ts(1), "0.001");
  EXPECT_EQ(Ts(0), "0");
  EXPECT_EQ(Ts(4000), "4");
  EXPECT_EQ(Ts(-1), "-0.001");
  EXPECT_EQ(Ts(-1500), "-1.500");
  EXPECT_EQ(Ts(std::numeric_limits<int64_t>::min()), "-9223372036854775.808");
  EXPECT_EQ(Ts(std::numeric_limits<int64_t>::max()), "9223372036854775.807");
}

TEST(ApiJson, SampleValueTable) {
  const double inf = std::numeric_limits<double>::infinity();
  struct Case {
    double v;
    const char* want;
  } cases[] = {
      {0, "\"0\""},
      {-0.0, "\"-0\""},
      {1, "\"1\""},
      {2, "\"2\""},
      {-2.5, "\"-2.5\""},
      {0.1, "\"0.1\""},
      {0.30000000000000004, "\"0.30000000000000004\""},
      {100000, "\"100000\""},
      {1e20, "\"100000000000000000000\""},
      {123456789.123, "\"123456789.123\""},
      // Go pads the shortest digits with zeros (not the binary value's digits).
      {1.2345678901234568e20, "\"123456789012345680000\""},
      {9.999999999999999e20, "\"999999999999999900000\""},
      {123456789012345678.0, "\"123456789012345680\""},
      {-3e17, "\"-300000000000000000\""},
      {1.05e-6, "\"0.00000105\""},
      {12.5, "\"12.5\""},
      {1234.5678, "\"1234.5678\""},
      {0.000123, "\"0.000123\""},
      {1e21, "\"1e+21\""},
      {1.5e22, "\"1.5e+22\""},
      {1e-06, "\"0.000001\""},
      {1.5e-06, "\"0.0000015\""},
      {1e-07, "\"1e-07\""},
      {1.2345e-07, "\"1.2345e-07\""},
      {-1e-07, "\"-1e-07\""},
      {5e-324, "\"5e-324\""},
      {1.7976931348623157e308, "\"1.7976931348623157e+308\""},
      {std::nan(""), "\"NaN\""},
      {inf, "\"+Inf\""},
      {-inf, "\"-Inf\""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.want);
    EXPECT_EQ(Val(c.v), c.want);
  }
}

TEST(ApiJson, SampleValueRoundTrips) {
  // Random bit patterns and decimal-looking values: every finite value
  // prints in the form Go would pick and parses back to the same bits.
  std::mt19937_64 rng(42);
  for (int i = 0; i < 200000; ++i) {
    double v;
    if (i % 2 == 0) {
      uint64_t bits = rng();
      std::memcpy(&v, &bits, sizeof v);
    } else {
      v = static_cast<double>(static_cast<int64_t>(rng() % 2000001) - 1000000) *
          std::pow(10.0, static_cast<int>(rng() % 50) - 25);
    }
    if (!std::isfinite(v)) continue;
    std::string s;
    AppendGoFloat(&s, v);
    double back = std::strtod(s.c_str(), nullptr);
    ASSERT_EQ(std::memcmp(&back, &v, sizeof v), 0) << s;
    double a = std::fabs(v);
    bool sci = a != 0 && (a < 1e-6 || a >= 1e21);
    ASSERT_EQ(s.find('e') != std::string::npos, sci) << s;
    if (!sci) {
      ASSERT_EQ(s.find_first_not_of("-0123456789."), std::string::npos) << s;
      ASSERT_NE(s.back(), '.') << s;
      if (s.find('.') != std::string::npos) {
        ASSERT_NE(s.back(), '0') << s;
      }
    }
  }
}

TEST(ApiJson, LabelsAndEscaping) {
  std::string s;
  AppendLabels(&s, Labels::FromStrings({{"job", "a\"b"}, {"__name__", "up"}, {"path", "<x>&\n"}}));
  EXPECT_EQ(s, R"({"__name__":"up","job":"a\"b","path":"\u003cx\u003e\u0026\n"})");
  s.clear();
  AppendLabels(&s, Labels());
  EXPECT_EQ(s, "{}");
}

TEST(ApiJson, QueryDataShapes) {
  query::QueryResult r;
  bool truncated;
  std::string s;
  r.type = query::ValueType::kScalar;
  r.scalar = {4000, 2};
  AppendQueryData(&s, r, 0, &truncated);
  EXPECT_EQ(s, R"({"resultType":"scalar","result":[4,"2"]})");
  EXPECT_FALSE(truncated);

  s.clear();
  r.type = query::ValueType::kString;
  r.string = {1500, "hi"};
  AppendQueryData(&s, r, 1, &truncated);  // never cut
  EXPECT_EQ(s, R"({"resultType":"string","result":[1.500,"hi"]})");

  s.clear();
  r.type = query::ValueType::kVector;
  r.vector = {{Labels::FromStrings({{"__name__", "a"}}), 1000, 1},
              {Labels::FromStrings({{"__name__", "b"}}), 1000, std::nan("")}};
  AppendQueryData(&s, r, 0, &truncated);
  EXPECT_EQ(s, R"({"resultType":"vector","result":[{"metric":{"__name__":"a"},"value":[1,"1"]},)"
               R"({"metric":{"__name__":"b"},"value":[1,"NaN"]}]})");
  s.clear();
  AppendQueryData(&s, r, 1, &truncated);
  EXPECT_TRUE(truncated);
  EXPECT_EQ(s, R"({"resultType":"vector","result":[{"metric":{"__name__":"a"},"value":[1,"1"]}]})");

  s.clear();
  r.type = query::ValueType::kMatrix;
  r.matrix = {{Labels::FromStrings({{"job", "x"}}), {{0, 1}, {15000, 1e-7}}}, {Labels(), {{1, 2}}}};
  AppendQueryData(&s, r, 2, &truncated);
  EXPECT_FALSE(truncated);
  EXPECT_EQ(s, R"({"resultType":"matrix","result":[{"metric":{"job":"x"},"values":[[0,"1"],[15,"1e-07"]]},)"
               R"({"metric":{},"values":[[0.001,"2"]]}]})");

  s.clear();
  r.matrix.clear();
  AppendQueryData(&s, r, 0, &truncated);
  EXPECT_EQ(s, R"({"resultType":"matrix","result":[]})");
}

TEST(ApiJson, Envelope) {
  EXPECT_EQ(SuccessBody("[]", {}), R"({"status":"success","data":[]})");
  EXPECT_EQ(SuccessBody("1", {"w1", "w\"2"}), R"({"status":"success","data":1,"warnings":["w1","w\"2"]})");
}

TEST(ApiJson, ErrorTable) {
  struct Case {
    Status st;
    int http;
    const char* type;
  } cases[] = {
      {Status::InvalidArgument("m"), 400, "bad_data"},
      {Status::Execution("m"), 422, "execution"},
      {Status::LimitExceeded("m"), 422, "execution"},
      {Status::Timeout("m"), 503, "timeout"},
      {Status::Canceled("m"), 499, "canceled"},
      {Status::NotFound("m"), 404, "not_found"},
      {Status::IOError("m"), 500, "internal"},
      {Status::Corruption("m"), 500, "internal"},
      {Status::Unavailable("m"), 500, "internal"},
      {Status::Internal("m"), 500, "internal"},
      {Status::OutOfOrder("m"), 500, "internal"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.st.ToString());
    HttpResponse r = ErrorResponse(c.st);
    EXPECT_EQ(r.status, c.http);
    EXPECT_EQ(r.content_type, "application/json");
    EXPECT_EQ(r.body, std::string(R"({"status":"error","errorType":")") + c.type + R"(","error":"m"})");
    EXPECT_EQ(OutcomeForHttpStatus(r.status), c.type);
  }
  HttpResponse p = InvalidParamResponse("query", "1:1: parse error: x");
  EXPECT_EQ(p.status, 400);
  EXPECT_EQ(p.body, R"({"status":"error","errorType":"bad_data","error":"invalid parameter \"query\": 1:1: parse error: x"})");
  EXPECT_EQ(OutcomeForHttpStatus(200), "success");
}

}  // namespace
}  // namespace vigil::server::api
