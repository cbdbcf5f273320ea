#include "server/remote_write/view_decode.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/wire_format_lite.h>
#include <snappy.h>

#include <climits>
#include <cstring>
#include <string>

#include "remote_write/proto/remote.pb.h"  // generated into the build dir
#include "server/remote_write/decode.h"

namespace vigil::server::remote_write {

namespace {

using google::protobuf::io::CodedInputStream;
using WFL = google::protobuf::internal::WireFormatLite;

constexpr int kVarint = WFL::WIRETYPE_VARINT;
constexpr int kFixed64 = WFL::WIRETYPE_FIXED64;
constexpr int kLen = WFL::WIRETYPE_LENGTH_DELIMITED;
constexpr size_t kKeepBytes = 8 << 20;  // Release() frees larger buffers

constexpr uint32_t Tag(int field, int wire_type) { return (static_cast<uint32_t>(field) << 3) | wire_type; }

// One pass over the bytes. Each message is a loop over its fields up to its
// end offset (tracked here rather than with PushLimit, which costs calls per
// field); a field that runs past its message's end is an error, as it is for
// the generated parser. A nested message takes one recursion level, as the
// generated parser counts them (so deep unknown groups fail alike).
class Parser {
 public:
  Parser(std::string_view bytes, WriteRequestView* out)
      : base_(reinterpret_cast<const uint8_t*>(bytes.data())),
        in_(base_, static_cast<int>(bytes.size())),
        out_(out),
        end_(bytes.data() + bytes.size()) {}

  bool ParseRequest() {
    while (!AtLimit()) {
      uint32_t tag;
      if (in_.ExpectTag(Tag(1, kLen))) {
        tag = Tag(1, kLen);
      } else if (!ReadTag(&tag)) {
        return false;
      }
      if (tag == Tag(1, kLen)) {
        if (!Nested([this] { return ParseTimeSeries(); })) return false;
      } else if (tag == Tag(3, kLen)) {
        if (!Nested([this] { return ParseMetadata(); })) return false;
      } else if (!Skip(tag)) {
        return false;
      }
    }
    return AtEnd();
  }

  const char* error() const { return error_; }
  int offset() const { return in_.CurrentPosition(); }

 private:
  bool Fail(const char* what) {
    if (error_ == nullptr) error_ = what;
    return false;
  }
  // REQUIRES for AtEnd: !AtLimit() turned false, i.e. the position is at or
  // past the end; past means the last field crossed it.
  bool AtLimit() { return Here() >= end_; }
  bool AtEnd() { return Here() == end_ || Fail("field runs past the end of its message"); }
  int64_t Remaining() { return end_ - Here(); }
  // The stream's read position: an array-backed stream reads in place, so
  // this is a pointer into the input (one load, unlike CurrentPosition()).
  const char* Here() {
    const void* data;
    int size;
    in_.GetDirectBufferPointerInline(&data, &size);
    return static_cast<const char*>(data);
  }

  // A tag as the generated parser reads it: at most 5 bytes, field number
  // not 0 (ReadTag returns 0 for a malformed tag too).
  bool ReadTag(uint32_t* tag) {
    const char* before = Here();
    *tag = in_.ReadTagNoLastTag();
    if (*tag == 0) return Fail(Here() == before ? "truncated or malformed tag" : "field number 0");
    if (Here() - before > 5) return Fail("tag longer than 5 bytes");
    if ((*tag >> 3) == 0) return Fail("field number 0");
    return true;
  }
  // A length prefix: at most 5 bytes and within the current message.
  bool ReadLength(uint32_t* len) {
    const char* before = Here();
    if (!in_.ReadVarint32(len)) return Fail("truncated length");
    if (Here() - before > 5) return Fail("length longer than 5 bytes");
    if (static_cast<int64_t>(*len) > Remaining()) return Fail("length past the end");
    return true;
  }
  bool ReadBytes(std::string_view* v) {
    uint32_t len;
    if (!ReadLength(&len)) return false;
    *v = std::string_view(Here(), len);
    return in_.Skip(static_cast<int>(len)) || Fail("length past the end");
  }
  bool ReadVarint(uint64_t* v) { return in_.ReadVarint64(v) || Fail("truncated or overlong varint"); }
  bool ReadFixed64(uint64_t* v) { return in_.ReadLittleEndian64(v) || Fail("truncated fixed64"); }
  // Unknown field, or a known one with another wire type (the generated
  // parser treats both as unknown): skipped, groups included, with the same
  // rules as known fields (5-byte tags and lengths, which
  // WireFormatLite::SkipField would not check) and one recursion level per
  // group.
  bool Skip(uint32_t tag) {
    switch (WFL::GetTagWireType(tag)) {
      case WFL::WIRETYPE_VARINT: {
        uint64_t v;
        return ReadVarint(&v);
      }
      case WFL::WIRETYPE_FIXED64: {
        uint64_t v;
        return ReadFixed64(&v);
      }
      case WFL::WIRETYPE_FIXED32: {
        uint32_t v;
        return in_.ReadLittleEndian32(&v) || Fail("truncated fixed32");
      }
      case WFL::WIRETYPE_LENGTH_DELIMITED: {
        uint32_t len;
        if (!ReadLength(&len)) return false;
        return in_.Skip(static_cast<int>(len)) || Fail("length past the end");
      }
      case WFL::WIRETYPE_START_GROUP: {
        if (!in_.IncrementRecursionDepth()) return Fail("nesting too deep");
        const uint32_t end_tag = (tag & ~7u) | WFL::WIRETYPE_END_GROUP;
        for (;;) {
          uint32_t inner;
          if (!ReadTag(&inner)) return false;
          if (inner == end_tag) break;
          if (!Skip(inner)) return false;  // a stray end-group fails there
        }
        in_.DecrementRecursionDepth();
        return true;
      }
      case WFL::WIRETYPE_END_GROUP:
        return Fail("unexpected end-group tag");
      default:
        return Fail("invalid wire type");
    }
  }
  template <typename Fn>
  bool Nested(Fn&& body) {
    uint32_t len;
    if (!ReadLength(&len)) return false;
    if (!in_.IncrementRecursionDepth()) return Fail("nesting too deep");
    const char* outer_end = end_;
    end_ = Here() + len;
    if (!body() || !AtEnd()) return false;
    end_ = outer_end;
    in_.DecrementRecursionDepth();
    return true;
  }
  // Validates an exemplar or histogram with its generated class, as
  // ParseFromArray would have parsed it in place (same recursion budget).
  bool ValidateWithMessage(google::protobuf::MessageLite* msg) {
    uint32_t len;
    if (!ReadLength(&len)) return false;
    CodedInputStream sub(reinterpret_cast<const uint8_t*>(Here()), static_cast<int>(len));
    sub.SetRecursionLimit(in_.RecursionBudget() - 1);
    msg->Clear();
    bool ok = in_.RecursionBudget() > 0 && msg->MergeFromCodedStream(&sub) && sub.ConsumedEntireMessage();
    if (!ok) return Fail("malformed exemplar or histogram");
    return in_.Skip(static_cast<int>(len));
  }

  bool ParseTimeSeries() {
    RawSeries s;
    s.label_begin = static_cast<uint32_t>(out_->labels.size());
    s.sample_begin = static_cast<uint32_t>(out_->samples.size());
    const char* run_begin = nullptr;  // labels_wire: the contiguous Label fields
    const char* run_end = nullptr;
    bool contiguous = true;
    while (!AtLimit()) {
      const char* field_start = Here();
      uint32_t tag;
      if (in_.ExpectTag(Tag(1, kLen))) {  // the common tags, 1 byte each
        tag = Tag(1, kLen);
      } else if (in_.ExpectTag(Tag(2, kLen))) {
        tag = Tag(2, kLen);
      } else if (!ReadTag(&tag)) {
        return false;
      }
      if (tag == Tag(1, kLen)) {
        if (run_begin == nullptr) {
          run_begin = field_start;
        } else if (field_start != run_end) {
          contiguous = false;
        }
        RawLabel& l = out_->labels.emplace_back();
        if (!Nested([&] { return ParseLabel(&l); })) return false;
        run_end = Here();
      } else if (tag == Tag(2, kLen)) {
        RawSample& smp = out_->samples.emplace_back();
        if (!Nested([&] { return ParseSample(&smp); })) return false;
      } else if (tag == Tag(3, kLen)) {
        if (!ValidateWithMessage(&exemplar_)) return false;
        ++s.exemplars;
      } else if (tag == Tag(4, kLen)) {
        if (!ValidateWithMessage(&histogram_)) return false;
        ++s.histograms;
      } else if (!Skip(tag)) {
        return false;
      }
    }
    s.label_count = static_cast<uint32_t>(out_->labels.size()) - s.label_begin;
    s.sample_count = static_cast<uint32_t>(out_->samples.size()) - s.sample_begin;
    if (contiguous && run_begin != nullptr) s.labels_wire = std::string_view(run_begin, run_end - run_begin);
    out_->series.push_back(s);
    return true;
  }

  bool ParseLabel(RawLabel* l) {
    // Fast path for name then value, as senders write them (ExpectTag
    // matches only those exact 1-byte tags); anything else, in any order,
    // goes through the general loop.
    if (!AtLimit() && in_.ExpectTag(Tag(1, kLen)) && !ReadBytes(&l->name)) return false;
    if (!AtLimit() && in_.ExpectTag(Tag(2, kLen)) && !ReadBytes(&l->value)) return false;
    while (!AtLimit()) {
      uint32_t tag;
      if (!ReadTag(&tag)) return false;
      if (tag == Tag(1, kLen)) {
        if (!ReadBytes(&l->name)) return false;
      } else if (tag == Tag(2, kLen)) {
        if (!ReadBytes(&l->value)) return false;
      } else if (!Skip(tag)) {
        return false;
      }
    }
    return true;
  }

  bool ParseSample(RawSample* s) {
    uint64_t bits, t;
    if (!AtLimit() && in_.ExpectTag(Tag(1, kFixed64))) {
      if (!ReadFixed64(&bits)) return false;
      std::memcpy(&s->v, &bits, 8);
    }
    if (!AtLimit() && in_.ExpectTag(Tag(2, kVarint))) {
      if (!ReadVarint(&t)) return false;
      s->t = static_cast<int64_t>(t);
    }
    while (!AtLimit()) {
      uint32_t tag;
      if (!ReadTag(&tag)) return false;
      if (tag == Tag(1, kFixed64)) {
        uint64_t bits;
        if (!ReadFixed64(&bits)) return false;
        std::memcpy(&s->v, &bits, 8);
      } else if (tag == Tag(2, kVarint)) {
        uint64_t t;
        if (!ReadVarint(&t)) return false;
        s->t = static_cast<int64_t>(t);
      } else if (!Skip(tag)) {
        return false;
      }
    }
    return true;
  }

  bool ParseMetadata() {
    RawMetadata md;
    while (!AtLimit()) {
      uint32_t tag;
      if (!ReadTag(&tag)) return false;
      if (tag == Tag(1, kVarint)) {
        uint64_t type;
        if (!ReadVarint(&type)) return false;
        md.type = static_cast<int>(static_cast<int32_t>(type));
      } else if (tag == Tag(2, kLen)) {
        if (!ReadBytes(&md.family)) return false;
      } else if (tag == Tag(4, kLen)) {
        if (!ReadBytes(&md.help)) return false;
      } else if (tag == Tag(5, kLen)) {
        if (!ReadBytes(&md.unit)) return false;
      } else if (!Skip(tag)) {
        return false;
      }
    }
    out_->metadata.push_back(md);
    return true;
  }

  const uint8_t* base_;
  CodedInputStream in_;
  WriteRequestView* out_;
  const char* end_;  // the end of the message being parsed
  const char* error_ = nullptr;
  prometheus::Exemplar exemplar_;
  prometheus::Histogram histogram_;
};

}  // namespace

Status ParseWriteRequestView(std::string_view bytes, WriteRequestView* out) {
  out->Clear();
  if (bytes.size() > static_cast<size_t>(INT_MAX)) return Status::InvalidArgument("protobuf: body too large");
  Parser p(bytes, out);
  if (p.ParseRequest()) return Status::OK();
  out->Clear();
  return Status::InvalidArgument("protobuf: cannot parse decoded body (" + std::to_string(bytes.size()) +
                                 " bytes) as prometheus.WriteRequest: " + p.error() + " at byte " +
                                 std::to_string(p.offset()));
}

Status ViewDecoder::Decode(std::string_view body, size_t max_decoded_bytes) {
  view_.Clear();
  size_t decoded_len = 0;
  RETURN_IF_ERROR(SnappyDecodedLength(body, max_decoded_bytes, &decoded_len));
  if (decoded_len > capacity_) {
    buf_ = std::make_unique_for_overwrite<char[]>(decoded_len);
    capacity_ = decoded_len;
  }
  char empty;
  char* buf = decoded_len == 0 ? &empty : buf_.get();
  if (!snappy::RawUncompress(body.data(), body.size(), buf)) return Status::InvalidArgument("snappy: corrupt input");
  return ParseWriteRequestView(std::string_view(buf, decoded_len), &view_);
}

void ViewDecoder::Release() {
  view_.Clear();
  if (capacity_ > kKeepBytes) {
    buf_.reset();
    capacity_ = 0;
  }
}

}  // namespace vigil::server::remote_write
