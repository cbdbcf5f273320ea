// The head's redo-log record: the samples of one committed batch, by series
// ref, in append order. Layout (docs/STORAGE_FORMAT.md): varint count, then
// per sample varsint(ref - prev ref) ‖ varsint(t - prev t) ‖ fixed64 LE value
// bits. Series labels are not in the record: they are written to the
// `series` column family in the same atomic batch.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/base/coding.h"
#include "engine/base/status.h"

namespace vigil::engine {

// Appends samples to a record. Single-owner.
class LogRecordWriter {
 public:
  void Reset() { body_.clear(); count_ = 0; prev_ref_ = 0; prev_t_ = 0; }
  void Add(uint64_t ref, int64_t t, double v) {
    PutVarsint64(&body_, static_cast<int64_t>(ref - prev_ref_));
    PutVarsint64(&body_, static_cast<int64_t>(static_cast<uint64_t>(t) - static_cast<uint64_t>(prev_t_)));
    uint64_t bits;
    std::memcpy(&bits, &v, 8);
    PutFixed64LE(&body_, bits);
    prev_ref_ = ref;
    prev_t_ = t;
    ++count_;
  }
  uint64_t count() const { return count_; }
  // The finished record: varint count ‖ body.
  std::string Finish() const;

 private:
  std::string body_;
  uint64_t count_ = 0;
  uint64_t prev_ref_ = 0;
  int64_t prev_t_ = 0;
};

// Decodes a record, calling fn(ref, t, v) per sample in order. Corruption
// (with nothing after the bad sample delivered) on malformed input.
template <typename Fn>
Status DecodeLogRecord(std::string_view record, Fn&& fn) {
  ByteReader r(record);
  uint64_t n;
  if (!r.GetVarint64(&n)) return Status::Corruption("log record: bad count");
  uint64_t ref = 0;
  int64_t t = 0;
  for (uint64_t i = 0; i < n; ++i) {
    int64_t dref, dt;
    uint64_t bits;
    if (!r.GetVarsint64(&dref) || !r.GetVarsint64(&dt) || !r.GetFixed64LE(&bits)) {
      return Status::Corruption("log record: truncated sample");
    }
    ref += static_cast<uint64_t>(dref);
    t = static_cast<int64_t>(static_cast<uint64_t>(t) + static_cast<uint64_t>(dt));
    double v;
    std::memcpy(&v, &bits, 8);
    fn(ref, t, v);
  }
  if (!r.empty()) return Status::Corruption("log record: trailing bytes");
  return Status::OK();
}

}  // namespace vigil::engine
