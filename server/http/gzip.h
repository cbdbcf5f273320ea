// gzip compression of response bodies (zlib, RFC 1952 framing) and parsing
// of Accept-Encoding. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace vigil::server {

// Compresses `in` into *out (replacing it) at zlib `level` (0-9, -1 =
// default). False on a zlib error, *out then unspecified.
bool GzipCompress(std::string_view in, int level, std::string* out);

// Decompresses a gzip stream (tests, future request decoding). False on a
// corrupt stream or when the output would exceed `max_bytes`.
bool GzipDecompress(std::string_view in, size_t max_bytes, std::string* out);

// True when an Accept-Encoding value admits gzip: a "gzip" or "*" coding
// with q > 0 ("gzip;q=0" refuses it), names case-insensitive.
bool AcceptsGzip(std::string_view accept_encoding);

}  // namespace vigil::server
