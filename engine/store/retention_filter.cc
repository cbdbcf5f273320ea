#include "engine/store/retention_filter.h"

#include <rocksdb/compaction_filter.h>

#include "engine/store/keys.h"

namespace vigil::engine {

namespace {

class RetentionFilter final : public rocksdb::CompactionFilter {
 public:
  RetentionFilter(int64_t cutoff_ms, RetentionKey layout) : cutoff_ms_(cutoff_ms), layout_(layout) {}
  bool Filter(int /*level*/, const rocksdb::Slice& key, const rocksdb::Slice& /*value*/,
              std::string* /*new_value*/, bool* /*value_changed*/) const override {
    if (key.size() != 16) return false;
    std::string_view k(key.data(), key.size());
    if (layout_ == RetentionKey::kTimestamps) return TsKeyMaxT(k) < cutoff_ms_;
    uint64_t ref;
    int64_t max_t;
    DecodeChunkKey(k, &ref, &max_t);
    return max_t < cutoff_ms_;
  }
  const char* Name() const override { return "vigil.RetentionFilter"; }

 private:
  int64_t cutoff_ms_;
  RetentionKey layout_;
};

class RetentionFilterFactory final : public rocksdb::CompactionFilterFactory {
 public:
  RetentionFilterFactory(const Clock* clock, int64_t retention_ms, RetentionKey layout)
      : clock_(clock), retention_ms_(retention_ms), layout_(layout) {}
  std::unique_ptr<rocksdb::CompactionFilter> CreateCompactionFilter(
      const rocksdb::CompactionFilter::Context& /*context*/) override {
    // The cutoff is fixed per compaction, so one compaction is consistent.
    return std::make_unique<RetentionFilter>(clock_->NowMs() - retention_ms_, layout_);
  }
  const char* Name() const override { return "vigil.RetentionFilterFactory"; }

 private:
  const Clock* clock_;
  int64_t retention_ms_;
  RetentionKey layout_;
};

}  // namespace

std::shared_ptr<rocksdb::CompactionFilterFactory> NewRetentionFilterFactory(const Clock* clock,
                                                                            int64_t retention_ms,
                                                                            RetentionKey layout) {
  return std::make_shared<RetentionFilterFactory>(clock, retention_ms, layout);
}

}  // namespace vigil::engine
