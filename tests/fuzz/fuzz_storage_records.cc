// Fuzz target for the engine's record decoders that read bytes back from
// RocksDB: the head's log record, the encoded label set and the `chunks`
// record (chunk_record.h). Neither may
// crash, read out of bounds or loop on any input, and whatever decodes must
// re-encode to the same bytes.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "engine/base/labels.h"
#include "engine/head/log_record.h"
#include "engine/store/chunk_record.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);

  vigil::engine::LogRecordWriter writer;
  vigil::Status st = vigil::engine::DecodeLogRecord(in, [&](uint64_t ref, int64_t t, double v) {
    writer.Add(ref, t, v);
  });
  if (st.ok()) {
    // A record that decodes cleanly is canonical up to varint padding:
    // re-encoding and decoding again gives the same samples.
    std::string again = writer.Finish();
    vigil::engine::LogRecordWriter second;
    vigil::Status st2 = vigil::engine::DecodeLogRecord(again, [&](uint64_t ref, int64_t t, double v) {
      second.Add(ref, t, v);
    });
    if (!st2.ok() || second.Finish() != again) std::abort();
  }

  // Chunk records: whatever parses re-encodes to a record that parses to
  // the same fields.
  for (int64_t max_t : {int64_t{0}, int64_t{1'795'785'021'311}, INT64_MIN, INT64_MAX}) {
    vigil::engine::ChunkRecord rec;
    if (!vigil::engine::DecodeChunkRecord(in, max_t, &rec).ok()) continue;
    if (rec.encoding == vigil::engine::kRecordXor) continue;  // read-only, min_t stored as is
    if (rec.min_t > max_t) std::abort();
    std::string again;
    if (rec.encoding == vigil::engine::kRecordSplitInline) {
      vigil::engine::EncodeInlineChunkRecord(rec.min_t, max_t, rec.payload, &again);
    } else {
      vigil::engine::EncodeSharedTsChunkRecord(rec.min_t, max_t, rec.ts_hash, rec.payload, &again);
    }
    vigil::engine::ChunkRecord rec2;
    if (!vigil::engine::DecodeChunkRecord(again, max_t, &rec2).ok()) std::abort();
    if (rec2.encoding != rec.encoding || rec2.min_t != rec.min_t || rec2.ts_hash != rec.ts_hash ||
        rec2.payload != rec.payload) {
      std::abort();
    }
  }

  auto labels = vigil::Labels::FromEncoded(in);
  if (labels.ok()) {
    // Iterating and printing a validated set must be safe.
    size_t n = 0;
    for (const auto& l : *labels) n += l.name.size() + l.value.size();
    (void)labels->ToString();
    if (n > size) std::abort();
  }
  return 0;
}
