// Bit-granular writer and reader over byte buffers, most significant bit
// first. Both are small value types that borrow their buffer (the caller owns
// it and keeps it alive); both are single-owner. The reader never touches a
// byte outside its range: past the end it yields zero bits and reports the
// overrun, so decoders can run branch-light and check once per record.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace vigil::engine {

inline uint64_t LoadBE64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return __builtin_bswap64(v);
}
inline void StoreBE64(uint8_t* p, uint64_t v) {
  v = __builtin_bswap64(v);
  std::memcpy(p, &v, 8);
}

// Writes bits at a bit offset into a zero-filled buffer by OR-ing 64-bit
// big-endian words. REQUIRES: every byte from the current position on is zero
// and at least (bits to be written)/8 + 8 bytes past the position are
// addressable (callers reserve that slack before a burst of writes).
class BitWriter {
 public:
  BitWriter(uint8_t* buf, uint64_t bitpos) : buf_(buf), pos_(bitpos) {}

  // Appends the low n bits of v. REQUIRES: 1 <= n <= 57 and v < 2^n.
  void WriteSmall(uint64_t v, int n) {
    uint8_t* p = buf_ + (pos_ >> 3);
    uint64_t w = LoadBE64(p);
    w |= (v << (64 - n)) >> (pos_ & 7);
    StoreBE64(p, w);
    pos_ += static_cast<uint64_t>(n);
  }
  // Appends the low n bits of v. REQUIRES: 0 <= n <= 64 and v < 2^n (n < 64).
  void Write(uint64_t v, int n) {
    if (n > 32) {
      WriteSmall(v >> 32, n - 32);
      WriteSmall(v & 0xffffffffu, 32);
    } else if (n > 0) {
      WriteSmall(v, n);
    }
  }
  uint64_t bitpos() const { return pos_; }

 private:
  uint8_t* buf_;
  uint64_t pos_;
};

// Reads bits from [data, data+size). Past the end it reads zeros and
// overrun() turns true once any such bit has been consumed.
class BitReader {
 public:
  BitReader() = default;
  BitReader(const uint8_t* data, size_t size) { Reset(data, size); }

  void Reset(const uint8_t* data, size_t size) {
    begin_ = p_ = data;
    end_ = data + size;
    cache_ = 0;
    avail_ = 0;
    pad_bits_ = 0;
  }

  // Ensures at least 56 bits are buffered (real or zero padding).
  void Refill() {
    if (end_ - p_ >= 8) {
      cache_ |= LoadBE64(p_) >> avail_;
      p_ += (63 - avail_) >> 3;
      avail_ |= 56;
      return;
    }
    while (avail_ <= 56) {
      uint64_t byte = 0;
      if (p_ < end_) {
        byte = *p_++;
      } else {
        pad_bits_ += 8;
      }
      cache_ |= byte << (56 - avail_);
      avail_ += 8;
    }
  }
  // The buffered bits, left-aligned. Valid for `avail()` bits after Refill.
  uint64_t cache() const { return cache_; }
  int avail() const { return avail_; }
  // REQUIRES: 1 <= n <= avail().
  uint64_t Peek(int n) const { return cache_ >> (64 - n); }
  // REQUIRES: 0 <= n <= avail() and n < 64.
  void Skip(int n) {
    cache_ <<= n;
    avail_ -= n;
  }
  // REQUIRES: 1 <= n <= 56.
  uint64_t ReadSmall(int n) {
    Refill();
    uint64_t v = Peek(n);
    Skip(n);
    return v;
  }
  // REQUIRES: 0 <= n <= 64.
  uint64_t Read(int n) {
    if (n > 32) {
      uint64_t hi = ReadSmall(n - 32);
      return (hi << 32) | ReadSmall(32);
    }
    return n > 0 ? ReadSmall(n) : 0;
  }
  bool ReadBit() { return ReadSmall(1) != 0; }

  // True once a bit past the end of the data has been consumed.
  bool overrun() const { return pad_bits_ > avail_; }
  // Bits consumed so far, padding included.
  uint64_t consumed_bits() const {
    return static_cast<uint64_t>(p_ - begin_) * 8 + static_cast<uint64_t>(pad_bits_) -
           static_cast<uint64_t>(avail_);
  }

 private:
  const uint8_t* begin_ = nullptr;
  const uint8_t* p_ = nullptr;
  const uint8_t* end_ = nullptr;
  uint64_t cache_ = 0;
  int avail_ = 0;
  int64_t pad_bits_ = 0;
};

}  // namespace vigil::engine
