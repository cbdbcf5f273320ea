// Notifier: Send() turns alerts into deliveries under one mutex and returns;
// sender threads (one per target, so a hung target holds only its own
// thread) post them with libcurl outside the lock, then record the verdict:
// delivered, retried after a doubling backoff, or given up.
#include "server/notify/notifier.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "server/notify/alert_format.h"
#include "server/notify/delivery_queue.h"
#include "server/notify/notify_metrics.h"
#include "server/notify/payloads.h"
#include "server/notify/receiver_route.h"

namespace vigil::notify {

namespace {

constexpr size_t kMaxSenderThreads = 32;
// Upper bound of one idle wait: a test clock (NotifierOptions::now_ms) that
// jumps forward is noticed within this.
constexpr auto kMaxIdleWait = std::chrono::milliseconds(50);

int64_t SystemNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string AlertmanagerTargetName(const AlertmanagerTarget& am) { return "alertmanager " + am.url; }

// How logs name a delivery's target: the Alertmanager's URL or the
// receiver's name, never a receiver's URL (a secret).
std::string LogName(const Delivery& d) {
  return d.kind == TargetKind::kAlertmanager ? d.target : "receiver " + d.target;
}

TargetKind KindOf(ReceiverType t) {
  switch (t) {
    case ReceiverType::kSlack: return TargetKind::kSlack;
    case ReceiverType::kPagerDuty: return TargetKind::kPagerDuty;
    case ReceiverType::kWebhook: return TargetKind::kWebhook;
  }
  return TargetKind::kWebhook;
}

// The alert's labels plus each external label it does not set itself.
rules::AlertNotice WithExternalLabels(rules::AlertNotice a, const Labels& external) {
  if (external.empty()) return a;
  std::vector<std::pair<std::string_view, std::string_view>> pairs;
  for (const LabelView& l : a.labels) pairs.emplace_back(l.name, l.value);
  for (const LabelView& l : external) {
    if (!a.labels.Has(l.name)) pairs.emplace_back(l.name, l.value);
  }
  Result<Labels> merged = Labels::FromPairs(std::move(pairs));
  if (merged.ok()) a.labels = std::move(*merged);
  return a;
}

}  // namespace

struct Notifier::Impl {
  struct Receiver {
    ReceiverConfig config;
    ReceiverRoute route;
  };

  NotifierOptions options;
  NotifyMetrics metrics;
  PayloadContext payload_ctx;

  mutable std::mutex mu;
  std::condition_variable cv;
  AlertingConfig config;                               // guarded by mu
  std::vector<Receiver> receivers;                     // guarded by mu
  std::map<std::string, RepeatTracker> trackers;       // by receiver name; guarded by mu
  DeliveryQueue queue{10'000};                         // guarded by mu
  std::vector<std::thread> senders;                    // guarded by mu
  bool started = false, stopping = false;              // guarded by mu
  std::atomic<bool> cancel{false};                     // aborts transfers in flight

  Impl(NotifierOptions o, server::MetricsRegistry* registry) : options(std::move(o)), metrics(registry) {
    if (!options.now_ms) options.now_ms = SystemNowMs;
    payload_ctx.external_url = options.external_url;
  }

  int64_t Now() const { return options.now_ms(); }

  // REQUIRES: mu held.
  void ApplyConfig(AlertingConfig c) {
    std::vector<Receiver> next;
    for (const ReceiverConfig& r : c.receivers) {
      Result<ReceiverRoute> route = ReceiverRoute::Compile(r);
      if (!route.ok()) {
        std::fprintf(stderr, "vigil: notify: %s; receiver disabled\n", route.status().message().c_str());
        continue;
      }
      next.push_back({r, std::move(*route)});
    }
    std::set<std::string> targets;
    for (const AlertmanagerTarget& am : c.alertmanagers) targets.insert(AlertmanagerTargetName(am));
    std::map<std::string, RepeatTracker> kept;
    for (const Receiver& r : next) {
      targets.insert(r.config.name);
      auto it = trackers.find(r.config.name);
      kept[r.config.name] = it != trackers.end() ? std::move(it->second) : RepeatTracker();
    }
    trackers = std::move(kept);
    receivers = std::move(next);
    queue.set_capacity(static_cast<size_t>(c.queue_capacity));
    for (Delivery& d : queue.RemoveTargetsExcept(targets)) metrics.Dropped(d.alert_count);
    config = std::move(c);
    if (started && !stopping) SpawnSenders();
    metrics.QueueLength(queue.alerts());
  }

  // One sender per target, so that a target that never answers holds only
  // its own thread. REQUIRES: mu held.
  void SpawnSenders() {
    size_t want = std::clamp<size_t>(config.alertmanagers.size() + receivers.size(), 1, kMaxSenderThreads);
    while (senders.size() < want) senders.emplace_back([this] { SenderLoop(); });
  }

  // REQUIRES: mu held.
  void Enqueue(Delivery d) {
    int64_t now = Now();
    d.enqueued_ms = now;
    d.next_attempt_ms = now;
    d.backoff_ms = config.retry_initial_backoff_ms;
    for (Delivery& lost : queue.Push(std::move(d))) Drop(lost, "queue full: oldest dropped");
  }

  // REQUIRES: mu held.
  void Drop(const Delivery& d, const char* why) {
    metrics.Dropped(d.alert_count);
    auto it = trackers.find(d.target);
    if (it != trackers.end()) it->second.Abandoned(d.tracked);
    std::fprintf(stderr, "vigil: notify: %s: %zu alert(s) dropped: %s\n", LogName(d).c_str(), d.alert_count, why);
  }

  Delivery NewDelivery(const std::string& target, TargetKind kind, const std::string& url, int64_t timeout_ms,
                       std::string body) const {
    Delivery d;
    d.target = target;
    d.kind = kind;
    d.post.url = url;
    d.post.body = std::move(body);
    d.post.timeout_ms = timeout_ms;
    d.post.headers = {{"Content-Type", "application/json"}, {"User-Agent", options.user_agent}};
    return d;
  }

  // REQUIRES: mu held.
  void EnqueueAlertmanagers(const std::vector<rules::AlertNotice>& alerts) {
    const size_t batch = static_cast<size_t>(std::max<int64_t>(1, config.batch_size));
    for (size_t begin = 0; begin < alerts.size(); begin += batch) {
      std::vector<rules::AlertNotice> part(alerts.begin() + static_cast<std::ptrdiff_t>(begin),
                                           alerts.begin() + static_cast<std::ptrdiff_t>(std::min(alerts.size(), begin + batch)));
      const std::string body = AlertmanagerBatchJson(part);
      for (const AlertmanagerTarget& am : config.alertmanagers) {
        Delivery d = NewDelivery(AlertmanagerTargetName(am), TargetKind::kAlertmanager, am.url, am.timeout_ms, body);
        d.alert_count = part.size();
        for (const rules::AlertNotice& a : part) d.tracked.push_back({LabelFingerprint(a.labels), a.resolved});
        // Retries of older states of these alerts would only resurrect them.
        queue.RemoveSupersededBy(d);
        Enqueue(std::move(d));
      }
    }
  }

  // REQUIRES: mu held.
  void EnqueueReceiver(const Receiver& r, const std::vector<rules::AlertNotice>& alerts) {
    std::vector<rules::AlertNotice> matched;
    for (const rules::AlertNotice& a : alerts) {
      if (r.route.Matches(a.labels)) matched.push_back(a);
    }
    if (matched.empty()) return;
    const ReceiverConfig& c = r.config;
    std::vector<rules::AlertNotice> due =
        trackers[c.name].TakeDue(std::move(matched), Now(), c.repeat_interval_ms, c.send_resolved);
    if (due.empty()) return;
    auto tracked = [](const std::vector<rules::AlertNotice>& list) {
      std::vector<TrackedAlert> out;
      for (const rules::AlertNotice& a : list) out.push_back({LabelFingerprint(a.labels), a.resolved});
      return out;
    };
    if (c.type == ReceiverType::kPagerDuty) {
      for (const rules::AlertNotice& a : due) {
        Delivery d = NewDelivery(c.name, TargetKind::kPagerDuty, c.url, c.timeout_ms, PagerDutyEventJson(c, a, payload_ctx));
        d.alert_count = 1;
        d.tracked = tracked({a});
        Enqueue(std::move(d));
      }
      return;
    }
    // Webhook and Slack: one message per alertname (Alertmanager's group_by).
    std::map<std::string, std::vector<rules::AlertNotice>> by_name;
    for (rules::AlertNotice& a : due) by_name[std::string(a.labels.Get("alertname"))].push_back(std::move(a));
    for (const auto& [name, group] : by_name) {
      std::string body = c.type == ReceiverType::kSlack ? SlackMessageJson(c, name, group, payload_ctx)
                                                        : WebhookMessageJson(c, name, group, payload_ctx);
      Delivery d = NewDelivery(c.name, KindOf(c.type), c.url, c.timeout_ms, std::move(body));
      d.alert_count = group.size();
      d.tracked = tracked(group);
      Enqueue(std::move(d));
    }
  }

  void Send(std::vector<rules::AlertNotice> alerts) {
    if (alerts.empty()) return;
    std::unique_lock<std::mutex> lock(mu);
    if (stopping) {
      metrics.Dropped(alerts.size());
      return;
    }
    for (rules::AlertNotice& a : alerts) a = WithExternalLabels(std::move(a), options.external_labels);
    EnqueueAlertmanagers(alerts);
    for (const Receiver& r : receivers) EnqueueReceiver(r, alerts);
    metrics.QueueLength(queue.alerts());
    lock.unlock();
    cv.notify_all();
  }

  // A sender thread: takes the oldest ready delivery of an idle target,
  // posts it without holding mu, records the verdict; until Stop().
  void SenderLoop() {
    std::unique_lock<std::mutex> lock(mu);
    while (!stopping) {
      std::optional<Delivery> d = queue.TakeReady(Now());
      if (!d) {
        auto wait = kMaxIdleWait;
        if (std::optional<int64_t> next = queue.NextAttemptMs()) {
          wait = std::min(wait, std::chrono::milliseconds(std::max<int64_t>(1, *next - Now())));
        }
        cv.wait_for(lock, wait);
        continue;
      }
      metrics.QueueLength(queue.alerts());
      lock.unlock();
      const auto started_at = std::chrono::steady_clock::now();
      HttpAnswer answer = PostHttp(d->post, &cancel);
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_at).count();
      Verdict verdict = ClassifyAnswer(d->kind, answer);
      lock.lock();
      queue.Release(d->target);
      Record(std::move(*d), verdict, seconds);
      metrics.QueueLength(queue.alerts());
      cv.notify_all();
    }
  }

  // REQUIRES: mu held.
  void Record(Delivery d, const Verdict& verdict, double seconds) {
    metrics.Latency(d.target, seconds);
    const int64_t now = Now();
    if (verdict.outcome == Outcome::kDelivered) {
      metrics.Sent(d.target, d.alert_count);
      auto it = trackers.find(d.target);
      if (it != trackers.end()) it->second.Delivered(d.tracked, now);
      return;
    }
    metrics.Errors(d.target, d.alert_count);
    d.attempts++;
    std::fprintf(stderr, "vigil: notify: %s: attempt %d failed: %s\n", LogName(d).c_str(), d.attempts,
                 verdict.reason.c_str());
    if (verdict.outcome == Outcome::kFailed) return Drop(d, "error not retryable");
    if (stopping) return Drop(d, "shutting down");
    if (now + d.backoff_ms - d.enqueued_ms > config.retry_max_age_ms) return Drop(d, "retries given up (max_age)");
    d.next_attempt_ms = now + d.backoff_ms;
    d.backoff_ms = std::min(d.backoff_ms * 2, config.retry_max_backoff_ms);
    for (Delivery& lost : queue.Push(std::move(d))) Drop(lost, "queue full: oldest dropped");
  }
};

Notifier::Notifier(AlertingConfig config, NotifierOptions options, server::MetricsRegistry* metrics)
    : impl_(std::make_unique<Impl>(std::move(options), metrics)) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->ApplyConfig(std::move(config));
}

Notifier::~Notifier() { Stop(true); }

void Notifier::Start() {
  std::lock_guard<std::mutex> lock(impl_->mu);
  if (impl_->started || impl_->stopping) return;
  impl_->started = true;
  impl_->SpawnSenders();
}

void Notifier::Stop(bool drain, int64_t drain_ms) {
  std::vector<std::thread> senders;
  {
    std::unique_lock<std::mutex> lock(impl_->mu);
    if (impl_->stopping) return;
    if (drain && impl_->started) {
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(drain_ms);
      impl_->cv.wait_until(lock, deadline, [&] { return impl_->queue.deliveries() == 0 && impl_->queue.busy() == 0; });
    }
    impl_->stopping = true;
    impl_->cancel = true;
    for (Delivery& d : impl_->queue.RemoveAll()) impl_->Drop(d, "shutting down");
    impl_->metrics.QueueLength(0);
    senders = std::move(impl_->senders);
  }
  impl_->cv.notify_all();
  for (std::thread& t : senders) t.join();
}

void Notifier::Send(int64_t /*eval_time_ms*/, std::vector<rules::AlertNotice> alerts) {
  impl_->Send(std::move(alerts));
}

void Notifier::Reconfigure(AlertingConfig config) {
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    impl_->ApplyConfig(std::move(config));
  }
  impl_->cv.notify_all();
}

size_t Notifier::QueueLength() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->queue.alerts();
}

}  // namespace vigil::notify
