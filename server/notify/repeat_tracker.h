// RepeatTracker: one direct receiver's memory of what it has been told, per
// alert (keyed by label fingerprint). It decides which alerts are due: a
// firing alert when new to the receiver or when repeat_interval has passed
// since its last successful notification; a resolved alert once (with
// send_resolved, and only if the receiver was told it fired), then it is
// forgotten. An alert whose notification is still queued or retrying is
// not due again until that delivery ends. Externally synchronized.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "server/rules/alert.h"

namespace vigil::notify {

// One alert of a delivery, as the tracker needs it back.
struct TrackedAlert {
  uint64_t fingerprint = 0;
  bool resolved = false;
};

class RepeatTracker {
 public:
  // Entries not seen in any Send for this long are forgotten (an alert
  // whose rule was deleted never resolves). Prometheus re-sends active and
  // recently resolved alerts every resend delay (1m), far below this.
  static constexpr int64_t kForgetAfterMs = 3600 * 1000;

  // The subset of `alerts` to notify now; each of them is marked in flight.
  std::vector<rules::AlertNotice> TakeDue(std::vector<rules::AlertNotice> alerts, int64_t now_ms,
                                          int64_t repeat_interval_ms, bool send_resolved);
  // The delivery carrying `alerts` succeeded at `now_ms`.
  void Delivered(const std::vector<TrackedAlert>& alerts, int64_t now_ms);
  // The delivery carrying `alerts` was given up or dropped: they become due
  // again at the next Send.
  void Abandoned(const std::vector<TrackedAlert>& alerts);

  size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    int64_t notified_ms = 0;  // last successful firing notification; 0 = never
    int64_t seen_ms = 0;
    bool in_flight = false;
  };
  void ForgetStale(int64_t now_ms);

  std::unordered_map<uint64_t, Entry> entries_;
  int64_t last_sweep_ms_ = 0;
};

}  // namespace vigil::notify
