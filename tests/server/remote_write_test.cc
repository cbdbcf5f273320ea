// POST /api/v1/write end to end in process: real snappy + protobuf bodies
// through Router::Dispatch into a DB in a temp dir, read back through the
// DB's querier.
#include <gtest/gtest.h>
#include <snappy.h>

#include <bit>
#include <cmath>
#include <initializer_list>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/db.h"
#include "remote_write/proto/remote.pb.h"
#include "server/http/router.h"
#include "server/metadata_store.h"
#include "server/remote_write/convert.h"
#include "server/remote_write/decode.h"
#include "server/remote_write/handler.h"
#include "server/self_metrics.h"
#include "server/server_context.h"
#include "tests/testutil/db_util.h"
#include "tests/testutil/testutil.h"

namespace vigil::server {
namespace {

using LabelList = std::vector<std::pair<std::string, std::string>>;

void AddSeries(prometheus::WriteRequest* wr, const LabelList& labels,
               std::initializer_list<std::pair<int64_t, double>> samples) {
  prometheus::TimeSeries* ts = wr->add_timeseries();
  for (const auto& [n, v] : labels) {
    prometheus::Label* l = ts->add_labels();
    l->set_name(n);
    l->set_value(v);
  }
  for (const auto& [t, v] : samples) {
    prometheus::Sample* s = ts->add_samples();
    s->set_timestamp(t);
    s->set_value(v);
  }
}

std::string Encode(const prometheus::WriteRequest& wr) {
  std::string raw = wr.SerializeAsString();
  std::string out;
  snappy::Compress(raw.data(), raw.size(), &out);
  return out;
}

class RemoteWriteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    DbOptions opts;
    opts.sync_commits = false;
    opts.background_maintenance = false;
    auto db = DB::Open(dir_.Sub("data"), opts);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(db).value();
    ctx_.db = db_.get();
    ctx_.metrics = &metrics_;
    ctx_.metadata = &metadata_;
    ctx_.config = &config_;
    RegisterRemoteWrite(router_, ctx_);
  }

  HttpResponse Post(std::string body, std::string content_type = "application/x-protobuf",
                    std::string encoding = "snappy", std::string method = "POST") {
    HttpRequest req;
    req.method = std::move(method);
    req.path = "/api/v1/write";
    if (!content_type.empty()) req.headers.emplace_back("content-type", std::move(content_type));
    if (!encoding.empty()) req.headers.emplace_back("content-encoding", std::move(encoding));
    req.headers.emplace_back("x-prometheus-remote-write-version", "0.1.0");
    req.body = std::move(body);
    return router_.Dispatch(req);
  }
  HttpResponse Post(const prometheus::WriteRequest& wr) { return Post(Encode(wr)); }

  testutil::SeriesSamples ReadAll() { return testutil::ReadAll(*db_, testutil::AllSeries()); }
  // Reads every series, including those without a metric name.
  testutil::SeriesSamples ReadJob(const std::string& job) {
    return testutil::ReadAll(*db_, {Matcher::MustMake(MatchType::kEqual, "job", job)});
  }

  double CounterValue(const std::string& name, const MetricLabels& labels = {}) {
    return metrics_.GetCounter(name, "", labels)->value();
  }
  double Rejected(const std::string& reason) {
    return CounterValue("vigil_samples_rejected_total", {{"reason", reason}});
  }

  testutil::TempDir dir_;
  std::unique_ptr<DB> db_;
  MetricsRegistry metrics_;
  MetadataStore metadata_;
  ServerConfig config_;
  ServerContext ctx_;
  Router router_;
};

TEST_F(RemoteWriteTest, StoresSamplesAndReturns204) {
  prometheus::WriteRequest wr;
  AddSeries(&wr, {{"__name__", "up"}, {"job", "a"}}, {{1000, 1}, {2000, 0}});
  AddSeries(&wr, {{"__name__", "http_requests_total"}, {"code", "200"}, {"job", "a"}}, {{1000, 10}, {2000, 12.5}});
  HttpResponse r = Post(wr);
  EXPECT_EQ(r.status, 204) << r.body;
  EXPECT_TRUE(r.body.empty());

  auto all = ReadAll();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all["{__name__=\"up\", job=\"a\"}"], (std::vector<Sample>{{1000, 1}, {2000, 0}}));
  EXPECT_EQ(all["{__name__=\"http_requests_total\", code=\"200\", job=\"a\"}"],
            (std::vector<Sample>{{1000, 10}, {2000, 12.5}}));
  EXPECT_EQ(CounterValue("vigil_samples_ingested_total"), 4);
  EXPECT_EQ(CounterValue("vigil_remote_write_requests_total", {{"code", "204"}}), 1);

  // The next request continues the series.
  prometheus::WriteRequest wr2;
  AddSeries(&wr2, {{"__name__", "up"}, {"job", "a"}}, {{3000, 1}});
  EXPECT_EQ(Post(wr2).status, 204);
  EXPECT_EQ(ReadAll()["{__name__=\"up\", job=\"a\"}"].size(), 3u);
}

TEST_F(RemoteWriteTest, StaleMarkerSurvivesBitExact) {
  prometheus::WriteRequest wr;
  const double stale = std::bit_cast<double>(uint64_t{0x7ff0000000000002});
  const double plain_nan = std::bit_cast<double>(uint64_t{0x7ff8000000000001});
  AddSeries(&wr, {{"__name__", "up"}, {"job", "s"}}, {{1000, 1}, {2000, plain_nan}, {3000, stale}});
  ASSERT_EQ(Post(wr).status, 204);
  auto samples = ReadAll()["{__name__=\"up\", job=\"s\"}"];
  ASSERT_EQ(samples.size(), 3u);
  EXPECT_EQ(std::bit_cast<uint64_t>(samples[1].v), 0x7ff8000000000001u);
  EXPECT_EQ(std::bit_cast<uint64_t>(samples[2].v), 0x7ff0000000000002u);
  EXPECT_TRUE(IsStaleNaN(samples[2].v));
}

TEST_F(RemoteWriteTest, ContentNegotiation) {
  prometheus::WriteRequest wr;
  AddSeries(&wr, {{"__name__", "up"}}, {{1000, 1}});
  std::string body = Encode(wr);
  struct Case {
    std::string content_type, encoding;
    int status;
  };
  const Case cases[] = {
      {"application/x-protobuf", "snappy", 204},
      {"", "snappy", 204},  // missing Content-Type is 1.0
      {"", "", 204},        // missing Content-Encoding is snappy
      {"application/x-protobuf;proto=prometheus.WriteRequest", "snappy", 204},
      {"Application/X-Protobuf; proto=\"prometheus.WriteRequest\"", "SNAPPY", 204},
      {"application/x-protobuf;proto=io.prometheus.write.v2.Request", "snappy", 415},
      {"application/x-protobuf;proto=foo.Bar", "snappy", 415},
      {"application/json", "snappy", 415},
      {"text/plain", "snappy", 415},
      {"application/x-protobuf", "gzip", 415},
      {"application/x-protobuf", "zstd", 415},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.content_type + " / " + c.encoding);
    HttpResponse r = Post(body, c.content_type, c.encoding);
    EXPECT_EQ(r.status, c.status) << r.body;
  }
  EXPECT_EQ(CounterValue("vigil_remote_write_requests_total", {{"code", "415"}}), 6);
}

TEST_F(RemoteWriteTest, OtherMethodsAre405) {
  for (const char* m : {"GET", "PUT", "DELETE"}) {
    HttpResponse r = Post("", "", "", m);
    EXPECT_EQ(r.status, 405) << m;
  }
}

TEST_F(RemoteWriteTest, MalformedBodiesAre400) {
  prometheus::WriteRequest wr;
  AddSeries(&wr, {{"__name__", "up"}}, {{1000, 1}});
  std::string good = Encode(wr);

  HttpResponse r = Post("");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("snappy"), std::string::npos) << r.body;

  r = Post("this is not snappy at all, just text");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("snappy"), std::string::npos) << r.body;

  r = Post(good.substr(0, good.size() - 3));  // truncated block
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("snappy"), std::string::npos) << r.body;

  // Valid snappy around bytes that are not a WriteRequest (field 1 claims
  // 100 bytes, only 2 follow).
  std::string junk = "\x0a\x64\x01\x02", compressed;
  snappy::Compress(junk.data(), junk.size(), &compressed);
  r = Post(compressed);
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("protobuf"), std::string::npos) << r.body;

  // A header claiming 4 GiB - 1 from a tiny body: refused before allocating.
  std::string huge = "\xff\xff\xff\xff\x0f\x0cjunk";
  r = Post(huge);
  EXPECT_EQ(r.status, 413) << r.body;
  EXPECT_TRUE(ReadAll().empty());
}

TEST_F(RemoteWriteTest, BodyOverLimitIs413) {
  config_.limits.max_request_body_bytes = 100;
  prometheus::WriteRequest wr;
  for (int i = 0; i < 50; ++i) AddSeries(&wr, {{"__name__", "m" + std::to_string(i)}}, {{1000, i * 1.5}});
  HttpResponse r = Post(wr);
  EXPECT_EQ(r.status, 413) << r.body;
  EXPECT_TRUE(ReadAll().empty());
}

TEST_F(RemoteWriteTest, PartialRejectionCommitsValidSamples) {
  // Committed state: x at t=5000.
  prometheus::WriteRequest first;
  AddSeries(&first, {{"__name__", "x"}, {"job", "p"}}, {{5000, 1}});
  ASSERT_EQ(Post(first).status, 204);

  prometheus::WriteRequest wr;
  // Out of order vs committed (2), duplicate with another value (1), and the
  // same value again (accepted silently), then a valid newer sample.
  AddSeries(&wr, {{"__name__", "x"}, {"job", "p"}}, {{3000, 1}, {4000, 1}, {5000, 2}, {5000, 1}, {6000, 3}});
  AddSeries(&wr, {{"__name__", "bad-name"}, {"job", "p"}}, {{1000, 1}});  // invalid metric name
  AddSeries(&wr, {{"__name__", "y"}, {"job", "p"}}, {{1000, 7}, {2000, 8}});
  AddSeries(&wr, {{"__name__", "z"}, {"job", "p"}}, {{2000, 1}, {1000, 2}});  // out of order within the request
  HttpResponse r = Post(wr);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("5 samples rejected"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("out_of_order=3"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("duplicate=1"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("invalid_labels=1"), std::string::npos) << r.body;
  EXPECT_EQ(r.body.rfind("out of order sample: ", 0), 0u) << r.body;
  EXPECT_NE(r.body.find("first: "), std::string::npos) << r.body;

  auto all = ReadJob("p");
  EXPECT_EQ(all["{__name__=\"x\", job=\"p\"}"], (std::vector<Sample>{{5000, 1}, {6000, 3}}));
  EXPECT_EQ(all["{__name__=\"y\", job=\"p\"}"], (std::vector<Sample>{{1000, 7}, {2000, 8}}));
  EXPECT_EQ(all["{__name__=\"z\", job=\"p\"}"], (std::vector<Sample>{{2000, 1}}));
  EXPECT_EQ(Rejected("out_of_order"), 3);
  EXPECT_EQ(Rejected("duplicate"), 1);
  EXPECT_EQ(Rejected("invalid_labels"), 1);
  EXPECT_EQ(CounterValue("vigil_remote_write_requests_total", {{"code", "400"}}), 1);
}

TEST_F(RemoteWriteTest, RepeatedSeriesInOneRequestIsCheckedAtCommit) {
  prometheus::WriteRequest wr;
  AddSeries(&wr, {{"__name__", "r"}}, {{2000, 1}});
  AddSeries(&wr, {{"__name__", "r"}}, {{1000, 1}});
  HttpResponse r = Post(wr);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("out_of_order=1"), std::string::npos) << r.body;
  EXPECT_EQ(ReadAll()["{__name__=\"r\"}"], (std::vector<Sample>{{2000, 1}}));
}

TEST_F(RemoteWriteTest, LabelValidation) {
  struct Case {
    LabelList labels;
    std::string reason;  // "" = accepted
  };
  const std::string long_value(5000, 'v');
  const Case cases[] = {
      {{{"job", "nometric"}, {"instance", "i"}}, ""},         // no __name__: accepted, as Prometheus 2.x
      {{{"job", "u"}, {"__name__", "unsorted"}, {"a", "1"}}, ""},  // sorted by us
      {{{"__name__", "empty_value"}, {"job", "e"}, {"drop", ""}}, ""},  // empty value dropped
      {{{"__name__", "ok:recording_rule"}, {"job", "c"}}, ""},
      {{{"__name__", "m"}, {"job", "d"}, {"job", "d2"}}, "invalid_labels"},
      {{{"__name__", "m"}, {"", "x"}}, "invalid_labels"},
      {{{"__name__", "m"}, {"0bad", "x"}}, "invalid_labels"},
      {{{"__name__", "m"}, {"bad-name", "x"}}, "invalid_labels"},
      {{{"__name__", "m"}, {"colon:name", "x"}}, "invalid_labels"},
      {{{"__name__", "1m"}}, "invalid_labels"},
      {{{"__name__", ""}, {"job", "x"}}, "invalid_labels"},
      {{{"__name__", "m"}, {"v", "\xff\xfe"}}, "invalid_labels"},
      {{{"__name__", "m"}, {"empty", ""}}, ""},  // {__name__="m"}
      {{{"only_empty", ""}}, "invalid_labels"},   // empty set
      {{{"__name__", "m"}, {"long", long_value}}, "label_too_long"},
      {{{"__name__", "m"}, {std::string(1100, 'n'), "x"}}, "label_too_long"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(::testing::PrintToString(c.labels));
    double before = c.reason.empty() ? CounterValue("vigil_samples_ingested_total") : Rejected(c.reason);
    prometheus::WriteRequest wr;
    AddSeries(&wr, c.labels, {{1000, 1}});
    HttpResponse r = Post(wr);
    if (c.reason.empty()) {
      EXPECT_EQ(r.status, 204) << r.body;
      EXPECT_EQ(CounterValue("vigil_samples_ingested_total"), before + 1);
    } else {
      EXPECT_EQ(r.status, 400) << r.body;
      EXPECT_NE(r.body.find(c.reason + "=1"), std::string::npos) << r.body;
      EXPECT_EQ(Rejected(c.reason), before + 1);
    }
  }
  auto all = ReadAll();
  EXPECT_EQ(all.count("{__name__=\"unsorted\", a=\"1\", job=\"u\"}"), 1u);
  EXPECT_EQ(all.count("{__name__=\"empty_value\", job=\"e\"}"), 1u);
  EXPECT_EQ(ReadJob("nometric").count("{instance=\"i\", job=\"nometric\"}"), 1u);
}

TEST_F(RemoteWriteTest, TooManyLabels) {
  config_.limits.max_labels_per_series = 3;
  prometheus::WriteRequest wr;
  AddSeries(&wr, {{"__name__", "m"}, {"a", "1"}, {"b", "2"}, {"c", "3"}}, {{1000, 1}, {2000, 2}});
  AddSeries(&wr, {{"__name__", "m"}, {"a", "1"}, {"b", "2"}}, {{1000, 1}});
  HttpResponse r = Post(wr);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("too_many_labels=2"), std::string::npos) << r.body;
  EXPECT_EQ(Rejected("too_many_labels"), 2);
  EXPECT_EQ(ReadAll().size(), 1u);
}

TEST_F(RemoteWriteTest, TooManySeriesRejectsTheWholeRequest) {
  config_.limits.max_series_per_request = 2;
  prometheus::WriteRequest wr;
  for (int i = 0; i < 3; ++i) AddSeries(&wr, {{"__name__", "s" + std::to_string(i)}}, {{1000, 1}, {2000, 2}});
  HttpResponse r = Post(wr);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("too many series in one request: 3 > 2"), std::string::npos) << r.body;
  EXPECT_EQ(Rejected("too_many_series"), 6);
  EXPECT_TRUE(ReadAll().empty());
}

TEST_F(RemoteWriteTest, MetadataOnlyRequestFeedsTheStore) {
  prometheus::WriteRequest wr;
  auto add = [&](prometheus::MetricMetadata::MetricType type, const std::string& family, const std::string& help,
                 const std::string& unit) {
    prometheus::MetricMetadata* md = wr.add_metadata();
    md->set_type(type);
    md->set_metric_family_name(family);
    md->set_help(help);
    md->set_unit(unit);
  };
  add(prometheus::MetricMetadata::COUNTER, "http_requests_total", "Requests.", "");
  add(prometheus::MetricMetadata::GAUGE, "temp_celsius", "Temperature.", "celsius");
  add(prometheus::MetricMetadata::HISTOGRAM, "lat_seconds", "Latency.", "seconds");
  add(prometheus::MetricMetadata::GAUGEHISTOGRAM, "gh", "", "");
  add(prometheus::MetricMetadata::SUMMARY, "sum", "", "");
  add(prometheus::MetricMetadata::INFO, "build_info", "", "");
  add(prometheus::MetricMetadata::STATESET, "ss", "", "");
  add(prometheus::MetricMetadata::UNKNOWN, "unk", "", "");
  HttpResponse r = Post(wr);
  EXPECT_EQ(r.status, 204) << r.body;

  auto md = metadata_.Get("", 0, 0);
  ASSERT_EQ(md.size(), 8u);
  EXPECT_EQ(md["http_requests_total"], (std::vector<MetricMetadata>{{"counter", "Requests.", ""}}));
  EXPECT_EQ(md["temp_celsius"], (std::vector<MetricMetadata>{{"gauge", "Temperature.", "celsius"}}));
  EXPECT_EQ(md["lat_seconds"][0].type, "histogram");
  EXPECT_EQ(md["gh"][0].type, "gaugehistogram");
  EXPECT_EQ(md["sum"][0].type, "summary");
  EXPECT_EQ(md["build_info"][0].type, "info");
  EXPECT_EQ(md["ss"][0].type, "stateset");
  EXPECT_EQ(md["unk"][0].type, "unknown");
  EXPECT_TRUE(ReadAll().empty());
}

TEST_F(RemoteWriteTest, NativeHistogramsRejectedFloatsKept) {
  prometheus::WriteRequest wr;
  AddSeries(&wr, {{"__name__", "f"}, {"job", "h"}}, {{1000, 1}});
  prometheus::TimeSeries* ts = wr.add_timeseries();
  prometheus::Label* l = ts->add_labels();
  l->set_name("__name__");
  l->set_value("native");
  prometheus::Histogram* h = ts->add_histograms();
  h->set_count_int(3);
  h->set_sum(1.5);
  h->set_schema(3);
  h->set_timestamp(1000);
  auto* span = h->add_positive_spans();
  span->set_offset(-2);
  span->set_length(2);
  h->add_positive_deltas(1);
  h->add_positive_deltas(-1);
  // Exemplars are ignored, not rejected.
  prometheus::Exemplar* ex = wr.mutable_timeseries(0)->add_exemplars();
  ex->set_value(1);
  ex->set_timestamp(1000);

  HttpResponse r = Post(wr);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.body.rfind("native histograms are not supported yet", 0), 0u) << r.body;
  EXPECT_NE(r.body.find("native_histogram=1"), std::string::npos) << r.body;
  EXPECT_EQ(ReadAll()["{__name__=\"f\", job=\"h\"}"], (std::vector<Sample>{{1000, 1}}));
  EXPECT_EQ(Rejected("native_histogram"), 1);
  EXPECT_EQ(CounterValue("vigil_remote_write_exemplars_ignored_total"), 1);
}

TEST(RemoteWriteDecode, RoundTripAndLimits) {
  prometheus::WriteRequest wr;
  AddSeries(&wr, {{"__name__", "up"}}, {{1, 2}});
  std::string body = Encode(wr);
  prometheus::WriteRequest out;
  ASSERT_OK(remote_write::DecodeWriteRequest(body, 1 << 20, &out));
  ASSERT_EQ(out.timeseries_size(), 1);
  EXPECT_EQ(out.timeseries(0).samples(0).value(), 2);
  // Cap below the decoded size.
  Status st = remote_write::DecodeWriteRequest(body, 3, &out);
  EXPECT_EQ(st.code(), StatusCode::kLimitExceeded) << st.ToString();
  EXPECT_EQ(out.timeseries_size(), 0);
  // An empty request is a valid, empty WriteRequest.
  std::string empty;
  snappy::Compress("", 0, &empty);
  ASSERT_OK(remote_write::DecodeWriteRequest(empty, 1 << 20, &out));
  // Trailing bytes after a complete block are corrupt.
  EXPECT_FALSE(remote_write::DecodeWriteRequest(empty + "xx", 1 << 20, &out).ok());
  EXPECT_EQ(remote_write::DecodedLimitFor(32 << 20), size_t{256} << 20);
}

TEST(RemoteWriteConvert, MetricNamesAndTypes) {
  EXPECT_TRUE(remote_write::IsValidMetricName("a:b_c9"));
  EXPECT_TRUE(remote_write::IsValidMetricName(":x"));
  EXPECT_FALSE(remote_write::IsValidMetricName("9x"));
  EXPECT_FALSE(remote_write::IsValidMetricName(""));
  EXPECT_FALSE(remote_write::IsValidMetricName("a-b"));
  EXPECT_EQ(remote_write::MetricTypeName(42), "unknown");
}

}  // namespace
}  // namespace vigil::server
