// Fuzz target for the remote-write receive path: raw bytes → snappy block
// decode (decoded size capped) → WriteRequest parse → label validation and
// conversion → a recording Appender. Nothing may crash, read out of bounds,
// allocate beyond the cap, or hand the Appender an invalid label set. The
// bytes are also parsed as an uncompressed WriteRequest, so the protobuf and
// conversion paths are reached without a valid snappy frame.
#include <google/protobuf/arena.h>

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "engine/base/labels.h"
#include "engine/storage.h"
#include "server/remote_write/convert.h"
#include "server/remote_write/decode.h"

namespace {

namespace rw = vigil::server::remote_write;

// Checks every label set it receives; never fails an append.
class CheckingAppender final : public vigil::Appender {
 public:
  vigil::Result<vigil::SeriesRef> Append(vigil::SeriesRef ref, const vigil::Labels& labels, int64_t,
                                         double) override {
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
    return ref == 0 ? ++next_ref_ : ref;
  }
  vigil::Status Commit() override { return vigil::Status::OK(); }
  void Rollback() override {}
  const vigil::AppendStats& stats() const override { return stats_; }

  uint64_t appended = 0;
  size_t limits_max_labels = 0;

 private:
  vigil::SeriesRef next_ref_ = 0;
  vigil::AppendStats stats_;
};

void Convert(const prometheus::WriteRequest& wr) {
  rw::ConvertLimits limits;
  limits.max_labels_per_series = 16;
  limits.max_label_name_length = 64;
  limits.max_label_value_length = 256;
  limits.max_series_per_request = 1000;
  CheckingAppender app;
  app.limits_max_labels = limits.max_labels_per_series;
  rw::IngestReport report;
  vigil::Status st = rw::AppendWriteRequest(wr, limits, &app, &report);
  if (!st.ok() && st.code() != vigil::StatusCode::kLimitExceeded) std::abort();
  uint64_t samples = 0;
  for (const auto& ts : wr.timeseries()) samples += ts.samples_size();
  if (report.appended != app.appended || report.appended > samples) std::abort();
  rw::MergeCommitStats(app.stats(), &report);
  if (report.total_rejected() > 0) (void)rw::RejectionMessage(report);
  for (const auto& md : wr.metadata()) (void)rw::MetricTypeName(md.type());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  google::protobuf::Arena arena;
  auto* wr = google::protobuf::Arena::CreateMessage<prometheus::WriteRequest>(&arena);

  // 1 MiB decoded at most: a claimed larger size must be refused up front.
  vigil::Status st = rw::DecodeWriteRequest(in, 1 << 20, wr);
  if (st.ok()) {
    Convert(*wr);
  } else if (st.code() != vigil::StatusCode::kInvalidArgument && st.code() != vigil::StatusCode::kLimitExceeded) {
    std::abort();
  } else if (wr->timeseries_size() != 0 || wr->metadata_size() != 0) {
    std::abort();  // a failed decode leaves the request empty
  }

  auto* raw = google::protobuf::Arena::CreateMessage<prometheus::WriteRequest>(&arena);
  if (raw->ParseFromArray(data, static_cast<int>(size))) Convert(*raw);
  return 0;
}
