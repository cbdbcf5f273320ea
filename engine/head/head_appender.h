// HeadAppender: the Appender handed out by DB. It resolves series (creating
// new ones in the head), applies the ingest rules against committed state,
// builds the log record as it goes, and commits through Head::Commit.
// Single-threaded and single-use.
#pragma once

#include <shared_mutex>

#include "engine/head/head.h"
#include "engine/head/log_record.h"
#include "engine/storage.h"

namespace vigil::engine {

class HeadAppender final : public Appender {
 public:
  explicit HeadAppender(Head* head);
  ~HeadAppender() override;

  Result<SeriesRef> Append(SeriesRef ref, const Labels& labels, int64_t t_ms, double v) override;
  Status Commit() override;
  void Rollback() override;
  const AppendStats& stats() const override { return stats_; }

 private:
  static void PrefetchFollowing(const SeriesTable& table, uint64_t ref);

  Head* head_;
  std::shared_lock<std::shared_mutex> reclaim_guard_;  // keeps MemSeries alive
  LogRecordWriter record_;
  CommitRequest req_;
  AppendStats stats_;
  bool finished_ = false;
};

}  // namespace vigil::engine
