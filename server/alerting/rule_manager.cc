#include "server/alerting/rule_manager.h"

#include <map>
#include <utility>

namespace vigil::server::alerting {

namespace {

std::string GroupKey(const std::string& file, const std::string& name) { return file + ";" + name; }

}  // namespace

RuleManager::RuleManager(RuleManagerOptions options)
    : options_(std::move(options)), async_sink_(options_.sink, options_.max_queued_alerts) {}

RuleManager::~RuleManager() { Stop(); }

GroupLoopOptions RuleManager::LoopOptions(bool restore) {
  GroupLoopOptions o;
  o.env.engine = options_.engine;
  o.env.storage = options_.db;
  DB* db = options_.db;
  o.env.new_appender = [db]() { return db->NewAppender(); };
  o.env.sink = &async_sink_;
  o.restore = restore;
  o.outage_tolerance_ms = options_.outage_tolerance_ms;
  o.grace_period_ms = options_.grace_period_ms;
  o.clock = options_.clock;
  o.max_sleep_ms = options_.max_sleep_ms;
  return o;
}

Status RuleManager::Update(const RulesConfig& config) {
  std::lock_guard<std::mutex> update_lock(update_mu_);
  RulesConfig effective = config;
  // Prometheus creates the rules of a manager that has already restored
  // as restored: only the groups of the first load restore `for` state.
  effective.defaults.restored = restored_;
  ASSIGN_OR_RETURN(std::vector<std::unique_ptr<rules::RuleGroup>> groups, LoadRuleGroups(effective));

  // Stop every old loop first (all at once, then wait), so no old
  // evaluation runs while its state is copied and no two loops ever
  // evaluate the same group. Readers keep seeing the old groups until the
  // swap below. entries_ changes only under update_mu_, held here.
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (Entry& e : entries_) e.loop->RequestStop();
  }
  for (Entry& e : entries_) e.loop->Join();
  std::map<std::string, const Entry*> old_by_key;
  for (const Entry& e : entries_) old_by_key.emplace(e.key, &e);

  std::vector<Entry> fresh;
  fresh.reserve(groups.size());
  for (std::unique_ptr<rules::RuleGroup>& g : groups) {
    std::string key = GroupKey(g->file(), g->name());
    std::shared_ptr<GroupStats> stats;
    auto it = old_by_key.find(key);
    if (it != old_by_key.end()) {
      g->CopyStateFrom(*it->second->loop->group());
      stats = it->second->loop->stats();
    } else {
      stats = std::make_shared<GroupStats>();
    }
    std::shared_ptr<rules::RuleGroup> group(std::move(g));
    fresh.push_back(Entry{key, std::make_unique<GroupLoop>(std::move(group), std::move(stats), LoopOptions(!restored_))});
  }
  std::vector<Entry> old;
  {
    std::lock_guard<std::mutex> lock(mu_);
    old.swap(entries_);
    entries_ = std::move(fresh);
    if (running_) {
      for (Entry& e : entries_) e.loop->Start();
    }
  }
  return Status::OK();
}

void RuleManager::Start() {
  std::lock_guard<std::mutex> update_lock(update_mu_);
  if (running_ || stopped_) return;
  async_sink_.Start();
  std::lock_guard<std::mutex> lock(mu_);
  for (Entry& e : entries_) e.loop->Start();
  running_ = true;
  restored_ = true;
}

void RuleManager::Stop() {
  std::lock_guard<std::mutex> update_lock(update_mu_);
  if (stopped_) return;
  stopped_ = true;
  running_ = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (Entry& e : entries_) e.loop->RequestStop();
  }
  // entries_ only changes under update_mu_, which is held.
  for (Entry& e : entries_) e.loop->Join();
  async_sink_.Stop();
}

std::vector<std::shared_ptr<const rules::RuleGroup>> RuleManager::Groups() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::shared_ptr<const rules::RuleGroup>> out;
  out.reserve(entries_.size());
  for (const Entry& e : entries_) out.push_back(e.loop->group());
  return out;
}

std::shared_ptr<const GroupStats> RuleManager::StatsFor(const std::string& file, const std::string& name) const {
  std::string key = GroupKey(file, name);
  std::lock_guard<std::mutex> lock(mu_);
  for (const Entry& e : entries_) {
    if (e.key == key) return e.loop->stats();
  }
  return nullptr;
}

}  // namespace vigil::server::alerting
