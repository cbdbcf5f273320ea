// Fuzz target for the remote-write receive path: raw bytes → snappy block
// decode (decoded size capped) → WriteRequest parse → label validation and
// conversion → a recording Appender. Nothing may crash, read out of bounds,
// allocate beyond the cap, or hand the Appender an invalid label set. The
// bytes are also parsed as an uncompressed WriteRequest, so the protobuf and
// conversion paths are reached without a valid snappy frame.
//
// Both decoders run on every input: the handler's zero-copy one
// (view_decode.h) and the generated classes (decode.h). They must agree:
// both fail, or both succeed with the same contents; and converting the
// fast view with a series cache (twice, the second time from the cache)
// must give the Appender the same calls and the report the same counts as
// converting the parsed message.
#include <google/protobuf/arena.h>

#include <cstdint>
#include <cstdlib>
#include <climits>
#include <cstring>
#include <string>
#include <type_traits>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/base/labels.h"
#include "engine/storage.h"
#include "server/remote_write/convert.h"
#include "server/remote_write/decode.h"
#include "server/remote_write/request_view.h"
#include "server/remote_write/series_cache.h"
#include "server/remote_write/view_decode.h"

namespace {

namespace rw = vigil::server::remote_write;

// Checks every label set it receives; never fails an append.
class CheckingAppender final : public vigil::Appender {
 public:
  vigil::Result<vigil::SeriesRef> Append(vigil::SeriesRef ref, const vigil::Labels& labels, int64_t t,
                                         double v) override {
    uint64_t t_bits = static_cast<uint64_t>(t);
    uint64_t v_bits;
    std::memcpy(&v_bits, &v, 8);
    t_bits ^= v_bits * 0x9e3779b97f4a7c15ULL;
    if (ref == 0) {
      // A fresh series: its labels must be a valid, sorted, unique, non-empty set.
      if (labels.empty()) std::abort();
      auto again = vigil::Labels::FromEncoded(labels.data());
      if (!again.ok()) std::abort();
      for (const auto& l : labels) {
        if (!vigil::IsValidLabelName(l.name) || l.value.empty() || !vigil::IsValidUtf8(l.value)) std::abort();
        if (l.name == "__name__" && !rw::IsValidMetricName(l.value)) std::abort();
      }
      if (labels.size() > limits_max_labels) std::abort();
    }
    ++appended;
    // Refs by label set, as a DB gives them (a cached ref must be right).
    for (size_t i = 0; i < known.size(); ++i) {
      if (known[i] == labels) {
        if (ref != 0 && ref != i + 1) std::abort();  // a ref for other labels
        calls.emplace_back(i + 1, t_bits);
        return i + 1;
      }
    }
    if (ref != 0) std::abort();  // a ref this appender never returned
    known.push_back(labels);
    calls.emplace_back(known.size(), t_bits);
    return known.size();
  }
  vigil::Status Commit() override { return vigil::Status::OK(); }
  void Rollback() override {}
  const vigil::AppendStats& stats() const override { return stats_; }

  uint64_t appended = 0;
  size_t limits_max_labels = 0;
  std::vector<vigil::Labels> known;
  std::vector<std::pair<vigil::SeriesRef, uint64_t>> calls;  // (series, t ^ mixed v)

 private:
  vigil::AppendStats stats_;
};

rw::ConvertLimits FuzzLimits() {
  rw::ConvertLimits limits;
  limits.max_labels_per_series = 16;
  limits.max_label_name_length = 64;
  limits.max_label_value_length = 256;
  limits.max_series_per_request = 1000;
  return limits;
}

struct Outcome {
  vigil::StatusCode code;
  rw::IngestReport report;
  std::vector<std::pair<vigil::SeriesRef, uint64_t>> calls;
};

// Converts either form (the message through the reference overload, the
// view through the cache) into `app` and checks the invariants of one
// conversion.
template <typename Request>
Outcome Convert(const Request& req, uint64_t samples, rw::SeriesRefCache* cache, CheckingAppender* app) {
  const rw::ConvertLimits limits = FuzzLimits();
  app->limits_max_labels = limits.max_labels_per_series;
  app->appended = 0;
  app->calls.clear();
  Outcome out;
  vigil::Status st;
  if constexpr (std::is_same_v<Request, rw::WriteRequestView>) {
    st = rw::AppendWriteRequest(req, limits, app, &out.report, cache);
  } else {
    st = rw::AppendWriteRequest(req, limits, app, &out.report);
  }
  if (!st.ok() && st.code() != vigil::StatusCode::kLimitExceeded) std::abort();
  if (out.report.appended != app->appended || out.report.appended > samples) std::abort();
  rw::MergeCommitStats(app->stats(), &out.report);
  if (out.report.total_rejected() > 0) (void)rw::RejectionMessage(out.report);
  out.code = st.code();
  out.calls = app->calls;
  return out;
}

void ExpectSame(const Outcome& a, const Outcome& b) {
  if (a.code != b.code || a.calls != b.calls || a.report.appended != b.report.appended ||
      a.report.series != b.report.series || a.report.exemplars_ignored != b.report.exemplars_ignored ||
      a.report.rejected != b.report.rejected || a.report.first_error != b.report.first_error) {
    std::abort();
  }
}

uint64_t SampleCount(const prometheus::WriteRequest& wr) {
  uint64_t samples = 0;
  for (const auto& ts : wr.timeseries()) samples += ts.samples_size();
  return samples;
}

// The fast decoder against the generated one on the same decoded bytes.
void CompareDecoders(const prometheus::WriteRequest* msg, bool msg_ok, const rw::WriteRequestView& view,
                     bool view_ok) {
  if (msg_ok != view_ok) std::abort();
  if (!msg_ok) {
    if (!view.series.empty() || !view.metadata.empty()) std::abort();
    return;
  }
  rw::WriteRequestView ref;
  rw::ViewOfMessage(*msg, &ref);
  if (ref.series.size() != view.series.size() || ref.labels.size() != view.labels.size() ||
      ref.samples.size() != view.samples.size() || ref.metadata.size() != view.metadata.size()) {
    std::abort();
  }
  for (size_t i = 0; i < ref.series.size(); ++i) {
    const rw::RawSeries &a = ref.series[i], &b = view.series[i];
    if (a.label_begin != b.label_begin || a.label_count != b.label_count || a.sample_begin != b.sample_begin ||
        a.sample_count != b.sample_count || a.histograms != b.histograms || a.exemplars != b.exemplars) {
      std::abort();
    }
  }
  for (size_t i = 0; i < ref.labels.size(); ++i) {
    if (!(ref.labels[i] == view.labels[i])) std::abort();
  }
  for (size_t i = 0; i < ref.samples.size(); ++i) {
    if (ref.samples[i].t != view.samples[i].t ||
        std::memcmp(&ref.samples[i].v, &view.samples[i].v, sizeof(double)) != 0) {
      std::abort();
    }
  }
  for (size_t i = 0; i < ref.metadata.size(); ++i) {
    const rw::RawMetadata &a = ref.metadata[i], &b = view.metadata[i];
    if (a.type != b.type || a.family != b.family || a.help != b.help || a.unit != b.unit) std::abort();
  }
  // Conversion: the reference, then the view twice through one cache (the
  // second pass takes known series from the cache).
  // One appender for both view passes: the cache hands back its refs.
  uint64_t samples = SampleCount(*msg);
  CheckingAppender ref_app, view_app;
  Outcome want = Convert(*msg, samples, nullptr, &ref_app);
  rw::SeriesRefCache cache;
  ExpectSame(want, Convert(view, samples, &cache, &view_app));
  ExpectSame(want, Convert(view, samples, &cache, &view_app));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  google::protobuf::Arena arena;
  auto* wr = google::protobuf::Arena::CreateMessage<prometheus::WriteRequest>(&arena);

  // 1 MiB decoded at most: a claimed larger size must be refused up front.
  vigil::Status st = rw::DecodeWriteRequest(in, 1 << 20, wr);
  rw::ViewDecoder decoder;
  vigil::Status fast = decoder.Decode(in, 1 << 20);
  if (st.ok()) {
    if (!fast.ok()) std::abort();
    CompareDecoders(wr, true, decoder.view(), true);
  } else if (st.code() != vigil::StatusCode::kInvalidArgument && st.code() != vigil::StatusCode::kLimitExceeded) {
    std::abort();
  } else if (wr->timeseries_size() != 0 || wr->metadata_size() != 0) {
    std::abort();  // a failed decode leaves the request empty
  } else if (fast.code() != st.code() || !decoder.view().series.empty() || !decoder.view().metadata.empty()) {
    std::abort();  // the same class of error, and nothing decoded
  }

  // The bytes as an uncompressed WriteRequest (reaches the parsers without
  // a valid snappy frame).
  auto* raw = google::protobuf::Arena::CreateMessage<prometheus::WriteRequest>(&arena);
  bool raw_ok = size <= INT32_MAX && raw->ParseFromArray(data, static_cast<int>(size));
  rw::WriteRequestView view;
  bool view_ok = rw::ParseWriteRequestView(in, &view).ok();
  CompareDecoders(raw, raw_ok, view, view_ok);
  return 0;
}
