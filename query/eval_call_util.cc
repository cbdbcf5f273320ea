#include "query/eval_call_util.h"

#include <re2/re2.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <unordered_map>

#include "query/kernels.h"
#include "query/labels_util.h"

namespace vigil::query {

Result<EvalValue> MapSeriesFiltered(EvalValue in, size_t steps, bool drop_name,
                                    const std::function<double(double, size_t, bool*)>& f) {
  SeriesAccumulator acc(steps);
  for (StepSeries& s : in.series) {
    size_t idx = SIZE_MAX;
    for (size_t i = 0; i < steps; ++i) {
      if (!s.has[i]) continue;
      bool keep = true;
      double v = f(s.v[i], i, &keep);
      if (!keep) continue;
      if (idx == SIZE_MAX) idx = acc.IndexFor(drop_name ? DropMetricName(s.labels) : s.labels);
      RETURN_IF_ERROR(acc.AddAt(idx, i, v));
    }
  }
  EvalValue out;
  out.type = ValueType::kVector;
  out.series = acc.Take();
  return out;
}

Result<EvalValue> MapSeries(EvalValue in, size_t steps, bool drop_name,
                            const std::function<double(double, size_t)>& f) {
  return MapSeriesFiltered(std::move(in), steps, drop_name, [&](double v, size_t i, bool*) { return f(v, i); });
}

bool NatSortLess(std::string_view a, std::string_view b) {
  auto chunkify = [](std::string_view s) {
    std::vector<std::string_view> out;
    size_t i = 0;
    while (i < s.size()) {
      bool digit = s[i] >= '0' && s[i] <= '9';
      size_t j = i;
      while (j < s.size() && ((s[j] >= '0' && s[j] <= '9') == digit)) ++j;
      out.push_back(s.substr(i, j - i));
      i = j;
    }
    return out;
  };
  auto as_int = [](std::string_view s, long long* v) {
    if (s.empty() || s.size() > 18) return false;
    for (char c : s) {
      if (c < '0' || c > '9') return false;
    }
    *v = std::atoll(std::string(s).c_str());
    return true;
  };
  auto ca = chunkify(a), cb = chunkify(b);
  for (size_t i = 0; i < ca.size(); ++i) {
    if (i >= cb.size()) return false;
    long long ia, ib;
    bool last_a = i == ca.size() - 1, last_b = i == cb.size() - 1;
    if (as_int(ca[i], &ia) && as_int(cb[i], &ib)) {
      if (ia == ib) {
        if (last_a) return true;
        if (last_b) return false;
        continue;
      }
      return ia < ib;
    }
    if (ca[i] == cb[i]) {
      if (last_a) return true;
      if (last_b) return false;
      continue;
    }
    return ca[i] < cb[i];
  }
  return false;
}

void SortSeries(std::string_view name, const std::vector<EvalValue>& args, std::vector<StepSeries>* series) {
  if (name == "sort" || name == "sort_desc") {
    bool desc = name == "sort_desc";
    std::stable_sort(series->begin(), series->end(), [&](const StepSeries& x, const StepSeries& y) {
      double a = x.v[0], b = y.v[0];
      if (std::isnan(a) || std::isnan(b)) return !std::isnan(a) && std::isnan(b);
      return desc ? a > b : a < b;
    });
    return;
  }
  bool desc = name == "sort_by_label_desc";
  // Prometheus 2.53 sorts by value first (as sort/sort_desc), then by the
  // labels; ties keep the value order.
  SortSeries(desc ? "sort_desc" : "sort", args, series);
  std::vector<std::string> names;
  for (size_t a = 1; a < args.size(); ++a) names.push_back(args[a].str);
  std::stable_sort(series->begin(), series->end(), [&](const StepSeries& x, const StepSeries& y) {
    for (const auto& n : names) {
      std::string_view a = x.labels.Get(n), b = y.labels.Get(n);
      if (a == b) continue;
      return desc ? NatSortLess(b, a) : NatSortLess(a, b);
    }
    return false;
  });
}

namespace {

// Go regexp.Expand: $1, ${1}, $name, ${name}, $$; malformed → literal $.
std::string GoExpand(std::string_view tmpl, std::string_view src, const re2::RE2& re,
                     const std::vector<re2::StringPiece>& groups) {
  std::string out;
  const auto& named = re.NamedCapturingGroups();
  while (!tmpl.empty()) {
    size_t d = tmpl.find('$');
    if (d == std::string_view::npos) break;
    out.append(tmpl.substr(0, d));
    tmpl.remove_prefix(d + 1);
    if (!tmpl.empty() && tmpl[0] == '$') {
      out.push_back('$');
      tmpl.remove_prefix(1);
      continue;
    }
    bool brace = !tmpl.empty() && tmpl[0] == '{';
    size_t i = brace ? 1 : 0;
    size_t j = i;
    while (j < tmpl.size() && (std::isalnum(static_cast<unsigned char>(tmpl[j])) || tmpl[j] == '_')) ++j;
    std::string_view gname = tmpl.substr(i, j - i);
    bool ok = !gname.empty() && (!brace || (j < tmpl.size() && tmpl[j] == '}'));
    if (!ok) {
      out.push_back('$');
      continue;
    }
    tmpl.remove_prefix(brace ? j + 1 : j);
    int num = -1;
    if (std::all_of(gname.begin(), gname.end(), [](char c) { return c >= '0' && c <= '9'; }) && gname.size() < 9) {
      num = std::atoi(std::string(gname).c_str());
    } else {
      auto it = named.find(std::string(gname));
      if (it != named.end()) num = it->second;
    }
    if (num >= 0 && static_cast<size_t>(num) < groups.size() && groups[num].data() != nullptr) {
      out.append(groups[num].data(), groups[num].size());
    }
  }
  out.append(tmpl);
  (void)src;
  return out;
}

Result<EvalValue> Relabel(EvalValue in, size_t steps, const std::function<Labels(const Labels&)>& f) {
  SeriesAccumulator acc(steps);
  for (StepSeries& s : in.series) {
    size_t idx = acc.IndexFor(f(s.labels));
    for (size_t i = 0; i < steps; ++i) {
      if (s.has[i]) RETURN_IF_ERROR(acc.AddAt(idx, i, s.v[i]));
    }
  }
  EvalValue out;
  out.type = ValueType::kVector;
  out.series = acc.Take();
  return out;
}

}  // namespace

Result<EvalValue> LabelReplace(std::vector<EvalValue> args, size_t steps) {
  const std::string& dst = args[1].str;
  const std::string& repl = args[2].str;
  const std::string& src = args[3].str;
  const std::string& regex = args[4].str;
  RE2::Options opts;
  opts.set_log_errors(false);
  re2::RE2 re("^(?:" + regex + ")$", opts);
  if (!re.ok()) return Status::Execution("invalid regular expression in label_replace(): " + regex);
  if (!IsValidLabelName(dst)) return Status::Execution("invalid destination label name in label_replace(): " + dst);
  std::vector<re2::StringPiece> groups(re.NumberOfCapturingGroups() + 1);
  return Relabel(std::move(args[0]), steps, [&](const Labels& l) {
    std::string_view value = l.Get(src);
    re2::StringPiece text(value.data(), value.size());
    if (!re.Match(text, 0, text.size(), RE2::UNANCHORED, groups.data(), static_cast<int>(groups.size()))) return l;
    LabelsBuilder b(l);
    b.Set(dst, GoExpand(repl, value, re, groups));
    return b.Build();
  });
}

Result<EvalValue> LabelJoin(std::vector<EvalValue> args, size_t steps) {
  const std::string& dst = args[1].str;
  const std::string& sep = args[2].str;
  std::vector<std::string> srcs;
  for (size_t a = 3; a < args.size(); ++a) {
    if (!IsValidLabelName(args[a].str)) {
      return Status::Execution("invalid source label name in label_join(): " + args[a].str);
    }
    srcs.push_back(args[a].str);
  }
  if (!IsValidLabelName(dst)) return Status::Execution("invalid destination label name in label_join(): " + dst);
  return Relabel(std::move(args[0]), steps, [&](const Labels& l) {
    std::string joined;
    for (size_t k = 0; k < srcs.size(); ++k) {
      if (k > 0) joined += sep;
      joined.append(l.Get(srcs[k]));
    }
    LabelsBuilder b(l);
    b.Set(dst, joined);
    return b.Build();
  });
}

namespace {

// strconv.ParseFloat(s, 64) success check via strtod on the whole string.
bool ParseGoFloat(std::string_view s, double* out) {
  if (s.empty() || std::isspace(static_cast<unsigned char>(s[0]))) return false;
  std::string str(s);
  char* end = nullptr;
  *out = std::strtod(str.c_str(), &end);
  return end == str.c_str() + str.size();
}

}  // namespace

Result<EvalValue> HistogramQuantile(const EvalValue& phi, EvalValue in, size_t steps,
                                    std::vector<std::string>* warnings) {
  // Group by all labels but `le` (metric name included), output without
  // `le` and __name__.
  struct Group {
    Labels out_labels;
    std::vector<std::pair<size_t, double>> members;  // series index, upper bound
  };
  std::vector<Group> groups;
  std::unordered_multimap<uint64_t, size_t> by_key;
  std::vector<Labels> keys;
  for (size_t k = 0; k < in.series.size(); ++k) {
    const Labels& l = in.series[k].labels;
    double ub;
    if (!ParseGoFloat(l.Get("le"), &ub)) {
      warnings->push_back("bad bucket label: series " + l.ToString() + " has a missing or invalid \"le\" label");
      continue;
    }
    LabelsBuilder kb(l);
    kb.Del("le");
    Labels key = kb.Build();
    uint64_t h = key.Hash();
    size_t g = SIZE_MAX;
    auto [b, e] = by_key.equal_range(h);
    for (auto it = b; it != e; ++it) {
      if (keys[it->second] == key) g = it->second;
    }
    if (g == SIZE_MAX) {
      g = groups.size();
      groups.push_back({DropMetricName(key), {}});
      keys.push_back(std::move(key));
      by_key.emplace(h, g);
    }
    groups[g].members.emplace_back(k, ub);
  }
  SeriesAccumulator acc(steps);
  std::vector<Bucket> buckets;
  for (const Group& g : groups) {
    size_t idx = SIZE_MAX;
    for (size_t i = 0; i < steps; ++i) {
      buckets.clear();
      for (const auto& [k, ub] : g.members) {
        if (in.series[k].has[i]) buckets.push_back({ub, in.series[k].v[i]});
      }
      if (buckets.empty()) continue;
      QuantileResult r = BucketQuantile(phi.scalar[i], buckets);
      if (idx == SIZE_MAX) idx = acc.IndexFor(g.out_labels);
      RETURN_IF_ERROR(acc.AddAt(idx, i, r.value));
    }
  }
  EvalValue out;
  out.type = ValueType::kVector;
  out.series = acc.Take();
  return out;
}

}  // namespace vigil::query
