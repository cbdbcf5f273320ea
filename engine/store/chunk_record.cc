#include "engine/store/chunk_record.h"

#include "engine/base/coding.h"
#include "engine/base/labels.h"

namespace vigil::engine {

Status DecodeChunkRecord(std::string_view value, int64_t max_t, ChunkRecord* out) {
  ByteReader r(value);
  uint8_t enc;
  if (!r.GetByte(&enc)) return Status::Corruption("chunk record: empty");
  out->encoding = enc;
  out->ts_hash = 0;
  switch (enc) {
    case kRecordXor:
      if (!r.GetVarsint64(&out->min_t)) return Status::Corruption("chunk record: min_t");
      break;
    case kRecordSplitInline:
    case kRecordSplitSharedTs: {
      uint64_t span;
      if (!r.GetVarint64(&span)) return Status::Corruption("chunk record: span");
      out->min_t = static_cast<int64_t>(static_cast<uint64_t>(max_t) - span);
      if (out->min_t > max_t) return Status::Corruption("chunk record: span");
      if (enc == kRecordSplitSharedTs) {
        std::string_view h;
        if (!r.GetBytes(8, &h)) return Status::Corruption("chunk record: hash");
        out->ts_hash = DecodeFixed64BE(h.data());
      }
      break;
    }
    default:
      return Status::Corruption("chunk record: unknown encoding " + std::to_string(enc));
  }
  (void)r.GetBytes(r.remaining(), &out->payload);
  return Status::OK();
}

void EncodeInlineChunkRecord(int64_t min_t, int64_t max_t, std::string_view chunk, std::string* out) {
  out->push_back(static_cast<char>(kRecordSplitInline));
  PutVarint64(out, static_cast<uint64_t>(max_t) - static_cast<uint64_t>(min_t));
  out->append(chunk);
}

void EncodeSharedTsChunkRecord(int64_t min_t, int64_t max_t, uint64_t ts_hash, std::string_view values,
                               std::string* out) {
  out->push_back(static_cast<char>(kRecordSplitSharedTs));
  PutVarint64(out, static_cast<uint64_t>(max_t) - static_cast<uint64_t>(min_t));
  PutFixed64BE(out, ts_hash);
  out->append(values);
}

uint64_t TsStreamHash(std::string_view ts) { return StableHash64(ts); }

}  // namespace vigil::engine
