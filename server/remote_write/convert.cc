#include "server/remote_write/convert.h"

#include <bit>
#include <cstdint>

#include "server/remote_write/series_cache.h"

namespace vigil::server::remote_write {

namespace {

constexpr std::string_view kMetricName = "__name__";

// {a="b", c="d"} from the raw labels, for error messages; capped in size.
std::string RawSeriesString(std::span<const RawLabel> labels) {
  constexpr size_t kMax = 200;
  std::string out = "{";
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i > 0) out += ", ";
    out += labels[i].name;
    out += "=\"";
    out += labels[i].value;
    out += '"';
    if (out.size() > kMax) {
      out.resize(kMax);
      out += "...";
      break;
    }
  }
  out += '}';
  return out;
}

std::string_view Phrase(Reject r) {
  switch (r) {
    case Reject::kOutOfOrder: return "out of order sample";
    case Reject::kDuplicate: return "duplicate sample for timestamp";
    case Reject::kOutOfBounds: return "out of bounds";
    case Reject::kInvalidLabels: return "invalid labels";
    case Reject::kTooManyLabels: return "too many labels";
    case Reject::kLabelTooLong: return "label too long";
    case Reject::kTooManySeries: return "too many series in one request";
    case Reject::kNativeHistogram: return "native histograms are not supported yet";
  }
  return "rejected";
}

}  // namespace

std::string_view RejectName(Reject r) {
  switch (r) {
    case Reject::kOutOfOrder: return "out_of_order";
    case Reject::kDuplicate: return "duplicate";
    case Reject::kOutOfBounds: return "out_of_bounds";
    case Reject::kInvalidLabels: return "invalid_labels";
    case Reject::kTooManyLabels: return "too_many_labels";
    case Reject::kLabelTooLong: return "label_too_long";
    case Reject::kTooManySeries: return "too_many_series";
    case Reject::kNativeHistogram: return "native_histogram";
  }
  return "unknown";
}

bool IsValidMetricName(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

std::string_view MetricTypeName(int type) {
  switch (type) {
    case prometheus::MetricMetadata::COUNTER: return "counter";
    case prometheus::MetricMetadata::GAUGE: return "gauge";
    case prometheus::MetricMetadata::HISTOGRAM: return "histogram";
    case prometheus::MetricMetadata::GAUGEHISTOGRAM: return "gaugehistogram";
    case prometheus::MetricMetadata::SUMMARY: return "summary";
    case prometheus::MetricMetadata::INFO: return "info";
    case prometheus::MetricMetadata::STATESET: return "stateset";
    default: return "unknown";
  }
}

Result<Labels> LabelConverter::Convert(std::span<const RawLabel> labels, Reject* reason) {
  pairs_.clear();
  for (const RawLabel& l : labels) {
    std::string_view name = l.name, value = l.value;
    if (name.empty()) {
      *reason = Reject::kInvalidLabels;
      return Status::InvalidArgument("empty label name");
    }
    if (name.size() > limits_.max_label_name_length) {
      *reason = Reject::kLabelTooLong;
      return Status::LimitExceeded("label name \"" + std::string(name.substr(0, 64)) + "...\" is " +
                                   std::to_string(name.size()) + " bytes, over the limit of " +
                                   std::to_string(limits_.max_label_name_length));
    }
    if (value.size() > limits_.max_label_value_length) {
      *reason = Reject::kLabelTooLong;
      return Status::LimitExceeded("value of label \"" + std::string(name) + "\" is " +
                                   std::to_string(value.size()) + " bytes, over the limit of " +
                                   std::to_string(limits_.max_label_value_length));
    }
    if (name == kMetricName && !IsValidMetricName(value)) {
      *reason = Reject::kInvalidLabels;
      return Status::InvalidArgument(value.empty() ? std::string("empty metric name")
                                                   : "invalid metric name \"" + std::string(value) + "\"");
    }
    if (value.empty()) continue;  // the same as an absent label
    pairs_.emplace_back(name, value);
  }
  if (pairs_.size() > limits_.max_labels_per_series) {
    *reason = Reject::kTooManyLabels;
    return Status::LimitExceeded("series has " + std::to_string(pairs_.size()) + " labels, over the limit of " +
                                 std::to_string(limits_.max_labels_per_series));
  }
  if (pairs_.empty()) {
    *reason = Reject::kInvalidLabels;
    return Status::InvalidArgument("empty label set");
  }
  // FromPairs sorts, and checks names, duplicates and UTF-8. It takes its
  // vector by value: a copy is one exact-size allocation and keeps our
  // scratch capacity for the next series.
  Result<Labels> r = Labels::FromPairs(pairs_);
  if (!r.ok()) *reason = Reject::kInvalidLabels;
  return r;
}

uint64_t IngestReport::total_rejected() const {
  uint64_t n = 0;
  for (uint64_t c : rejected) n += c;
  return n;
}

void IngestReport::Add(Reject r, uint64_t n, std::string_view message) {
  count(r) += n;
  if (first_error.empty() && !message.empty()) {
    first_reason = r;
    first_error = message;
  }
}

Status AppendWriteRequest(const prometheus::WriteRequest& req, const ConvertLimits& limits, Appender* app,
                          IngestReport* report) {
  WriteRequestView view;
  ViewOfMessage(req, &view);
  return AppendWriteRequest(view, limits, app, report, nullptr);
}

Status AppendWriteRequest(const WriteRequestView& req, const ConvertLimits& limits, Appender* app,
                          IngestReport* report, SeriesRefCache* cache) {
  report->series = static_cast<uint64_t>(req.series.size());
  if (!req.series.empty() && req.series.size() > limits.max_series_per_request) {
    uint64_t samples = 0;
    for (const RawSeries& ts : req.series) samples += ts.sample_count + ts.histograms;
    std::string msg = std::to_string(req.series.size()) + " > " + std::to_string(limits.max_series_per_request);
    report->Add(Reject::kTooManySeries, samples, msg);
    return Status::LimitExceeded("too many series in one request: " + msg);
  }

  // Hash every series first (sequential over the request bytes); the loop
  // below then prefetches the cache's slot, entry and entry bytes ahead.
  std::vector<uint64_t> hashes;
  if (cache != nullptr) {
    hashes.resize(req.series.size());
    for (size_t i = 0; i < req.series.size(); ++i) {
      const std::string_view wire = req.series[i].labels_wire;
      hashes[i] = wire.empty() ? 0 : SeriesRefCache::HashOf(wire);
      if (i < 12) cache->PrefetchSlot(hashes[i]);
    }
  }
  const size_t n = req.series.size();

  LabelConverter converter(limits);
  Labels converted;
  for (size_t i = 0; i < n; ++i) {
    const RawSeries& ts = req.series[i];
    if (cache != nullptr) {
      if (i + 12 < n) cache->PrefetchSlot(hashes[i + 12]);
      if (i + 6 < n) cache->PrefetchEntry(hashes[i + 6]);
      if (i + 3 < n) cache->PrefetchEntryBytes(hashes[i + 3]);
    }
    std::span<const RawLabel> raw = req.LabelsOf(ts);
    report->exemplars_ignored += ts.exemplars;
    if (ts.histograms > 0) {
      std::string msg;
      if (report->first_error.empty()) {
        msg = "native histograms are not supported yet (" + std::to_string(ts.histograms) +
              " histogram samples of series " + RawSeriesString(raw) + ")";
      }
      report->Add(Reject::kNativeHistogram, ts.histograms, msg);
    }
    if (ts.sample_count == 0) continue;

    // A known series skips validation and Labels construction (verified
    // hit, see series_cache.h); otherwise convert, and remember it below.
    const bool cacheable = cache != nullptr && !ts.labels_wire.empty();
    const uint64_t hash = cacheable ? hashes[i] : 0;
    SeriesRefCache::Entry* hit = cacheable ? cache->Find(hash, ts.labels_wire, limits) : nullptr;
    const Labels* labels;
    SeriesRef ref = 0;
    if (hit != nullptr) {
      labels = &hit->labels;
      ref = hit->ref;
    } else {
      Reject reason = Reject::kInvalidLabels;
      Result<Labels> r = converter.Convert(raw, &reason);
      if (!r.ok()) {
        std::string msg;
        if (report->first_error.empty()) msg = r.status().message() + " in series " + RawSeriesString(raw);
        report->Add(reason, ts.sample_count, msg);
        continue;
      }
      converted = std::move(*r);
      labels = &converted;
    }

    bool has_last = false;
    int64_t last_t = 0;
    uint64_t last_bits = 0;
    for (const RawSample& s : req.SamplesOf(ts)) {
      const int64_t t = s.t;
      const double v = s.v;
      // Order within the series is checked here (the engine checks against
      // committed data at Append and across requests at Commit), so the
      // message can name the sample.
      if (has_last && t <= last_t) {
        if (t == last_t && std::bit_cast<uint64_t>(v) == last_bits) continue;  // same sample again
        Reject r = t < last_t ? Reject::kOutOfOrder : Reject::kDuplicate;
        std::string msg;
        if (report->first_error.empty()) {
          msg = (t < last_t ? "out of order sample for series " : "duplicate sample for timestamp in series ") +
                labels->ToString() + ": timestamp " + std::to_string(t) + " after " + std::to_string(last_t);
        }
        report->Add(r, 1, msg);
        continue;
      }
      Result<SeriesRef> r = app->Append(ref, *labels, t, v);
      if (r.ok()) {
        ref = *r;
        has_last = true;
        last_t = t;
        last_bits = std::bit_cast<uint64_t>(v);
        ++report->appended;
        continue;
      }
      // Counted by the engine in stats(); keep the first message only.
      switch (r.status().code()) {
        case StatusCode::kOutOfOrder: report->Add(Reject::kOutOfOrder, 0, r.status().message()); break;
        case StatusCode::kDuplicateSample: report->Add(Reject::kDuplicate, 0, r.status().message()); break;
        case StatusCode::kOutOfBounds: report->Add(Reject::kOutOfBounds, 0, r.status().message()); break;
        case StatusCode::kInvalidArgument: report->Add(Reject::kInvalidLabels, 0, r.status().message()); break;
        default: return r.status();
      }
    }
    if (cacheable && ref != 0) {
      if (hit != nullptr) {
        hit->ref = ref;  // the same if it was not stale
      } else {
        cache->Put(hash, ts.labels_wire, raw, converted, ref);
      }
    }
  }
  return Status::OK();
}

void MergeCommitStats(const AppendStats& stats, IngestReport* report) {
  report->count(Reject::kOutOfOrder) += stats.out_of_order;
  report->count(Reject::kDuplicate) += stats.duplicate;
  report->count(Reject::kOutOfBounds) += stats.out_of_bounds;
  report->count(Reject::kInvalidLabels) += stats.invalid_labels;
  if (report->first_error.empty()) {
    // Only commit-time rejections: samples that lost a race with another
    // request for the same series, or repeated a series of this request.
    for (size_t i = 0; i < kNumRejects; ++i) {
      if (report->rejected[i] == 0) continue;
      report->first_reason = static_cast<Reject>(i);
      report->first_error = std::string(Phrase(report->first_reason)) +
                            " detected at commit (a concurrent request or an earlier series of this request "
                            "wrote newer samples for the same series)";
      break;
    }
  }
}

std::string RejectionMessage(const IngestReport& report) {
  std::string out(Phrase(report.first_reason));
  out += ": ";
  out += std::to_string(report.total_rejected());
  out += " samples rejected (";
  bool first = true;
  for (size_t i = 0; i < kNumRejects; ++i) {
    auto r = static_cast<Reject>(i);
    // The fixed per-sample reasons always, the whole-request one when set.
    if (r == Reject::kTooManySeries && report.rejected[i] == 0) continue;
    if (!first) out += ", ";
    first = false;
    out += RejectName(r);
    out += '=';
    out += std::to_string(report.rejected[i]);
  }
  out += ")";
  if (!report.first_error.empty()) {
    out += "; first: ";
    out += report.first_error;
  }
  return out;
}

}  // namespace vigil::server::remote_write
