#include "engine/base/labels.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "engine/base/coding.h"

namespace vigil {

namespace {

bool ReadString(const char** p, const char* end, std::string_view* out) {
  uint64_t n = 0;
  int shift = 0;
  while (true) {
    if (*p >= end || shift > 63) return false;
    uint64_t b = static_cast<unsigned char>(*(*p)++);
    n |= (b & 0x7f) << shift;
    if (b < 0x80) break;
    shift += 7;
  }
  if (static_cast<uint64_t>(end - *p) < n) return false;
  *out = std::string_view(*p, n);
  *p += n;
  return true;
}

}  // namespace

void Labels::Iterator::Load() {
  if (p_ >= end_) { next_ = end_; return; }
  const char* q = p_;
  // data_ is validated at construction, so these reads succeed.
  ReadString(&q, end_, &cur_.name);
  ReadString(&q, end_, &cur_.value);
  next_ = q;
}

bool IsValidLabelName(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

bool IsValidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    unsigned char c = *p;
    if (c < 0x80) { ++p; continue; }
    int n;
    uint32_t cp;
    if ((c & 0xe0) == 0xc0) { n = 1; cp = c & 0x1f; }
    else if ((c & 0xf0) == 0xe0) { n = 2; cp = c & 0x0f; }
    else if ((c & 0xf8) == 0xf0) { n = 3; cp = c & 0x07; }
    else return false;
    if (end - p <= n) return false;
    for (int i = 1; i <= n; ++i) {
      if ((p[i] & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (p[i] & 0x3f);
    }
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000)) return false;  // overlong
    if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    p += n + 1;
  }
  return true;
}

uint64_t StableHash64(std::string_view bytes) {
  // 64-bit multiply-xorshift over 8-byte words (wyhash-like mixing). Fixed
  // constants: the value is on disk (timestamp stream keys) and must not change.
  constexpr uint64_t kMul = 0x9e3779b97f4a7c15ULL;
  uint64_t h = 0xcbf29ce484222325ULL ^ (bytes.size() * kMul);
  const char* p = bytes.data();
  size_t n = bytes.size();
  auto mix = [](uint64_t x) {
    x ^= x >> 32;
    x *= 0xd6e8feb86659fd93ULL;
    x ^= x >> 32;
    return x;
  };
  while (n >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    h = mix(h ^ w) * kMul;
    p += 8;
    n -= 8;
  }
  uint64_t tail = 0;
  std::memcpy(&tail, p, n);
  h = mix(h ^ tail ^ (static_cast<uint64_t>(n) << 56));
  return mix(h * kMul);
}

Result<Labels> Labels::FromPairs(std::vector<std::pair<std::string_view, std::string_view>> pairs) {
  std::erase_if(pairs, [](const auto& p) { return p.second.empty(); });
  std::sort(pairs.begin(), pairs.end());
  size_t total = 0;
  for (size_t i = 0; i < pairs.size(); ++i) {
    const auto& [name, value] = pairs[i];
    if (name.empty()) return Status::InvalidArgument("empty label name");
    if (!IsValidLabelName(name))
      return Status::InvalidArgument("invalid label name \"" + std::string(name) + "\"");
    if (i > 0 && pairs[i - 1].first == name)
      return Status::InvalidArgument("duplicate label name \"" + std::string(name) + "\"");
    if (!IsValidUtf8(value))
      return Status::InvalidArgument("invalid UTF-8 in value of label \"" + std::string(name) + "\"");
    total += name.size() + value.size() + 4;
  }
  std::string data;
  data.reserve(total);
  for (const auto& [name, value] : pairs) {
    PutLengthPrefixed(&data, name);
    PutLengthPrefixed(&data, value);
  }
  data.shrink_to_fit();
  return Labels(std::move(data));
}

Result<Labels> Labels::FromPairsKeepEmpty(std::vector<std::pair<std::string_view, std::string_view>> pairs) {
  std::sort(pairs.begin(), pairs.end());
  std::string data;
  for (size_t i = 0; i < pairs.size(); ++i) {
    if (i > 0 && pairs[i - 1].first == pairs[i].first)
      return Status::InvalidArgument("duplicate label name \"" + std::string(pairs[i].first) + "\"");
    PutLengthPrefixed(&data, pairs[i].first);
    PutLengthPrefixed(&data, pairs[i].second);
  }
  return Labels(std::move(data));
}

Labels Labels::FromStrings(std::initializer_list<std::pair<std::string_view, std::string_view>> pairs) {
  auto r = FromPairs(std::vector<std::pair<std::string_view, std::string_view>>(pairs));
  if (!r.ok()) std::abort();
  return std::move(r).value();
}

Result<Labels> Labels::FromEncoded(std::string_view encoded) {
  const char* p = encoded.data();
  const char* end = p + encoded.size();
  std::string_view prev_name;
  bool first = true;
  while (p < end) {
    std::string_view name, value;
    if (!ReadString(&p, end, &name) || !ReadString(&p, end, &value))
      return Status::Corruption("truncated label set");
    if (name.empty() || value.empty() || (!first && name <= prev_name))
      return Status::Corruption("label set not sorted, unique and non-empty");
    prev_name = name;
    first = false;
  }
  return Labels(std::string(encoded));
}

std::string_view Labels::Get(std::string_view name) const {
  for (const auto& l : *this) {
    if (l.name == name) return l.value;
    if (l.name > name) break;
  }
  return {};
}

size_t Labels::size() const {
  size_t n = 0;
  for (auto it = begin(); it != end(); ++it) ++n;
  return n;
}

uint64_t Labels::Hash() const { return StableHash64(data_); }

void Labels::AppendEncoded(std::string* out, const LabelView& l) {
  PutLengthPrefixed(out, l.name);
  PutLengthPrefixed(out, l.value);
}

std::string Labels::ToString() const {
  std::string out = "{";
  bool first = true;
  for (const auto& l : *this) {
    if (!first) out += ", ";
    first = false;
    out.append(l.name);
    out += "=\"";
    for (char c : l.value) {
      if (c == '"' || c == '\\') out += '\\';
      if (c == '\n') { out += "\\n"; continue; }
      out += c;
    }
    out += '"';
  }
  out += '}';
  return out;
}

int Compare(const Labels& a, const Labels& b) {
  auto ia = a.begin(), ib = b.begin();
  auto ea = a.end(), eb = b.end();
  for (; ia != ea && ib != eb; ++ia, ++ib) {
    if (int c = ia->name.compare(ib->name); c != 0) return c;
    if (int c = ia->value.compare(ib->value); c != 0) return c;
  }
  if (ia == ea && ib == eb) return 0;
  return ia == ea ? -1 : 1;
}

}  // namespace vigil
