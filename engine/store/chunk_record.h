// The value of a `chunks` column-family record (key: ref ‖ ordered(max_t)),
// see docs/STORAGE_FORMAT.md "Chunk records". Encodings:
//   1  xor (read only):  1 ‖ varsint(min_t) ‖ XOR chunk
//   2  split, inline:    2 ‖ varint(max_t - min_t) ‖ self-contained split chunk
//   3  split, shared ts: 3 ‖ varint(max_t - min_t) ‖ hash64:8 BE ‖ value stream;
//      the timestamp stream is in `timestamps` under TsKey(max_t, hash64).
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/base/status.h"

namespace vigil::engine {

inline constexpr uint8_t kRecordXor = 1;
inline constexpr uint8_t kRecordSplitInline = 2;
inline constexpr uint8_t kRecordSplitSharedTs = 3;

struct ChunkRecord {
  uint8_t encoding = 0;
  int64_t min_t = 0;
  uint64_t ts_hash = 0;       // encoding 3
  std::string_view payload;   // see above; borrows the record bytes
};

// Parses a record whose key carries max_t. Corruption if malformed or of an
// unknown encoding.
Status DecodeChunkRecord(std::string_view value, int64_t max_t, ChunkRecord* out);
void EncodeInlineChunkRecord(int64_t min_t, int64_t max_t, std::string_view chunk, std::string* out);
void EncodeSharedTsChunkRecord(int64_t min_t, int64_t max_t, uint64_t ts_hash, std::string_view values,
                               std::string* out);

// The hash naming a timestamp stream in the `timestamps` family.
uint64_t TsStreamHash(std::string_view ts);

}  // namespace vigil::engine
