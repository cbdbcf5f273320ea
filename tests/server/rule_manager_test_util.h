// Fixture for the rule manager tests: a DB in a temp dir, an Engine, rule
// files written into <tmp>/rules, a ManualClock that drives the group
// loops (they poll it every 2 ms), and a sink that records what reaches
// it. RunRound() moves the clock to the next slot of every group and waits
// until each has evaluated once (a deadlock guard of a few seconds, not a
// timing assertion).
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "engine/base/clock.h"
#include "engine/db.h"
#include "query/engine.h"
#include "server/alerting/rule_manager.h"
#include "server/rules/alert.h"
#include "tests/testutil/testutil.h"

namespace vigil::server::alerting::testing_rules {

// Records every batch; optionally blocks in Send until Release().
class RecordingSink final : public rules::AlertSink {
 public:
  void Send(int64_t eval_time_ms, std::vector<rules::AlertNotice> alerts) override {
    std::unique_lock<std::mutex> lock(mu_);
    ++calls_;
    cv_.notify_all();
    cv_.wait(lock, [this] { return !blocking_; });
    batches_.emplace_back(eval_time_ms, std::move(alerts));
  }
  void Block() {
    std::lock_guard<std::mutex> lock(mu_);
    blocking_ = true;
  }
  void Release() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      blocking_ = false;
    }
    cv_.notify_all();
  }
  // Calls that entered Send (also those still blocked).
  int calls() const {
    std::lock_guard<std::mutex> lock(mu_);
    return calls_;
  }
  std::vector<std::pair<int64_t, std::vector<rules::AlertNotice>>> batches() const {
    std::lock_guard<std::mutex> lock(mu_);
    return batches_;
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool blocking_ = false;
  int calls_ = 0;
  std::vector<std::pair<int64_t, std::vector<rules::AlertNotice>>> batches_;
};

// Waits (polling) for `pred`, at most a few seconds; returns its last value.
template <typename Pred>
bool WaitFor(Pred pred, int timeout_ms = 5000) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline) return pred();
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

class RuleManagerTest : public ::testing::Test {
 protected:
  static constexpr int64_t kStartMs = 1'700'000'000'000;  // 2023-11-14T22:13:20Z

  void SetUp() override {
    clock_.Set(kStartMs);
    std::filesystem::create_directories(dir_.Sub("rules"));
    OpenDb();
    engine_ = std::make_unique<query::Engine>(query::EngineOptions{});
  }
  void TearDown() override {
    manager_.reset();
    CloseDb();
  }

  void OpenDb() {
    DbOptions o;
    o.retention_ms = 0;
    o.background_maintenance = false;
    o.sync_commits = false;
    auto db = DB::Open(dir_.Sub("db"), o);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(db).value();
  }
  void CloseDb() {
    if (db_) ASSERT_OK(db_->Close(true));
    db_.reset();
  }

  // Writes <tmp>/rules/<name>; returns the path.
  std::string WriteRules(const std::string& name, const std::string& text) {
    std::string path = dir_.Sub("rules/" + name);
    std::ofstream(path) << text;
    return path;
  }

  RulesConfig Config(int64_t interval_ms = 10'000, std::vector<std::string> globs = {"*.yml"}) {
    RulesConfig rc;
    rc.rule_files = std::move(globs);
    rc.base_dir = dir_.Sub("rules");
    rc.defaults.interval_ms = interval_ms;
    rc.defaults.resend_delay_ms = 60'000;
    rc.defaults.external_url = "http://vigil.test:9201";
    return rc;
  }

  std::unique_ptr<RuleManager> NewManager(rules::AlertSink* sink, int64_t outage_tolerance_ms = 3'600'000,
                                          int64_t grace_period_ms = 600'000) {
    RuleManagerOptions o;
    o.engine = engine_.get();
    o.db = db_.get();
    o.sink = sink;
    o.clock = &clock_;
    o.max_sleep_ms = 2;
    o.outage_tolerance_ms = outage_tolerance_ms;
    o.grace_period_ms = grace_period_ms;
    return std::make_unique<RuleManager>(o);
  }

  std::vector<std::shared_ptr<const GroupStats>> AllStats(const RuleManager& m) {
    std::vector<std::shared_ptr<const GroupStats>> out;
    for (const auto& g : m.Groups()) out.push_back(m.StatsFor(g->file(), g->name()));
    return out;
  }

  // Every group evaluates once more: the clock goes to the latest of the
  // groups' next slots (each within one interval, so none misses a slot).
  void RunRound(const RuleManager& m) {
    auto stats = AllStats(m);
    int64_t target = 0;
    std::vector<uint64_t> before;
    for (const auto& s : stats) {
      ASSERT_TRUE(WaitFor([&] { return s->next_eval_ts_ms.load() > s->last_eval_ts_ms.load(); }))
          << "group loop not waiting for a slot";
      target = std::max(target, s->next_eval_ts_ms.load());
      before.push_back(s->iterations.load());
    }
    if (target > clock_.NowMs()) clock_.Set(target);
    for (size_t i = 0; i < stats.size(); ++i) {
      ASSERT_TRUE(WaitFor([&] { return stats[i]->iterations.load() > before[i]; })) << "group did not evaluate";
    }
  }

  testutil::TempDir dir_;
  ManualClock clock_;
  std::unique_ptr<DB> db_;
  std::unique_ptr<query::Engine> engine_;
  std::unique_ptr<RuleManager> manager_;
};

}  // namespace vigil::server::alerting::testing_rules
