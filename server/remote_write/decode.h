// Remote-write body decoding: snappy block format → prometheus.WriteRequest.
// The decoded size is read from the snappy header and checked against a cap
// before anything is allocated, so a small body cannot claim gigabytes.
// Thread-safe (each thread reuses its own scratch buffer).
#pragma once

#include <cstddef>
#include <string_view>

#include "engine/base/status.h"
#include "remote_write/proto/remote.pb.h"  // generated into the build dir

namespace vigil::server::remote_write {

// Decodes `body` (snappy block format, not the framed stream format) and
// parses it into *out, which should be empty (it is cleared first); pass one
// allocated on a protobuf Arena for speed.
// Errors:
//   LimitExceeded: the snappy header claims more than max_decoded_bytes
//     (also for a corrupt header that merely decodes to a huge number);
//   InvalidArgument: "snappy: ..." for a malformed or truncated snappy block,
//     "protobuf: ..." when the decoded bytes are not a WriteRequest.
// `body` is borrowed for the call only; *out owns copies of all strings.
Status DecodeWriteRequest(std::string_view body, size_t max_decoded_bytes, prometheus::WriteRequest* out);

// The size checks of DecodeWriteRequest, shared with the fast decoder
// (view_decode.h): sets *decoded_len from the snappy header, or returns
// DecodeWriteRequest's LimitExceeded / "snappy: ..." InvalidArgument.
Status SnappyDecodedLength(std::string_view body, size_t max_decoded_bytes, size_t* decoded_len);

// The decoded-size cap for a body limit: 8x the compressed limit (the ratio
// of a realistic remote-write batch is 5-10x), at least 1 MiB.
size_t DecodedLimitFor(size_t max_body_bytes);

}  // namespace vigil::server::remote_write
