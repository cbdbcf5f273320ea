// Remote-write ingest per sample: snappy block decode + protobuf parse, then
// label conversion, then the full path into a DB (Append per sample, one
// Commit per request). Each stage runs twice: on the reference path
// (generated protobuf classes, no series cache) and on the handler's fast
// path (BM_View*: view_decode.h zero-copy decoder + series_cache.h). Requests are shaped as Prometheus's queue manager
// sends them: 2000 samples from 2000 different series of realistic
// generator data (bench/series_gen.h), one sample each. items_per_second is
// samples per second.
//
// Needs vigil_server (decode/convert and the generated protobuf classes):
// bench/CMakeLists.txt links it into remote_write_bench.
#include <benchmark/benchmark.h>
#include <google/protobuf/arena.h>
#include <snappy.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "bench/series_gen.h"
#include "engine/db.h"
#include "server/remote_write/convert.h"
#include "server/remote_write/decode.h"
#include "server/remote_write/series_cache.h"
#include "server/remote_write/view_decode.h"

namespace {

namespace rw = vigil::server::remote_write;

constexpr size_t kSamplesPerRequest = 2000;

// Compressed WriteRequests for rounds [0, rounds) of `num_series` series.
std::vector<std::string> MakeRequests(size_t num_series, int64_t rounds, size_t* total_samples) {
  vigil::gen::GenOptions opts;
  opts.num_series = num_series;
  vigil::gen::SeriesGenerator gen(opts);
  std::vector<std::string> out;
  prometheus::WriteRequest wr;
  std::string raw;
  *total_samples = 0;
  auto flush = [&] {
    if (wr.timeseries_size() == 0) return;
    wr.SerializeToString(&raw);
    std::string c;
    snappy::Compress(raw.data(), raw.size(), &c);
    out.push_back(std::move(c));
    wr.Clear();
  };
  for (int64_t r = 0; r < rounds; ++r) {
    gen.ForEachSampleInRound(r, [&](const vigil::gen::GenSeries& s, vigil::Sample sample) {
      prometheus::TimeSeries* ts = wr.add_timeseries();
      for (const auto& [n, v] : s.labels) {
        prometheus::Label* l = ts->add_labels();
        l->set_name(n);
        l->set_value(v);
      }
      prometheus::Sample* ps = ts->add_samples();
      ps->set_timestamp(sample.t);
      ps->set_value(sample.v);
      ++*total_samples;
      if (static_cast<size_t>(wr.timeseries_size()) == kSamplesPerRequest) flush();
    });
  }
  flush();
  return out;
}

// Accepts everything; stands in for the DB to isolate conversion cost.
class NullAppender final : public vigil::Appender {
 public:
  vigil::Result<vigil::SeriesRef> Append(vigil::SeriesRef ref, const vigil::Labels& labels, int64_t,
                                         double) override {
    benchmark::DoNotOptimize(labels.data().data());
    return ref == 0 ? ++next_ : ref;
  }
  vigil::Status Commit() override { return vigil::Status::OK(); }
  void Rollback() override {}
  const vigil::AppendStats& stats() const override { return stats_; }

 private:
  vigil::SeriesRef next_ = 0;
  vigil::AppendStats stats_;
};

struct Corpus {
  std::vector<std::string> requests;
  size_t samples = 0;
  size_t bytes = 0;
};

const Corpus& SharedCorpus() {
  static const Corpus corpus = [] {
    Corpus c;
    c.requests = MakeRequests(20'000, 10, &c.samples);  // 100 requests
    for (const auto& r : c.requests) c.bytes += r.size();
    return c;
  }();
  return corpus;
}

void BM_Decode(benchmark::State& state) {
  const Corpus& c = SharedCorpus();
  size_t i = 0, samples = 0;
  for (auto _ : state) {
    google::protobuf::Arena arena;
    auto* wr = google::protobuf::Arena::CreateMessage<prometheus::WriteRequest>(&arena);
    vigil::Status st = rw::DecodeWriteRequest(c.requests[i], 256 << 20, wr);
    if (!st.ok()) state.SkipWithError(st.ToString().c_str());
    samples += wr->timeseries_size();
    i = (i + 1) % c.requests.size();
  }
  state.SetItemsProcessed(static_cast<int64_t>(samples));
  state.counters["compressed_bytes_per_sample"] = static_cast<double>(c.bytes) / static_cast<double>(c.samples);
}
BENCHMARK(BM_Decode)->Unit(benchmark::kMicrosecond);

void BM_DecodeConvert(benchmark::State& state) {
  const Corpus& c = SharedCorpus();
  size_t i = 0, samples = 0;
  for (auto _ : state) {
    google::protobuf::Arena arena;
    auto* wr = google::protobuf::Arena::CreateMessage<prometheus::WriteRequest>(&arena);
    vigil::Status st = rw::DecodeWriteRequest(c.requests[i], 256 << 20, wr);
    NullAppender app;
    rw::IngestReport report;
    if (st.ok()) st = rw::AppendWriteRequest(*wr, rw::ConvertLimits{}, &app, &report);
    if (!st.ok() || report.total_rejected() != 0) state.SkipWithError("conversion failed");
    samples += report.appended;
    i = (i + 1) % c.requests.size();
  }
  state.SetItemsProcessed(static_cast<int64_t>(samples));
}
BENCHMARK(BM_DecodeConvert)->Unit(benchmark::kMicrosecond);

void BM_ViewDecode(benchmark::State& state) {
  const Corpus& c = SharedCorpus();
  rw::ViewDecoder decoder;
  size_t i = 0, samples = 0;
  for (auto _ : state) {
    vigil::Status st = decoder.Decode(c.requests[i], 256 << 20);
    if (!st.ok()) state.SkipWithError(st.ToString().c_str());
    samples += decoder.view().samples.size();
    i = (i + 1) % c.requests.size();
  }
  state.SetItemsProcessed(static_cast<int64_t>(samples));
}
BENCHMARK(BM_ViewDecode)->Unit(benchmark::kMicrosecond);

// With the series cache: after the first pass over the corpus every series
// is known, as in steady-state ingest.
void BM_ViewDecodeConvert(benchmark::State& state) {
  const Corpus& c = SharedCorpus();
  rw::ViewDecoder decoder;
  rw::SeriesRefCache cache;
  NullAppender app;
  size_t i = 0, samples = 0;
  for (auto _ : state) {
    vigil::Status st = decoder.Decode(c.requests[i], 256 << 20);
    rw::IngestReport report;
    if (st.ok()) st = rw::AppendWriteRequest(decoder.view(), rw::ConvertLimits{}, &app, &report, &cache);
    if (!st.ok() || report.total_rejected() != 0) state.SkipWithError("conversion failed");
    samples += report.appended;
    i = (i + 1) % c.requests.size();
  }
  state.SetItemsProcessed(static_cast<int64_t>(samples));
}
BENCHMARK(BM_ViewDecodeConvert)->Unit(benchmark::kMicrosecond);

// The whole handler path minus HTTP: decode, convert, Append per sample,
// Commit per request. Each iteration ingests the next request in time
// order (samples must be new), so the iteration count is the corpus size.
// range(0): 1 = synced commits (production), 0 = unsynced (CPU cost only).
// range(1): 1 = the handler's fast path (view decoder + series cache), 0 =
// the reference path (generated classes).
void BM_DecodeAppendCommit(benchmark::State& state) {
  const bool sync = state.range(0) != 0;
  const bool fast = state.range(1) != 0;
  rw::ViewDecoder decoder;
  rw::SeriesRefCache cache;
  size_t samples_total = 0;
  static const std::vector<std::string> requests = MakeRequests(20'000, 30, &samples_total);  // 300 requests
  std::string dir = (std::filesystem::temp_directory_path() / ("vigil_rw_bench_" + std::to_string(::getpid()))).string();
  std::filesystem::remove_all(dir);
  vigil::DbOptions opts;
  opts.sync_commits = sync;
  opts.background_maintenance = false;
  auto db = vigil::DB::Open(dir, opts);
  if (!db.ok()) {
    state.SkipWithError(db.status().ToString().c_str());
    return;
  }
  size_t i = 0, samples = 0;
  for (auto _ : state) {
    if (i == requests.size()) {
      state.SkipWithError("ran out of prepared requests");
      break;
    }
    google::protobuf::Arena arena;
    std::unique_ptr<vigil::Appender> app = (*db)->NewAppender();
    rw::IngestReport report;
    vigil::Status st;
    if (fast) {
      st = decoder.Decode(requests[i], 256 << 20);
      if (st.ok()) st = rw::AppendWriteRequest(decoder.view(), rw::ConvertLimits{}, app.get(), &report, &cache);
    } else {
      auto* wr = google::protobuf::Arena::CreateMessage<prometheus::WriteRequest>(&arena);
      st = rw::DecodeWriteRequest(requests[i], 256 << 20, wr);
      if (st.ok()) st = rw::AppendWriteRequest(*wr, rw::ConvertLimits{}, app.get(), &report);
    }
    if (st.ok()) st = app->Commit();
    if (!st.ok()) {
      state.SkipWithError(st.ToString().c_str());
      break;
    }
    rw::MergeCommitStats(app->stats(), &report);
    if (report.total_rejected() != 0) {
      state.SkipWithError(rw::RejectionMessage(report).c_str());
      break;
    }
    samples += app->stats().accepted;
    ++i;
  }
  state.SetItemsProcessed(static_cast<int64_t>(samples));
  db->reset();
  std::filesystem::remove_all(dir);
}
// The first 10 requests create the 20k series; the rest append to them.
BENCHMARK(BM_DecodeAppendCommit)
    ->ArgsProduct({{0, 1}, {0, 1}})
    ->ArgNames({"sync", "fast"})
    ->Iterations(300)
    ->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
