#include "engine/chunk/xor_chunk.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>

#include "engine/base/coding.h"
#include "engine/chunk/xor_codec.h"

// Bit layout: docs/STORAGE_FORMAT.md, "XOR chunk (encoding 1)". Every
// state update exists once (xor_codec.h) and is called by both the encoder
// and the decoder, which is what keeps them in lockstep.

namespace vigil::engine {
using namespace xor_internal;  // NOLINT: the shared coding rules

// ---- XorEncoder -------------------------------------------------------------

XorEncoder::~XorEncoder() { std::free(buf_); }

XorEncoder::XorEncoder(XorEncoder&& o) noexcept
    : st_(o.st_), buf_(o.buf_), bitpos_(o.bitpos_), cap_(o.cap_) {
  o.buf_ = nullptr;
  o.bitpos_ = o.cap_ = 0;
  o.st_ = State{};
}

XorEncoder& XorEncoder::operator=(XorEncoder&& o) noexcept {
  if (this != &o) {
    std::free(buf_);
    st_ = o.st_;
    buf_ = o.buf_;
    bitpos_ = o.bitpos_;
    cap_ = o.cap_;
    o.buf_ = nullptr;
    o.bitpos_ = o.cap_ = 0;
    o.st_ = State{};
  }
  return *this;
}

void XorEncoder::Reset() {
  if (buf_ != nullptr) std::memset(buf_, 0, size_bytes());
  bitpos_ = 0;
  st_ = State{};
}

void XorEncoder::Reserve(size_t need) {
  if (need <= cap_) return;
  size_t used = buf_ != nullptr ? size_bytes() : 0;
  size_t cap = std::max<size_t>({need, cap_ + cap_ / 2, 32});
  cap = (cap + 15) & ~size_t{15};
  auto* p = static_cast<uint8_t*>(std::realloc(buf_, cap));
  if (p == nullptr) std::abort();
  std::memset(p + used, 0, cap - used);
  buf_ = p;
  cap_ = static_cast<uint32_t>(cap);
}

uint32_t XorEncoder::num_samples() const {
  return buf_ == nullptr ? 0 : (uint32_t{buf_[0]} << 8) | buf_[1];
}

void XorEncoder::SetCount(uint32_t n) {
  buf_[0] = static_cast<uint8_t>(n >> 8);
  buf_[1] = static_cast<uint8_t>(n);
}

int64_t XorEncoder::min_t() const {
  XorIterator it(bytes());
  return it.Next() ? it.At().t : 0;
}

double XorEncoder::last_value() const {
  return st_.scale == kFloatMode ? std::bit_cast<double>(st_.val) : IntValue(st_.val, st_.scale);
}

std::string_view XorEncoder::bytes() const {
  if (buf_ == nullptr) return std::string_view("\0\0", kHeaderBytes);
  return {reinterpret_cast<const char*>(buf_), size_bytes()};
}

void XorEncoder::ShrinkToFit() {
  if (buf_ == nullptr) return;
  if (num_samples() == 0) {
    std::free(buf_);
    buf_ = nullptr;
    cap_ = 0;
    return;
  }
  size_t size = size_bytes();
  auto* p = static_cast<uint8_t*>(std::realloc(buf_, size));
  if (p != nullptr) {
    buf_ = p;
    cap_ = static_cast<uint32_t>(size);
  }
}

void XorEncoder::Append(int64_t t, double v) {
  const uint32_t n = num_samples();
  assert(n < kMaxSamples);
  assert(n == 0 || t > st_.t);
  Reserve(size_bytes() + kMaxSampleBytes + kWriteSlack);
  BitWriter w(buf_ + kHeaderBytes, bitpos_);
  if (n == 0) {
    InitFirst(st_, t);
    WriteLong(w, ZigZag(t));
    int s;
    int64_t m;
    if (FindScale(v, 0, &s, &m)) {
      w.WriteSmall(static_cast<uint64_t>(s), 5);  // '0' + 4-bit scale
      WriteLong(w, ZigZag(m));
      EnterIntMode(st_, static_cast<uint8_t>(s), static_cast<uint64_t>(m));
    } else {
      w.WriteSmall(1, 1);
      w.Write(std::bit_cast<uint64_t>(v), 64);
      st_.val = std::bit_cast<uint64_t>(v);
      st_.scale = kFloatMode;
    }
  } else {
    if (n == 1) {
      int32_t interval = ChooseInterval(static_cast<uint64_t>(t) - static_cast<uint64_t>(st_.t));
      uint64_t g = static_cast<uint64_t>(st_.t) + static_cast<uint64_t>(int64_t{interval});
      WriteLong(w, ZigZag(interval));
      WriteLong(w, ZigZag(static_cast<int64_t>(static_cast<uint64_t>(t) - g)));
      InitSecond(st_, t, interval);
    } else {
      uint64_t g;
      uint64_t u = ZigZag(static_cast<int64_t>(static_cast<uint64_t>(t) - PredictT(st_, &g)));
      int k = RiceK(st_.tacc);
      uint64_t q = u >> k;
      if (q < kTsEscapeQ) {
        w.WriteSmall(RiceCode(u, static_cast<int>(q), k), static_cast<int>(q) + 1 + k);
        AcceptT(st_, t, g, u, /*escaped=*/false);
      } else {
        w.WriteSmall((1u << kTsEscapeQ) - 1, kTsEscapeQ);
        WriteLong(w, u);
        AcceptT(st_, t, g, u, /*escaped=*/true);
      }
    }
    EncodeValue(st_, w, v);
  }
  bitpos_ = static_cast<uint32_t>(w.bitpos());
  SetCount(n + 1);
}

Status XorEncoder::ResumeFrom(std::string_view chunk) {
  XorIterator it(chunk);
  while (it.Next()) {
  }
  if (!it.status().ok()) return it.status();
  uint64_t bits = it.consumed_bits();
  if (chunk.size() != kHeaderBytes + (bits + 7) / 8) {
    return Status::Corruption("xor chunk: trailing bytes");
  }
  if (bits % 8 != 0) {
    auto last = static_cast<uint8_t>(chunk.back());
    if ((last & (0xffu >> (bits % 8))) != 0) return Status::Corruption("xor chunk: padding bits");
  }
  Reset();
  if (it.num_samples() == 0) return Status::OK();
  Reserve(chunk.size() + kMaxSampleBytes + kWriteSlack);
  std::memcpy(buf_, chunk.data(), chunk.size());
  bitpos_ = static_cast<uint32_t>(bits);
  st_ = it.state();
  return Status::OK();
}

// ---- XorIterator ------------------------------------------------------------

void XorIterator::Reset(std::string_view chunk) {
  if (!status_.ok()) status_ = Status::OK();
  idx_ = pos_ = filled_ = 0;
  error_ = nullptr;
  st_ = State{};
  if (chunk.size() < kHeaderBytes) {
    n_ = 0;
    r_.Reset(nullptr, 0);
    error_ = "shorter than its header";
    return;
  }
  const auto* p = reinterpret_cast<const uint8_t*>(chunk.data());
  n_ = (uint32_t{p[0]} << 8) | p[1];
  r_.Reset(p + kHeaderBytes, chunk.size() - kHeaderBytes);
}

bool XorIterator::NextBatch() {
  pos_ = filled_ = 0;
  State st = st_;
  BitReader r = r_;
  uint32_t idx = idx_;
  const uint32_t end = std::min(n_, idx + kBatch);
  const char* err = error_;
  uint32_t filled = 0;
  if (idx == 0 && idx < end && err == nullptr) {
    err = DecodeFirst(st, r, &buf_[0]);
    if (err == nullptr && r.overrun()) err = "truncated";
    if (err == nullptr) filled = ++idx;
  }
  for (; idx < end && err == nullptr; ++idx) {
    err = DecodeSample(st, r, idx, &buf_[filled]);
    if (err == nullptr && r.overrun()) err = "truncated";
    if (err == nullptr) ++filled;
  }
  st_ = st;
  r_ = r;
  idx_ = idx;
  filled_ = filled;
  if (err != nullptr) {
    error_ = err;
    idx_ = n_;
  }
  if (filled > 0) return true;
  if (error_ != nullptr && status_.ok()) status_ = Status::Corruption(std::string("xor chunk: ") + error_);
  return false;
}

bool XorIterator::Seek(int64_t t_ms) {
  if (pos_ < filled_ && buf_[pos_].t >= t_ms) return true;
  while (Next()) {
    if (buf_[pos_].t >= t_ms) return true;
  }
  return false;
}

Result<uint32_t> XorChunkNumSamples(std::string_view chunk) {
  if (chunk.size() < kHeaderBytes) return Status::Corruption("xor chunk: shorter than its header");
  return (uint32_t{static_cast<uint8_t>(chunk[0])} << 8) | static_cast<uint8_t>(chunk[1]);
}

}  // namespace vigil::engine
