#include "engine/index/mem_postings.h"

#include <algorithm>
#include <mutex>

namespace vigil::engine {

namespace {

void InsertSorted(RefList* list, uint64_t ref) {
  if (list->empty() || list->back() < ref) {
    list->push_back(ref);
    return;
  }
  auto it = std::lower_bound(list->begin(), list->end(), ref);
  if (it == list->end() || *it != ref) list->insert(it, ref);
}

void EraseSorted(RefList* list, uint64_t ref) {
  auto it = std::lower_bound(list->begin(), list->end(), ref);
  if (it != list->end() && *it == ref) list->erase(it);
}

}  // namespace

RefList Intersect(const RefList& a, const RefList& b) {
  RefList out;
  out.reserve(std::min(a.size(), b.size()));
  std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

RefList Subtract(const RefList& a, const RefList& b) {
  RefList out;
  out.reserve(a.size());
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

void MemPostings::Add(uint64_t ref, const Labels& labels) {
  std::unique_lock lock(mu_);
  for (const auto& l : labels) {
    auto nit = index_.find(l.name);
    if (nit == index_.end()) nit = index_.emplace(std::string(l.name), ValueMap{}).first;
    auto vit = nit->second.find(l.value);
    if (vit == nit->second.end()) vit = nit->second.emplace(std::string(l.value), RefList{}).first;
    InsertSorted(&vit->second, ref);
  }
  InsertSorted(&all_, ref);
}

void MemPostings::Delete(uint64_t ref, const Labels& labels) {
  std::unique_lock lock(mu_);
  for (const auto& l : labels) {
    auto nit = index_.find(l.name);
    if (nit == index_.end()) continue;
    auto vit = nit->second.find(l.value);
    if (vit == nit->second.end()) continue;
    EraseSorted(&vit->second, ref);
    if (vit->second.empty()) nit->second.erase(vit);
    if (nit->second.empty()) index_.erase(nit);
  }
  EraseSorted(&all_, ref);
}

template <typename Pred>
RefList MemPostings::UnionWhere(const ValueMap& values, Pred pred) const {
  RefList out;
  size_t lists = 0;
  for (const auto& [value, refs] : values) {
    if (!pred(value)) continue;
    out.insert(out.end(), refs.begin(), refs.end());
    ++lists;
  }
  if (lists > 1) std::sort(out.begin(), out.end());  // lists are disjoint per name
  return out;
}

RefList MemPostings::ForMatchers(const Matchers& matchers) const {
  std::shared_lock lock(mu_);
  static const ValueMap kEmpty;
  auto values_of = [&](const std::string& name) -> const ValueMap& {
    auto it = index_.find(name);
    return it == index_.end() ? kEmpty : it->second;
  };

  // Positive sets first (smallest work), then subtract the negatives.
  bool have_base = false;
  RefList result;
  std::vector<const Matcher*> subtractive;
  for (const Matcher& m : matchers) {
    if (m.MatchesEmpty()) {
      subtractive.push_back(&m);
      continue;
    }
    const ValueMap& values = values_of(m.name());
    RefList set;
    if (m.type() == MatchType::kEqual) {
      auto it = values.find(m.value());
      if (it != values.end()) set = it->second;
    } else if (m.type() == MatchType::kRegexMatch && !m.set_values().empty()) {
      for (const auto& v : m.set_values()) {
        auto it = values.find(v);
        if (it != values.end()) set.insert(set.end(), it->second.begin(), it->second.end());
      }
      std::sort(set.begin(), set.end());
      set.erase(std::unique(set.begin(), set.end()), set.end());
    } else {
      set = UnionWhere(values, [&](const std::string& v) { return m.Matches(v); });
    }
    result = have_base ? Intersect(result, set) : std::move(set);
    have_base = true;
    if (result.empty()) return result;
  }
  if (!have_base) result = all_;
  // A matcher that matches "" keeps series without the label and drops
  // those whose value it does not match.
  for (const Matcher* m : subtractive) {
    const ValueMap& values = values_of(m->name());
    RefList drop = UnionWhere(values, [&](const std::string& v) { return !m->Matches(v); });
    if (!drop.empty()) result = Subtract(result, drop);
  }
  return result;
}

std::vector<std::string> MemPostings::LabelNames() const {
  std::shared_lock lock(mu_);
  std::vector<std::string> out;
  out.reserve(index_.size());
  for (const auto& [name, values] : index_) out.push_back(name);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> MemPostings::LabelValues(std::string_view name) const {
  std::shared_lock lock(mu_);
  std::vector<std::string> out;
  auto it = index_.find(name);
  if (it == index_.end()) return out;
  out.reserve(it->second.size());
  for (const auto& [value, refs] : it->second) out.push_back(value);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::pair<std::string, size_t>> MemPostings::ValueCounts(std::string_view name) const {
  std::shared_lock lock(mu_);
  std::vector<std::pair<std::string, size_t>> out;
  auto it = index_.find(name);
  if (it == index_.end()) return out;
  for (const auto& [value, refs] : it->second) out.emplace_back(value, refs.size());
  return out;
}

size_t MemPostings::num_label_pairs() const {
  std::shared_lock lock(mu_);
  size_t n = 0;
  for (const auto& [name, values] : index_) n += values.size();
  return n;
}

}  // namespace vigil::engine
