#include "engine/chunk/split_chunk.h"

#include <cstring>

#include "engine/chunk/xor_codec.h"

// Bit layout: docs/STORAGE_FORMAT.md, "Split chunk (encoding 2)". The field
// codes and state updates are xor_codec.h's, shared with encoding 1; only
// the stream each field goes to differs.

namespace vigil::engine {

using namespace xor_internal;  // NOLINT: the shared coding rules

namespace {

constexpr size_t kTsHeader = 2;

// ---- Field decoders (one stream each) --------------------------------------

[[gnu::noinline]] const char* DecodeFirstValue(State& st, BitReader& r, double* v) {
  if (r.ReadBit()) {
    st.val = r.Read(64);
    st.scale = kFloatMode;
    *v = std::bit_cast<double>(st.val);
    return nullptr;
  }
  auto s = static_cast<uint8_t>(r.ReadSmall(4));
  if (s > kMaxScale) return "bad scale";
  EnterIntMode(st, s, static_cast<uint64_t>(UnZigZag(ReadLong(r))));
  *v = IntValue(st.val, st.scale);
  return nullptr;
}

// Timestamp of sample idx >= 1.
inline const char* DecodeT(State& st, BitReader& r, uint32_t idx, int64_t* t) {
  if (idx == 1) return DecodeSecondT(st, r, t);
  uint64_t g;
  uint64_t pred = PredictT(st, &g);
  r.Refill();
  int q = std::countl_one(r.cache());
  if (q >= kTsEscapeQ) return DecodeEscapedT(st, r, g, pred, t);
  int k = RiceK(st.tacc);
  r.Skip(q + 1);
  uint64_t u = (static_cast<uint64_t>(q) << k) | (k > 0 ? r.Peek(k) : 0);
  r.Skip(k);
  *t = static_cast<int64_t>(pred + static_cast<uint64_t>(UnZigZag(u)));
  if (*t <= st.t) return "timestamps not increasing";
  AcceptT(st, *t, g, u, /*escaped=*/false);
  return nullptr;
}

// Value of sample idx >= 1.
inline const char* DecodeV(State& st, BitReader& r, double* v) {
  if (st.scale != kFloatMode && !(st.flags & kFresh)) {
    r.Refill();
    int q = std::countl_one(r.cache());
    if (q < kValEscapeQ) {
      int k = RiceK(st.vacc);
      r.Skip(q + 1);
      uint64_t u = (static_cast<uint64_t>(q) << k) | (k > 0 ? r.Peek(k) : 0);
      r.Skip(k);
      uint64_t delta = PredictDelta(st) + static_cast<uint64_t>(UnZigZag(u));
      st.val += delta;
      UpdatePred(st, delta, u);
      st.flags = 0;
      *v = IntValue(st.val, st.scale);
      return nullptr;
    }
  }
  return DecodeValueSlow(st, r, v);
}

// Canonical end of a stream: exactly `bits` bits then zero padding.
Status CheckCanonical(std::string_view stream, size_t header, uint64_t bits, const char* what) {
  if (stream.size() != header + (bits + 7) / 8) return Status::Corruption(std::string(what) + ": trailing bytes");
  if (bits % 8 != 0) {
    auto last = static_cast<uint8_t>(stream.back());
    if ((last & (0xffu >> (bits % 8))) != 0) return Status::Corruption(std::string(what) + ": padding bits");
  }
  return Status::OK();
}

}  // namespace

// ---- BitBuffer --------------------------------------------------------------

BitBuffer::~BitBuffer() { std::free(buf_); }
BitBuffer::BitBuffer(BitBuffer&& o) noexcept : bitpos(o.bitpos), buf_(o.buf_), cap_(o.cap_) {
  o.buf_ = nullptr;
  o.bitpos = o.cap_ = 0;
}
BitBuffer& BitBuffer::operator=(BitBuffer&& o) noexcept {
  if (this != &o) {
    std::free(buf_);
    buf_ = o.buf_;
    bitpos = o.bitpos;
    cap_ = o.cap_;
    o.buf_ = nullptr;
    o.bitpos = o.cap_ = 0;
  }
  return *this;
}
void BitBuffer::Reserve(size_t need) {
  if (need <= cap_) return;
  size_t cap = std::max<size_t>({need, cap_ + cap_ / 2, 32});
  cap = (cap + 15) & ~size_t{15};
  auto* p = static_cast<uint8_t*>(std::realloc(buf_, cap));
  if (p == nullptr) std::abort();
  std::memset(p + cap_, 0, cap - cap_);
  buf_ = p;
  cap_ = static_cast<uint32_t>(cap);
}
void BitBuffer::Clear(size_t header) {
  if (buf_ != nullptr) std::memset(buf_, 0, std::min<size_t>(cap_, header + (size_t{bitpos} + 7) / 8 + 8));
  bitpos = 0;
}
void BitBuffer::Release() {
  std::free(buf_);
  buf_ = nullptr;
  cap_ = bitpos = 0;
}
void BitBuffer::ShrinkTo(size_t bytes) {
  if (buf_ == nullptr || bytes >= cap_) return;
  if (bytes == 0) return Release();
  auto* p = static_cast<uint8_t*>(std::realloc(buf_, bytes));
  if (p != nullptr) {
    buf_ = p;
    cap_ = static_cast<uint32_t>(bytes);
  }
}

// ---- SplitEncoder -----------------------------------------------------------

void SplitEncoder::Reset() {
  ts_.Clear(kTsHeader);
  val_.Clear(0);
  st_ = State{};
  n_ = 0;
  min_t_ = 0;
}

double SplitEncoder::last_value() const {
  return st_.scale == kFloatMode ? std::bit_cast<double>(st_.val) : IntValue(st_.val, st_.scale);
}

std::string_view SplitEncoder::ts_bytes() const {
  static constexpr char kEmpty[2] = {0, 0};
  if (ts_.data() == nullptr) return {kEmpty, kTsHeader};
  return {reinterpret_cast<const char*>(ts_.data()), ts_size()};
}

std::string_view SplitEncoder::value_bytes() const {
  if (val_.data() == nullptr) return {};
  return {reinterpret_cast<const char*>(val_.data()), value_size()};
}

void SplitEncoder::AppendChunkTo(std::string* out) const {
  std::string_view ts = ts_bytes(), vs = value_bytes();
  PutVarint64(out, ts.size());
  out->append(ts);
  out->append(vs);
}

void SplitEncoder::ShrinkToFit() {
  if (n_ == 0) {
    ts_.Release();
    val_.Release();
    return;
  }
  // Appends need the write slack again; they grow the buffer back.
  ts_.ShrinkTo(ts_size());
  val_.ShrinkTo(value_size());
}

void SplitEncoder::Append(int64_t t, double v) {
  assert(n_ < kMaxSamples);
  assert(n_ == 0 || t > st_.t);
  ts_.Reserve(ts_size() + kMaxSampleBytes + kWriteSlack);
  val_.Reserve(value_size() + kMaxSampleBytes + kWriteSlack);
  BitWriter wt(ts_.data() + kTsHeader, ts_.bitpos);
  BitWriter wv(val_.data(), val_.bitpos);
  if (n_ == 0) {
    InitFirst(st_, t);
    min_t_ = t;
    WriteLong(wt, ZigZag(t));
    int s;
    int64_t m;
    if (FindScale(v, 0, &s, &m)) {
      wv.WriteSmall(static_cast<uint64_t>(s), 5);  // '0' + 4-bit scale
      WriteLong(wv, ZigZag(m));
      EnterIntMode(st_, static_cast<uint8_t>(s), static_cast<uint64_t>(m));
    } else {
      wv.WriteSmall(1, 1);
      wv.Write(std::bit_cast<uint64_t>(v), 64);
      st_.val = std::bit_cast<uint64_t>(v);
      st_.scale = kFloatMode;
    }
  } else {
    if (n_ == 1) {
      int32_t interval = ChooseInterval(static_cast<uint64_t>(t) - static_cast<uint64_t>(st_.t));
      uint64_t g = static_cast<uint64_t>(st_.t) + static_cast<uint64_t>(int64_t{interval});
      WriteLong(wt, ZigZag(interval));
      WriteLong(wt, ZigZag(static_cast<int64_t>(static_cast<uint64_t>(t) - g)));
      InitSecond(st_, t, interval);
    } else {
      uint64_t g;
      uint64_t u = ZigZag(static_cast<int64_t>(static_cast<uint64_t>(t) - PredictT(st_, &g)));
      int k = RiceK(st_.tacc);
      uint64_t q = u >> k;
      if (q < kTsEscapeQ) {
        wt.WriteSmall(RiceCode(u, static_cast<int>(q), k), static_cast<int>(q) + 1 + k);
        AcceptT(st_, t, g, u, /*escaped=*/false);
      } else {
        wt.WriteSmall((1u << kTsEscapeQ) - 1, kTsEscapeQ);
        WriteLong(wt, u);
        AcceptT(st_, t, g, u, /*escaped=*/true);
      }
    }
    EncodeValue(st_, wv, v);
  }
  ts_.bitpos = static_cast<uint32_t>(wt.bitpos());
  val_.bitpos = static_cast<uint32_t>(wv.bitpos());
  ++n_;
  ts_.data()[0] = static_cast<uint8_t>(n_ >> 8);
  ts_.data()[1] = static_cast<uint8_t>(n_);
}

Status SplitEncoder::ResumeFrom(std::string_view chunk) {
  std::string_view ts, vs;
  RETURN_IF_ERROR(ParseSplitChunk(chunk, &ts, &vs));
  SplitIterator it(ts, vs);
  while (it.Next()) {
  }
  if (!it.status().ok()) return it.status();
  RETURN_IF_ERROR(CheckCanonical(ts, kTsHeader, it.ts_consumed_bits(), "split chunk timestamps"));
  RETURN_IF_ERROR(CheckCanonical(vs, 0, it.value_consumed_bits(), "split chunk values"));
  Reset();
  if (it.num_samples() == 0) return Status::OK();
  ts_.Reserve(ts.size() + kMaxSampleBytes + kWriteSlack);
  val_.Reserve(vs.size() + kMaxSampleBytes + kWriteSlack);
  std::memcpy(ts_.data(), ts.data(), ts.size());
  if (!vs.empty()) std::memcpy(val_.data(), vs.data(), vs.size());
  ts_.bitpos = static_cast<uint32_t>(it.ts_consumed_bits());
  val_.bitpos = static_cast<uint32_t>(it.value_consumed_bits());
  st_ = it.state();
  n_ = it.num_samples();
  SplitIterator first(ts, vs);
  min_t_ = first.Next() ? first.At().t : 0;
  return Status::OK();
}

// ---- Parsing ----------------------------------------------------------------

Status ParseSplitChunk(std::string_view chunk, std::string_view* ts, std::string_view* values) {
  ByteReader r(chunk);
  uint64_t len;
  if (!r.GetVarint64(&len) || len < kTsHeader || len > r.remaining()) {
    return Status::Corruption("split chunk: bad timestamp stream length");
  }
  (void)r.GetBytes(len, ts);
  (void)r.GetBytes(r.remaining(), values);
  return Status::OK();
}

Result<uint32_t> SplitTsCount(std::string_view ts) {
  if (ts.size() < kTsHeader) return Status::Corruption("split chunk: timestamp stream shorter than its header");
  return (uint32_t{static_cast<uint8_t>(ts[0])} << 8) | static_cast<uint8_t>(ts[1]);
}

// ---- SplitIterator ----------------------------------------------------------

void SplitIterator::Reset(std::string_view chunk) {
  std::string_view ts, vs;
  if (!ParseSplitChunk(chunk, &ts, &vs).ok()) {
    Reset(std::string_view(), std::string_view());
    error_ = "bad timestamp stream length";
    return;
  }
  Reset(ts, vs);
}

void SplitIterator::Reset(std::string_view ts, std::string_view values) {
  if (!status_.ok()) status_ = Status::OK();
  idx_ = pos_ = filled_ = 0;
  error_ = nullptr;
  st_t_ = st_v_ = State{};
  rv_.Reset(reinterpret_cast<const uint8_t*>(values.data()), values.size());
  if (ts.size() < kTsHeader) {
    n_ = 0;
    rt_.Reset(nullptr, 0);
    error_ = "timestamp stream shorter than its header";
    return;
  }
  const auto* p = reinterpret_cast<const uint8_t*>(ts.data());
  n_ = (uint32_t{p[0]} << 8) | p[1];
  rt_.Reset(p + kTsHeader, ts.size() - kTsHeader);
}

State SplitIterator::state() const {
  State s = st_t_;
  s.val = st_v_.val;
  s.aux = st_v_.aux;
  s.vacc = st_v_.vacc;
  s.scale = st_v_.scale;
  s.flags = st_v_.flags;
  return s;
}

bool SplitIterator::NextBatch() {
  pos_ = filled_ = 0;
  const uint32_t begin = idx_;
  const uint32_t end = error_ != nullptr ? begin : std::min(n_, begin + kBatch);
  // Timestamps of the batch, then values: two tight loops, one stream each.
  const char* err = nullptr;
  uint32_t nt = 0;
  {
    State st = st_t_;
    BitReader r = rt_;
    if (begin == 0 && end > 0) {
      InitFirst(st, UnZigZag(ReadLong(r)));
      buf_[0].t = st.t;
      if (r.overrun()) err = "truncated timestamps";
      else nt = 1;
    }
    while (err == nullptr && begin + nt < end) {
      err = DecodeT(st, r, begin + nt, &buf_[nt].t);
      if (err == nullptr && r.overrun()) err = "truncated timestamps";
      if (err == nullptr) ++nt;
    }
    st_t_ = st;
    rt_ = r;
  }
  uint32_t nv = 0;
  {
    State st = st_v_;
    BitReader r = rv_;
    const char* verr = nullptr;
    if (begin == 0 && nt > 0) {
      verr = DecodeFirstValue(st, r, &buf_[0].v);
      if (verr == nullptr && r.overrun()) verr = "truncated values";
      if (verr == nullptr) nv = 1;
    }
    while (verr == nullptr && nv < nt) {
      verr = DecodeV(st, r, &buf_[nv].v);
      if (verr == nullptr && r.overrun()) verr = "truncated values";
      if (verr == nullptr) ++nv;
    }
    st_v_ = st;
    rv_ = r;
    if (verr != nullptr) err = verr;
  }
  // Damage in either stream ends the chunk at the first bad sample.
  filled_ = nv;
  idx_ = begin + nv;
  if (err != nullptr) {
    error_ = err;
    idx_ = n_;
  }
  if (nv > 0) return true;
  if (error_ != nullptr && status_.ok()) status_ = Status::Corruption(std::string("split chunk: ") + error_);
  return false;
}

bool SplitIterator::Seek(int64_t t_ms) {
  if (pos_ < filled_ && buf_[pos_].t >= t_ms) return true;
  while (Next()) {
    if (buf_[pos_].t >= t_ms) return true;
  }
  return false;
}

Status DecodeSplitTimestamps(std::string_view ts, std::vector<int64_t>* out) {
  out->clear();
  ASSIGN_OR_RETURN(uint32_t n, SplitTsCount(ts));
  out->resize(n);
  BitReader r(reinterpret_cast<const uint8_t*>(ts.data()) + kTsHeader, ts.size() - kTsHeader);
  State st;
  const char* err = nullptr;
  uint32_t idx = 0;
  if (n > 0) {
    InitFirst(st, UnZigZag(ReadLong(r)));
    (*out)[0] = st.t;
    if (r.overrun()) err = "truncated timestamps";
    else idx = 1;
  }
  for (; idx < n && err == nullptr; ++idx) {
    err = DecodeT(st, r, idx, &(*out)[idx]);
    if (err == nullptr && r.overrun()) err = "truncated timestamps";
  }
  if (err != nullptr) {
    out->resize(idx);
    return Status::Corruption(std::string("split chunk: ") + err);
  }
  return Status::OK();
}

Status DecodeSplitValues(std::string_view values, uint32_t n, double* out, uint32_t* decoded) {
  BitReader r(reinterpret_cast<const uint8_t*>(values.data()), values.size());
  State st;
  const char* err = nullptr;
  uint32_t idx = 0;
  if (n > 0) {
    err = DecodeFirstValue(st, r, &out[0]);
    if (err == nullptr && r.overrun()) err = "truncated values";
    if (err == nullptr) idx = 1;
  }
  for (; idx < n && err == nullptr; ++idx) {
    err = DecodeV(st, r, &out[idx]);
    if (err == nullptr && r.overrun()) {
      err = "truncated values";
      break;
    }
    if (err != nullptr) break;
  }
  *decoded = idx;
  if (err != nullptr) return Status::Corruption(std::string("split chunk: ") + err);
  return Status::OK();
}

}  // namespace vigil::engine
