// Helpers shared by the benchmarks: resident memory, process CPU time,
// wall-clock milliseconds, and a DB in a temporary directory removed at the
// end. Linux only (/proc, getrusage).
#pragma once

#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "engine/db.h"

namespace vigil::bench {

// Resident set size of this process, bytes (0 if unreadable).
inline uint64_t RssBytes() {
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) return 0;
  unsigned long long size = 0, resident = 0;
  int n = std::fscanf(f, "%llu %llu", &size, &resident);
  std::fclose(f);
  return n == 2 ? resident * static_cast<uint64_t>(sysconf(_SC_PAGESIZE)) : 0;
}

// User + system CPU seconds of this process (all threads) so far.
inline double ProcessCpuSeconds() {
  rusage u;
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

inline int64_t WallMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A benchmark's DB in its own temporary directory; closing and removing it
// on destruction. mint/maxt/samples describe what was ingested.
struct BenchDb {
  std::string dir;
  std::unique_ptr<DB> db;
  int64_t mint = 0;
  int64_t maxt = 0;
  uint64_t samples = 0;

  ~BenchDb() {
    if (db) (void)db->Close();
    db.reset();
    std::error_code ec;
    if (!dir.empty()) std::filesystem::remove_all(dir, ec);
  }
};

// Creates /tmp/<prefix>XXXXXX into *dir; IOError on failure.
inline Status MakeBenchDir(const char* prefix, std::string* dir) {
  std::string tmpl = std::string("/tmp/") + prefix + "XXXXXX";
  if (mkdtemp(tmpl.data()) == nullptr) return Status::IOError("mkdtemp " + tmpl);
  *dir = tmpl;
  return Status::OK();
}

}  // namespace vigil::bench
