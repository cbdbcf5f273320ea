#include "tools/demo.h"

#include <chrono>
#include <cstdio>
#include <filesystem>

#include "bench/series_gen.h"
#include "engine/db.h"
#include "tools/ingest_generated.h"

namespace vigil::tools {

namespace {

uint64_t DirBytes(const std::string& dir) {
  uint64_t total = 0;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (it->path().string().find("/snapshots/") != std::string::npos) continue;
    if (it->is_regular_file(ec)) total += it->file_size(ec);
  }
  return total;
}

}  // namespace

Status RunDemo(const DemoOptions& options) {
  DbOptions db_opts;
  db_opts.retention_ms = 0;  // demo data is generated in the past
  gen::GenOptions g;
  g.num_series = options.series;
  int64_t rounds = static_cast<int64_t>(options.hours * 3600 * 1000 / static_cast<double>(g.interval_ms));
  int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::system_clock::now().time_since_epoch()).count();
  g.start_ms = now - rounds * g.interval_ms;
  gen::SeriesGenerator generator(g);

  auto t0 = std::chrono::steady_clock::now();
  {
    auto db = DB::Open(options.data_dir, db_opts);
    if (!db.ok()) return db.status();
    ASSIGN_OR_RETURN(IngestSummary sum, IngestGenerated(**db, generator, 0, rounds));
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("wrote %llu samples (%llu rejected) of %zu series over %.1f h in %.2f s (%.2f M samples/s, "
                "%llu durable commits)\n",
                static_cast<unsigned long long>(sum.samples), static_cast<unsigned long long>(sum.rejected),
                options.series, options.hours, secs, sum.samples / secs / 1e6,
                static_cast<unsigned long long>(sum.commits));
    RETURN_IF_ERROR((*db)->SealHead());
    RETURN_IF_ERROR((*db)->Compact());
    RETURN_IF_ERROR((*db)->Close());
  }

  auto t1 = std::chrono::steady_clock::now();
  auto db = DB::Open(options.data_dir, db_opts);
  if (!db.ok()) return db.status();
  double open_secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
  ASSIGN_OR_RETURN(auto q, (*db)->NewQuerier(INT64_MIN, INT64_MAX));
  auto set = q->Select({Matcher::MustMake(MatchType::kRegexMatch, "__name__", ".+")});
  uint64_t series = 0, samples = 0;
  while (set->Next()) {
    ++series;
    auto it = set->At().NewIterator();
    while (it->Next()) ++samples;
    RETURN_IF_ERROR(it->status());
  }
  RETURN_IF_ERROR(set->status());
  uint64_t bytes = DirBytes(options.data_dir);
  DbStats st = (*db)->stats();
  std::printf("reopened %s in %.2f s: %llu series, %llu samples, %llu bytes on disk, %.3f bytes/sample "
              "(chunks family alone: %.3f)\n",
              options.data_dir.c_str(), open_secs, static_cast<unsigned long long>(series),
              static_cast<unsigned long long>(samples), static_cast<unsigned long long>(bytes),
              samples ? static_cast<double>(bytes) / samples : 0.0,
              samples ? static_cast<double>(st.chunk_bytes) / samples : 0.0);
  return Status::OK();
}

}  // namespace vigil::tools
