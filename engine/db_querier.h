// DbQuerier: the Querier over head and store. Select resolves matchers on the
// in-memory postings, copies each series' head chunks under its stripe lock,
// then reads the older chunks from the store, taking only chunks that end
// before the head's first one, so that a chunk sealed concurrently is seen
// exactly once. Thread-compatible; see Querier.
#pragma once

#include <memory>

#include "engine/head/head.h"
#include "engine/storage.h"
#include "engine/store/rocks_store.h"

namespace vigil::engine {

class DbQuerier final : public Querier {
 public:
  DbQuerier(Head* head, RocksStore* store, int64_t mint, int64_t maxt)
      : head_(head), store_(store), mint_(mint), maxt_(maxt) {}

  std::unique_ptr<SeriesSet> Select(const Matchers& matchers, bool sorted = true) override;
  Result<std::vector<Labels>> SeriesLabels(const Matchers& matchers) override;
  Result<std::vector<std::string>> LabelNames(const Matchers& matchers) override;
  Result<std::vector<std::string>> LabelValues(std::string_view name, const Matchers& matchers) override;

 private:
  // Calls fn(series) under its stripe lock for every series matching
  // `matchers` whose [first_t, last_t] overlaps the range.
  template <typename Fn>
  void ForEachMatching(const Matchers& matchers, Fn&& fn);

  Head* head_;
  RocksStore* store_;
  int64_t mint_;
  int64_t maxt_;
};

}  // namespace vigil::engine
