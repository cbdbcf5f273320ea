// Remote-write conversion: prometheus.WriteRequest series → validated Labels
// → Appender, skipping and counting what is rejected so that the valid
// samples of a request still commit (DESIGN.md "Remote write has to make a
// choice"). Used by the HTTP handler, the fuzz target and the benchmark.
//
// Label rules, as Prometheus 2.53's receiver (storage/remote/write_handler.go
// → labels.IsValid): labels are sorted by name when a sender did not;
// names must match [a-zA-Z_][a-zA-Z0-9_]* and be unique; a present __name__
// must match [a-zA-Z_:][a-zA-Z0-9_:]* (so __name__="" is invalid); values must
// be UTF-8. A series WITHOUT __name__ is accepted, as in Prometheus 2.x
// (IsValid only checks the labels that are there; the spec says SHOULD).
// Other empty values are dropped (vigil's data model); a set that ends up
// empty is invalid. vigil adds the configured limits (labels per series,
// name and value length), which Prometheus lacks.
//
// Single-owner (not thread-safe); a converter is reused across the series
// of one request to keep its scratch space.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/base/labels.h"
#include "engine/storage.h"
#include "remote_write/proto/remote.pb.h"  // generated into the build dir
#include "server/remote_write/request_view.h"

namespace vigil::server::remote_write {

// Why samples were rejected; each is a `reason` of
// vigil_samples_rejected_total.
enum class Reject : uint8_t {
  kOutOfOrder,       // older than the series' newest sample
  kDuplicate,        // same timestamp, different value
  kOutOfBounds,      // the engine refused the time (series collected meanwhile)
  kInvalidLabels,    // bad name, bad metric name, duplicate name, bad UTF-8, empty set
  kTooManyLabels,    // more than max_labels_per_series
  kLabelTooLong,     // a name or value over its length limit
  kTooManySeries,    // the whole request had more than max_series_per_request
  kNativeHistogram,  // native histogram samples (not supported yet)
};
inline constexpr size_t kNumRejects = 8;
// "out_of_order", "duplicate", ... (the metric's label value).
std::string_view RejectName(Reject r);

struct ConvertLimits {
  uint32_t max_labels_per_series = 64;
  uint32_t max_label_name_length = 1024;
  uint32_t max_label_value_length = 4096;
  uint32_t max_series_per_request = 100'000;
};

// True for [a-zA-Z_:][a-zA-Z0-9_:]*.
bool IsValidMetricName(std::string_view name);
// The lower-case Prometheus name of a MetricMetadata type ("counter", ...);
// "unknown" for values outside the enum.
std::string_view MetricTypeName(int type);

class LabelConverter {
 public:
  explicit LabelConverter(const ConvertLimits& limits) : limits_(limits) {}

  // Builds the series' Labels. On error returns InvalidArgument or
  // LimitExceeded with a message naming the label, and sets *reason.
  Result<Labels> Convert(std::span<const RawLabel> labels, Reject* reason);

 private:
  ConvertLimits limits_;
  std::vector<std::pair<std::string_view, std::string_view>> pairs_;  // reused scratch
};

// What happened to one request's samples.
struct IngestReport {
  uint64_t appended = 0;           // samples Append() took (before Commit)
  uint64_t series = 0;             // time series in the request
  uint64_t exemplars_ignored = 0;  // exemplars are not stored yet
  std::array<uint64_t, kNumRejects> rejected{};
  // The first rejection in request order ("" when none was seen before
  // Commit; commit-time rejections carry no message).
  Reject first_reason = Reject::kInvalidLabels;
  std::string first_error;

  uint64_t& count(Reject r) { return rejected[static_cast<size_t>(r)]; }
  uint64_t count(Reject r) const { return rejected[static_cast<size_t>(r)]; }
  uint64_t total_rejected() const;
  // Records n rejected samples; the message is kept if it is the first.
  void Add(Reject r, uint64_t n, std::string_view message);
};

class SeriesRefCache;

// Converts and appends every float sample of `req` (one Append per sample,
// each series' ref carried from its previous sample, one Labels per series
// unless `cache` (may be null) knows the series: see series_cache.h),
// skipping and counting rejected samples in *report. Native histogram
// samples are counted as rejected, exemplars as ignored. Does not Commit.
// Returns:
//   OK — including when samples were rejected (see *report);
//   LimitExceeded — more series than max_series_per_request: nothing was
//     appended and every sample is counted as too_many_series;
//   any other Append error (not OutOfOrder, DuplicateSample, OutOfBounds or
//     InvalidArgument) as is: a storage fault; the caller rolls back.
// Append-time engine rejections are NOT counted here (the engine counts
// them in Appender::stats()); call MergeCommitStats after Commit.
Status AppendWriteRequest(const WriteRequestView& req, const ConvertLimits& limits, Appender* app,
                          IngestReport* report, SeriesRefCache* cache = nullptr);
// The same for a parsed message (the reference path: tests, fuzzing).
Status AppendWriteRequest(const prometheus::WriteRequest& req, const ConvertLimits& limits, Appender* app,
                          IngestReport* report);

// Folds the appender's counts (append- and commit-time) into *report.
void MergeCommitStats(const AppendStats& stats, IngestReport* report);

// The 400 body: "out of order sample: 3 samples rejected (out_of_order=2,
// duplicate=1, ...); first: <message>".
std::string RejectionMessage(const IngestReport& report);

}  // namespace vigil::server::remote_write
