// Labels: an immutable label set sorted by name with unique names, stored as
// one compact byte string (varint length + bytes, name then value, per label)
// so that a series costs one allocation. The same bytes are the on-disk
// encoding in the `series` column family. Thread-compatible value type.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/base/status.h"

namespace vigil {

struct LabelView {
  std::string_view name;
  std::string_view value;
};

class Labels {
 public:
  Labels() = default;

  // Builds from pairs in any order. Empty values are dropped (Prometheus
  // semantics). Returns InvalidArgument naming the problem for an empty name,
  // a name outside [a-zA-Z_][a-zA-Z0-9_]*, a duplicate name, or a value that
  // is not valid UTF-8.
  static Result<Labels> FromPairs(std::vector<std::pair<std::string_view, std::string_view>> pairs);
  // As FromPairs, for tests and literals; aborts on invalid input.
  // A sorted name → text map that keeps empty values and checks neither
  // names nor UTF-8: alert annotations, which Prometheus keeps even when a
  // template expands to nothing. InvalidArgument only for a duplicate name.
  static Result<Labels> FromPairsKeepEmpty(std::vector<std::pair<std::string_view, std::string_view>> pairs);
  static Labels FromStrings(std::initializer_list<std::pair<std::string_view, std::string_view>> pairs);
  // Wraps bytes produced by data(); Corruption if they do not parse as a
  // sorted, unique label set.
  static Result<Labels> FromEncoded(std::string_view encoded);

  // The value of `name`, or "" when absent.
  std::string_view Get(std::string_view name) const;
  bool Has(std::string_view name) const { return !Get(name).empty(); }
  bool empty() const { return data_.empty(); }
  size_t size() const;

  // Stable 64-bit hash of the encoded bytes (the same across restarts).
  uint64_t Hash() const;
  // The labels whose names satisfy keep(name), in order. A subset of a
  // valid set is valid, so nothing is re-checked or re-sorted: one
  // allocation (the query engine's hot path for dropping __name__ and
  // building aggregation group keys).
  template <typename Keep>
  Labels Filter(Keep&& keep) const {
    std::string out;
    out.reserve(data_.size());
    for (const LabelView& l : *this) {
      if (keep(l.name)) AppendEncoded(&out, l);
    }
    return Labels(std::move(out));
  }
  // {__name__="up", job="x"} as Prometheus prints label sets.
  std::string ToString() const;
  const std::string& data() const { return data_; }
  size_t MemoryBytes() const { return sizeof(*this) + data_.capacity(); }

  // Forward iteration over labels in name order.
  class Iterator {
   public:
    Iterator(const char* p, const char* end) : p_(p), end_(end) { Load(); }
    const LabelView& operator*() const { return cur_; }
    const LabelView* operator->() const { return &cur_; }
    Iterator& operator++() { p_ = next_; Load(); return *this; }
    bool operator==(const Iterator& o) const { return p_ == o.p_; }

   private:
    void Load();
    const char* p_;
    const char* end_;
    const char* next_ = nullptr;
    LabelView cur_;
  };
  Iterator begin() const { return Iterator(data_.data(), data_.data() + data_.size()); }
  Iterator end() const { return Iterator(data_.data() + data_.size(), data_.data() + data_.size()); }

  // Label-wise comparison, as Prometheus's labels.Compare.
  friend int Compare(const Labels& a, const Labels& b);
  friend bool operator==(const Labels& a, const Labels& b) { return a.data_ == b.data_; }
  friend bool operator<(const Labels& a, const Labels& b) { return Compare(a, b) < 0; }

 private:
  explicit Labels(std::string data) : data_(std::move(data)) {}
  static void AppendEncoded(std::string* out, const LabelView& l);
  std::string data_;
};

// True for names matching [a-zA-Z_][a-zA-Z0-9_]*.
bool IsValidLabelName(std::string_view name);
bool IsValidUtf8(std::string_view s);

// Stable 64-bit hash of bytes (the same on every run and machine). On disk:
// it names timestamp streams in the `timestamps` family; never change it.
uint64_t StableHash64(std::string_view bytes);

}  // namespace vigil
