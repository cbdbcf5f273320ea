// WriteRequestView: a remote-write 1.0 WriteRequest as flat arrays of views,
// the form the conversion (convert.h) works on. The fast decoder
// (view_decode.h) fills it with string_views into its own decompressed
// buffer, without one allocation per label; ViewOfMessage fills it from a
// parsed prometheus::WriteRequest (the reference path), whose strings the
// views then borrow. Either way both paths share one conversion.
// Single-owner; Clear() keeps the capacity, so reuse one per thread.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace prometheus {
class WriteRequest;
}

namespace vigil::server::remote_write {

struct RawLabel {
  std::string_view name;
  std::string_view value;
  friend bool operator==(const RawLabel&, const RawLabel&) = default;
};

struct RawSample {
  int64_t t = 0;
  double v = 0;
};

struct RawSeries {
  uint32_t label_begin = 0;  // index into WriteRequestView::labels
  uint32_t label_count = 0;
  uint32_t sample_begin = 0;  // index into WriteRequestView::samples
  uint32_t sample_count = 0;
  uint32_t histograms = 0;  // native histogram samples (not stored)
  uint32_t exemplars = 0;   // exemplars (not stored)
  // The wire bytes of all the series' Label fields when they form one
  // contiguous run (as every sender writes them); empty otherwise or when
  // the view was made from a message. The key of the series-ref cache.
  std::string_view labels_wire;
};

struct RawMetadata {
  int type = 0;
  std::string_view family;
  std::string_view help;
  std::string_view unit;
};

struct WriteRequestView {
  std::vector<RawSeries> series;
  std::vector<RawLabel> labels;
  std::vector<RawSample> samples;
  std::vector<RawMetadata> metadata;

  void Clear() {
    series.clear();
    labels.clear();
    samples.clear();
    metadata.clear();
  }
  std::span<const RawLabel> LabelsOf(const RawSeries& s) const {
    return {labels.data() + s.label_begin, s.label_count};
  }
  std::span<const RawSample> SamplesOf(const RawSeries& s) const {
    return {samples.data() + s.sample_begin, s.sample_count};
  }
};

// Fills *out (cleared first) with views of `msg`'s contents; `msg` must
// outlive *out's use. labels_wire stays empty.
void ViewOfMessage(const prometheus::WriteRequest& msg, WriteRequestView* out);

}  // namespace vigil::server::remote_write
