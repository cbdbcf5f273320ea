// Key and value layouts of the RocksDB column families (see
// docs/STORAGE_FORMAT.md). Keys are big-endian so that byte order is numeric
// order; signed times have their sign bit flipped for the same reason.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/base/coding.h"

namespace vigil::engine {

// `series`: ref → varint(zigzag(first_t)) ‖ encoded labels.
// `head`:   ref → varint(zigzag(persisted_max_t)): the newest sample of the
//           series that lives in a persisted chunk (log replay skips older).
// `log`:    seq → one committed batch (see log_record.h).
// `chunks`: ref ‖ ordered(max_t) → record (chunk_record.h).
// `timestamps`: ordered(max_t) ‖ hash64(stream) → a split chunk's timestamp
//           stream, shared by every chunk with these bytes.
// `meta`:   ASCII name → value.
inline std::string RefKey(uint64_t ref) {
  std::string k;
  PutFixed64BE(&k, ref);
  return k;
}
inline uint64_t RefFromKey(std::string_view k) { return DecodeFixed64BE(k.data()); }

inline std::string ChunkKey(uint64_t ref, int64_t max_t) {
  std::string k;
  k.reserve(16);
  PutFixed64BE(&k, ref);
  PutFixed64BE(&k, OrderedFromSigned(max_t));
  return k;
}
inline void DecodeChunkKey(std::string_view k, uint64_t* ref, int64_t* max_t) {
  *ref = DecodeFixed64BE(k.data());
  *max_t = SignedFromOrdered(DecodeFixed64BE(k.data() + 8));
}

// Key of a shared timestamp stream: the chunk's max_t first, so retention
// can drop by time from the key alone.
inline std::string TsKey(int64_t max_t, uint64_t hash) {
  std::string k;
  k.reserve(16);
  PutFixed64BE(&k, OrderedFromSigned(max_t));
  PutFixed64BE(&k, hash);
  return k;
}
inline int64_t TsKeyMaxT(std::string_view k) { return SignedFromOrdered(DecodeFixed64BE(k.data())); }

inline constexpr std::string_view kMetaFormatVersion = "format_version";
inline constexpr std::string_view kMetaNextRef = "next_ref";
inline constexpr std::string_view kMetaLogStart = "log_start";
// 2: split chunks (encodings 2 and 3 in `chunks`, the `timestamps` family,
// split open chunks in `head`). Version 1 directories are upgraded at open.
inline constexpr uint64_t kFormatVersion = 2;
inline constexpr uint64_t kFormatVersionXor = 1;

}  // namespace vigil::engine
