// Helpers for engine tests: read everything a querier returns into a map.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "engine/db.h"

namespace vigil::testutil {

using SeriesSamples = std::map<std::string, std::vector<Sample>>;  // labels.ToString() → samples

// All samples in [mint, maxt] of series matching `matchers`; on error the
// status is returned in *status (if given) and the map is partial.
SeriesSamples ReadAll(DB& db, const Matchers& matchers, int64_t mint = INT64_MIN, int64_t maxt = INT64_MAX,
                      Status* status = nullptr);
// The same through one Querier.
SeriesSamples ReadAll(Querier& q, const Matchers& matchers, int64_t mint, int64_t maxt, Status* status);

// Matchers {__name__=~".+"}: every series.
Matchers AllSeries();

}  // namespace vigil::testutil
