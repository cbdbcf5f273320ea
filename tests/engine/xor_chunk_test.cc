// XOR chunk codec: bit-exact round trips over random and adversarial data,
// bytes() after every Append, ResumeFrom, Seek, and robustness against
// truncated and garbage input.
#include "engine/chunk/xor_chunk.h"

#include <bit>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "bench/series_gen.h"
#include "gtest/gtest.h"

namespace vigil::engine {
namespace {

constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

double FromBits(uint64_t b) { return std::bit_cast<double>(b); }
uint64_t Bits(double d) { return std::bit_cast<uint64_t>(d); }

struct Rng {
  uint64_t s;
  uint64_t Next() {
    uint64_t z = (s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  uint64_t Below(uint64_t n) { return Next() % n; }
};

std::vector<Sample> Decode(std::string_view chunk, Status* status = nullptr) {
  std::vector<Sample> out;
  XorIterator it(chunk);
  while (it.Next()) out.push_back(it.At());
  if (status != nullptr) *status = it.status();
  return out;
}

void ExpectSame(const std::vector<Sample>& want, const std::vector<Sample>& got, size_t n) {
  ASSERT_EQ(got.size(), n);
  for (size_t i = 0; i < n; ++i) {
    ASSERT_EQ(got[i].t, want[i].t) << "sample " << i;
    ASSERT_EQ(Bits(got[i].v), Bits(want[i].v)) << "sample " << i << ": " << got[i].v << " vs " << want[i].v;
  }
}

// Encodes `s`, checking that bytes() decodes to the prefix after every
// Append (when check_each) and that accessors agree; returns the chunk.
std::string RoundTrip(const std::vector<Sample>& s, bool check_each = true) {
  XorEncoder enc;
  for (size_t i = 0; i < s.size(); ++i) {
    enc.Append(s[i].t, s[i].v);
    EXPECT_EQ(enc.num_samples(), i + 1);
    EXPECT_EQ(enc.size_bytes(), enc.bytes().size());
    EXPECT_EQ(enc.max_t(), s[i].t);
    EXPECT_EQ(Bits(enc.last_value()), Bits(s[i].v));
    if (check_each || i + 1 == s.size()) {
      Status st;
      std::vector<Sample> got = Decode(enc.bytes(), &st);
      EXPECT_TRUE(st.ok()) << st.ToString();
      ExpectSame(s, got, i + 1);
      if (::testing::Test::HasFatalFailure()) return {};
    }
  }
  if (!s.empty()) {
    EXPECT_EQ(enc.min_t(), s[0].t);
  }
  Result<uint32_t> n = XorChunkNumSamples(enc.bytes());
  EXPECT_TRUE(n.ok());
  EXPECT_EQ(*n, s.size());
  return std::string(enc.bytes());
}

std::vector<Sample> Regular(std::vector<double> values, int64_t t0 = 1'700'000'000'000, int64_t step = 15000) {
  std::vector<Sample> s;
  for (size_t i = 0; i < values.size(); ++i) s.push_back({t0 + static_cast<int64_t>(i) * step, values[i]});
  return s;
}

const std::vector<double>& SpecialValues() {
  static const std::vector<double> v = {
      0.0, -0.0, 1.0, -1.0, StaleNaN(), FromBits(0x7ff8000000000000ull), FromBits(0xfff8000000000000ull),
      FromBits(0x7ff0000000000001ull), FromBits(0x7fffffffffffffffull), FromBits(0xffffffffffffffffull),
      FromBits(0x7ff4000000000abcull), std::numeric_limits<double>::infinity(),
      -std::numeric_limits<double>::infinity(), DBL_MAX, -DBL_MAX, DBL_MIN, DBL_TRUE_MIN, -DBL_TRUE_MIN,
      9007199254740992.0, 9007199254740993.0, 9007199254740994.0, -9007199254740992.0, 9007199254740991.0,
      0x1p63, -0x1p63, 0x1p64, 1e300, 1e-300, 0.1, 0.2, 0.3, 1.0 / 3, 123.456, 1e-14, 1.5e-15, 99999999999.99};
  return v;
}

TEST(XorChunk, EmptyChunk) {
  XorEncoder enc;
  EXPECT_EQ(enc.num_samples(), 0u);
  EXPECT_EQ(enc.bytes(), std::string_view("\0\0", 2));
  Status st;
  EXPECT_TRUE(Decode(enc.bytes(), &st).empty());
  EXPECT_TRUE(st.ok());
  enc.Append(5, 1);
  enc.Reset();
  EXPECT_EQ(enc.bytes(), std::string_view("\0\0", 2));
  EXPECT_LE(sizeof(XorEncoder), 64u);
}

TEST(XorChunk, SingleSampleEveryValueClass) {
  for (double v : SpecialValues()) {
    for (int64_t t : {kMin, int64_t{-1}, int64_t{0}, int64_t{1'700'000'000'000}, kMax}) {
      SCOPED_TRACE(testing::Message() << "t=" << t << " bits=" << std::hex << Bits(v));
      RoundTrip({{t, v}});
    }
  }
}

TEST(XorChunk, ExtremeTimestamps) {
  RoundTrip({{kMin, 1}, {kMin + 1, 2}, {-1, 3}, {0, 4}, {1, 5}, {kMax - 1, 6}, {kMax, 7}});
  RoundTrip({{kMin, 1}, {kMax, 2}});
  RoundTrip({{-1'000'000, 0}, {-985'000, 1}, {-970'000, 2}, {-955'001, 3}, {-940'000, 4}});
  std::vector<Sample> s;
  int64_t t = kMin;
  for (int i = 0; i < 64; ++i) {
    s.push_back({t, static_cast<double>(i)});
    t += int64_t{1} << 57;  // huge but regular deltas
  }
  RoundTrip(s);
}

TEST(XorChunk, IrregularAndHugeDeltas) {
  Rng rng{7};
  for (int trial = 0; trial < 50; ++trial) {
    std::vector<Sample> s;
    int64_t t = static_cast<int64_t>(rng.Next());
    for (int i = 0; i < 120; ++i) {
      uint64_t delta;
      switch (rng.Below(5)) {
        case 0: delta = 1; break;
        case 1: delta = 15000 + rng.Below(201) - 100; break;
        case 2: delta = 30000 * (1 + rng.Below(3)); break;  // missed scrapes
        case 3: delta = 1 + rng.Below(1u << 31); break;
        default: delta = 1 + (rng.Next() >> (1 + rng.Below(63))); break;
      }
      if (!s.empty()) {
        if (delta > static_cast<uint64_t>(kMax) - static_cast<uint64_t>(t)) break;
        t = static_cast<int64_t>(static_cast<uint64_t>(t) + delta);
      }
      s.push_back({t, static_cast<double>(i)});
    }
    RoundTrip(s, /*check_each=*/trial < 5);
    if (HasFatalFailure()) return;
  }
}

TEST(XorChunk, SpecialValuesInSequence) {
  std::vector<double> v = SpecialValues();
  RoundTrip(Regular(v));
  std::vector<double> rev(v.rbegin(), v.rend());
  RoundTrip(Regular(rev));
  // Interleave integers with specials: exercises every mode switch.
  std::vector<double> mixed;
  for (double x : v) mixed.insert(mixed.end(), {1000, 1001, x, 1003, 0.5, x, x});
  RoundTrip(Regular(mixed), /*check_each=*/false);
}

TEST(XorChunk, RandomNaNPayloads) {
  Rng rng{3};
  std::vector<double> v;
  for (int i = 0; i < 200; ++i) {
    uint64_t payload = (rng.Next() & 0x000fffffffffffffull) | 1;
    uint64_t sign = (rng.Next() & 1) << 63;
    v.push_back(FromBits(sign | 0x7ff0000000000000ull | payload));
    if (i % 3 == 0) v.push_back(static_cast<double>(i));
  }
  RoundTrip(Regular(v), /*check_each=*/false);
}

TEST(XorChunk, CountersWithResetsAndStaleMarkers) {
  std::vector<double> v;
  double c = 123456;
  Rng rng{11};
  for (int i = 0; i < 120; ++i) {
    c += static_cast<double>(rng.Below(50));
    if (i == 40 || i == 90) c = 0;
    v.push_back(i == 119 ? StaleNaN() : c);
  }
  RoundTrip(Regular(v));
}

TEST(XorChunk, ConstantValues) {
  for (double x : {0.0, 1.0, -0.0, 1048576.0, 0.1, StaleNaN()}) {
    std::string chunk = RoundTrip(Regular(std::vector<double>(120, x)), /*check_each=*/false);
    EXPECT_LT(chunk.size(), 56u) << x;  // ~2 bits per regular, repeated sample
  }
}

TEST(XorChunk, IntegersNearAndBeyond2To53) {
  std::vector<double> v;
  for (int64_t d = -3; d <= 3; ++d) {
    v.push_back(static_cast<double>((int64_t{1} << 53) + d));
    v.push_back(-static_cast<double>((int64_t{1} << 53) + d));
    v.push_back(static_cast<double>((int64_t{1} << 62) + d * 1024));
  }
  RoundTrip(Regular(v));
}

TEST(XorChunk, DecimalGaugesAndRescaling) {
  std::vector<double> v = {45.6, 45.67, 45.671, 9.999, 10.0, 0.005, 0.0051, 1e-14, 3e-14, 1234567.891,
                           99.5, -0.25, -17.125};
  RoundTrip(Regular(v));
  Rng rng{5};
  std::vector<double> walk;
  int64_t m = 4567;
  for (int i = 0; i < 120; ++i) {
    m += static_cast<int64_t>(rng.Below(21)) - 10;
    walk.push_back(static_cast<double>(m) / 100);
  }
  std::string chunk = RoundTrip(Regular(walk));
  EXPECT_LT(chunk.size(), 120u * 2);  // far below XOR's ~5-6 bytes per sample
}

TEST(XorChunk, RandomMixedData) {
  Rng rng{42};
  for (int trial = 0; trial < 300; ++trial) {
    std::vector<Sample> s;
    int64_t t = static_cast<int64_t>(rng.Next() >> 2) - (int64_t{1} << 61);
    double v = 0;
    int n = 1 + static_cast<int>(rng.Below(200));
    for (int i = 0; i < n; ++i) {
      t += 1 + static_cast<int64_t>(rng.Below(4) == 0 ? rng.Below(1u << 30) : 14900 + rng.Below(200));
      switch (rng.Below(9)) {
        case 0: break;
        case 1: v += static_cast<double>(rng.Below(100)); break;
        case 2: v = static_cast<double>(static_cast<int64_t>(rng.Next())); break;
        case 3: v = FromBits(rng.Next()); break;
        case 4: v = static_cast<double>(static_cast<int64_t>(rng.Below(2000000)) - 1000000) /
                    std::pow(10.0, static_cast<double>(rng.Below(15))); break;
        case 5: v = SpecialValues()[rng.Below(SpecialValues().size())]; break;
        case 6: v = 0; break;
        case 7: v = v * 1.0001 + 0.5; break;
        default: v += 1; break;
      }
      s.push_back({t, v});
    }
    RoundTrip(s, /*check_each=*/trial < 20);
    if (HasFatalFailure()) return;
  }
}

TEST(XorChunk, OneKibChunks) {
  Rng rng{9};
  XorEncoder enc;
  std::vector<Sample> s;
  int64_t t = 0;
  while (enc.size_bytes() < 1024) {
    t += 1 + static_cast<int64_t>(rng.Below(100000));
    double v = FromBits(rng.Next());
    s.push_back({t, v});
    enc.Append(t, v);
  }
  ExpectSame(s, Decode(enc.bytes()), s.size());
}

TEST(XorChunk, GeneratorDataAndCompression) {
  for (int64_t jitter : {50, 0}) {
    gen::GenOptions opts;
    opts.num_series = 480;
    opts.jitter_ms = jitter;
    gen::SeriesGenerator g(opts);
    size_t bytes = 0, samples = 0;
    for (size_t i = 0; i < opts.num_series; ++i) {
      std::vector<Sample> s = g.SeriesSamples(i, 120);
      bytes += RoundTrip(s, /*check_each=*/i < 4).size();
      samples += s.size();
      if (HasFatalFailure()) return;
    }
    double per_sample = static_cast<double>(bytes) / samples;
    EXPECT_LT(per_sample, jitter ? 1.6 : 0.8) << "jitter " << jitter;
  }
}

TEST(XorChunk, ResumeFromContinuesIdentically) {
  Rng rng{13};
  std::vector<Sample> s;
  int64_t t = 1'700'000'000'000;
  double c = 10;
  for (int i = 0; i < 120; ++i) {
    t += 15000 + static_cast<int64_t>(rng.Below(101)) - 50;
    c += static_cast<double>(rng.Below(7));
    double v = i % 17 == 5 ? 0.1 * i : i % 23 == 7 ? StaleNaN() : i % 29 == 0 ? c / 8 : c;
    s.push_back({t, v});
  }
  XorEncoder full;
  for (const Sample& x : s) full.Append(x.t, x.v);
  for (size_t cut = 0; cut <= s.size(); ++cut) {
    XorEncoder prefix;
    for (size_t i = 0; i < cut; ++i) prefix.Append(s[i].t, s[i].v);
    XorEncoder resumed;
    ASSERT_TRUE(resumed.ResumeFrom(prefix.bytes()).ok()) << cut;
    EXPECT_EQ(resumed.bytes(), prefix.bytes());
    for (size_t i = cut; i < s.size(); ++i) resumed.Append(s[i].t, s[i].v);
    ASSERT_EQ(resumed.bytes(), full.bytes()) << "cut at " << cut;
  }
  XorEncoder bad;
  std::string chunk(full.bytes());
  EXPECT_FALSE(bad.ResumeFrom(chunk.substr(0, chunk.size() - 1)).ok());
  EXPECT_FALSE(bad.ResumeFrom(chunk + '\0').ok());
  EXPECT_FALSE(bad.ResumeFrom("x").ok());
}

TEST(XorChunk, ShrinkToFitAndMove) {
  XorEncoder enc;
  std::vector<Sample> s = Regular({1, 2, 3, 4, 5, 6.5, 7, 8});
  for (size_t i = 0; i < 4; ++i) enc.Append(s[i].t, s[i].v);
  enc.ShrinkToFit();
  for (size_t i = 4; i < s.size(); ++i) enc.Append(s[i].t, s[i].v);
  XorEncoder moved(std::move(enc));
  ExpectSame(s, Decode(moved.bytes()), s.size());
  XorEncoder assigned;
  assigned = std::move(moved);
  ExpectSame(s, Decode(assigned.bytes()), s.size());
  assigned.Reset();
  assigned.ShrinkToFit();
  EXPECT_EQ(assigned.num_samples(), 0u);
}

TEST(XorChunk, SeekSemantics) {
  std::vector<Sample> s = Regular({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20}, 1000, 10);
  std::string chunk = RoundTrip(s);
  XorIterator it(chunk);
  ASSERT_TRUE(it.Seek(0));  // before the first sample
  EXPECT_EQ(it.At().t, 1000);
  ASSERT_TRUE(it.Seek(1000));  // already there: no-op
  EXPECT_EQ(it.At().t, 1000);
  ASSERT_TRUE(it.Seek(1055));  // between samples
  EXPECT_EQ(it.At().t, 1060);
  ASSERT_TRUE(it.Seek(1010));  // backwards: no-op
  EXPECT_EQ(it.At().t, 1060);
  ASSERT_TRUE(it.Next());
  EXPECT_EQ(it.At().t, 1070);
  ASSERT_TRUE(it.Seek(1190));  // the last one, across a batch boundary
  EXPECT_EQ(it.At().v, 20);
  EXPECT_FALSE(it.Seek(1191));  // past the end
  EXPECT_FALSE(it.Next());
  EXPECT_TRUE(it.status().ok());
  it.Reset(chunk);
  EXPECT_FALSE(it.Seek(5000));
  it.Reset(chunk);
  ASSERT_TRUE(it.Next());
  EXPECT_EQ(it.At().t, 1000);
}

TEST(XorChunk, TruncatedChunksAreCorruption) {
  gen::SeriesGenerator g(gen::GenOptions{.num_series = 48});
  for (size_t slot : {0, 12, 41, 42}) {
    std::vector<Sample> s = g.SeriesSamples(slot, 120);
    std::string chunk = RoundTrip(s, /*check_each=*/false);
    for (size_t len = 0; len < chunk.size(); ++len) {
      Status st;
      std::vector<Sample> got = Decode(std::string_view(chunk).substr(0, len), &st);
      EXPECT_EQ(st.code(), StatusCode::kCorruption) << "len " << len;
      ASSERT_LT(got.size(), s.size());
      ExpectSame(s, got, got.size());  // what was returned is a correct prefix
    }
  }
}

TEST(XorChunk, GarbageNeverCrashes) {
  Rng rng{77};
  std::string valid = RoundTrip(Regular({1, 2.5, StaleNaN(), 4, 5, 1e300, 7}), false);
  for (int trial = 0; trial < 20000; ++trial) {
    std::string in;
    if (trial % 2 == 0) {
      size_t n = rng.Below(64);
      for (size_t i = 0; i < n; ++i) in.push_back(static_cast<char>(rng.Next()));
    } else {
      in = valid;
      for (int k = 0; k < 3; ++k) in[rng.Below(in.size())] ^= static_cast<char>(1 << rng.Below(8));
    }
    XorIterator it(in);
    size_t n = 0;
    int64_t last = kMin;
    while (rng.Below(3) == 0 ? it.Seek(last) : it.Next()) {
      ASSERT_GE(it.At().t, last);
      last = it.At().t;
      ASSERT_LE(++n, 0xffffu);
    }
    XorEncoder enc;
    if (enc.ResumeFrom(in).ok()) {
      EXPECT_EQ(enc.bytes(), in);
    }
  }
}

}  // namespace
}  // namespace vigil::engine
