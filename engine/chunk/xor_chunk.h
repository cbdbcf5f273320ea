// XOR chunk (encoding 1): vigil's first float chunk codec (format version 1;
// since version 2 chunks are written as split chunks, split_chunk.h, and
// this one is kept to read old directories), derived from Gorilla /
// Prometheus XOR but predicting timestamps from a scrape grid and coding
// decimal values (counters, buckets, 3-4 digit gauges) as scaled integers.
// The bit layout is in docs/STORAGE_FORMAT.md. XorEncoder and XorIterator are
// single-owner (externally synchronized); distinct objects are independent.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "engine/base/sample.h"
#include "engine/base/status.h"
#include "engine/chunk/bit_stream.h"

namespace vigil::engine {

namespace xor_internal {

// Prediction state after a sample. The encoder and the decoder run the same
// update rules on it, so a decoder that has read N samples holds exactly the
// encoder's state after N appends (this is how ResumeFrom works).
struct State {
  int64_t t = 0;         // last timestamp
  int64_t grid = 0;      // grid point of the last timestamp
  int32_t interval = 0;  // grid step, chosen at the second sample
  int16_t rmin = 0;      // min/max residual (t - grid) since the anchor
  int16_t rmax = 0;
  uint64_t val = 0;      // integer mode: scaled integer m; float mode: IEEE bits
  uint64_t aux = 0;      // integer mode: predicted delta * 16; float mode: window
  uint32_t vacc = 0;     // adaptive Rice statistic for values
  uint16_t tacc = 0;     // adaptive Rice statistic for timestamps
  uint8_t scale = 0;     // integer mode: value = m / 10^scale (0..14); 15 = float mode
  uint8_t flags = 0;     // kFresh | kEscaped
};
static_assert(sizeof(State) == 48);

}  // namespace xor_internal

// Builds one chunk. bytes() is a complete, decodable chunk after every
// Append. Move-only; the buffer is heap-allocated and grows by ~1.5x.
class XorEncoder {
 public:
  XorEncoder() = default;
  ~XorEncoder();
  XorEncoder(XorEncoder&& other) noexcept;
  XorEncoder& operator=(XorEncoder&& other) noexcept;
  XorEncoder(const XorEncoder&) = delete;
  XorEncoder& operator=(const XorEncoder&) = delete;

  // Empties the chunk; keeps the buffer's capacity.
  void Reset();
  // Appends a sample; the value is kept bit-exactly (any NaN payload, +-Inf,
  // -0.0). REQUIRES: num_samples() == 0 or t_ms > max_t();
  // num_samples() < 65535 (the head cuts chunks at ~120 samples or 1 KiB).
  void Append(int64_t t_ms, double v);

  uint32_t num_samples() const;
  int64_t min_t() const;  // REQUIRES: num_samples() > 0
  int64_t max_t() const { return st_.t; }  // REQUIRES: num_samples() > 0
  double last_value() const;  // REQUIRES: num_samples() > 0
  size_t size_bytes() const { return 2 + static_cast<size_t>((bitpos_ + 7) >> 3); }
  // The chunk so far; valid until the next Append, Reset, ResumeFrom,
  // ShrinkToFit or destruction.
  std::string_view bytes() const;
  // Releases spare capacity (for sealed chunks and idle series).
  void ShrinkToFit();
  // Hints the CPU to load the chunk buffer (the head prefetches ahead when
  // applying samples of many series).
  void Prefetch() const { __builtin_prefetch(buf_); }
  // Replaces the content with `chunk` (a chunk produced by XorEncoder) and
  // restores the state so that further appends continue it exactly.
  // Returns Corruption if `chunk` is malformed or not canonical.
  Status ResumeFrom(std::string_view chunk);

 private:
  void Reserve(size_t bytes);
  void SetCount(uint32_t n);

  xor_internal::State st_;
  uint8_t* buf_ = nullptr;  // malloc'ed; bytes past size_bytes() are zero
  uint32_t bitpos_ = 0;     // payload bits written after the 2-byte header
  uint32_t cap_ = 0;
};

// Decodes a chunk. Borrows the bytes, which must outlive the iterator (or
// the next Reset). Never reads outside them, never loops, on any input.
class XorIterator {
 public:
  XorIterator() = default;
  explicit XorIterator(std::string_view chunk) { Reset(chunk); }

  // Starts over on `chunk` without allocating.
  void Reset(std::string_view chunk);
  // Advances to the next sample. False at the end, or on corruption (then
  // status() is Corruption; the samples before the damage are returned).
  bool Next() {
    if (pos_ + 1 < filled_) {
      ++pos_;
      return true;
    }
    return NextBatch();
  }
  // Advances to the first sample with t >= t_ms; a no-op returning true if
  // the current sample already qualifies. False if there is none.
  bool Seek(int64_t t_ms);
  // The current sample. REQUIRES: the last Next/Seek returned true.
  Sample At() const { return buf_[pos_]; }
  const Status& status() const { return status_; }

  // For XorEncoder::ResumeFrom: valid once Next has returned false.
  const xor_internal::State& state() const { return st_; }
  uint64_t consumed_bits() const { return r_.consumed_bits(); }
  uint32_t num_samples() const { return n_; }

 private:
  // Samples are decoded kBatch at a time in a tight loop, then handed out.
  static constexpr uint32_t kBatch = 16;
  bool NextBatch();

  BitReader r_;
  xor_internal::State st_;
  uint32_t n_ = 0;       // samples in the chunk
  uint32_t idx_ = 0;     // samples decoded so far
  uint32_t pos_ = 0;     // current sample in buf_
  uint32_t filled_ = 0;  // decoded samples in buf_
  const char* error_ = nullptr;  // decoding stopped here; reported once buf_ drains
  Status status_;
  Sample buf_[kBatch];
};

// The sample count stored in a chunk's header; Corruption if too short.
Result<uint32_t> XorChunkNumSamples(std::string_view chunk);

}  // namespace vigil::engine
