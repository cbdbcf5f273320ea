// Split chunk codec (encoding 2): bit-exact round trips (NaN payloads, +-Inf,
// -0.0, irregular and extreme timestamps), identical timestamp streams for
// identical timestamps whatever the values, exact ResumeFrom, the bulk
// decoders and AppendChunkSamples, and robustness against damaged input.
#include "engine/chunk/split_chunk.h"

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "engine/chunk_decode.h"
#include "gtest/gtest.h"

namespace vigil::engine {
namespace {

uint64_t Bits(double d) { return std::bit_cast<uint64_t>(d); }
double FromBits(uint64_t b) { return std::bit_cast<double>(b); }

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
  SplitIterator it(chunk);
  while (it.Next()) out.push_back(it.At());
  if (status != nullptr) *status = it.status();
  return out;
}

void ExpectSame(const std::vector<Sample>& want, const std::vector<Sample>& got) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    ASSERT_EQ(got[i].t, want[i].t) << "sample " << i;
    ASSERT_EQ(Bits(got[i].v), Bits(want[i].v)) << "sample " << i;
  }
}

// Encodes, checking the chunk decodes to the prefix after every Append and
// that ResumeFrom at every prefix continues to byte-identical streams.
std::string RoundTrip(const std::vector<Sample>& s) {
  SplitEncoder enc;
  for (size_t i = 0; i < s.size(); ++i) {
    enc.Append(s[i].t, s[i].v);
    EXPECT_EQ(enc.num_samples(), i + 1);
    EXPECT_EQ(enc.min_t(), s[0].t);
    EXPECT_EQ(enc.max_t(), s[i].t);
    EXPECT_EQ(Bits(enc.last_value()), Bits(s[i].v));
    Status st;
    std::vector<Sample> got = Decode(enc.Chunk(), &st);
    EXPECT_TRUE(st.ok()) << st.ToString();
    ExpectSame(std::vector<Sample>(s.begin(), s.begin() + static_cast<long>(i) + 1), got);
    if (::testing::Test::HasFailure()) return {};
  }
  for (size_t cut = 0; cut <= s.size(); cut += std::max<size_t>(1, s.size() / 7)) {
    SplitEncoder a;
    for (size_t i = 0; i < cut; ++i) a.Append(s[i].t, s[i].v);
    SplitEncoder b;
    EXPECT_TRUE(b.ResumeFrom(a.Chunk()).ok()) << "cut " << cut;
    for (size_t i = cut; i < s.size(); ++i) b.Append(s[i].t, s[i].v);
    EXPECT_EQ(b.Chunk(), enc.Chunk()) << "resumed at " << cut;
    if (cut > 0) EXPECT_EQ(b.min_t(), s[0].t);
  }
  return enc.Chunk();
}

TEST(SplitChunk, SpecialValuesRoundTripBitExactly) {
  std::vector<double> specials = {
      0.0, -0.0, 1.0, -1.0, std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
      FromBits(0x7ff0000000000002ull),  // Prometheus stale marker
      FromBits(0x7ff8000000000001ull), FromBits(0xfff8000000000000ull), FromBits(0x7ff0000000000001ull),
      std::numeric_limits<double>::denorm_min(), std::numeric_limits<double>::max(),
      std::numeric_limits<double>::lowest(), 45.67, 9007199254740993.0, 1e300, 0.1};
  std::vector<Sample> s;
  int64_t t = 1'700'000'000'000;
  for (int rep = 0; rep < 3; ++rep) {
    for (double v : specials) {
      s.push_back({t, v});
      t += 15000;
    }
  }
  RoundTrip(s);
}

TEST(SplitChunk, IrregularAndExtremeTimestamps) {
  Rng rng{7};
  std::vector<Sample> s;
  int64_t t = std::numeric_limits<int64_t>::min();
  for (int i = 0; i < 200; ++i) {
    s.push_back({t, static_cast<double>(rng.Below(1000))});
    switch (rng.Below(5)) {
      case 0: t += 1; break;
      case 1: t += 15000 + static_cast<int64_t>(rng.Below(101)) - 50; break;
      case 2: t += static_cast<int64_t>(rng.Below(1ull << 40)) + 1; break;
      case 3: t += 60000; break;
      default: t += static_cast<int64_t>(rng.Below(3000)) + 1; break;
    }
  }
  s.push_back({std::numeric_limits<int64_t>::max(), 1.5});
  RoundTrip(s);
  RoundTrip({{-5, 1}, {-4, 2}, {0, 3}, {1, 4}});
  RoundTrip({{42, std::nan("")}});
}

TEST(SplitChunk, RandomMixedData) {
  Rng rng{42};
  for (int round = 0; round < 30; ++round) {
    std::vector<Sample> s;
    int64_t t = static_cast<int64_t>(rng.Next() >> 20);
    double v = 100;
    for (int i = 0; i < 150; ++i) {
      switch (rng.Below(6)) {
        case 0: v += static_cast<double>(rng.Below(10)); break;
        case 1: v = static_cast<double>(rng.Below(100000)) / 100; break;
        case 2: v = FromBits(rng.Next()); break;
        case 3: v = 0; break;
        default: break;
      }
      s.push_back({t, v});
      t += 15000 + static_cast<int64_t>(rng.Below(101)) - 50;
    }
    RoundTrip(s);
    if (HasFailure()) return;
  }
}

TEST(SplitChunk, SameTimestampsGiveIdenticalTimestampStreams) {
  Rng rng{3};
  SplitEncoder a, b;
  int64_t t = 1'700'000'000'000;
  for (int i = 0; i < 120; ++i) {
    a.Append(t, static_cast<double>(i));                 // counter
    b.Append(t, FromBits(rng.Next() >> 2));              // noisy floats
    t += 15000 + static_cast<int64_t>(rng.Below(101)) - 50;
  }
  EXPECT_EQ(a.ts_bytes(), b.ts_bytes());
  EXPECT_NE(a.value_bytes(), b.value_bytes());
  // Streams recombine: a's timestamps with b's values decode.
  SplitIterator it(a.ts_bytes(), b.value_bytes());
  int n = 0;
  while (it.Next()) ++n;
  EXPECT_TRUE(it.status().ok());
  EXPECT_EQ(n, 120);
}

TEST(SplitChunk, BulkDecodersAndAppendChunkSamples) {
  std::vector<Sample> s;
  int64_t t = 1'000'000;
  for (int i = 0; i < 120; ++i) {
    s.push_back({t, i % 10 == 0 ? FromBits(0x7ff0000000000002ull) : i * 0.5});
    t += 15000 + (i % 7) * 10 - 30;
  }
  std::string chunk = RoundTrip(s);
  std::string_view ts, vs;
  ASSERT_TRUE(ParseSplitChunk(chunk, &ts, &vs).ok());
  std::vector<int64_t> col;
  ASSERT_TRUE(DecodeSplitTimestamps(ts, &col).ok());
  ASSERT_EQ(col.size(), s.size());
  for (size_t i = 0; i < s.size(); ++i) EXPECT_EQ(col[i], s[i].t);
  std::vector<double> vals(s.size());
  uint32_t decoded = 0;
  ASSERT_TRUE(DecodeSplitValues(vs, static_cast<uint32_t>(s.size()), vals.data(), &decoded).ok());
  EXPECT_EQ(decoded, s.size());
  ChunkView view{s.front().t, s.back().t, kEncodingSplit, chunk};
  // Twice: the second call takes the cached timestamp column.
  for (int rep = 0; rep < 2; ++rep) {
    std::vector<Sample> out;
    ASSERT_TRUE(AppendChunkSamples(view, s[20].t, s[50].t, /*skip_stale=*/false, &out).ok());
    ExpectSame(std::vector<Sample>(s.begin() + 20, s.begin() + 51), out);
    out.clear();
    ASSERT_TRUE(AppendChunkSamples(view, s[20].t - 1, s[50].t + 1, /*skip_stale=*/true, &out).ok());
    EXPECT_EQ(out.size(), 31u - 4u);  // samples 20, 30, 40, 50 are stale markers
  }
}

TEST(SplitChunk, DamagedInputIsCorruptionNeverACrash) {
  std::vector<Sample> s;
  for (int i = 0; i < 100; ++i) s.push_back({i * 15000 + (i % 3), i * 1.25});
  std::string chunk = RoundTrip(s);
  // Every truncation decodes a prefix and reports corruption.
  for (size_t len = 0; len < chunk.size(); ++len) {
    Status st;
    std::vector<Sample> got = Decode(std::string_view(chunk).substr(0, len), &st);
    EXPECT_FALSE(st.ok()) << "len " << len;
    EXPECT_LT(got.size(), s.size());
    SplitEncoder e;
    EXPECT_FALSE(e.ResumeFrom(std::string_view(chunk).substr(0, len)).ok());
  }
  // Trailing garbage is not canonical.
  SplitEncoder e;
  EXPECT_FALSE(e.ResumeFrom(chunk + "x").ok());
  // Random bytes never crash or loop.
  Rng rng{9};
  for (int i = 0; i < 2000; ++i) {
    std::string junk(rng.Below(64), '\0');
    for (char& c : junk) c = static_cast<char>(rng.Next());
    Status st;
    (void)Decode(junk, &st);
    SplitEncoder r;
    (void)r.ResumeFrom(junk);
    std::vector<Sample> out;
    (void)AppendChunkSamples(ChunkView{INT64_MIN, INT64_MAX, kEncodingSplit, junk}, INT64_MIN, INT64_MAX, false, &out);
  }
}

TEST(SplitChunk, ShrinkToFitMoveAndReset) {
  SplitEncoder ref, enc;
  for (int i = 0; i < 60; ++i) {
    ref.Append(i * 15000 + i % 3, i * 0.5);
    enc.Append(i * 15000 + i % 3, i * 0.5);
    if (i % 7 == 0) enc.ShrinkToFit();  // appends grow it back
  }
  EXPECT_EQ(enc.Chunk(), ref.Chunk());
  SplitEncoder moved(std::move(enc));
  EXPECT_EQ(moved.Chunk(), ref.Chunk());
  moved.Reset();
  EXPECT_EQ(moved.num_samples(), 0u);
  moved.ShrinkToFit();  // releases the buffers
  EXPECT_EQ(moved.ts_bytes(), std::string_view("\0\0", 2));
  EXPECT_TRUE(moved.value_bytes().empty());
  for (int i = 0; i < 60; ++i) moved.Append(i * 15000 + i % 3, i * 0.5);
  EXPECT_EQ(moved.Chunk(), ref.Chunk());
}

TEST(SplitChunk, ColumnIteratorMatchesStreamIterator) {
  Rng rng{11};
  for (int round = 0; round < 20; ++round) {
    std::vector<Sample> s;
    int64_t t = static_cast<int64_t>(rng.Below(1ull << 40));
    for (int i = 0; i < 130; ++i) {
      s.push_back({t, rng.Below(4) == 0 ? FromBits(rng.Next()) : static_cast<double>(rng.Below(100))});
      t += 1 + static_cast<int64_t>(rng.Below(30000));
    }
    SplitEncoder enc;
    for (const Sample& x : s) enc.Append(x.t, x.v);
    std::string chunk = enc.Chunk();
    // Whole and truncated chunks, with a mix of Seek and Next.
    for (size_t len : {chunk.size(), chunk.size() - 1, chunk.size() / 2, size_t{3}}) {
      std::string_view c = std::string_view(chunk).substr(0, len);
      SplitIterator a(c);
      SplitColumnIterator b;
      b.Reset(c);
      for (int step = 0; step < 200; ++step) {
        bool ra, rb;
        if (step % 3 == 2) {
          int64_t target = s[std::min<size_t>(s.size() - 1, static_cast<size_t>(step) / 2)].t + 1;
          ra = a.Seek(target);
          rb = b.Seek(target);
        } else {
          ra = a.Next();
          rb = b.Next();
        }
        ASSERT_EQ(ra, rb) << "len " << len << " step " << step;
        if (!ra) break;
        ASSERT_EQ(a.At().t, b.At().t);
        ASSERT_EQ(Bits(a.At().v), Bits(b.At().v));
      }
      EXPECT_EQ(a.status().ok(), b.status().ok()) << "len " << len;
      EXPECT_EQ(b.status().ok(), len == chunk.size()) << "len " << len;
    }
  }
}

}  // namespace
}  // namespace vigil::engine
