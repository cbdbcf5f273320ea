#include "server/notify/delivery_queue.h"

#include <algorithm>
#include <unordered_set>

namespace vigil::notify {

std::vector<Delivery> DeliveryQueue::Push(Delivery d) {
  std::vector<Delivery> dropped;
  while (alerts_ + d.alert_count > capacity_ && !items_.empty()) {
    alerts_ -= items_.front().alert_count;
    dropped.push_back(std::move(items_.front()));
    items_.pop_front();
  }
  auto pos = std::upper_bound(items_.begin(), items_.end(), d.enqueued_ms,
                              [](int64_t t, const Delivery& x) { return t < x.enqueued_ms; });
  alerts_ += d.alert_count;
  items_.insert(pos, std::move(d));
  return dropped;
}

std::optional<Delivery> DeliveryQueue::TakeReady(int64_t now_ms) {
  for (auto it = items_.begin(); it != items_.end(); ++it) {
    if (it->next_attempt_ms > now_ms || busy_.contains(it->target)) continue;
    Delivery d = std::move(*it);
    items_.erase(it);
    alerts_ -= d.alert_count;
    busy_.insert(d.target);
    return d;
  }
  return std::nullopt;
}

std::optional<int64_t> DeliveryQueue::NextAttemptMs() const {
  std::optional<int64_t> next;
  for (const Delivery& d : items_) {
    if (busy_.contains(d.target)) continue;
    if (!next || d.next_attempt_ms < *next) next = d.next_attempt_ms;
  }
  return next;
}

size_t DeliveryQueue::RemoveSupersededBy(const Delivery& newer) {
  std::unordered_set<uint64_t> fresh;
  for (const TrackedAlert& a : newer.tracked) fresh.insert(a.fingerprint);
  size_t removed = 0;
  for (auto it = items_.begin(); it != items_.end();) {
    bool covered = it->target == newer.target && !it->tracked.empty() &&
                   std::all_of(it->tracked.begin(), it->tracked.end(),
                               [&](const TrackedAlert& a) { return fresh.contains(a.fingerprint); });
    if (covered) {
      removed += it->alert_count;
      alerts_ -= it->alert_count;
      it = items_.erase(it);
    } else {
      ++it;
    }
  }
  return removed;
}

std::vector<Delivery> DeliveryQueue::RemoveTargetsExcept(const std::set<std::string>& keep) {
  std::vector<Delivery> removed;
  std::deque<Delivery> kept;
  for (Delivery& d : items_) {
    if (keep.contains(d.target)) {
      kept.push_back(std::move(d));
    } else {
      alerts_ -= d.alert_count;
      removed.push_back(std::move(d));
    }
  }
  items_ = std::move(kept);
  return removed;
}

std::vector<Delivery> DeliveryQueue::RemoveAll() { return RemoveTargetsExcept({}); }

}  // namespace vigil::notify
