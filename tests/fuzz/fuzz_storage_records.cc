// Fuzz target for the engine's record decoders that read bytes back from
// RocksDB: the head's log record and the encoded label set. Neither may
// crash, read out of bounds or loop on any input, and whatever decodes must
// re-encode to the same bytes.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "engine/base/labels.h"
#include "engine/head/log_record.h"

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
