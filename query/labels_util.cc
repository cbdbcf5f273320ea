#include "query/labels_util.h"

#include <algorithm>

namespace vigil::query {

LabelsBuilder::LabelsBuilder(const Labels& base) {
  for (const auto& l : base) pairs_.emplace_back(std::string(l.name), std::string(l.value));
}

void LabelsBuilder::Set(std::string_view name, std::string_view value) {
  for (auto& p : pairs_) {
    if (p.first == name) {
      p.second = std::string(value);
      return;
    }
  }
  pairs_.emplace_back(std::string(name), std::string(value));
}

void LabelsBuilder::Del(std::string_view name) {
  std::erase_if(pairs_, [&](const auto& p) { return p.first == name; });
}

void LabelsBuilder::Keep(const std::vector<std::string>& names) {
  std::erase_if(pairs_, [&](const auto& p) { return std::find(names.begin(), names.end(), p.first) == names.end(); });
}

std::string_view LabelsBuilder::Get(std::string_view name) const {
  for (const auto& p : pairs_) {
    if (p.first == name) return p.second;
  }
  return {};
}

Labels LabelsBuilder::Build() const {
  std::vector<std::pair<std::string_view, std::string_view>> views;
  views.reserve(pairs_.size());
  for (const auto& p : pairs_) views.emplace_back(p.first, p.second);
  auto r = Labels::FromPairs(std::move(views));
  return r.ok() ? std::move(r).value() : Labels();
}

Labels DropMetricName(const Labels& l) {
  if (!l.Has(kMetricName)) return l;
  return l.Filter([](std::string_view n) { return n != kMetricName; });
}

namespace {

bool Listed(const std::vector<std::string>& names, std::string_view n) {
  for (const auto& x : names) {
    if (x == n) return true;
  }
  return false;
}

}  // namespace

uint64_t MatchSignature(const Labels& l, const std::vector<std::string>& names, bool on) {
  std::string buf;
  for (const auto& lv : l) {
    bool include = on ? Listed(names, lv.name) : (lv.name != kMetricName && !Listed(names, lv.name));
    if (!include) continue;
    buf.append(lv.name);
    buf.push_back('\xff');
    buf.append(lv.value);
    buf.push_back('\xff');
  }
  return StableHash64(buf);
}

Labels MatchLabels(const Labels& l, const std::vector<std::string>& names, bool on) {
  LabelsBuilder b;
  for (const auto& lv : l) {
    bool include = on ? Listed(names, lv.name) : (lv.name != kMetricName && !Listed(names, lv.name));
    if (include) b.Set(lv.name, lv.value);
  }
  return b.Build();
}

}  // namespace vigil::query
