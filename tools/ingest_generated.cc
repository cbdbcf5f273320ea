#include "tools/ingest_generated.h"

#include <algorithm>
#include <vector>

namespace vigil::tools {

namespace {

struct CachedSeries {
  uint64_t id = UINT64_MAX;
  Labels labels;
  SeriesRef ref = 0;
};

}  // namespace

Result<IngestSummary> IngestGenerated(DB& db, gen::SeriesGenerator& gen, int64_t first_round, int64_t rounds,
                                      size_t batch_samples) {
  IngestSummary sum;
  std::vector<CachedSeries> cache(gen.num_series());
  std::unique_ptr<Appender> app = db.NewAppender();
  size_t pending = 0;
  Status err;
  auto commit = [&]() -> Status {
    RETURN_IF_ERROR(app->Commit());
    sum.samples += app->stats().accepted;
    sum.rejected += app->stats().rejected();
    ++sum.commits;
    app = db.NewAppender();
    pending = 0;
    return Status::OK();
  };
  for (int64_t r = first_round; r < first_round + rounds && err.ok(); ++r) {
    size_t slot = 0;
    gen.ForEachSampleInRound(r, [&](const gen::GenSeries& s, Sample x) {
      CachedSeries& c = cache[slot++];
      if (c.id != s.id) {
        std::vector<std::pair<std::string_view, std::string_view>> pairs(s.labels.begin(), s.labels.end());
        auto l = Labels::FromPairs(std::move(pairs));
        if (!l.ok()) {
          err = l.status();
          return;
        }
        c = CachedSeries{s.id, std::move(l).value(), 0};
      }
      sum.min_t = std::min(sum.min_t, x.t);
      sum.max_t = std::max(sum.max_t, x.t);
      auto ref = app->Append(c.ref, c.labels, x.t, x.v);
      if (ref.ok()) {
        c.ref = *ref;
        ++pending;
      } else {
        ++sum.rejected;
      }
    });
    if (err.ok() && pending >= batch_samples) err = commit();
  }
  RETURN_IF_ERROR(err);
  RETURN_IF_ERROR(commit());
  return sum;
}

}  // namespace vigil::tools
