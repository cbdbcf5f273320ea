// `vigil demo`: writes generated realistic data into a data dir, reopens it
// and prints its series, samples and bytes per sample.
#pragma once

#include <cstdint>
#include <string>

#include "engine/base/status.h"

namespace vigil::tools {

struct DemoOptions {
  std::string data_dir = "./data";
  size_t series = 2000;
  double hours = 6;
};

Status RunDemo(const DemoOptions& options);

}  // namespace vigil::tools
