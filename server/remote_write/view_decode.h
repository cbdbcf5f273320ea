// The fast remote-write decoder: snappy block → decompressed bytes kept in a
// reused buffer → WriteRequestView (request_view.h) whose labels point into
// that buffer. It walks the wire format with protobuf's own stream reader
// (io::CodedInputStream: ReadTag, ExpectTag, ReadVarint, Skip) instead
// of materialising generated messages, so a label costs no allocation.
//
// It accepts exactly what prometheus::WriteRequest::ParseFromArray accepts
// and yields the same contents (the fuzz target checks this): unknown fields
// and known fields with an unexpected wire type are skipped, the last value
// of a repeated scalar field wins, tags and lengths are at most 5 bytes,
// field number 0, wire types 6/7, unmatched end-group tags, truncation and
// lengths past the end are errors. Exemplars and native histograms (not
// stored) are validated with their generated classes and only counted.
//
// Single-owner: keep one per worker thread and reuse it.
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>

#include "engine/base/status.h"
#include "server/remote_write/request_view.h"

namespace vigil::server::remote_write {

// Parses uncompressed WriteRequest bytes into *out (cleared first). The
// views borrow `bytes`. InvalidArgument "protobuf: ..." naming the problem
// and its byte offset; *out is cleared on error.
Status ParseWriteRequestView(std::string_view bytes, WriteRequestView* out);

class ViewDecoder {
 public:
  ViewDecoder() = default;
  ViewDecoder(const ViewDecoder&) = delete;
  ViewDecoder& operator=(const ViewDecoder&) = delete;

  // Decompresses `body` (snappy block format) into the owned buffer and
  // parses it. Errors and size checks are those of DecodeWriteRequest
  // (decode.h): LimitExceeded over max_decoded_bytes, InvalidArgument
  // "snappy: ..." or "protobuf: ...". On error view() is empty.
  Status Decode(std::string_view body, size_t max_decoded_bytes);

  // Valid until the next Decode() or Release().
  const WriteRequestView& view() const { return view_; }
  // Frees a buffer above the keep size, so one huge request does not pin
  // memory in every worker thread. Invalidates view().
  void Release();

 private:
  std::unique_ptr<char[]> buf_;
  size_t capacity_ = 0;
  WriteRequestView view_;
};

}  // namespace vigil::server::remote_write
