// The fast remote-write decoder (view_decode.h) against the generated
// protobuf parser on hand-built wire bytes, its error cases, and the
// label-hash → series-ref cache (series_cache.h), collisions included.
#include <gtest/gtest.h>
#include <snappy.h>

#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "remote_write/proto/remote.pb.h"
#include "server/remote_write/convert.h"
#include "server/remote_write/request_view.h"
#include "server/remote_write/series_cache.h"
#include "server/remote_write/view_decode.h"
#include "tests/testutil/testutil.h"

namespace vigil::server::remote_write {
namespace {

// Minimal wire writers for building test inputs (test-side only).
std::string Varint(uint64_t v) {
  std::string out;
  while (v >= 0x80) {
    out += static_cast<char>(v | 0x80);
    v >>= 7;
  }
  out += static_cast<char>(v);
  return out;
}
std::string Tag(int field, int wt) { return Varint((static_cast<uint64_t>(field) << 3) | wt); }
std::string Len(int field, const std::string& body) { return Tag(field, 2) + Varint(body.size()) + body; }
std::string Fixed64(int field, double v) {
  std::string out = Tag(field, 1);
  char b[8];
  std::memcpy(b, &v, 8);
  return out + std::string(b, 8);
}
std::string LabelMsg(const std::string& n, const std::string& v) { return Len(1, n) + Len(2, v); }
std::string SampleMsg(int64_t t, double v) { return Fixed64(1, v) + Tag(2, 0) + Varint(static_cast<uint64_t>(t)); }

// Both parsers on the same bytes: same verdict, and the same contents.
void ExpectSameAsGenerated(const std::string& bytes, bool expect_ok) {
  SCOPED_TRACE(testing::PrintToString(bytes));
  prometheus::WriteRequest msg;
  bool ref_ok = msg.ParseFromString(bytes);
  WriteRequestView fast;
  Status st = ParseWriteRequestView(bytes, &fast);
  EXPECT_EQ(ref_ok, expect_ok);
  EXPECT_EQ(st.ok(), ref_ok) << st.ToString();
  if (!st.ok()) {
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(st.message().rfind("protobuf: ", 0), 0u) << st.message();
    EXPECT_TRUE(fast.series.empty());
    return;
  }
  WriteRequestView ref;
  ViewOfMessage(msg, &ref);
  ASSERT_EQ(fast.series.size(), ref.series.size());
  for (size_t i = 0; i < ref.series.size(); ++i) {
    const RawSeries &a = fast.series[i], &b = ref.series[i];
    EXPECT_EQ(a.histograms, b.histograms);
    EXPECT_EQ(a.exemplars, b.exemplars);
    auto la = fast.LabelsOf(a), lb = ref.LabelsOf(b);
    ASSERT_EQ(la.size(), lb.size());
    for (size_t j = 0; j < la.size(); ++j) EXPECT_EQ(la[j], lb[j]);
    auto sa = fast.SamplesOf(a), sb = ref.SamplesOf(b);
    ASSERT_EQ(sa.size(), sb.size());
    for (size_t j = 0; j < sa.size(); ++j) {
      EXPECT_EQ(sa[j].t, sb[j].t);
      EXPECT_EQ(std::memcmp(&sa[j].v, &sb[j].v, 8), 0);
    }
  }
  ASSERT_EQ(fast.metadata.size(), ref.metadata.size());
  for (size_t i = 0; i < ref.metadata.size(); ++i) {
    EXPECT_EQ(fast.metadata[i].type, ref.metadata[i].type);
    EXPECT_EQ(fast.metadata[i].family, ref.metadata[i].family);
    EXPECT_EQ(fast.metadata[i].help, ref.metadata[i].help);
    EXPECT_EQ(fast.metadata[i].unit, ref.metadata[i].unit);
  }
}

TEST(ViewDecodeTest, MatchesGeneratedMessage) {
  prometheus::WriteRequest wr;
  for (int i = 0; i < 3; ++i) {
    auto* ts = wr.add_timeseries();
    auto* l = ts->add_labels();
    l->set_name("__name__");
    l->set_value("m" + std::to_string(i));
    l = ts->add_labels();
    l->set_name("job");
    l->set_value("j");
    auto* s = ts->add_samples();
    s->set_timestamp(-5 + i);
    s->set_value(1.5 * i);
    if (i == 1) ts->add_exemplars()->set_value(3);
    if (i == 2) ts->add_histograms()->set_sum(1);
  }
  auto* md = wr.add_metadata();
  md->set_type(prometheus::MetricMetadata::COUNTER);
  md->set_metric_family_name("m0");
  md->set_help("help");
  md->set_unit("seconds");
  std::string bytes = wr.SerializeAsString();
  ExpectSameAsGenerated(bytes, true);

  WriteRequestView v;
  ASSERT_OK(ParseWriteRequestView(bytes, &v));
  ASSERT_EQ(v.series.size(), 3u);
  // The label fields are contiguous: labels_wire covers exactly them.
  EXPECT_EQ(v.series[0].labels_wire, Len(1, LabelMsg("__name__", "m0")) + Len(1, LabelMsg("job", "j")));
  EXPECT_EQ(v.series[1].exemplars, 1u);
  EXPECT_EQ(v.series[2].histograms, 1u);
}

TEST(ViewDecodeTest, Errors) {
  const std::string series = Len(1, LabelMsg("a", "b")) + Len(2, SampleMsg(1, 2));
  struct Case {
    const char* name;
    std::string bytes;
  } cases[] = {
      {"truncated varint", Len(1, Len(2, Tag(2, 0) + "\x80"))},
      {"truncated varint at end", Tag(9, 0) + "\xff\xff"},
      {"overlong varint", Tag(9, 0) + std::string(10, '\xff') + "\x01"},
      {"wire type 6", Tag(1, 6) + "x"},
      {"wire type 7", Len(1, Tag(3, 7))},
      {"length past end", Tag(1, 2) + Varint(100) + series},
      {"nested length past parent", Len(1, Tag(1, 2) + Varint(50) + "ab")},
      {"truncated fixed64", Len(1, Len(2, Tag(1, 1) + "1234"))},
      {"field number 0", Tag(0, 0) + Varint(1)},
      {"field number 0 nested", Len(1, std::string(1, '\0'))},
      {"unexpected end group", Tag(5, 4)},
      {"unexpected end group nested", Len(1, Tag(7, 4))},
      {"mismatched group end", Tag(5, 3) + Tag(6, 4)},
      {"unterminated group", Tag(5, 3) + Tag(1, 0) + Varint(1)},
      // Field 1 LEN as a 6-byte tag, then an empty body; and a 6-byte
      // length 0 (CodedInputStream alone would take both).
      {"tag longer than 5 bytes", std::string("\x8a\x80\x80\x80\x80\x00\x00", 7)},
      {"length longer than 5 bytes", Tag(9, 2) + std::string("\x80\x80\x80\x80\x80\x00", 6)},
      {"nested tag longer than 5 bytes", Len(1, std::string("\x8a\x80\x80\x80\x80\x00\x00", 7))},
      {"long length inside a group", Tag(5, 3) + Tag(9, 2) + std::string("\x80\x80\x80\x80\x80\x00", 6) + Tag(5, 4)},
      {"long tag inside a group", Tag(5, 3) + std::string("\x88\x80\x80\x80\x80\x00", 6) + "\x01" + Tag(5, 4)},
      {"truncated fixed32", Tag(9, 5) + "ab"},
      {"group past the message end", Len(1, Tag(5, 3)) + Tag(5, 4)},
      {"bad exemplar", Len(1, Len(3, Tag(1, 2) + Varint(9)))},
      {"bad histogram", Len(1, Len(4, Tag(9, 7)))},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    ExpectSameAsGenerated(c.bytes, false);
  }
}

TEST(ViewDecodeTest, SkipsUnknownFieldsAndKeepsLastValue) {
  struct Case {
    const char* name;
    std::string bytes;
  } cases[] = {
      {"empty", ""},
      {"unknown top-level varint", Tag(9, 0) + Varint(300) + Len(1, Len(1, LabelMsg("a", "b")))},
      {"reserved field 2", Len(2, "junk") + Len(1, Len(2, SampleMsg(1, 1)))},
      {"unknown in label", Len(1, Len(1, LabelMsg("a", "b") + Tag(7, 5) + "abcd" + Len(8, "zz")))},
      {"unknown group", Len(1, Tag(6, 3) + Tag(1, 0) + Varint(5) + Len(2, "x") + Tag(6, 4) + Len(2, SampleMsg(3, 4)))},
      {"nested groups, all wire types",
       Tag(7, 3) + Tag(8, 3) + Tag(1, 0) + Varint(1) + Fixed64(2, 1.5) + Tag(3, 5) + "abcd" + Len(4, "xy") + Tag(8, 4) +
           Tag(7, 4) + Len(1, Len(1, LabelMsg("a", "b")))},
      {"known field, other wire type", Len(1, Len(2, Tag(1, 0) + Varint(7) + Tag(2, 0) + Varint(9)))},
      {"label as varint", Len(1, Tag(1, 0) + Varint(1) + Len(1, LabelMsg("x", "y")))},
      {"repeated scalar: last wins", Len(1, Len(2, SampleMsg(1, 1) + SampleMsg(2, 2)))},
      {"repeated name: last wins", Len(1, Len(1, Len(1, "a") + Len(1, "b") + Len(2, "v")))},
      {"missing fields", Len(1, Len(1, Len(2, "v")) + Len(2, ""))},
      {"negative timestamp", Len(1, Len(2, SampleMsg(-1000, -0.0)))},
      {"metadata enum out of range", Len(3, Tag(1, 0) + Varint(99) + Len(2, "f"))},
      {"non-minimal length", Len(1, Tag(1, 2) + std::string("\x80\x00", 2))},
      {"labels after samples", Len(1, Len(2, SampleMsg(1, 1)) + Len(1, LabelMsg("a", "b")))},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    ExpectSameAsGenerated(c.bytes, true);
  }
  // Missing fields are their defaults.
  WriteRequestView v;
  ASSERT_OK(ParseWriteRequestView(Len(1, Len(1, Len(2, "v")) + Len(2, "")), &v));
  ASSERT_EQ(v.labels.size(), 1u);
  EXPECT_EQ(v.labels[0].name, "");
  EXPECT_EQ(v.labels[0].value, "v");
  ASSERT_EQ(v.samples.size(), 1u);
  EXPECT_EQ(v.samples[0].t, 0);
  EXPECT_EQ(v.samples[0].v, 0.0);
  // Label fields split by another field are not one contiguous run.
  ASSERT_OK(ParseWriteRequestView(
      Len(1, Len(1, LabelMsg("a", "b")) + Len(2, SampleMsg(1, 1)) + Len(1, LabelMsg("c", "d"))), &v));
  EXPECT_TRUE(v.series[0].labels_wire.empty());
}

TEST(ViewDecodeTest, DeepUnknownGroupsFailLikeGenerated) {
  for (int depth : {90, 97, 98, 99, 100, 120}) {
    SCOPED_TRACE(depth);
    std::string groups;
    for (int i = 0; i < depth; ++i) groups += Tag(9, 3);
    for (int i = 0; i < depth; ++i) groups += Tag(9, 4);
    std::string bytes = Len(1, Len(1, LabelMsg("a", "b") + groups));
    prometheus::WriteRequest msg;
    ExpectSameAsGenerated(bytes, msg.ParseFromString(bytes));
  }
}

TEST(ViewDecodeTest, DecoderSnappyErrors) {
  ViewDecoder d;
  EXPECT_EQ(d.Decode("", 1 << 20).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(d.Decode("not snappy at all", 1 << 20).code(), StatusCode::kInvalidArgument);
  std::string raw = Len(1, Len(1, LabelMsg("a", "b")) + Len(2, SampleMsg(1, 1))), c;
  snappy::Compress(raw.data(), raw.size(), &c);
  EXPECT_EQ(d.Decode(c, 3).code(), StatusCode::kLimitExceeded);
  ASSERT_OK(d.Decode(c, 1 << 20));
  EXPECT_EQ(d.view().series.size(), 1u);
  std::string junk = Tag(1, 2) + Varint(50), cj;
  snappy::Compress(junk.data(), junk.size(), &cj);
  Status st = d.Decode(cj, 1 << 20);
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("protobuf"), std::string::npos);
  EXPECT_TRUE(d.view().series.empty());
}

// Records what it is handed; refs are 1 + index of the first labels seen.
class RecordingAppender final : public Appender {
 public:
  Result<SeriesRef> Append(SeriesRef ref, const Labels& labels, int64_t t, double) override {
    if (ref != 0 && ref <= known.size() && known[ref - 1] == labels) {
      appends.emplace_back(ref, t);
      return ref;
    }
    for (size_t i = 0; i < known.size(); ++i) {
      if (known[i] == labels) {
        appends.emplace_back(i + 1, t);
        return i + 1;
      }
    }
    known.push_back(labels);
    appends.emplace_back(known.size(), t);
    return known.size();
  }
  Status Commit() override { return Status::OK(); }
  void Rollback() override {}
  const AppendStats& stats() const override { return stats_; }

  std::vector<Labels> known;
  std::vector<std::pair<SeriesRef, int64_t>> appends;

 private:
  AppendStats stats_;
};

std::string OneSeries(const std::vector<std::pair<std::string, std::string>>& labels, int64_t t) {
  std::string ts;
  for (const auto& [n, v] : labels) ts += Len(1, LabelMsg(n, v));
  return Len(1, ts + Len(2, SampleMsg(t, 1)));
}

TEST(ViewConvertTest, LabelRulesWithCache) {
  SeriesRefCache cache;
  ConvertLimits limits;
  struct Case {
    std::vector<std::pair<std::string, std::string>> labels;
    bool ok;
    const char* error;  // substring of the first error
  } cases[] = {
      {{{"job", "x"}, {"__name__", "up"}}, true, ""},  // out of order: sorted
      {{{"__name__", "up"}, {"job", "x"}, {"job", "y"}}, false, "duplicate"},
      {{{"__name__", "up"}, {"", "x"}}, false, "empty label name"},
      {{{"__name__", "1up"}}, false, "invalid metric name"},
      {{{"a", ""}}, false, "empty label set"},
  };
  for (int round = 0; round < 2; ++round) {  // the second round may hit the cache
    for (const Case& c : cases) {
      SCOPED_TRACE(c.error);
      WriteRequestView v;
      const std::string bytes = OneSeries(c.labels, 1000 + round);  // the views borrow it
      ASSERT_OK(ParseWriteRequestView(bytes, &v));
      RecordingAppender app;
      IngestReport report;
      ASSERT_OK(AppendWriteRequest(v, limits, &app, &report, &cache));
      EXPECT_EQ(report.appended, c.ok ? 1u : 0u) << report.first_error;
      EXPECT_EQ(report.total_rejected(), c.ok ? 0u : 1u);
      if (!c.ok) {
        EXPECT_NE(report.first_error.find(c.error), std::string::npos) << report.first_error;
      }
      if (c.ok) {
        EXPECT_EQ(app.known.at(0).ToString(), "{__name__=\"up\", job=\"x\"}");
      }
    }
  }
  // Only the valid series was remembered (under its unsorted wire bytes).
  EXPECT_EQ(cache.size(), 1u);
}

TEST(SeriesRefCacheTest, HitNeedsSameBytesAndLimits) {
  SeriesRefCache cache;
  ConvertLimits limits;
  Labels a = Labels::FromStrings({{"__name__", "a"}, {"job", "x"}});
  std::vector<RawLabel> raw_a = {{"__name__", "a"}, {"job", "x"}};
  const std::string wire_a = Len(1, LabelMsg("__name__", "a")) + Len(1, LabelMsg("job", "x"));
  const std::string wire_b = Len(1, LabelMsg("__name__", "b")) + Len(1, LabelMsg("job", "x"));
  const std::string swapped = Len(1, LabelMsg("job", "x")) + Len(1, LabelMsg("__name__", "a"));
  cache.Put(42, wire_a, raw_a, a, 7);
  ASSERT_NE(cache.Find(42, wire_a, limits), nullptr);
  EXPECT_EQ(cache.Find(42, wire_a, limits)->ref, 7u);
  EXPECT_EQ(cache.Find(42, wire_a, limits)->labels, a);
  // The same hash with other bytes (a collision) is a miss, never series a.
  EXPECT_EQ(cache.Find(42, wire_b, limits), nullptr);
  EXPECT_EQ(cache.Find(42, swapped, limits), nullptr);
  EXPECT_EQ(cache.Find(43, wire_a, limits), nullptr);
  // Stricter limits than when it was converted.
  ConvertLimits strict = limits;
  strict.max_labels_per_series = 1;
  EXPECT_EQ(cache.Find(42, wire_a, strict), nullptr);
  strict = limits;
  strict.max_label_value_length = 0;
  EXPECT_EQ(cache.Find(42, wire_a, strict), nullptr);
  strict = limits;
  strict.max_label_name_length = 3;
  EXPECT_EQ(cache.Find(42, wire_a, strict), nullptr);
  // Binding to another owner or DB forgets everything.
  cache.Bind(1, &cache, "/a");
  EXPECT_EQ(cache.size(), 0u);
  cache.Put(42, wire_a, raw_a, a, 7);
  cache.Bind(1, &cache, "/a");
  EXPECT_EQ(cache.size(), 1u);
  cache.Bind(1, &cache, "/b");
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(cache.Find(42, wire_a, limits), nullptr);
}

TEST(SeriesRefCacheTest, CollisionDoesNotMixSeries) {
  // Plant series a's entry under series b's hash, as a collision would.
  SeriesRefCache cache;
  ConvertLimits limits;
  WriteRequestView va, vb;
  std::string ba = OneSeries({{"__name__", "a"}}, 1), bb = OneSeries({{"__name__", "b"}}, 2);
  ASSERT_OK(ParseWriteRequestView(ba, &va));
  ASSERT_OK(ParseWriteRequestView(bb, &vb));
  RecordingAppender app;
  IngestReport report;
  ASSERT_OK(AppendWriteRequest(va, limits, &app, &report, &cache));
  ASSERT_EQ(app.known.size(), 1u);
  cache.Clear();
  // Series a's entry (its bytes, labels and ref) planted under b's hash.
  cache.Put(SeriesRefCache::HashOf(vb.series[0].labels_wire), va.series[0].labels_wire, va.LabelsOf(va.series[0]),
            app.known[0], 1);
  ASSERT_OK(AppendWriteRequest(vb, limits, &app, &report, &cache));
  ASSERT_EQ(app.known.size(), 2u);
  EXPECT_EQ(app.known[1].ToString(), "{__name__=\"b\"}");
  EXPECT_EQ(app.appends.back(), (std::pair<SeriesRef, int64_t>{2, 2}));
  // The colliding entry was replaced by b's: b now hits with ref 2.
  auto* e = cache.Find(SeriesRefCache::HashOf(vb.series[0].labels_wire), vb.series[0].labels_wire, limits);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->ref, 2u);
}

TEST(SeriesRefCacheTest, BoundedBytes) {
  SeriesRefCache cache(4000);
  for (uint64_t i = 0; i < 100; ++i) {
    std::string name = "m" + std::to_string(i);
    std::vector<RawLabel> raw = {{"__name__", name}};
    cache.Put(i, Len(1, LabelMsg("__name__", name)), raw, Labels::FromStrings({{"__name__", name}}), i + 1);
  }
  EXPECT_LE(cache.bytes(), 4000u);
  EXPECT_GT(cache.size(), 0u);
  EXPECT_LT(cache.size(), 100u);
}

}  // namespace
}  // namespace vigil::server::remote_write
