// Split chunk (encoding 2): the XOR chunk's coding (grid-predicted Rice
// timestamps, scaled-integer / Gorilla values) written as two bit streams,
// a timestamp stream and a value stream. Series scraped together receive the
// same timestamps, cut chunks at the same samples (cut points depend on
// timestamps only, see head.cc) and so produce byte-identical timestamp
// streams, which the store keeps once (docs/STORAGE_FORMAT.md, "Split
// chunk"). SplitEncoder and SplitIterator are single-owner (externally
// synchronized); distinct objects are independent.
//
// Forms:
//   timestamp stream  ts := count:u16be  timestamp-bits  zero-pad-to-byte
//   value stream      vs := value-bits  zero-pad-to-byte
//   chunk (in memory, head checkpoints, ChunkView encoding 2):
//                     varint(len(ts)) ‖ ts ‖ vs
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/sample.h"
#include "engine/base/status.h"
#include "engine/chunk/bit_stream.h"
#include "engine/chunk/xor_chunk.h"

namespace vigil::engine {

inline constexpr uint8_t kEncodingXor = 1;    // interleaved (xor_chunk.h), read only
inline constexpr uint8_t kEncodingSplit = 2;  // split streams, self-contained form

// A growable, zero-filled bit buffer with a fixed-size byte header. Move-only.
class BitBuffer {
 public:
  BitBuffer() = default;
  ~BitBuffer();
  BitBuffer(BitBuffer&& o) noexcept;
  BitBuffer& operator=(BitBuffer&& o) noexcept;
  BitBuffer(const BitBuffer&) = delete;
  BitBuffer& operator=(const BitBuffer&) = delete;

  // Ensures `bytes` addressable bytes (header included), zero past the data.
  void Reserve(size_t bytes);
  void Clear(size_t header);  // zeroes the used bytes; keeps capacity
  void Release();
  void ShrinkTo(size_t bytes);
  uint8_t* data() { return buf_; }
  const uint8_t* data() const { return buf_; }
  uint32_t bitpos = 0;  // payload bits after the header

 private:
  uint8_t* buf_ = nullptr;  // malloc'ed
  uint32_t cap_ = 0;
};

class SplitEncoder {
 public:
  // Empties the chunk; keeps the buffers' capacity.
  void Reset();
  // Appends a sample, value kept bit-exactly. REQUIRES: num_samples() == 0
  // or t_ms > max_t(); num_samples() < 65535.
  void Append(int64_t t_ms, double v);

  uint32_t num_samples() const { return n_; }
  int64_t min_t() const { return min_t_; }  // REQUIRES: num_samples() > 0
  int64_t max_t() const { return st_.t; }   // REQUIRES: num_samples() > 0
  double last_value() const;                // REQUIRES: num_samples() > 0
  size_t ts_size() const { return 2 + ((size_t{ts_.bitpos} + 7) >> 3); }
  size_t value_size() const { return (size_t{val_.bitpos} + 7) >> 3; }
  size_t size_bytes() const { return ts_size() + value_size(); }
  // The streams so far; valid until the next Append, Reset, ResumeFrom,
  // ShrinkToFit or destruction.
  std::string_view ts_bytes() const;
  std::string_view value_bytes() const;
  // Appends the self-contained chunk to *out.
  void AppendChunkTo(std::string* out) const;
  std::string Chunk() const {
    std::string s;
    AppendChunkTo(&s);
    return s;
  }
  void ShrinkToFit();
  void Prefetch() const { __builtin_prefetch(ts_.data()); }
  // Replaces the content with `chunk` (a self-contained split chunk made by
  // SplitEncoder) so that further appends continue it exactly. Corruption
  // if malformed or not canonical.
  Status ResumeFrom(std::string_view chunk);

 private:
  xor_internal::State st_;
  BitBuffer ts_;   // 2-byte count header, then timestamp bits
  BitBuffer val_;  // value bits
  uint32_t n_ = 0;
  int64_t min_t_ = 0;
};

// Splits a self-contained chunk into its streams; Corruption if malformed.
Status ParseSplitChunk(std::string_view chunk, std::string_view* ts, std::string_view* values);
// The sample count of a timestamp stream; Corruption if too short.
Result<uint32_t> SplitTsCount(std::string_view ts);

// Decodes a split chunk. Borrows the bytes, which must outlive the iterator
// (or the next Reset). Never reads outside them, never loops, on any input.
class SplitIterator {
 public:
  SplitIterator() = default;
  explicit SplitIterator(std::string_view chunk) { Reset(chunk); }
  SplitIterator(std::string_view ts, std::string_view values) { Reset(ts, values); }

  // Starts over on a self-contained chunk, without allocating.
  void Reset(std::string_view chunk);
  // Starts over on separate streams.
  void Reset(std::string_view ts, std::string_view values);
  bool Next() {
    if (pos_ + 1 < filled_) {
      ++pos_;
      return true;
    }
    return NextBatch();
  }
  // Advances to the first sample with t >= t_ms (no-op if the current one
  // qualifies). False if there is none.
  bool Seek(int64_t t_ms);
  Sample At() const { return buf_[pos_]; }
  const Status& status() const { return status_; }

  // For SplitEncoder::ResumeFrom: valid once Next has returned false.
  xor_internal::State state() const;
  uint64_t ts_consumed_bits() const { return rt_.consumed_bits(); }
  uint64_t value_consumed_bits() const { return rv_.consumed_bits(); }
  uint32_t num_samples() const { return n_; }

 private:
  static constexpr uint32_t kBatch = 32;
  bool NextBatch();
  void Fail(const char* what);

  BitReader rt_, rv_;
  xor_internal::State st_t_, st_v_;  // timestamp / value halves of the state
  uint32_t n_ = 0;
  uint32_t idx_ = 0;
  uint32_t pos_ = 0;
  uint32_t filled_ = 0;
  const char* error_ = nullptr;
  Status status_;
  Sample buf_[kBatch];
};

// Decodes a whole timestamp stream into *out (cleared first). Corruption
// on damage (the timestamps before it are kept).
Status DecodeSplitTimestamps(std::string_view ts, std::vector<int64_t>* out);
// Decodes the first n values of a value stream into out[0..n). On damage
// returns Corruption and sets *decoded to the values before it.
Status DecodeSplitValues(std::string_view values, uint32_t n, double* out, uint32_t* decoded);

}  // namespace vigil::engine
