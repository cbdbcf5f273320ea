#include "server/self_metrics.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace vigil::server {

namespace {

enum MetricType { kCounter = 0, kGauge = 1, kHistogram = 2 };

const char* TypeName(int type) {
  switch (type) {
    case kCounter:
      return "counter";
    case kGauge:
      return "gauge";
    default:
      return "histogram";
  }
}

// Go's strconv.FormatFloat(v, 'g', -1, 64), as client_golang writes sample
// values and `le` bounds: shortest round-trip digits, exponent form when the
// decimal exponent is < -4 or >= 6 (Go decides with precision 6 when printing
// the shortest form): 1e+06, 123456, 0.0001, 1.5e-05, 1.7e+09.
std::string FormatValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (v == 0) return std::signbit(v) ? "-0" : "0";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::scientific);
  std::string sci(buf, res.ptr);  // e.g. "-1.2345e+06"
  bool neg = sci[0] == '-';
  if (neg) sci.erase(0, 1);
  size_t e = sci.find('e');
  int exp = std::atoi(sci.c_str() + e + 1);
  std::string digits;
  for (size_t i = 0; i < e; ++i) {
    if (sci[i] != '.') digits.push_back(sci[i]);
  }
  std::string out = neg ? "-" : "";
  if (exp < -4 || exp >= 6) {
    // d.ddde±XX with at least two exponent digits.
    out += digits[0];
    if (digits.size() > 1) out += "." + digits.substr(1);
    out += exp < 0 ? "e-" : "e+";
    int a = std::abs(exp);
    if (a < 10) out += '0';
    out += std::to_string(a);
  } else if (exp < 0) {
    out += "0." + std::string(static_cast<size_t>(-exp - 1), '0') + digits;
  } else if (static_cast<size_t>(exp) + 1 >= digits.size()) {
    out += digits + std::string(static_cast<size_t>(exp) + 1 - digits.size(), '0');
  } else {
    out += digits.substr(0, exp + 1) + "." + digits.substr(exp + 1);
  }
  return out;
}

void AppendEscapedLabelValue(std::string* out, const std::string& v) {
  for (char c : v) {
    if (c == '\\') {
      *out += "\\\\";
    } else if (c == '"') {
      *out += "\\\"";
    } else if (c == '\n') {
      *out += "\\n";
    } else {
      out->push_back(c);
    }
  }
}

std::string EscapeHelp(const std::string& h) {
  std::string out;
  for (char c : h) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

// "{a="x",b="y"}" (with an optional extra label last), or "" for no labels.
std::string LabelText(const MetricLabels& labels, const char* extra_name = nullptr,
                      const std::string& extra_value = "") {
  if (labels.empty() && extra_name == nullptr) return "";
  std::string out = "{";
  bool first = true;
  for (const auto& [k, v] : labels) {
    if (!first) out += ',';
    first = false;
    out += k + "=\"";
    AppendEscapedLabelValue(&out, v);
    out += '"';
  }
  if (extra_name != nullptr) {
    if (!first) out += ',';
    out += std::string(extra_name) + "=\"";
    AppendEscapedLabelValue(&out, extra_value);
    out += '"';
  }
  out += '}';
  return out;
}

MetricLabels Canonical(MetricLabels labels) {
  std::sort(labels.begin(), labels.end());
  return labels;
}

}  // namespace

void Counter::Inc(double v) {
  double cur = value_.load(std::memory_order_relaxed);
  while (!value_.compare_exchange_weak(cur, cur + v, std::memory_order_relaxed)) {
  }
}

void Gauge::Add(double v) {
  double cur = value_.load(std::memory_order_relaxed);
  while (!value_.compare_exchange_weak(cur, cur + v, std::memory_order_relaxed)) {
  }
}

Histogram::Histogram(std::vector<double> upper_bounds) : bounds_(std::move(upper_bounds)) {
  std::sort(bounds_.begin(), bounds_.end());
  bounds_.erase(std::unique(bounds_.begin(), bounds_.end()), bounds_.end());
  if (!bounds_.empty() && std::isinf(bounds_.back()) && bounds_.back() > 0) bounds_.pop_back();  // +Inf is implicit
  counts_ = std::make_unique<std::atomic<uint64_t>[]>(bounds_.size() + 1);
  for (size_t i = 0; i <= bounds_.size(); ++i) counts_[i].store(0, std::memory_order_relaxed);
}

void Histogram::Observe(double v) {
  // First bucket whose upper bound is >= v (buckets are "le"); NaN → +Inf.
  size_t i = std::isnan(v) ? bounds_.size()
                           : static_cast<size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), v) - bounds_.begin());
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  double cur = sum_.load(std::memory_order_relaxed);
  while (!sum_.compare_exchange_weak(cur, cur + v, std::memory_order_relaxed)) {
  }
}

std::vector<uint64_t> Histogram::CumulativeCounts() const {
  std::vector<uint64_t> out(bounds_.size() + 1);
  uint64_t acc = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    acc += counts_[i].load(std::memory_order_relaxed);
    out[i] = acc;
  }
  return out;
}

struct MetricsRegistry::Family {
  std::string name;
  std::string help;
  int type;
  struct Entry {
    MetricLabels labels;  // sorted by name
    std::unique_ptr<Counter> counter;
    std::unique_ptr<Gauge> gauge;
    std::unique_ptr<Histogram> histogram;
  };
  std::vector<std::unique_ptr<Entry>> entries;
  // Metrics asked for under this name with another type: kept alive for the
  // caller, not exported.
  std::vector<std::unique_ptr<Entry>> orphans;

  Entry* Find(const MetricLabels& labels) {
    for (auto& e : entries) {
      if (e->labels == labels) return e.get();
    }
    return nullptr;
  }
};

MetricsRegistry::MetricsRegistry() = default;
MetricsRegistry::~MetricsRegistry() = default;

MetricsRegistry::Family* MetricsRegistry::FamilyFor(const std::string& name, const std::string& help, int type) {
  for (auto& f : families_) {
    if (f->name == name) return f.get();
  }
  auto f = std::make_unique<Family>();
  f->name = name;
  f->help = help;
  f->type = type;
  families_.push_back(std::move(f));
  return families_.back().get();
}

Counter* MetricsRegistry::GetCounter(const std::string& name, const std::string& help, const MetricLabels& labels) {
  std::lock_guard<std::mutex> lock(mu_);
  Family* f = FamilyFor(name, help, kCounter);
  MetricLabels key = Canonical(labels);
  auto& list = f->type == kCounter ? f->entries : f->orphans;
  if (f->type == kCounter) {
    if (Family::Entry* e = f->Find(key)) return e->counter.get();
  }
  auto e = std::make_unique<Family::Entry>();
  e->labels = std::move(key);
  e->counter = std::make_unique<Counter>();
  list.push_back(std::move(e));
  return list.back()->counter.get();
}

Gauge* MetricsRegistry::GetGauge(const std::string& name, const std::string& help, const MetricLabels& labels) {
  std::lock_guard<std::mutex> lock(mu_);
  Family* f = FamilyFor(name, help, kGauge);
  MetricLabels key = Canonical(labels);
  auto& list = f->type == kGauge ? f->entries : f->orphans;
  if (f->type == kGauge) {
    if (Family::Entry* e = f->Find(key)) return e->gauge.get();
  }
  auto e = std::make_unique<Family::Entry>();
  e->labels = std::move(key);
  e->gauge = std::make_unique<Gauge>();
  list.push_back(std::move(e));
  return list.back()->gauge.get();
}

Histogram* MetricsRegistry::GetHistogram(const std::string& name, const std::string& help,
                                         const std::vector<double>& bounds, const MetricLabels& labels) {
  std::lock_guard<std::mutex> lock(mu_);
  Family* f = FamilyFor(name, help, kHistogram);
  MetricLabels key = Canonical(labels);
  auto& list = f->type == kHistogram ? f->entries : f->orphans;
  if (f->type == kHistogram) {
    if (Family::Entry* e = f->Find(key)) return e->histogram.get();
  }
  auto e = std::make_unique<Family::Entry>();
  e->labels = std::move(key);
  e->histogram = std::make_unique<Histogram>(bounds);
  list.push_back(std::move(e));
  return list.back()->histogram.get();
}

void MetricsRegistry::AddCollector(std::function<void(std::string* out)> fn) {
  std::lock_guard<std::mutex> lock(mu_);
  collectors_.push_back(std::move(fn));
}

std::string MetricsRegistry::Render() const {
  std::string out;
  std::vector<std::function<void(std::string*)>> collectors;
  {
    std::lock_guard<std::mutex> lock(mu_);
    // Families sorted by name and series by labels, as client_golang does.
    std::vector<const Family*> fams;
    for (const auto& f : families_) fams.push_back(f.get());
    std::sort(fams.begin(), fams.end(), [](const Family* a, const Family* b) { return a->name < b->name; });
    for (const Family* f : fams) {
      if (f->entries.empty()) continue;
      out += "# HELP " + f->name + " " + EscapeHelp(f->help) + "\n";
      out += "# TYPE " + f->name + " " + TypeName(f->type) + "\n";
      std::vector<const Family::Entry*> entries;
      for (const auto& e : f->entries) entries.push_back(e.get());
      std::sort(entries.begin(), entries.end(),
                [](const Family::Entry* a, const Family::Entry* b) { return a->labels < b->labels; });
      for (const Family::Entry* e : entries) {
        if (f->type == kCounter) {
          out += f->name + LabelText(e->labels) + " " + FormatValue(e->counter->value()) + "\n";
        } else if (f->type == kGauge) {
          out += f->name + LabelText(e->labels) + " " + FormatValue(e->gauge->value()) + "\n";
        } else {
          const Histogram& h = *e->histogram;
          std::vector<uint64_t> cum = h.CumulativeCounts();
          const auto& bounds = h.upper_bounds();
          for (size_t i = 0; i < cum.size(); ++i) {
            std::string le = i < bounds.size() ? FormatValue(bounds[i]) : "+Inf";
            out += f->name + "_bucket" + LabelText(e->labels, "le", le) + " " + std::to_string(cum[i]) + "\n";
          }
          out += f->name + "_sum" + LabelText(e->labels) + " " + FormatValue(h.sum()) + "\n";
          out += f->name + "_count" + LabelText(e->labels) + " " + std::to_string(cum.back()) + "\n";
        }
      }
    }
    collectors = collectors_;
  }
  // Collectors run without the lock: they may be slow (DB statistics).
  for (const auto& c : collectors) c(&out);
  return out;
}

const std::vector<double>& MetricsRegistry::DefaultLatencyBuckets() {
  static const std::vector<double> kBuckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
  return kBuckets;
}

}  // namespace vigil::server
