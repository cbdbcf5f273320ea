// Internal to engine/chunk: the coding rules shared by the interleaved XOR
// chunk (encoding 1, xor_chunk.cc) and the split chunk (encoding 2,
// split_chunk.cc): constants, the state updates run identically by encoder
// and decoder, and the per-field encode/decode routines. Bit layouts are in
// docs/STORAGE_FORMAT.md. Header-only so that decode loops inline them.
#pragma once

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>

#include "engine/base/coding.h"
#include "engine/base/sample.h"
#include "engine/chunk/bit_stream.h"
#include "engine/chunk/xor_chunk.h"

namespace vigil::engine::xor_internal {


constexpr size_t kHeaderBytes = 2;
constexpr uint32_t kMaxSamples = 0xffff;
constexpr size_t kMaxSampleBytes = 32;  // worst case is 192 bits (sample 1)
constexpr size_t kWriteSlack = 8;       // BitWriter's 64-bit read-modify-write

constexpr int kTsEscapeQ = 8;    // this many 1 bits = timestamp escape
constexpr int kValEscapeQ = 10;  // this many 1 bits = value escape
constexpr uint64_t kTsAccClamp = 8191;
constexpr uint64_t kValAccClamp = (1u << 28) - 1;
constexpr uint8_t kFloatMode = 15;
constexpr int kMaxScale = 14;
constexpr uint8_t kFresh = 1;    // integer mode: no delta history yet
constexpr uint8_t kEscaped = 2;  // integer mode: the last value escaped

constexpr double kPow10[kMaxScale + 1] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6, 1e7,
                                          1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14};
constexpr uint64_t kPow10Int[kMaxScale + 1] = {
    1ull,           10ull,           100ull,           1000ull,           10000ull,
    100000ull,      1000000ull,      10000000ull,      100000000ull,      1000000000ull,
    10000000000ull, 100000000000ull, 1000000000000ull, 10000000000000ull, 100000000000000ull};
constexpr double kTwo53 = 9007199254740992.0;

// Rice parameter from an exponential average of 8x the coded magnitudes.
inline int RiceK(uint32_t acc) {
  int k = std::bit_width(acc >> 3);
  return k - (k > 0);
}
inline uint64_t RiceCode(uint64_t u, int q, int k) {
  return ((((uint64_t{1} << q) - 1) << 1) << k) | (u & ((uint64_t{1} << k) - 1));
}

// "Long" integer: 6 bits (width-1), then width bits.
inline void WriteLong(BitWriter& w, uint64_t u) {
  int nb = std::max(1, static_cast<int>(std::bit_width(u)));
  w.WriteSmall(static_cast<uint64_t>(nb - 1), 6);
  w.Write(u, nb);
}
inline uint64_t ReadLong(BitReader& r) { return r.Read(static_cast<int>(r.ReadSmall(6)) + 1); }

inline double IntValue(uint64_t m, uint8_t scale) {
  double d = static_cast<double>(static_cast<int64_t>(m));
  return scale == 0 ? d : d / kPow10[scale];
}

// True (and *m set) if m / 10^s reproduces v bit-exactly with |m| < 2^53.
inline bool Decimal(double v, int s, int64_t* m) {
  double x = v * kPow10[s];
  if (!(std::fabs(x) < kTwo53)) return false;  // also NaN and Inf
  int64_t mi;
  double back;
  if (s == 0) {
    mi = static_cast<int64_t>(x);
    back = static_cast<double>(mi);
  } else {
    mi = static_cast<int64_t>(x + (x >= 0 ? 0.5 : -0.5));
    back = static_cast<double>(mi);
    if (std::fabs(x - back) > 1e-6 * std::fabs(x) + 1e-9) return false;  // cheap reject
    back /= kPow10[s];
  }
  if (std::bit_cast<uint64_t>(back) != std::bit_cast<uint64_t>(v)) return false;
  *m = mi;
  return true;
}
inline bool FindScale(double v, int from, int* s, int64_t* m) {
  if (!std::isfinite(v)) return false;
  for (int i = from; i <= kMaxScale; ++i) {
    if (Decimal(v, i, m)) {
      *s = i;
      return true;
    }
  }
  return false;
}
inline bool RescaleFits(uint64_t m, int d) {
  int64_t sm = static_cast<int64_t>(m);
  uint64_t mag = sm < 0 ? 0 - m : m;
  return mag < static_cast<uint64_t>(kTwo53) / kPow10Int[d];
}

// Grid step chosen at the second sample: scrape intervals are whole
// half-seconds in practice, so snap a jittered first delta to them.
inline int32_t ChooseInterval(uint64_t delta) {
  if (delta > static_cast<uint64_t>(std::numeric_limits<int32_t>::max())) return 0;
  if (delta >= 1000) {
    uint64_t snapped = (delta + 250) / 500 * 500;
    uint64_t err = snapped > delta ? snapped - delta : delta - snapped;
    if (err <= 100 && snapped <= static_cast<uint64_t>(std::numeric_limits<int32_t>::max())) {
      return static_cast<int32_t>(snapped);
    }
  }
  return static_cast<int32_t>(delta);
}

// ---- Shared state updates -------------------------------------------------

inline void InitFirst(State& st, int64_t t) {
  st = State{};
  st.t = st.grid = t;
}
inline bool FitsInt16(int64_t r) { return r >= INT16_MIN && r <= INT16_MAX; }
inline void Reanchor(State& st, int64_t t) {
  st.t = st.grid = t;
  st.rmin = st.rmax = 0;
}
inline void InitSecond(State& st, int64_t t, int32_t interval) {
  uint64_t g = static_cast<uint64_t>(st.t) + static_cast<uint64_t>(int64_t{interval});
  int64_t r = static_cast<int64_t>(static_cast<uint64_t>(t) - g);
  st.interval = interval;
  st.t = t;
  if (FitsInt16(r)) {
    st.grid = static_cast<int64_t>(g);
    st.rmin = static_cast<int16_t>(std::min<int64_t>(0, r));
    st.rmax = static_cast<int16_t>(std::max<int64_t>(0, r));
    st.tacc = static_cast<uint16_t>(8 * std::min(ZigZag(r), kTsAccClamp));
  } else {
    Reanchor(st, t);
  }
}
// Predicted timestamp; *g receives the next grid point.
inline uint64_t PredictT(const State& st, uint64_t* g) {
  *g = static_cast<uint64_t>(st.grid) + static_cast<uint64_t>(int64_t{st.interval});
  int64_t c = (int64_t{st.rmin} + int64_t{st.rmax}) >> 1;
  return *g + static_cast<uint64_t>(c);
}
// An escaped residual far from the grid point (a missed scrape, a phase
// shift, an irregular series) re-anchors the grid at t.
inline void AcceptT(State& st, int64_t t, uint64_t g, uint64_t u, bool escaped) {
  int64_t r = static_cast<int64_t>(static_cast<uint64_t>(t) - g);
  st.t = t;
  if (FitsInt16(r) && (!escaped || std::abs(r) <= st.interval / 4)) {
    st.grid = static_cast<int64_t>(g);
    st.rmin = static_cast<int16_t>(std::min<int64_t>(st.rmin, r));
    st.rmax = static_cast<int16_t>(std::max<int64_t>(st.rmax, r));
  } else {
    Reanchor(st, t);
  }
  st.tacc = static_cast<uint16_t>(st.tacc - (st.tacc >> 3) + std::min(u, kTsAccClamp));
}

inline uint64_t PredictDelta(const State& st) {
  return static_cast<uint64_t>(static_cast<int64_t>(st.aux + 8) >> 4);
}
inline void InitPred(State& st, uint64_t delta) {
  st.aux = delta << 4;
  int k0 = std::min(static_cast<int>(std::bit_width(ZigZag(static_cast<int64_t>(delta)))) / 2, 27);
  st.vacc = 8u << k0;
}
inline void UpdatePred(State& st, uint64_t delta, uint64_t u) {
  st.aux += static_cast<uint64_t>(static_cast<int64_t>((delta << 4) - st.aux) >> 2);
  st.vacc = st.vacc - (st.vacc >> 3) + static_cast<uint32_t>(std::min(u, kValAccClamp));
}
// After a delta escape: a lone outlier (counter reset, spike) keeps the
// prediction; two escapes in a row mean the level changed, so restart it.
inline void AfterEscapedDelta(State& st, uint64_t delta) {
  if (st.flags & (kFresh | kEscaped)) {
    InitPred(st, delta);
    st.flags = 0;
  } else {
    st.flags |= kEscaped;
  }
}
inline void EnterFloatMode(State& st) {
  st.val = std::bit_cast<uint64_t>(IntValue(st.val, st.scale));
  st.scale = kFloatMode;
  st.aux = 0;  // window: leading 0, trailing 0
  st.flags = 0;
}
inline void EnterIntMode(State& st, uint8_t scale, uint64_t m) {
  st.scale = scale;
  st.val = m;
  st.aux = 0;
  st.vacc = 0;
  st.flags = kFresh;
}

// ---- Encoding ---------------------------------------------------------------

inline void EncodeFloat(State& st, BitWriter& w, uint64_t bits) {
  uint64_t x = bits ^ st.val;
  st.val = bits;
  if (x == 0) {
    w.WriteSmall(0, 1);
    return;
  }
  int lead = std::countl_zero(x), trail = std::countr_zero(x);
  int wl = static_cast<int>(st.aux & 0xff), wt = static_cast<int>((st.aux >> 8) & 0xff);
  int wsig = 64 - wl - wt, sig = 64 - lead - trail;
  if (lead >= wl && trail >= wt && wsig <= sig + 13) {
    w.WriteSmall(2, 2);
    w.Write(x >> wt, wsig);
    return;
  }
  w.WriteSmall((uint64_t{6} << 12) | (static_cast<uint64_t>(lead) << 6) | (sig - 1), 15);
  w.Write(x >> trail, sig);
  st.aux = static_cast<uint64_t>(lead) | (static_cast<uint64_t>(trail) << 8);
}

inline void EncodeValue(State& st, BitWriter& w, double v) {
  uint64_t bits = std::bit_cast<uint64_t>(v);
  int s;
  int64_t m;
  if (st.scale == kFloatMode) {
    if (FindScale(v, 0, &s, &m)) {
      w.WriteSmall((uint64_t{7} << 4) | static_cast<uint64_t>(s), 7);
      WriteLong(w, ZigZag(m));
      EnterIntMode(st, static_cast<uint8_t>(s), static_cast<uint64_t>(m));
      return;
    }
    EncodeFloat(st, w, bits);
    return;
  }
  const bool fresh = st.flags & kFresh;
  if (Decimal(v, st.scale, &m)) {
    uint64_t delta = static_cast<uint64_t>(m) - st.val;
    st.val = static_cast<uint64_t>(m);
    if (fresh) {
      w.WriteSmall(0, 1);
      WriteLong(w, ZigZag(static_cast<int64_t>(delta)));
      InitPred(st, delta);
      st.flags = 0;
      return;
    }
    uint64_t u = ZigZag(static_cast<int64_t>(delta - PredictDelta(st)));
    int k = RiceK(st.vacc);
    uint64_t q = u >> k;
    if (q < kValEscapeQ) {
      w.WriteSmall(RiceCode(u, static_cast<int>(q), k), static_cast<int>(q) + 1 + k);
      UpdatePred(st, delta, u);
      st.flags = 0;
      return;
    }
    w.WriteSmall(((1u << kValEscapeQ) - 1) << 2, kValEscapeQ + 2);  // escape, type 00
    WriteLong(w, ZigZag(static_cast<int64_t>(delta)));
    AfterEscapedDelta(st, delta);
    return;
  }
  // Escape marker: '1' when fresh, else kValEscapeQ ones; then a 2-bit type.
  auto marker = [&](uint64_t type) {
    if (fresh) {
      w.WriteSmall(4 | type, 3);
    } else {
      w.WriteSmall((((1u << kValEscapeQ) - 1) << 2) | type, kValEscapeQ + 2);
    }
  };
  if (FindScale(v, st.scale + 1, &s, &m) && RescaleFits(st.val, s - st.scale)) {
    marker(1);
    w.WriteSmall(static_cast<uint64_t>(s), 4);
    uint64_t delta = static_cast<uint64_t>(m) - st.val * kPow10Int[s - st.scale];
    WriteLong(w, ZigZag(static_cast<int64_t>(delta)));
    st.val = static_cast<uint64_t>(m);
    st.scale = static_cast<uint8_t>(s);
    InitPred(st, delta);
    st.flags = 0;
    return;
  }
  marker(2);
  EnterFloatMode(st);
  EncodeFloat(st, w, bits);
}


// ---- Decoding ---------------------------------------------------------------
// Free functions over a local State and BitReader, so that the batch loop
// keeps them in registers. Each returns nullptr or a corruption message.

inline const char* DecodeFloat(State& st, BitReader& r, bool allow_switch, double* v) {
  r.Refill();
  uint64_t c = r.cache();
  uint64_t x;
  if ((c >> 63) == 0) {
    r.Skip(1);
    x = 0;
  } else if (((c >> 62) & 1) == 0) {
    r.Skip(2);
    int wl = static_cast<int>(st.aux & 0xff), wt = static_cast<int>((st.aux >> 8) & 0xff);
    x = r.Read(64 - wl - wt) << wt;
  } else if (((c >> 61) & 1) == 0) {
    int lead = static_cast<int>((c >> 55) & 63), sig = static_cast<int>((c >> 49) & 63) + 1;
    r.Skip(15);
    if (lead + sig > 64) return "bad xor window";
    int trail = 64 - lead - sig;
    x = r.Read(sig) << trail;
    st.aux = static_cast<uint64_t>(lead) | (static_cast<uint64_t>(trail) << 8);
  } else {
    if (!allow_switch) return "mode switch right after a mode switch";
    auto s = static_cast<uint8_t>((c >> 57) & 15);
    r.Skip(7);
    if (s > kMaxScale) return "bad scale";
    EnterIntMode(st, s, static_cast<uint64_t>(UnZigZag(ReadLong(r))));
    *v = IntValue(st.val, st.scale);
    return nullptr;
  }
  st.val ^= x;
  *v = std::bit_cast<double>(st.val);
  return nullptr;
}

inline const char* DecodeEscape(State& st, BitReader& r, double* v) {
  switch (r.ReadSmall(2)) {
    case 0: {
      uint64_t delta = static_cast<uint64_t>(UnZigZag(ReadLong(r)));
      st.val += delta;
      AfterEscapedDelta(st, delta);
      break;
    }
    case 1: {
      auto s = static_cast<uint8_t>(r.ReadSmall(4));
      if (s <= st.scale || s > kMaxScale) return "bad rescale";
      uint64_t delta = static_cast<uint64_t>(UnZigZag(ReadLong(r)));
      st.val = st.val * kPow10Int[s - st.scale] + delta;
      st.scale = s;
      InitPred(st, delta);
      st.flags = 0;
      break;
    }
    case 2:
      EnterFloatMode(st);
      return DecodeFloat(st, r, /*allow_switch=*/false, v);
    default:
      return "bad escape";
  }
  *v = IntValue(st.val, st.scale);
  return nullptr;
}

// Samples 0 and 1, and every non-Rice path: rare, kept out of line.
[[gnu::noinline]] inline const char* DecodeValueSlow(State& st, BitReader& r, double* v) {
  if (st.scale == kFloatMode) return DecodeFloat(st, r, /*allow_switch=*/true, v);
  if (st.flags & kFresh) {
    if (r.ReadBit()) return DecodeEscape(st, r, v);
    uint64_t delta = static_cast<uint64_t>(UnZigZag(ReadLong(r)));
    st.val += delta;
    InitPred(st, delta);
    st.flags = 0;
    *v = IntValue(st.val, st.scale);
    return nullptr;
  }
  r.Skip(kValEscapeQ);
  return DecodeEscape(st, r, v);
}

[[gnu::noinline]] inline const char* DecodeFirst(State& st, BitReader& r, Sample* out) {
  InitFirst(st, UnZigZag(ReadLong(r)));
  out->t = st.t;
  if (r.ReadBit()) {
    st.val = r.Read(64);
    st.scale = kFloatMode;
    out->v = std::bit_cast<double>(st.val);
    return nullptr;
  }
  auto s = static_cast<uint8_t>(r.ReadSmall(4));
  if (s > kMaxScale) return "bad scale";
  EnterIntMode(st, s, static_cast<uint64_t>(UnZigZag(ReadLong(r))));
  out->v = IntValue(st.val, st.scale);
  return nullptr;
}

[[gnu::noinline]] inline const char* DecodeSecondT(State& st, BitReader& r, int64_t* t) {
  int64_t interval = UnZigZag(ReadLong(r));
  if (interval < INT32_MIN || interval > INT32_MAX) return "bad interval";
  uint64_t res = static_cast<uint64_t>(UnZigZag(ReadLong(r)));
  *t = static_cast<int64_t>(static_cast<uint64_t>(st.t) + static_cast<uint64_t>(interval) + res);
  if (*t <= st.t) return "timestamps not increasing";
  InitSecond(st, *t, static_cast<int32_t>(interval));
  return nullptr;
}

[[gnu::noinline]] inline const char* DecodeEscapedT(State& st, BitReader& r, uint64_t g, uint64_t pred,
                                             int64_t* t) {
  r.Skip(kTsEscapeQ);
  uint64_t u = ReadLong(r);
  *t = static_cast<int64_t>(pred + static_cast<uint64_t>(UnZigZag(u)));
  if (*t <= st.t) return "timestamps not increasing";
  AcceptT(st, *t, g, u, /*escaped=*/true);
  return nullptr;
}

// One sample at index >= 1; the common paths are inline.
inline const char* DecodeSample(State& st, BitReader& r, uint32_t idx, Sample* out) {
  const char* err;
  if (idx == 1) {
    if ((err = DecodeSecondT(st, r, &out->t)) != nullptr) return err;
  } else {
    uint64_t g;
    uint64_t pred = PredictT(st, &g);
    r.Refill();
    int q = std::countl_one(r.cache());
    if (q >= kTsEscapeQ) {
      if ((err = DecodeEscapedT(st, r, g, pred, &out->t)) != nullptr) return err;
    } else {
      int k = RiceK(st.tacc);
      r.Skip(q + 1);
      uint64_t u = (static_cast<uint64_t>(q) << k) | (k > 0 ? r.Peek(k) : 0);
      r.Skip(k);
      out->t = static_cast<int64_t>(pred + static_cast<uint64_t>(UnZigZag(u)));
      if (out->t <= st.t) return "timestamps not increasing";
      AcceptT(st, out->t, g, u, /*escaped=*/false);
    }
  }
  if (st.scale != kFloatMode && !(st.flags & kFresh)) {
    r.Refill();
    int q = std::countl_one(r.cache());
    if (q < kValEscapeQ) {
      int k = RiceK(st.vacc);
      r.Skip(q + 1);
      uint64_t u = (static_cast<uint64_t>(q) << k) | (k > 0 ? r.Peek(k) : 0);
      r.Skip(k);
      uint64_t delta = PredictDelta(st) + static_cast<uint64_t>(UnZigZag(u));
      st.val += delta;
      UpdatePred(st, delta, u);
      st.flags = 0;
      out->v = IntValue(st.val, st.scale);
      return nullptr;
    }
  }
  return DecodeValueSlow(st, r, &out->v);
}


}  // namespace vigil::engine::xor_internal
