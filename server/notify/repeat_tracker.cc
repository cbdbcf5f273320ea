#include "server/notify/repeat_tracker.h"

#include "server/notify/alert_format.h"

namespace vigil::notify {

std::vector<rules::AlertNotice> RepeatTracker::TakeDue(std::vector<rules::AlertNotice> alerts, int64_t now_ms,
                                                       int64_t repeat_interval_ms, bool send_resolved) {
  ForgetStale(now_ms);
  std::vector<rules::AlertNotice> due;
  for (rules::AlertNotice& a : alerts) {
    const uint64_t fp = LabelFingerprint(a.labels);
    auto it = entries_.find(fp);
    if (a.resolved) {
      if (it == entries_.end()) continue;  // never told it fired: nothing to resolve
      it->second.seen_ms = now_ms;
      if (it->second.in_flight) continue;  // decided after that delivery ends
      if (!send_resolved || it->second.notified_ms == 0) {
        entries_.erase(it);
        continue;
      }
      it->second.in_flight = true;
      due.push_back(std::move(a));
      continue;
    }
    Entry& e = entries_[fp];
    e.seen_ms = now_ms;
    if (e.in_flight) continue;
    if (e.notified_ms != 0 && now_ms - e.notified_ms < repeat_interval_ms) continue;
    e.in_flight = true;
    due.push_back(std::move(a));
  }
  return due;
}

void RepeatTracker::Delivered(const std::vector<TrackedAlert>& alerts, int64_t now_ms) {
  for (const TrackedAlert& a : alerts) {
    auto it = entries_.find(a.fingerprint);
    if (it == entries_.end()) continue;
    if (a.resolved) {
      entries_.erase(it);
    } else {
      it->second.in_flight = false;
      it->second.notified_ms = now_ms;
    }
  }
}

void RepeatTracker::Abandoned(const std::vector<TrackedAlert>& alerts) {
  for (const TrackedAlert& a : alerts) {
    auto it = entries_.find(a.fingerprint);
    if (it == entries_.end()) continue;
    it->second.in_flight = false;
    if (!a.resolved && it->second.notified_ms == 0) entries_.erase(it);
  }
}

void RepeatTracker::ForgetStale(int64_t now_ms) {
  if (now_ms - last_sweep_ms_ < 60'000) return;
  last_sweep_ms_ = now_ms;
  for (auto it = entries_.begin(); it != entries_.end();) {
    bool stale = !it->second.in_flight && now_ms - it->second.seen_ms > kForgetAfterMs;
    it = stale ? entries_.erase(it) : std::next(it);
  }
}

}  // namespace vigil::notify
