// Rule evaluation at scale, through the server's RuleManager: 1,000 alerting
// rules (20 groups x 50, default; thresholds over rate(...[5m]) by label,
// error ratios, histogram_quantile over rate of buckets, aggregated gauges)
// over 100k generated series in a real DB, every group evaluated every 15 s
// at its hash-spread slot. Reports the CPU seconds one evaluation round of
// all groups costs (process CPU over the measured rounds / rounds; nothing
// else runs), the slowest group's delay (from its scheduled slot to the end
// of its evaluation) and duration, and the alerts produced.
//
// A macro program (not Google Benchmark): it runs on the wall clock for
// (rounds + 1) intervals. Not part of ctest. Options (environment):
//   VIGIL_RULES_SERIES (100000), VIGIL_RULES_GROUPS (20), VIGIL_RULES_PER_GROUP
//   (50), VIGIL_RULES_ROUNDS (4), VIGIL_RULES_INTERVAL_S (15),
//   VIGIL_RULES_DATA_MIN (10: minutes of 15 s samples before the start),
//   VIGIL_RULES_FUTURE_MIN (20: minutes of samples after it, so that every
//   evaluation during the run sees full 5m windows however long it takes).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_util.h"
#include "bench/series_gen.h"
#include "engine/db.h"
#include "query/engine.h"
#include "server/alerting/rule_manager.h"
#include "tools/ingest_generated.h"

namespace vigil {
namespace {

int64_t Env(const char* name, int64_t def) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::atoll(v) : def;
}

// Counts what the groups hand over (the notifier's place).
class CountingSink final : public rules::AlertSink {
 public:
  void Send(int64_t, std::vector<rules::AlertNotice> alerts) override { sent += alerts.size(); }
  std::atomic<uint64_t> sent{0};
};

// Rule `i` of group `g`: one of eight realistic shapes, thresholds varied
// so no two rules are the same query.
std::string RuleYaml(int g, int i) {
  int k = g * 100 + i;
  double t = 1 + (k % 17);
  std::string expr;
  switch (i % 8) {
    case 0:
      expr = "sum by (job) (rate(http_requests_total{status_code=\"500\"}[5m])) / sum by (job) "
             "(rate(http_requests_total[5m])) > " + std::to_string(0.001 * t);
      break;
    case 1:
      expr = "histogram_quantile(0.99, sum by (job, le) (rate(http_request_duration_seconds_bucket[5m]))) > " +
             std::to_string(0.1 * t);
      break;
    case 2:
      expr = "sum by (job, route) (rate(http_requests_total[5m])) > " + std::to_string(5 * t);
      break;
    case 3:
      expr = "rate(node_network_receive_packets_total{device=\"eth0\"}[5m]) > " + std::to_string(10 * t);
      break;
    case 4:
      expr = "avg by (job) (node_load1) > " + std::to_string(0.5 * t);
      break;
    case 5:
      expr = "sum by (job, grpc_method) (rate(grpc_server_handled_total[5m])) < " + std::to_string(t);
      break;
    case 6:
      expr = "max by (instance) (process_resident_memory_megabytes) > " + std::to_string(100 * t);
      break;
    default:
      expr = "histogram_quantile(0.5, sum by (job, route, le) (rate(http_request_duration_seconds_bucket[5m]))) "
             "> " + std::to_string(0.05 * t);
      break;
  }
  return "      - alert: Rule_" + std::to_string(g) + "_" + std::to_string(i) + "\n        expr: '" + expr +
         "'\n        for: 5m\n        labels: {severity: " + (i % 3 == 0 ? "page" : "ticket") +
         "}\n        annotations:\n          summary: '{{ $labels.job }} at {{ $value | humanize }}'\n";
}

int Main() {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  const size_t series = static_cast<size_t>(Env("VIGIL_RULES_SERIES", 100'000));
  const int groups = static_cast<int>(Env("VIGIL_RULES_GROUPS", 20));
  const int per_group = static_cast<int>(Env("VIGIL_RULES_PER_GROUP", 50));
  const int rounds = static_cast<int>(Env("VIGIL_RULES_ROUNDS", 4));
  const int64_t interval_ms = Env("VIGIL_RULES_INTERVAL_S", 15) * 1000;
  const int64_t past_rounds = Env("VIGIL_RULES_DATA_MIN", 10) * 60'000 / 15'000;
  const int64_t data_rounds = past_rounds + Env("VIGIL_RULES_FUTURE_MIN", 20) * 60'000 / 15'000;

  bench::BenchDb bdb;
  bdb.dir = (std::filesystem::temp_directory_path() / ("vigil-rules-bench-" + std::to_string(getpid()))).string();
  std::filesystem::create_directories(bdb.dir);
  DbOptions o;
  o.sync_commits = false;
  auto db = DB::Open(bdb.dir + "/db", o);
  if (!db.ok()) return std::fprintf(stderr, "open: %s\n", db.status().ToString().c_str()), 1;
  bdb.db = std::move(db).value();

  // Data around now, so the wall-clock evaluations see full windows.
  gen::GenOptions go;
  go.num_series = series;
  go.start_ms = bench::WallMs() - past_rounds * 15'000;
  gen::SeriesGenerator generator(go);
  double t0 = bench::WallMs();
  auto ingested = tools::IngestGenerated(*bdb.db, generator, 0, data_rounds);
  if (!ingested.ok()) return std::fprintf(stderr, "ingest: %s\n", ingested.status().ToString().c_str()), 1;
  std::printf("ingested %llu samples of %zu series (%lld rounds) in %.1f s\n",
              static_cast<unsigned long long>(ingested->samples), series, static_cast<long long>(data_rounds),
              (bench::WallMs() - t0) / 1000.0);

  std::string rules_dir = bdb.dir + "/rules";
  std::filesystem::create_directories(rules_dir);
  for (int g = 0; g < groups; ++g) {
    std::ofstream f(rules_dir + "/group" + std::to_string(g) + ".yml");
    f << "groups:\n  - name: group" << g << "\n    rules:\n";
    for (int i = 0; i < per_group; ++i) f << RuleYaml(g, i);
  }

  query::Engine engine{query::EngineOptions{}};
  CountingSink sink;
  server::alerting::RuleManagerOptions mo;
  mo.engine = &engine;
  mo.db = bdb.db.get();
  mo.sink = &sink;
  server::alerting::RuleManager manager(mo);
  server::alerting::RulesConfig rc;
  rc.rule_files = {"*.yml"};
  rc.base_dir = rules_dir;
  rc.defaults.interval_ms = interval_ms;
  rc.defaults.external_url = "http://bench:9201";
  Status st = manager.Update(rc);
  if (!st.ok()) return std::fprintf(stderr, "rules: %s\n", st.ToString().c_str()), 1;
  std::vector<std::shared_ptr<const server::alerting::GroupStats>> stats;
  for (const auto& g : manager.Groups()) stats.push_back(manager.StatsFor(g->file(), g->name()));
  manager.Start();

  auto min_iterations = [&] {
    uint64_t m = UINT64_MAX;
    for (const auto& s : stats) m = std::min<uint64_t>(m, s->iterations.load());
    return m;
  };
  auto wait_rounds = [&](uint64_t n) {
    while (min_iterations() < n) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  };
  // Round 1 is the warm-up (and restore of `for` state follows round 2,
  // as in the server); rounds 2..rounds+1 are measured. A "round" ends when
  // every group has run one more evaluation.
  wait_rounds(1);
  double cpu0 = bench::ProcessCpuSeconds();
  int64_t wall0 = bench::WallMs();
  double worst_delay = 0, worst_duration = 0, sum_duration = 0;
  std::vector<double> round_cpu;
  for (int r = 0; r < rounds; ++r) {
    double before = bench::ProcessCpuSeconds();
    wait_rounds(2 + r);
    round_cpu.push_back(bench::ProcessCpuSeconds() - before);
    for (const auto& s : stats) {
      worst_delay = std::max(worst_delay, s->last_delay_seconds.load());
      worst_duration = std::max(worst_duration, s->last_duration_seconds.load());
      sum_duration += s->last_duration_seconds.load();
    }
  }
  double cpu = bench::ProcessCpuSeconds() - cpu0;
  double wall_s = (bench::WallMs() - wall0) / 1000.0;
  uint64_t missed = 0, failures = 0;
  for (const auto& s : stats) {
    missed += s->missed.load();
    failures += s->rule_failures.load();
  }
  size_t active = 0;
  for (const auto& g : manager.Groups()) {
    for (const auto& r : g->Snapshot().rules) active += r.alerts.size();
  }
  manager.Stop();

  std::printf("rules: %d groups x %d alerting rules, interval %.0f s, %d measured rounds\n", groups, per_group,
              interval_ms / 1000.0, rounds);
  std::printf("cpu_seconds_per_round        %.3f  (rounds:", cpu / rounds);
  for (double c : round_cpu) std::printf(" %.2f", c);
  std::printf(")\n");
  std::printf("wall_seconds_per_round       %.3f\n", wall_s / rounds);
  std::printf("group_eval_seconds_per_round %.3f  (sum of group durations, wall)\n", sum_duration / rounds);
  std::printf("slowest_group_duration_s     %.3f\n", worst_duration);
  std::printf("slowest_group_delay_s        %.3f  (scheduled slot -> end of evaluation)\n", worst_delay);
  std::printf("iterations_missed            %llu\n", static_cast<unsigned long long>(missed));
  std::printf("rule_failures                %llu\n", static_cast<unsigned long long>(failures));
  std::printf("active_alerts                %zu  (pending + firing)\n", active);
  std::printf("alerts_sent                  %llu\n", static_cast<unsigned long long>(sink.sent.load()));
  std::printf("rss_mb                       %.0f\n", bench::RssBytes() / 1048576.0);
  return 0;
}

}  // namespace
}  // namespace vigil

int main() { return vigil::Main(); }
