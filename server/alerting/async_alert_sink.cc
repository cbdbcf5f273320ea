#include "server/alerting/async_alert_sink.h"

namespace vigil::server::alerting {

AsyncAlertSink::AsyncAlertSink(rules::AlertSink* downstream, size_t max_queued_alerts)
    : downstream_(downstream), max_queued_alerts_(max_queued_alerts) {}

AsyncAlertSink::~AsyncAlertSink() { Stop(); }

void AsyncAlertSink::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (thread_.joinable() || stopping_) return;
  thread_ = std::thread([this] { Run(); });
}

void AsyncAlertSink::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void AsyncAlertSink::Send(int64_t eval_time_ms, std::vector<rules::AlertNotice> alerts) {
  if (alerts.empty()) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    queued_alerts_ += alerts.size();
    queue_.push_back(Batch{eval_time_ms, std::move(alerts)});
    while (queued_alerts_ > max_queued_alerts_ && queue_.size() > 1) {
      queued_alerts_ -= queue_.front().alerts.size();
      dropped_alerts_ += queue_.front().alerts.size();
      queue_.pop_front();
    }
  }
  cv_.notify_one();
}

void AsyncAlertSink::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping and drained
    Batch batch = std::move(queue_.front());
    queue_.pop_front();
    queued_alerts_ -= batch.alerts.size();
    size_t n = batch.alerts.size();
    lock.unlock();
    if (downstream_ != nullptr) downstream_->Send(batch.eval_time_ms, std::move(batch.alerts));
    lock.lock();
    delivered_alerts_ += n;
  }
}

size_t AsyncAlertSink::queued_alerts() const {
  std::lock_guard<std::mutex> lock(mu_);
  return queued_alerts_;
}

uint64_t AsyncAlertSink::dropped_alerts() const {
  std::lock_guard<std::mutex> lock(mu_);
  return dropped_alerts_;
}

uint64_t AsyncAlertSink::delivered_alerts() const {
  std::lock_guard<std::mutex> lock(mu_);
  return delivered_alerts_;
}

}  // namespace vigil::server::alerting
