// XOR (encoding 1) and split (encoding 2) chunk encode/decode throughput (items_per_second = samples/s, one
// thread) and size (bytes_per_sample) on SeriesGenerator data, per series
// kind and for the whole mix, with the default +-50 ms scrape jitter and with
// aligned timestamps. gorilla_bytes_per_sample is the same data in
// Prometheus's XOR chunk layout (computed here by a reference encoder).
#include <benchmark/benchmark.h>

#include <bit>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "bench/series_gen.h"
#include "engine/chunk/bit_stream.h"
#include "engine/chunk/split_chunk.h"
#include "engine/chunk/xor_chunk.h"
#include "engine/chunk_decode.h"
#include <set>

namespace vigil {
namespace {

constexpr size_t kSeries = 4800;  // 100 scrape targets
constexpr int64_t kRounds = 480;  // 2 hours at 15 s: 4 chunks of 120 per series
constexpr size_t kChunkSamples = 120;
constexpr int kAllKinds = gen::kNumKinds;

struct Dataset {
  std::vector<std::vector<Sample>> chunks;  // sample runs of <= 120
  std::vector<std::string> encoded;
  std::vector<std::string> split;  // encoding 2, self-contained
  size_t samples = 0, bytes = 0;
  size_t split_bytes = 0;          // every chunk's two streams
  size_t split_shared_bytes = 0;   // value streams + each distinct timestamp stream once
};

// Prometheus tsdb/chunkenc XOR layout, for the size comparison only.
size_t GorillaBytes(const std::vector<Sample>& s) {
  std::vector<uint8_t> buf(s.size() * 20 + 64, 0);
  engine::BitWriter w(buf.data(), 16);  // 2-byte count
  auto varint = [&](uint64_t v, bool zigzag_signed) {
    if (zigzag_signed) v = (v << 1) ^ static_cast<uint64_t>(static_cast<int64_t>(v) >> 63);
    do {
      uint64_t b = v & 0x7f;
      v >>= 7;
      w.WriteSmall(b | (v ? 0x80 : 0), 8);
    } while (v);
  };
  int64_t prev_t = 0, prev_delta = 0;
  uint64_t prev_v = 0;
  int lead = 0xff, trail = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    uint64_t v = std::bit_cast<uint64_t>(s[i].v);
    if (i == 0) {
      varint(static_cast<uint64_t>(s[i].t), true);
      w.Write(v, 64);
    } else {
      int64_t delta = s[i].t - prev_t;
      if (i == 1) {
        varint(static_cast<uint64_t>(delta), false);
      } else {
        int64_t dod = delta - prev_delta;
        auto fits = [&](int bits) { return dod >= -(int64_t{1} << (bits - 1)) + 1 && dod <= (int64_t{1} << (bits - 1)); };
        if (dod == 0) w.WriteSmall(0, 1);
        else if (fits(14)) { w.WriteSmall(2, 2); w.WriteSmall(static_cast<uint64_t>(dod) & 0x3fff, 14); }
        else if (fits(17)) { w.WriteSmall(6, 3); w.WriteSmall(static_cast<uint64_t>(dod) & 0x1ffff, 17); }
        else if (fits(20)) { w.WriteSmall(14, 4); w.WriteSmall(static_cast<uint64_t>(dod) & 0xfffff, 20); }
        else { w.WriteSmall(15, 4); w.Write(static_cast<uint64_t>(dod), 64); }
      }
      prev_delta = delta;
      uint64_t x = v ^ prev_v;
      if (x == 0) {
        w.WriteSmall(0, 1);
      } else {
        int l = std::min(std::countl_zero(x), 31), t = std::countr_zero(x);
        if (lead != 0xff && l >= lead && t >= trail) {
          w.WriteSmall(2, 2);
          w.Write(x >> trail, 64 - lead - trail);
        } else {
          lead = l;
          trail = t;
          int sig = 64 - l - t;
          w.WriteSmall((uint64_t{3} << 11) | (static_cast<uint64_t>(l) << 6) | (sig & 63), 13);
          w.Write(x >> t, sig);
        }
      }
    }
    prev_t = s[i].t;
    prev_v = v;
  }
  return (w.bitpos() + 7) / 8;
}

const Dataset& GetDataset(int kind, int64_t jitter_ms) {
  static std::map<std::pair<int, int64_t>, Dataset> cache;
  auto [it, inserted] = cache.try_emplace({kind, jitter_ms});
  Dataset& d = it->second;
  if (!inserted) return d;
  gen::GenOptions opts;
  opts.num_series = kSeries;
  opts.jitter_ms = jitter_ms;
  gen::SeriesGenerator g(opts);
  for (size_t i = 0; i < kSeries; ++i) {
    if (kind != kAllKinds && static_cast<int>(g.KindOf(i)) != kind) continue;
    std::vector<Sample> all = g.SeriesSamples(i, kRounds);
    for (size_t c = 0; c < all.size(); c += kChunkSamples) {
      d.chunks.emplace_back(all.begin() + c, all.begin() + std::min(all.size(), c + kChunkSamples));
    }
  }
  engine::XorEncoder enc;
  for (const auto& chunk : d.chunks) {
    enc.Reset();
    for (const Sample& s : chunk) enc.Append(s.t, s.v);
    d.encoded.emplace_back(enc.bytes());
    d.samples += chunk.size();
    d.bytes += enc.size_bytes();
  }
  engine::SplitEncoder senc;
  std::set<std::string> streams;
  for (const auto& chunk : d.chunks) {
    senc.Reset();
    for (const Sample& s : chunk) senc.Append(s.t, s.v);
    d.split.push_back(senc.Chunk());
    d.split_bytes += senc.size_bytes();
    d.split_shared_bytes += senc.value_size();
    if (streams.emplace(senc.ts_bytes()).second) d.split_shared_bytes += senc.ts_size();
  }
  return d;
}

std::string Label(int kind, int64_t jitter) {
  std::string k = kind == kAllKinds ? "mix" : std::string(gen::KindName(static_cast<gen::Kind>(kind)));
  return k + (jitter ? "/jitter50ms" : "/aligned");
}

void BM_XorEncode(benchmark::State& state) {
  const Dataset& d = GetDataset(static_cast<int>(state.range(0)), state.range(1));
  engine::XorEncoder enc;
  for (auto _ : state) {
    for (const auto& chunk : d.chunks) {
      enc.Reset();
      for (const Sample& s : chunk) enc.Append(s.t, s.v);
      benchmark::DoNotOptimize(enc.bytes().data());
    }
  }
  size_t gorilla = 0;
  for (const auto& chunk : d.chunks) gorilla += GorillaBytes(chunk);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * d.samples));
  state.counters["bytes_per_sample"] = static_cast<double>(d.bytes) / d.samples;
  state.counters["gorilla_bytes_per_sample"] = static_cast<double>(gorilla) / d.samples;
  state.SetLabel(Label(static_cast<int>(state.range(0)), state.range(1)));
}

void BM_XorDecode(benchmark::State& state) {
  const Dataset& d = GetDataset(static_cast<int>(state.range(0)), state.range(1));
  engine::XorIterator it;
  for (auto _ : state) {
    double sum = 0;
    int64_t tsum = 0;
    for (const auto& chunk : d.encoded) {
      it.Reset(chunk);
      while (it.Next()) {
        Sample s = it.At();
        sum += s.v;
        tsum += s.t;
      }
    }
    benchmark::DoNotOptimize(sum);
    benchmark::DoNotOptimize(tsum);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * d.samples));
  state.counters["bytes_per_sample"] = static_cast<double>(d.bytes) / d.samples;
  state.SetLabel(Label(static_cast<int>(state.range(0)), state.range(1)));
}

void BM_SplitEncode(benchmark::State& state) {
  const Dataset& d = GetDataset(static_cast<int>(state.range(0)), state.range(1));
  engine::SplitEncoder enc;
  for (auto _ : state) {
    for (const auto& chunk : d.chunks) {
      enc.Reset();
      for (const Sample& s : chunk) enc.Append(s.t, s.v);
      benchmark::DoNotOptimize(enc.ts_bytes().data());
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * d.samples));
  // bytes_per_sample: both streams of every chunk; shared_bytes_per_sample:
  // each distinct timestamp stream counted once (as the store keeps them).
  state.counters["bytes_per_sample"] = static_cast<double>(d.split_bytes) / d.samples;
  state.counters["shared_bytes_per_sample"] = static_cast<double>(d.split_shared_bytes) / d.samples;
  state.SetLabel(Label(static_cast<int>(state.range(0)), state.range(1)));
}

void BM_SplitDecode(benchmark::State& state) {
  const Dataset& d = GetDataset(static_cast<int>(state.range(0)), state.range(1));
  engine::SplitIterator it;
  for (auto _ : state) {
    double sum = 0;
    int64_t tsum = 0;
    for (const auto& chunk : d.split) {
      it.Reset(chunk);
      while (it.Next()) {
        Sample s = it.At();
        sum += s.v;
        tsum += s.t;
      }
    }
    benchmark::DoNotOptimize(sum);
    benchmark::DoNotOptimize(tsum);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * d.samples));
  state.counters["bytes_per_sample"] = static_cast<double>(d.split_bytes) / d.samples;
  state.SetLabel(Label(static_cast<int>(state.range(0)), state.range(1)));
}

// The query engine's path: AppendChunkSamples per chunk, series after series
// (chunks of one series in time order), so shared timestamp columns come
// from the per-thread cache. range(2) = 1 for XOR chunks (encoding 1).
void BM_AppendChunkSamples(benchmark::State& state) {
  const Dataset& d = GetDataset(static_cast<int>(state.range(0)), state.range(1));
  const bool xor_chunks = state.range(2) == 1;
  const auto& chunks = xor_chunks ? d.encoded : d.split;
  std::vector<ChunkView> views;
  for (size_t i = 0; i < chunks.size(); ++i) {
    views.push_back(ChunkView{d.chunks[i].front().t, d.chunks[i].back().t,
                              static_cast<uint8_t>(xor_chunks ? 1 : 2), chunks[i]});
  }
  std::vector<Sample> out;
  for (auto _ : state) {
    for (const ChunkView& v : views) {
      out.clear();
      benchmark::DoNotOptimize(AppendChunkSamples(v, INT64_MIN, INT64_MAX, false, &out).ok());
      benchmark::DoNotOptimize(out.data());
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * d.samples));
  state.SetLabel(Label(static_cast<int>(state.range(0)), state.range(1)) + (xor_chunks ? "/xor" : "/split"));
}

void Args(benchmark::internal::Benchmark* b) {
  for (int64_t jitter : {50, 0}) {
    for (int kind = 0; kind <= kAllKinds; ++kind) b->Args({kind, jitter});
  }
}
BENCHMARK(BM_XorEncode)->Apply(Args);
BENCHMARK(BM_XorDecode)->Apply(Args);
BENCHMARK(BM_SplitEncode)->Apply(Args);
BENCHMARK(BM_SplitDecode)->Apply(Args);
BENCHMARK(BM_AppendChunkSamples)->Args({gen::kNumKinds, 50, 1})->Args({gen::kNumKinds, 50, 2})
    ->Args({gen::kNumKinds, 0, 1})->Args({gen::kNumKinds, 0, 2});

}  // namespace
}  // namespace vigil

BENCHMARK_MAIN();
