// Evaluation slots of a rule group (Prometheus rules/group.go
// EvalTimestamp): every group is evaluated at times t with
// t ≡ offset (mod interval), where offset = hash(group) % interval, so the
// groups of a server are spread over the interval instead of all starting
// on the same tick, and a group keeps the same slots across restarts and
// reloads. Pure functions; thread-safe.
#pragma once

#include <cstdint>

namespace vigil::server::alerting {

// hash % interval_ms (0 when interval_ms <= 0).
int64_t GroupOffsetMs(uint64_t group_hash, int64_t interval_ms);

// The latest slot at or before `now_ms`.
// REQUIRES: interval_ms > 0.
int64_t EvalTimestampMs(int64_t now_ms, int64_t interval_ms, uint64_t group_hash);

// Given the slot `last_ts_ms` that was just evaluated and the time `now_ms`
// the loop woke up for the next one, the slots skipped in between
// (Prometheus's iterations missed: max(0, (now - last) / interval - 1)).
int64_t MissedIterations(int64_t last_ts_ms, int64_t now_ms, int64_t interval_ms);

}  // namespace vigil::server::alerting
