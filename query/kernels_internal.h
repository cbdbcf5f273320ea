// Internals shared by the kernels_*.cc files: the individual range kernels,
// so that LookupRangeKernel (kernels_range.cc) can list those defined in
// kernels_over_time.cc. Not part of the query module's API.
#pragma once

#include "query/kernels.h"

namespace vigil::query::kernels_internal {

bool AvgOverTime(const RangeWindow& w, double* out);
bool MinOverTime(const RangeWindow& w, double* out);
bool MaxOverTime(const RangeWindow& w, double* out);
bool SumOverTime(const RangeWindow& w, double* out);
bool CountOverTime(const RangeWindow& w, double* out);
bool LastOverTime(const RangeWindow& w, double* out);
bool PresentOverTime(const RangeWindow& w, double* out);
bool QuantileOverTime(const RangeWindow& w, double* out);
bool StddevOverTime(const RangeWindow& w, double* out);
bool StdvarOverTime(const RangeWindow& w, double* out);
bool MadOverTime(const RangeWindow& w, double* out);

}  // namespace vigil::query::kernels_internal
