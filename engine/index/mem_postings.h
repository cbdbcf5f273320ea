// MemPostings: the in-memory inverted index, label pair → ascending series
// refs, plus the list of all refs. Built at startup from the `series` column
// family and maintained as series come and go. Thread-safe (shared mutex:
// many readers, writers on series creation and garbage collection).
#pragma once

#include <cstdint>
#include <map>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/base/labels.h"
#include "engine/base/matcher.h"
#include "engine/base/status.h"

namespace vigil::engine {

using RefList = std::vector<uint64_t>;

class MemPostings {
 public:
  void Add(uint64_t ref, const Labels& labels);
  void Delete(uint64_t ref, const Labels& labels);

  // Refs of series matching all matchers, ascending. A matcher that matches
  // "" also matches series without the label. No matchers: all series.
  RefList ForMatchers(const Matchers& matchers) const;
  // All label names, sorted.
  std::vector<std::string> LabelNames() const;
  // All values of `name`, sorted.
  std::vector<std::string> LabelValues(std::string_view name) const;
  // Number of series with each value of `name` (for cardinality statistics).
  std::vector<std::pair<std::string, size_t>> ValueCounts(std::string_view name) const;
  size_t num_label_pairs() const;

 private:
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using ValueMap = std::unordered_map<std::string, RefList, StringHash, std::equal_to<>>;

  // Union of the lists of `name`'s values for which pred(value) holds.
  template <typename Pred>
  RefList UnionWhere(const ValueMap& values, Pred pred) const;

  mutable std::shared_mutex mu_;
  std::unordered_map<std::string, ValueMap, StringHash, std::equal_to<>> index_;
  RefList all_;
};

// Set algebra on ascending ref lists.
RefList Intersect(const RefList& a, const RefList& b);
RefList Subtract(const RefList& a, const RefList& b);

}  // namespace vigil::engine
