// vigil's own metrics, exported at GET /metrics in the Prometheus text format
// (version 0.0.4): counters, gauges and histograms with fixed label sets,
// plus collectors that compute values at scrape time (DB statistics).
// Thread-safe: metric updates are lock-free atomics; registration locks.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace vigil::server {

using MetricLabels = std::vector<std::pair<std::string, std::string>>;

class Counter {
 public:
  void Inc(double v = 1);
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Gauge {
 public:
  void Set(double v) { value_.store(v, std::memory_order_relaxed); }
  void Add(double v);
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Histogram {
 public:
  explicit Histogram(std::vector<double> upper_bounds);
  void Observe(double v);
  // Cumulative counts per bound (+Inf last), sum and count.
  std::vector<uint64_t> CumulativeCounts() const;
  double sum() const { return sum_.load(std::memory_order_relaxed); }
  const std::vector<double>& upper_bounds() const { return bounds_; }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> counts_;  // per bucket (not cumulative), +Inf last
  std::atomic<double> sum_{0};
};

class MetricsRegistry {
 public:
  MetricsRegistry();
  ~MetricsRegistry();  // out of line: Family is defined in the .cc
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  // Returns the metric for (name, labels), creating it; the pointer lives
  // as long as the registry. A name keeps the type and help of its first
  // registration.
  Counter* GetCounter(const std::string& name, const std::string& help, const MetricLabels& labels = {});
  Gauge* GetGauge(const std::string& name, const std::string& help, const MetricLabels& labels = {});
  Histogram* GetHistogram(const std::string& name, const std::string& help, const std::vector<double>& bounds,
                          const MetricLabels& labels = {});
  // fn appends complete exposition lines (with # HELP/# TYPE) at scrape.
  void AddCollector(std::function<void(std::string* out)> fn);
  // The whole exposition text.
  std::string Render() const;

  static const std::vector<double>& DefaultLatencyBuckets();  // .005 … 60 s

 private:
  struct Family;
  Family* FamilyFor(const std::string& name, const std::string& help, int type);
  mutable std::mutex mu_;
  std::vector<std::unique_ptr<Family>> families_;
  std::vector<std::function<void(std::string*)>> collectors_;
};

}  // namespace vigil::server
