#include "tests/testutil/db_util.h"

namespace vigil::testutil {

SeriesSamples ReadAll(Querier& q, const Matchers& matchers, int64_t mint, int64_t maxt, Status* status) {
  SeriesSamples out;
  auto set = q.Select(matchers);
  while (set->Next()) {
    const Series& s = set->At();
    auto it = s.NewIterator();
    std::vector<Sample>& dst = out[s.labels().ToString()];
    if (it->Seek(mint)) {
      do {
        Sample x = it->At();
        if (x.t > maxt) break;
        dst.push_back(x);
      } while (it->Next());
    }
    if (!it->status().ok() && status) *status = it->status();
    if (dst.empty()) out.erase(s.labels().ToString());
  }
  if (!set->status().ok() && status) *status = set->status();
  return out;
}

SeriesSamples ReadAll(DB& db, const Matchers& matchers, int64_t mint, int64_t maxt, Status* status) {
  auto q = db.NewQuerier(mint, maxt);
  if (!q.ok()) {
    if (status) *status = q.status();
    return {};
  }
  return ReadAll(**q, matchers, mint, maxt, status);
}

Matchers AllSeries() { return {Matcher::MustMake(MatchType::kRegexMatch, "__name__", ".+")}; }

}  // namespace vigil::testutil
