#include "server/alerting/eval_timestamp.h"

namespace vigil::server::alerting {

int64_t GroupOffsetMs(uint64_t group_hash, int64_t interval_ms) {
  if (interval_ms <= 0) return 0;
  return static_cast<int64_t>(group_hash % static_cast<uint64_t>(interval_ms));
}

int64_t EvalTimestampMs(int64_t now_ms, int64_t interval_ms, uint64_t group_hash) {
  int64_t offset = GroupOffsetMs(group_hash, interval_ms);
  int64_t adjusted = now_ms - offset;
  // Floor modulo, so times before the epoch round down as well.
  int64_t rem = adjusted % interval_ms;
  if (rem < 0) rem += interval_ms;
  return adjusted - rem + offset;
}

int64_t MissedIterations(int64_t last_ts_ms, int64_t now_ms, int64_t interval_ms) {
  if (interval_ms <= 0 || now_ms <= last_ts_ms) return 0;
  int64_t missed = (now_ms - last_ts_ms) / interval_ms - 1;
  return missed > 0 ? missed : 0;
}

}  // namespace vigil::server::alerting
