// Byte packing: big-endian fixed-width integers (so byte order = numeric order
// in RocksDB keys) and LEB128 varints. The only place vigil packs integers.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace vigil {

inline void PutFixed64BE(std::string* dst, uint64_t v) {
  char buf[8];
  for (int i = 7; i >= 0; --i) { buf[i] = static_cast<char>(v & 0xff); v >>= 8; }
  dst->append(buf, 8);
}
inline void EncodeFixed64BE(char* buf, uint64_t v) {
  for (int i = 7; i >= 0; --i) { buf[i] = static_cast<char>(v & 0xff); v >>= 8; }
}
inline uint64_t DecodeFixed64BE(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}
// Signed values are stored with the sign bit flipped so that byte order
// matches numeric order for negative timestamps too.
inline uint64_t OrderedFromSigned(int64_t v) { return static_cast<uint64_t>(v) ^ (1ULL << 63); }
inline int64_t SignedFromOrdered(uint64_t v) { return static_cast<int64_t>(v ^ (1ULL << 63)); }

inline void PutFixed64LE(std::string* dst, uint64_t v) {
  char buf[8];
  std::memcpy(buf, &v, 8);  // x86-64 and aarch64 are little-endian
  dst->append(buf, 8);
}
inline uint64_t DecodeFixed64LE(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

inline void PutVarint64(std::string* dst, uint64_t v) {
  char buf[10];
  int n = 0;
  while (v >= 0x80) { buf[n++] = static_cast<char>(v | 0x80); v >>= 7; }
  buf[n++] = static_cast<char>(v);
  dst->append(buf, n);
}
inline uint64_t ZigZag(int64_t v) { return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63); }
inline int64_t UnZigZag(uint64_t v) { return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1); }
inline void PutVarsint64(std::string* dst, int64_t v) { PutVarint64(dst, ZigZag(v)); }

inline void PutLengthPrefixed(std::string* dst, std::string_view s) {
  PutVarint64(dst, s.size());
  dst->append(s);
}

// A cursor over borrowed bytes. Every Get returns false (and leaves the
// output unspecified) when the input is exhausted or malformed.
class ByteReader {
 public:
  explicit ByteReader(std::string_view in) : p_(in.data()), end_(in.data() + in.size()) {}
  bool empty() const { return p_ == end_; }
  size_t remaining() const { return static_cast<size_t>(end_ - p_); }

  bool GetVarint64(uint64_t* v) {
    uint64_t result = 0;
    for (int shift = 0; shift <= 63 && p_ < end_; shift += 7) {
      uint64_t byte = static_cast<unsigned char>(*p_++);
      result |= (byte & 0x7f) << shift;
      if (byte < 0x80) { *v = result; return true; }
    }
    return false;
  }
  bool GetVarsint64(int64_t* v) {
    uint64_t u;
    if (!GetVarint64(&u)) return false;
    *v = UnZigZag(u);
    return true;
  }
  bool GetFixed64LE(uint64_t* v) {
    if (remaining() < 8) return false;
    *v = DecodeFixed64LE(p_);
    p_ += 8;
    return true;
  }
  bool GetFixed64BE(uint64_t* v) {
    if (remaining() < 8) return false;
    *v = DecodeFixed64BE(p_);
    p_ += 8;
    return true;
  }
  bool GetByte(uint8_t* b) {
    if (p_ == end_) return false;
    *b = static_cast<uint8_t>(*p_++);
    return true;
  }
  bool GetBytes(size_t n, std::string_view* out) {
    if (remaining() < n) return false;
    *out = std::string_view(p_, n);
    p_ += n;
    return true;
  }
  bool GetLengthPrefixed(std::string_view* out) {
    uint64_t n;
    return GetVarint64(&n) && GetBytes(n, out);
  }

 private:
  const char* p_;
  const char* end_;
};

}  // namespace vigil
