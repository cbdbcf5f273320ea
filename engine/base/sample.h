// A float sample: milliseconds since the epoch and a value. Values are kept
// bit-exactly, NaN payloads included (the stale marker is one such NaN).
#pragma once

#include <bit>
#include <cstdint>

namespace vigil {

struct Sample {
  int64_t t = 0;  // milliseconds since the Unix epoch
  double v = 0;
  // Identity: same time and the same value bits (so a NaN equals itself).
  friend bool operator==(const Sample& a, const Sample& b) {
    return a.t == b.t && std::bit_cast<uint64_t>(a.v) == std::bit_cast<uint64_t>(b.v);
  }
};

// Prometheus's stale marker: a signalling NaN compared by bit pattern.
inline constexpr uint64_t kStaleNaNBits = 0x7ff0000000000002ULL;
inline double StaleNaN() { return std::bit_cast<double>(kStaleNaNBits); }
inline bool IsStaleNaN(double v) { return std::bit_cast<uint64_t>(v) == kStaleNaNBits; }

}  // namespace vigil
