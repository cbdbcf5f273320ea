#include "server/remote_write/decode.h"

#include <snappy.h>

#include <algorithm>
#include <memory>
#include <string>

namespace vigil::server::remote_write {

namespace {

// A per-thread buffer for decompressed bytes, reused across requests (the
// handler runs on a fixed worker pool). Buffers above kKeepBytes are released
// after use so one huge request does not pin memory in every thread.
constexpr size_t kKeepBytes = 8 << 20;

struct Scratch {
  std::unique_ptr<char[]> buf;
  size_t capacity = 0;

  char* Get(size_t n) {
    if (n > capacity) {
      buf = std::make_unique_for_overwrite<char[]>(n);
      capacity = n;
    }
    return buf.get();
  }
  void Trim() {
    if (capacity > kKeepBytes) {
      buf.reset();
      capacity = 0;
    }
  }
};

thread_local Scratch t_scratch;

}  // namespace

size_t DecodedLimitFor(size_t max_body_bytes) {
  constexpr size_t kMin = 1 << 20;
  if (max_body_bytes > SIZE_MAX / 8) return SIZE_MAX;
  return std::max(kMin, max_body_bytes * 8);
}

Status SnappyDecodedLength(std::string_view body, size_t max_decoded_bytes, size_t* decoded_len) {
  *decoded_len = 0;
  if (!snappy::GetUncompressedLength(body.data(), body.size(), decoded_len)) {
    return Status::InvalidArgument(body.empty() ? "snappy: empty body"
                                                : "snappy: corrupt input (bad length header)");
  }
  // protobuf's ParseFromArray takes an int size.
  size_t cap = std::min<size_t>(max_decoded_bytes, INT32_MAX);
  if (*decoded_len > cap) {
    return Status::LimitExceeded("decoded body of " + std::to_string(*decoded_len) +
                                 " bytes exceeds the limit of " + std::to_string(cap) + " bytes");
  }
  // The densest snappy element is a 3-byte copy of 64 bytes, so no valid
  // block expands more than ~21.4x. A claim beyond that is corrupt: reject it
  // before allocating.
  if (*decoded_len / 22 > body.size()) {
    return Status::InvalidArgument("snappy: corrupt input (claimed length " + std::to_string(*decoded_len) +
                                   " too large for " + std::to_string(body.size()) + " input bytes)");
  }
  return Status::OK();
}

Status DecodeWriteRequest(std::string_view body, size_t max_decoded_bytes, prometheus::WriteRequest* out) {
  out->Clear();
  size_t decoded_len = 0;
  RETURN_IF_ERROR(SnappyDecodedLength(body, max_decoded_bytes, &decoded_len));
  char empty;
  char* buf = decoded_len == 0 ? &empty : t_scratch.Get(decoded_len);
  if (!snappy::RawUncompress(body.data(), body.size(), buf)) {
    t_scratch.Trim();
    return Status::InvalidArgument("snappy: corrupt input");
  }
  bool parsed = out->ParseFromArray(buf, static_cast<int>(decoded_len));
  t_scratch.Trim();
  if (!parsed) {
    out->Clear();
    return Status::InvalidArgument("protobuf: cannot parse decoded body (" + std::to_string(decoded_len) +
                                   " bytes) as prometheus.WriteRequest");
  }
  return Status::OK();
}

}  // namespace vigil::server::remote_write
