#include "engine/chunk_decode.h"

#include "engine/chunk/xor_chunk.h"

namespace vigil {

Status AppendChunkSamples(const ChunkView& chunk, int64_t mint, int64_t maxt, bool skip_stale,
                          std::vector<Sample>* out) {
  if (chunk.encoding != 1) return Status::Corruption("unknown chunk encoding " + std::to_string(chunk.encoding));
  if (chunk.max_t < mint || chunk.min_t > maxt) return Status::OK();
  engine::XorIterator it(chunk.bytes);
  bool ok = chunk.min_t >= mint ? it.Next() : it.Seek(mint);
  for (; ok; ok = it.Next()) {
    Sample s = it.At();
    if (s.t > maxt) break;
    if (skip_stale && IsStaleNaN(s.v)) continue;
    out->push_back(s);
  }
  return it.status();
}

}  // namespace vigil
