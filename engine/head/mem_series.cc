#include "engine/head/mem_series.h"

namespace vigil::engine {

size_t MemSeries::MemoryBytes() const {
  size_t n = sizeof(*this) + labels.MemoryBytes() - sizeof(Labels) + open.size_bytes();
  if (sealed) {
    for (const auto& c : *sealed) n += sizeof(c) + c.bytes.capacity();
  }
  return n;
}

}  // namespace vigil::engine
