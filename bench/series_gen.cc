#include "bench/series_gen.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace vigil::gen {
namespace {

using Slot = SeriesGenerator::Slot;
using Family = SeriesGenerator::Family;
constexpr size_t kPer = SeriesGenerator::kSeriesPerTarget;

// splitmix64: the only randomness source, so output is libstdc++-independent.
inline uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}
inline uint64_t Hash(uint64_t seed, uint64_t a, uint64_t b, uint64_t salt) {
  return Mix(Mix(Mix(seed ^ salt) ^ a) ^ b);
}
inline uint64_t Next(uint64_t& s) { return Mix(s++); }
inline double Uniform(uint64_t& s) { return static_cast<double>(Next(s) >> 11) * 0x1p-53; }
inline double LogUniform(uint64_t& s, double lo, double hi) {
  return lo * std::pow(hi / lo, Uniform(s));
}
// Approximately standard normal (Irwin-Hall of 4): cheap and deterministic.
inline double Normal(uint64_t& s) {
  double sum = Uniform(s) + Uniform(s) + Uniform(s) + Uniform(s);
  return (sum - 2.0) * 1.7320508075688772;
}
int64_t Poisson(uint64_t& s, double lambda, double exp_neg_lambda) {
  if (lambda < 12) {  // Knuth
    int64_t k = 0;
    double p = Uniform(s);
    while (p > exp_neg_lambda) {
      ++k;
      p *= Uniform(s);
    }
    return k;
  }
  return std::max<int64_t>(0, std::llround(lambda + std::sqrt(lambda) * Normal(s)));
}
int64_t Binomial(uint64_t& s, int64_t n, double p) {
  if (n <= 16) {
    int64_t k = 0;
    for (int64_t i = 0; i < n; ++i) k += Uniform(s) < p;
    return k;
  }
  double mean = n * p, sd = std::sqrt(mean * (1 - p));
  return std::clamp<int64_t>(std::llround(mean + sd * Normal(s)), 0, n);
}

enum Salt : uint64_t { kSaltSlot = 1, kSaltFamily, kSaltJitter, kSaltChurn, kSaltReset, kSaltTarget, kSaltOffset };

constexpr const char* kLe[12] = {"0.005", "0.01", "0.025", "0.05", "0.1", "0.25",
                                 "0.5",   "1",    "2.5",   "5",    "10",  "+Inf"};
constexpr double kLeValue[11] = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
constexpr const char* kJobs[6] = {"api-gateway", "checkout", "payments", "search", "inventory", "auth"};
constexpr const char* kRoutes[5] = {"/api/v1/orders", "/api/v1/users/:id", "/api/v1/cart", "/healthz",
                                    "/api/v1/search"};
constexpr const char* kGrpc[5] = {"GetUser", "ListOrders", "CreateOrder", "Check", "Watch"};
constexpr const char* kDevices[4] = {"eth0", "eth1", "lo", "docker0"};
// (method, status_code, rate multiplier) per counter position 12..31 mod 4.
struct Combo { const char* method; const char* code; double mult; };
constexpr Combo kCombos[4] = {{"GET", "200", 1.0}, {"GET", "404", 0.05}, {"POST", "200", 0.3},
                              {"GET", "500", 0.01}};

Kind KindAt(size_t pos) {
  if (pos < 12) return Kind::kHistogramBucket;
  if (pos < 41) return Kind::kCounter;
  return (pos % 2 == 1) ? Kind::kGaugeFloat : Kind::kGaugeConst;  // 41,43,45,47 float
}

LabelPairs MakeLabels(const GenOptions& o, size_t target, uint32_t gen, size_t pos) {
  const char* job = kJobs[target % 6];
  char buf[64];
  LabelPairs l;
  std::snprintf(buf, sizeof buf, "10.%zu.%zu.%zu:%d", (target >> 16) & 255, (target >> 8) & 255,
                target & 255, 8080 + static_cast<int>(target % 3));
  l.emplace_back("instance", buf);
  l.emplace_back("job", job);
  std::snprintf(buf, sizeof buf, "%s-%05llx", job,
                static_cast<unsigned long long>(Hash(o.seed, target, gen, kSaltTarget) & 0xfffff));
  l.emplace_back("pod", buf);
  if (pos < 12) {
    l.emplace_back("__name__", "http_request_duration_seconds_bucket");
    l.emplace_back("le", kLe[pos]);
    l.emplace_back("method", "GET");
    l.emplace_back("route", kRoutes[target % 5]);
  } else if (pos < 32) {
    const Combo& c = kCombos[(pos - 12) % 4];
    l.emplace_back("__name__", "http_requests_total");
    l.emplace_back("method", c.method);
    l.emplace_back("route", kRoutes[(pos - 12) / 4]);
    l.emplace_back("status_code", c.code);
  } else if (pos < 37) {
    l.emplace_back("__name__", "grpc_server_handled_total");
    l.emplace_back("grpc_code", "OK");
    l.emplace_back("grpc_method", kGrpc[pos - 32]);
    l.emplace_back("grpc_service", "shop.v1.Store");
  } else if (pos < 41) {
    l.emplace_back("__name__", "node_network_receive_packets_total");
    l.emplace_back("device", kDevices[pos - 37]);
  } else {
    static constexpr const char* kGauges[7] = {
        "node_load1", "up", "node_hwmon_temp_celsius", "process_max_fds",
        "queue_wait_seconds_avg", "build_info", "process_resident_memory_megabytes"};
    l.emplace_back("__name__", kGauges[pos - 41]);
    if (pos == 46) l.emplace_back("version", "1.4.2");
  }
  std::sort(l.begin(), l.end());
  return l;
}

void SetCounterRate(Slot& s, double per_second, double interval_s) {
  s.lambda = per_second * interval_s;
  s.exp_neg_lambda = std::exp(-s.lambda);
}

Slot InitSlot(const GenOptions& o, size_t target, uint32_t gen, size_t pos) {
  Slot s;
  s.rng = Hash(o.seed, target * kPer + pos, gen, kSaltSlot);
  const double interval_s = o.interval_ms / 1000.0;
  switch (KindAt(pos)) {
    case Kind::kHistogramBucket:
      break;  // the family holds the state
    case Kind::kCounter: {
      double rate;
      if (pos < 32) {
        rate = LogUniform(s.rng, 0.01, 50) * kCombos[(pos - 12) % 4].mult;
      } else if (pos < 37) {
        rate = LogUniform(s.rng, 0.01, 20);
      } else {
        rate = LogUniform(s.rng, 1, 1000);
      }
      SetCounterRate(s, rate, interval_s);
      // A target seen for the first time has been up for a while; a churned
      // one (new pod) starts from zero.
      s.state = gen == 0 ? static_cast<int64_t>(s.lambda * Uniform(s.rng) * 20000) : 0;
      s.value = static_cast<double>(s.state);
      break;
    }
    case Kind::kGaugeFloat: {
      int digits = 3 + static_cast<int>(Next(s.rng) % 2);
      int decade = static_cast<int>(Next(s.rng) % 7) - 3;  // value ~ 10^decade
      s.lo = (digits == 3) ? 100 : 1000;
      s.hi = s.lo * 10 - 1;
      s.scale = digits - 1 - decade;
      s.step = 1 + static_cast<int64_t>(Next(s.rng) % static_cast<uint64_t>(s.lo / 20));
      s.state = s.lo + static_cast<int64_t>(Next(s.rng) % static_cast<uint64_t>(s.hi - s.lo));
      break;
    }
    case Kind::kGaugeConst:
      s.value = pos == 44 ? 1048576.0 : 1.0;
      break;
  }
  return s;
}

double GaugeValue(const Slot& s) {
  // Exactly what parsing the exposition text "%.{scale}f" would give.
  static constexpr double kPow10[8] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7};
  if (s.scale >= 0) return static_cast<double>(s.state) / kPow10[s.scale];
  return static_cast<double>(s.state) * kPow10[-s.scale];
}

Family InitFamily(const GenOptions& o, size_t target, uint32_t gen) {
  Family f;
  f.rng = Hash(o.seed, target, gen, kSaltFamily);
  f.lambda = LogUniform(f.rng, 0.05, 50) * o.interval_ms / 1000.0;
  f.exp_neg_lambda = std::exp(-f.lambda);
  double median = LogUniform(f.rng, 0.01, 0.5), sigma = 0.6 + Uniform(f.rng);
  double cdf[12];
  for (int j = 0; j < 11; ++j) {
    cdf[j] = 0.5 * std::erfc(-(std::log(kLeValue[j] / median)) / (sigma * std::sqrt(2.0)));
  }
  cdf[11] = 1.0;
  for (int j = 0; j < 11; ++j) f.cond[j] = cdf[j + 1] > 0 ? cdf[j] / cdf[j + 1] : 0;
  if (gen == 0) {
    int64_t total = static_cast<int64_t>(f.lambda * Uniform(f.rng) * 20000);
    for (int j = 0; j < 12; ++j) f.cum[j] = static_cast<int64_t>(total * cdf[j]);
  }
  return f;
}

void StepFamily(Family& f, bool reset) {
  if (reset) std::fill(std::begin(f.cum), std::end(f.cum), 0);
  int64_t n = Poisson(f.rng, f.lambda, f.exp_neg_lambda);
  f.cum[11] += n;
  for (int j = 10; j >= 0; --j) {
    n = Binomial(f.rng, n, f.cond[j]);
    f.cum[j] += n;
  }
}

void StepSlot(Slot& s, Kind kind, bool reset) {
  switch (kind) {
    case Kind::kCounter:
      if (reset) s.state = 0;
      s.state += Poisson(s.rng, s.lambda, s.exp_neg_lambda);
      s.value = static_cast<double>(s.state);
      break;
    case Kind::kGaugeFloat: {
      uint64_t r = Next(s.rng);
      if (r % 10 >= 3) {  // 70% of scrapes see a change
        int64_t d = static_cast<int64_t>((r >> 8) % static_cast<uint64_t>(2 * s.step + 1)) - s.step;
        s.state += d;
        if (s.state < s.lo) s.state = 2 * s.lo - s.state;
        if (s.state > s.hi) s.state = 2 * s.hi - s.state;
      }
      s.value = GaugeValue(s);
      break;
    }
    case Kind::kHistogramBucket:
    case Kind::kGaugeConst:
      break;
  }
}

int64_t Jitter(const GenOptions& o, size_t target, int64_t round) {
  int64_t j = std::min(o.jitter_ms, (o.interval_ms - 1) / 2);
  if (j <= 0) return 0;
  return static_cast<int64_t>(Hash(o.seed, target, static_cast<uint64_t>(round), kSaltJitter) %
                              static_cast<uint64_t>(2 * j + 1)) - j;
}
int64_t Timestamp(const GenOptions& o, size_t target, int64_t round) {
  int64_t offset = static_cast<int64_t>(Hash(o.seed, target, 0, kSaltOffset) %
                                        static_cast<uint64_t>(o.interval_ms));
  return o.start_ms + offset + round * o.interval_ms + Jitter(o, target, round);
}
bool Chance(const GenOptions& o, size_t target, int64_t round, Salt salt, double p) {
  return static_cast<double>(Hash(o.seed, target, static_cast<uint64_t>(round), salt) >> 11) *
             0x1p-53 < p;
}
bool ResetAt(const GenOptions& o, size_t target, int64_t round) {
  return round > 0 && Chance(o, target, round, kSaltReset, o.resets_per_day * o.interval_ms / 86400000.0);
}
bool ChurnAt(const GenOptions& o, size_t target, int64_t round) {
  return round > 0 && Chance(o, target, round, kSaltChurn, o.churn_per_hour * o.interval_ms / 3600000.0);
}

}  // namespace

std::string_view KindName(Kind kind) {
  switch (kind) {
    case Kind::kCounter: return "counter";
    case Kind::kHistogramBucket: return "histogram_bucket";
    case Kind::kGaugeFloat: return "gauge_float";
    case Kind::kGaugeConst: return "gauge_const";
  }
  return "unknown";
}

SeriesGenerator::SeriesGenerator(GenOptions options) : opts_(options) {
  size_t targets = (opts_.num_series + kPer - 1) / kPer;
  series_.resize(opts_.num_series);
  slots_.resize(opts_.num_series);
  values_.resize(opts_.num_series);
  families_.resize(targets);
  gens_.resize(targets);
  ts_.resize(targets);
  Restart();
}

Kind SeriesGenerator::KindOf(size_t slot) const { return KindAt(slot % kPer); }

void SeriesGenerator::InitTarget(size_t target) {
  uint32_t gen = gens_[target];
  families_[target] = InitFamily(opts_, target, gen);
  size_t end = std::min(opts_.num_series, (target + 1) * kPer);
  for (size_t i = target * kPer; i < end; ++i) {
    size_t pos = i - target * kPer;
    slots_[i] = InitSlot(opts_, target, gen, pos);
    series_[i].id = (uint64_t{gen} << 32) | i;
    series_[i].labels = MakeLabels(opts_, target, gen, pos);
    series_[i].kind = KindAt(pos);
  }
}

void SeriesGenerator::Restart() {
  next_round_ = 0;
  std::fill(gens_.begin(), gens_.end(), 0);
  for (size_t t = 0; t < gens_.size(); ++t) InitTarget(t);
}

void SeriesGenerator::StepRound(int64_t round) {
  for (size_t target = 0; target < gens_.size(); ++target) {
    if (ChurnAt(opts_, target, round)) {
      ++gens_[target];
      InitTarget(target);
    }
    ts_[target] = Timestamp(opts_, target, round);
    bool reset = ResetAt(opts_, target, round);
    Family& f = families_[target];
    StepFamily(f, reset);
    size_t end = std::min(opts_.num_series, (target + 1) * kPer);
    for (size_t i = target * kPer; i < end; ++i) {
      size_t pos = i - target * kPer;
      Kind kind = KindAt(pos);
      StepSlot(slots_[i], kind, reset);
      values_[i] = kind == Kind::kHistogramBucket ? static_cast<double>(f.cum[pos]) : slots_[i].value;
    }
  }
}

void SeriesGenerator::GenerateRound(int64_t round) {
  if (round < next_round_ - 1) Restart();
  while (next_round_ <= round) StepRound(next_round_++);
}

std::vector<Sample> SeriesGenerator::SeriesSamples(size_t slot, int64_t rounds) const {
  size_t target = slot / kPer, pos = slot % kPer;
  Kind kind = KindAt(pos);
  Slot s = InitSlot(opts_, target, 0, pos);
  Family f = InitFamily(opts_, target, 0);
  std::vector<Sample> out;
  out.reserve(static_cast<size_t>(std::max<int64_t>(rounds, 0)));
  for (int64_t r = 0; r < rounds; ++r) {
    bool reset = ResetAt(opts_, target, r);
    if (kind == Kind::kHistogramBucket) {
      StepFamily(f, reset);
      out.push_back({Timestamp(opts_, target, r), static_cast<double>(f.cum[pos])});
    } else {
      StepSlot(s, kind, reset);
      out.push_back({Timestamp(opts_, target, r), s.value});
    }
  }
  return out;
}

}  // namespace vigil::gen
