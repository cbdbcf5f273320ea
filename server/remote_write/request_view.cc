#include "server/remote_write/request_view.h"

#include "remote_write/proto/remote.pb.h"  // generated into the build dir

namespace vigil::server::remote_write {

void ViewOfMessage(const prometheus::WriteRequest& msg, WriteRequestView* out) {
  out->Clear();
  out->series.reserve(msg.timeseries_size());
  for (const prometheus::TimeSeries& ts : msg.timeseries()) {
    RawSeries s;
    s.label_begin = static_cast<uint32_t>(out->labels.size());
    s.label_count = static_cast<uint32_t>(ts.labels_size());
    s.sample_begin = static_cast<uint32_t>(out->samples.size());
    s.sample_count = static_cast<uint32_t>(ts.samples_size());
    s.histograms = static_cast<uint32_t>(ts.histograms_size());
    s.exemplars = static_cast<uint32_t>(ts.exemplars_size());
    for (const prometheus::Label& l : ts.labels()) out->labels.push_back(RawLabel{l.name(), l.value()});
    for (const prometheus::Sample& smp : ts.samples()) out->samples.push_back(RawSample{smp.timestamp(), smp.value()});
    out->series.push_back(s);
  }
  for (const prometheus::MetricMetadata& md : msg.metadata()) {
    out->metadata.push_back(RawMetadata{static_cast<int>(md.type()), md.metric_family_name(), md.help(), md.unit()});
  }
}

}  // namespace vigil::server::remote_write
