// Helpers for function calls with their own shapes: series mapping, sort*,
// label_replace, label_join, histogram_quantile, and Go-compatible natural
// sort. Internal to query/.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "query/evaluator.h"

namespace vigil::query {

// Applies f(value, step) to every present point; drops __name__ if asked;
// errors on colliding output label sets.
Result<EvalValue> MapSeries(EvalValue in, size_t steps, bool drop_name,
                            const std::function<double(double, size_t)>& f);
// As MapSeries, but f may clear *keep to drop the point.
Result<EvalValue> MapSeriesFiltered(EvalValue in, size_t steps, bool drop_name,
                                    const std::function<double(double, size_t, bool*)>& f);

// sort, sort_desc, sort_by_label, sort_by_label_desc on a one-step vector.
void SortSeries(std::string_view name, const std::vector<EvalValue>& args, std::vector<StepSeries>* series);
// facette/natsort's Compare(a, b): a sorts before b.
bool NatSortLess(std::string_view a, std::string_view b);

Result<EvalValue> LabelReplace(std::vector<EvalValue> args, size_t steps);
Result<EvalValue> LabelJoin(std::vector<EvalValue> args, size_t steps);
Result<EvalValue> HistogramQuantile(const EvalValue& phi, EvalValue in, size_t steps,
                                    std::vector<std::string>* warnings);

}  // namespace vigil::query
