// DeliveryQueue: the bounded queue of deliveries waiting to be sent or
// retried, oldest first. Its capacity counts alerts; pushing past it drops
// the oldest deliveries (returned so the caller can count them and release
// their tracker state). At most one delivery per target is handed out at a
// time, so a target's messages keep their order and a hung target cannot
// occupy more than one sender. Externally synchronized.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "server/notify/delivery.h"

namespace vigil::notify {

class DeliveryQueue {
 public:
  explicit DeliveryQueue(size_t capacity_alerts) : capacity_(capacity_alerts) {}

  void set_capacity(size_t capacity_alerts) { capacity_ = capacity_alerts; }
  // Adds `d` in order of enqueued_ms after dropping the oldest deliveries
  // until it fits (returned). `d` itself is always kept, even when it alone
  // exceeds the capacity (config parsing keeps batch_size <= capacity).
  std::vector<Delivery> Push(Delivery d);
  // The oldest delivery with next_attempt_ms <= now whose target is not
  // busy; the target is then busy until Release(target).
  std::optional<Delivery> TakeReady(int64_t now_ms);
  void Release(const std::string& target) { busy_.erase(target); }
  // Earliest next_attempt_ms among deliveries whose target is idle, if any.
  std::optional<int64_t> NextAttemptMs() const;
  // Removes the queued (not in-flight) deliveries to newer.target whose
  // alerts all appear in `newer` (by fingerprint): a newer state of the
  // same alerts makes their retry pointless and would resurrect stale
  // state. Returns how many alerts were removed.
  size_t RemoveSupersededBy(const Delivery& newer);
  // Removes and returns every delivery whose target is not in `keep`.
  std::vector<Delivery> RemoveTargetsExcept(const std::set<std::string>& keep);
  std::vector<Delivery> RemoveAll();

  size_t deliveries() const { return items_.size(); }
  size_t alerts() const { return alerts_; }
  size_t busy() const { return busy_.size(); }

 private:
  size_t capacity_;
  size_t alerts_ = 0;
  std::deque<Delivery> items_;
  std::set<std::string> busy_;
};

}  // namespace vigil::notify
