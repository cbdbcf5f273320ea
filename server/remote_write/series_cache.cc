#include "server/remote_write/series_cache.h"

#include <algorithm>
#include <cstring>

#include "server/remote_write/convert.h"

namespace vigil::server::remote_write {

void SeriesRefCache::Bind(uint64_t owner, const void* db, std::string_view db_dir) {
  if (owner == owner_ && db == db_ && db_dir == db_dir_) return;
  Clear();
  owner_ = owner;
  db_ = db;
  db_dir_.assign(db_dir);
}

SeriesRefCache::Slot* SeriesRefCache::Probe(uint64_t hash) {
  // The slot holding `hash`, or the empty slot where it would go.
  const size_t mask = slots_.size() - 1;
  for (size_t i = hash & mask;; i = (i + 1) & mask) {
    Slot& s = slots_[i];
    if (s.entry == nullptr || s.hash == hash) return &s;
  }
}

namespace {

inline uint64_t Mum(uint64_t a, uint64_t b) {
  unsigned __int128 r = static_cast<unsigned __int128>(a) * b;
  return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
}
inline uint64_t Load64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

}  // namespace

uint64_t SeriesRefCache::HashOf(std::string_view bytes) {
  // wyhash-style: two independent 128-bit multiply lanes over 32-byte
  // blocks, then the tail. Not stable across versions (a cache key only).
  constexpr uint64_t k0 = 0xa0761d6478bd642fULL, k1 = 0xe7037ed1a0b428dbULL, k2 = 0x8ebc6af09c88c6e3ULL,
                     k3 = 0x589965cc75374cc3ULL;
  const char* p = bytes.data();
  size_t n = bytes.size();
  uint64_t a = k0 ^ n, b = k1 + n;
  while (n >= 32) {
    a = Mum(Load64(p) ^ k0, Load64(p + 8) ^ a);
    b = Mum(Load64(p + 16) ^ k1, Load64(p + 24) ^ b);
    p += 32;
    n -= 32;
  }
  char tail[32] = {};
  std::memcpy(tail, p, n);
  a = Mum(Load64(tail) ^ k2, Load64(tail + 8) ^ a);
  b = Mum(Load64(tail + 16) ^ k3, Load64(tail + 24) ^ b);
  return Mum(a ^ k1, b ^ k2);
}

void SeriesRefCache::PrefetchEntryBytes(uint64_t hash) const {
  if (slots_.empty()) return;
  const Slot& s = slots_[hash & (slots_.size() - 1)];
  if (s.hash == hash && s.entry != nullptr) {
    const Entry& e = *s.entry;
    // Only what Find compares: the wire bytes (the Labels are passed on by
    // reference, and the appender does not read them for a known ref).
    for (size_t off = 0; off < e.wire.size(); off += 64) __builtin_prefetch(e.wire.data() + off);
  }
}

SeriesRefCache::Entry* SeriesRefCache::Find(uint64_t hash, std::string_view wire, const ConvertLimits& limits) {
  if (!slots_.empty()) {
    Slot* s = Probe(hash);
    Entry* e = s->entry;
    if (e != nullptr && e->wire == wire && e->count <= limits.max_labels_per_series &&
        e->max_name <= limits.max_label_name_length && e->max_value <= limits.max_label_value_length) {
      return e;
    }
  }
  ++misses_since_reset_;
  return nullptr;
}

void SeriesRefCache::Grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(std::max<size_t>(1024, old.size() * 2), Slot{});
  for (const Slot& s : old) {
    if (s.entry != nullptr) *Probe(s.hash) = s;
  }
}

void SeriesRefCache::Put(uint64_t hash, std::string_view wire, std::span<const RawLabel> raw, const Labels& labels,
                         SeriesRef ref) {
  auto entry = std::make_unique<Entry>();
  entry->wire.assign(wire);
  entry->labels = labels;
  entry->ref = ref;
  entry->count = static_cast<uint32_t>(labels.size());
  for (const RawLabel& l : raw) {
    entry->max_name = std::max<uint32_t>(entry->max_name, static_cast<uint32_t>(l.name.size()));
    entry->max_value = std::max<uint32_t>(entry->max_value, static_cast<uint32_t>(l.value.size()));
  }
  if (!slots_.empty()) {
    Slot* s = Probe(hash);
    if (s->entry != nullptr) {  // a collision or a stale ref: replace in place
      bytes_ -= EntryBytes(*s->entry);
      *s->entry = std::move(*entry);
      bytes_ += EntryBytes(*s->entry);
      return;
    }
  }
  size_t add = EntryBytes(*entry);
  if (bytes_ + add > max_bytes_) {
    // Full. Start over only when it has mostly missed for a while (the
    // working set moved on); otherwise keep what it has.
    if (misses_since_reset_ <= 4 * size_ + 1024) return;
    Clear();
    if (add > max_bytes_) return;
  }
  if ((size_ + 1) * 2 > slots_.size()) Grow();
  Slot* s = Probe(hash);
  s->hash = hash;
  s->entry = entry.get();
  entries_.push_back(std::move(entry));
  ++size_;
  bytes_ += add;
}

void SeriesRefCache::Clear() {
  slots_.clear();
  entries_.clear();
  size_ = 0;
  bytes_ = 0;
  misses_since_reset_ = 0;
}

}  // namespace vigil::server::remote_write
