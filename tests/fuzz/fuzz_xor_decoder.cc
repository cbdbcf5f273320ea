// Fuzz target for the chunk codecs: XOR (encoding 1, xor_chunk.h) and split
// (encoding 2, split_chunk.h). The first byte selects the codec (bit 7 set:
// split) and the mode:
//  - even: the rest is a chunk; decode it with a mix of Next and Seek driven
//    by the first byte, and try ResumeFrom on it (split: also the bulk
//    decoders and AppendChunkSamples). Must never crash.
//  - odd: the rest is a little program of samples (see ParseSamples); encode
//    them, decode after appends and at the end, and abort() unless every
//    timestamp and value bit pattern round-trips, ResumeFrom included (split:
//    and the timestamp stream depends on the timestamps only).
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "engine/chunk/split_chunk.h"
#include "engine/chunk/xor_chunk.h"
#include "engine/chunk_decode.h"

namespace {

using vigil::Sample;
using vigil::engine::SplitEncoder;
using vigil::engine::SplitIterator;
using vigil::engine::XorEncoder;
using vigil::engine::XorIterator;

struct Cursor {
  const uint8_t* p;
  const uint8_t* end;
  bool Has(size_t n) const { return static_cast<size_t>(end - p) >= n; }
  uint64_t Take(size_t n) {  // little-endian, n <= 8; zero past the end
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i) v |= uint64_t{p < end ? *p++ : uint8_t{0}} << (8 * i);
    return v;
  }
};

void Check(bool ok) {
  if (!ok) std::abort();
}

void DecodeArbitrary(std::string_view chunk, uint8_t mode) {
  XorIterator it(chunk);
  uint32_t count = 0;
  int64_t last = INT64_MIN;
  bool have = false;
  for (int step = 0;; ++step) {
    bool ok;
    if ((mode >> (step % 7)) & 2) {
      int64_t ahead = (step * 977) % 60000;
      ok = it.Seek(!have ? INT64_MIN : last > INT64_MAX - ahead ? INT64_MAX : last + ahead);
    } else {
      ok = it.Next();
    }
    if (!ok) break;
    Sample s = it.At();
    Check(!have || s.t >= last);
    have = true;
    last = s.t;
    Check(++count <= 0xffff);
  }
  Check(!it.Next());
  XorEncoder enc;
  if (enc.ResumeFrom(chunk).ok()) {
    Check(enc.bytes() == chunk);
    if (enc.num_samples() > 0 && enc.max_t() < INT64_MAX && enc.num_samples() < 0xffff) {
      enc.Append(enc.max_t() + 1, 42.5);
      XorIterator again(enc.bytes());
      uint32_t n = 0;
      Sample s{};
      while (again.Next()) s = again.At(), ++n;
      Check(again.status().ok() && n == enc.num_samples() && s.v == 42.5);
    }
  }
}

std::vector<Sample> ParseSamples(Cursor c) {
  std::vector<Sample> out;
  int64_t t = static_cast<int64_t>(c.Take(8));
  double v = 0;
  while (c.Has(1) && out.size() < 2000) {
    uint8_t op = static_cast<uint8_t>(c.Take(1));
    uint64_t delta;
    switch (op & 3) {
      case 0: delta = 15000 + c.Take(1) % 201 - 100; break;
      case 1: delta = 1 + c.Take(1); break;
      case 2: delta = 1 + c.Take(4); break;
      default: delta = 1 + ((c.Take(8) >> 1) >> (c.Take(1) % 64)); break;
    }
    if (!out.empty()) {
      // Stop where t would pass INT64_MAX (unsigned math: no overflow).
      if (delta > static_cast<uint64_t>(INT64_MAX) - static_cast<uint64_t>(t)) break;
      t = static_cast<int64_t>(static_cast<uint64_t>(t) + delta);
    }
    switch ((op >> 2) & 7) {
      case 0: break;  // repeat
      case 1: v += static_cast<int8_t>(c.Take(1)); break;
      case 2: v = std::bit_cast<double>(c.Take(8)); break;
      case 3: v = static_cast<int16_t>(c.Take(2)) / std::pow(10.0, c.Take(1) % 16); break;
      case 4: v = vigil::StaleNaN(); break;
      case 5: v = 0; break;
      case 6: v = static_cast<double>(static_cast<int64_t>(c.Take(8))); break;
      default: v = v * 1.1 + 0.01; break;
    }
    out.push_back({t, v});
  }
  return out;
}

void Verify(std::string_view chunk, const std::vector<Sample>& want, size_t n) {
  XorIterator it(chunk);
  size_t i = 0;
  while (it.Next()) {
    Check(i < n);
    Sample s = it.At();
    Check(s.t == want[i].t);
    Check(std::bit_cast<uint64_t>(s.v) == std::bit_cast<uint64_t>(want[i].v));
    ++i;
  }
  Check(it.status().ok() && i == n);
}

void RoundTrip(Cursor c) {
  std::vector<Sample> s = ParseSamples(c);
  XorEncoder enc;
  size_t resume_at = s.size() / 2;
  std::string prefix;
  for (size_t i = 0; i < s.size(); ++i) {
    enc.Append(s[i].t, s[i].v);
    if (i + 1 == resume_at) prefix = std::string(enc.bytes());
    if (i < 16 || i % 37 == 0) Verify(enc.bytes(), s, i + 1);
  }
  Verify(enc.bytes(), s, s.size());
  Check(enc.num_samples() == s.size());
  if (!prefix.empty()) {
    XorEncoder resumed;
    Check(resumed.ResumeFrom(prefix).ok());
    for (size_t i = resume_at; i < s.size(); ++i) resumed.Append(s[i].t, s[i].v);
    Check(resumed.bytes() == enc.bytes());
  }
}

// ---- Split chunks -----------------------------------------------------------

void SplitDecodeArbitrary(std::string_view chunk, uint8_t mode) {
  SplitIterator it(chunk);
  uint32_t count = 0;
  int64_t last = INT64_MIN;
  bool have = false;
  std::vector<Sample> seen;
  for (int step = 0;; ++step) {
    bool ok;
    if ((mode >> (step % 7)) & 2) {
      int64_t ahead = (step * 977) % 60000;
      ok = it.Seek(!have ? INT64_MIN : last > INT64_MAX - ahead ? INT64_MAX : last + ahead);
    } else {
      ok = it.Next();
    }
    if (!ok) break;
    Sample s = it.At();
    Check(!have || s.t >= last);
    have = true;
    last = s.t;
    Check(++count <= 0xffff);
  }
  Check(!it.Next());
  // The bulk path (AppendChunkSamples) agrees with the iterator on a clean
  // chunk, and never crashes on a damaged one.
  SplitIterator all(chunk);
  while (all.Next()) seen.push_back(all.At());
  std::vector<Sample> bulk;
  vigil::ChunkView view{INT64_MIN, INT64_MAX, vigil::engine::kEncodingSplit, chunk};
  vigil::Status st = vigil::AppendChunkSamples(view, INT64_MIN, INT64_MAX, false, &bulk);
  Check(st.ok() == all.status().ok());
  if (st.ok()) {
    Check(bulk.size() == seen.size());
    for (size_t i = 0; i < seen.size(); ++i) {
      Check(bulk[i].t == seen[i].t);
      Check(std::bit_cast<uint64_t>(bulk[i].v) == std::bit_cast<uint64_t>(seen[i].v));
    }
  }
  SplitEncoder enc;
  if (enc.ResumeFrom(chunk).ok()) {
    Check(enc.Chunk() == chunk);
    if (enc.num_samples() > 0 && enc.max_t() < INT64_MAX && enc.num_samples() < 0xffff) {
      enc.Append(enc.max_t() + 1, 42.5);
      std::string c = enc.Chunk();
      SplitIterator again(c);
      uint32_t n = 0;
      Sample s{};
      while (again.Next()) s = again.At(), ++n;
      Check(again.status().ok() && n == enc.num_samples() && s.v == 42.5);
    }
  }
}

void SplitVerify(std::string_view chunk, const std::vector<Sample>& want, size_t n) {
  SplitIterator it(chunk);
  size_t i = 0;
  while (it.Next()) {
    Check(i < n);
    Sample s = it.At();
    Check(s.t == want[i].t);
    Check(std::bit_cast<uint64_t>(s.v) == std::bit_cast<uint64_t>(want[i].v));
    ++i;
  }
  Check(it.status().ok() && i == n);
}

void SplitRoundTrip(Cursor c) {
  std::vector<Sample> s = ParseSamples(c);
  SplitEncoder enc, zeros;  // zeros: same timestamps, constant values
  size_t resume_at = s.size() / 2;
  std::string prefix;
  for (size_t i = 0; i < s.size(); ++i) {
    enc.Append(s[i].t, s[i].v);
    zeros.Append(s[i].t, 0);
    if (i + 1 == resume_at) prefix = enc.Chunk();
    if (i < 16 || i % 37 == 0) SplitVerify(enc.Chunk(), s, i + 1);
  }
  SplitVerify(enc.Chunk(), s, s.size());
  Check(enc.num_samples() == s.size());
  Check(enc.ts_bytes() == zeros.ts_bytes());
  if (!prefix.empty()) {
    SplitEncoder resumed;
    Check(resumed.ResumeFrom(prefix).ok());
    for (size_t i = resume_at; i < s.size(); ++i) resumed.Append(s[i].t, s[i].v);
    Check(resumed.Chunk() == enc.Chunk());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  const bool split = data[0] & 0x80;
  if (data[0] & 1) {
    if (split) {
      SplitRoundTrip(Cursor{data + 1, data + size});
    } else {
      RoundTrip(Cursor{data + 1, data + size});
    }
  } else if (split) {
    SplitDecodeArbitrary(rest, data[0]);
  } else {
    DecodeArbitrary(rest, data[0]);
  }
  return 0;
}
