#include "server/http/header_text.h"
#include "server/remote_write/handler.h"

#include <array>
#include <atomic>
#include <cctype>
#include <memory>
#include <string>
#include <string_view>

#include "server/remote_write/convert.h"
#include "server/remote_write/decode.h"
#include "server/remote_write/series_cache.h"
#include "server/remote_write/view_decode.h"

namespace vigil::server {

namespace {

namespace rw = remote_write;

constexpr std::string_view kTextPlain = "text/plain; charset=utf-8";

struct Metrics {
  MetricsRegistry* registry = nullptr;
  Counter* ingested = nullptr;
  std::array<Counter*, rw::kNumRejects> rejected{};
  Counter* exemplars_ignored = nullptr;
  Counter* metadata = nullptr;
  Histogram* request_bytes = nullptr;

  uint64_t id;  // this registration: the owner token of the series caches

  explicit Metrics(MetricsRegistry* reg) : registry(reg) {
    static std::atomic<uint64_t> next_id{1};
    id = next_id.fetch_add(1, std::memory_order_relaxed);
    ingested = reg->GetCounter("vigil_samples_ingested_total", "Samples stored through any ingest path.");
    for (size_t i = 0; i < rw::kNumRejects; ++i) {
      rejected[i] = reg->GetCounter("vigil_samples_rejected_total", "Samples rejected at ingest, by reason.",
                                    {{"reason", std::string(rw::RejectName(static_cast<rw::Reject>(i)))}});
    }
    exemplars_ignored = reg->GetCounter("vigil_remote_write_exemplars_ignored_total",
                                        "Exemplars received through remote write and not stored (unsupported).");
    metadata = reg->GetCounter("vigil_remote_write_metadata_total",
                               "Metric metadata entries received through remote write.");
    request_bytes = reg->GetHistogram("vigil_remote_write_request_bytes",
                                      "Compressed size of remote-write request bodies.",
                                      {1 << 10, 4 << 10, 16 << 10, 64 << 10, 256 << 10, 1 << 20, 4 << 20,
                                       16 << 20, 64 << 20});
    for (size_t i = 0; i < kCodes.size(); ++i) codes[i] = CodeCounter(kCodes[i]);
  }

  Counter* CodeCounter(int code) const {
    return registry->GetCounter("vigil_remote_write_requests_total",
                                "Remote-write requests handled, by HTTP status code.",
                                {{"code", std::to_string(code)}});
  }
  void Code(int code) const {
    for (size_t i = 0; i < kCodes.size(); ++i) {
      if (kCodes[i] == code) return codes[i]->Inc();
    }
    CodeCounter(code)->Inc();
  }

  static constexpr std::array<int, 5> kCodes = {204, 400, 413, 415, 500};
  std::array<Counter*, kCodes.size()> codes{};
};

HttpResponse Reply(const Metrics& m, int status, std::string body) {
  m.Code(status);
  HttpResponse r;
  r.status = status;
  if (status == 204) {
    r.content_type.clear();
  } else {
    r.content_type = kTextPlain;
    r.body = std::move(body);
    r.body += '\n';
  }
  return r;
}


// "" when the Content-Type selects remote write 1.0, else why not (→ 415).
// Follows client_golang exp/api/remote: no header, application/x-protobuf,
// or application/x-protobuf;proto=prometheus.WriteRequest is 1.0.
std::string CheckContentType(std::string_view ct) {
  if (TrimHeaderSpace(ct).empty()) return "";
  std::string_view rest = ct;
  size_t semi = rest.find(';');
  std::string_view media = TrimHeaderSpace(rest.substr(0, semi));
  if (!EqualsIgnoreCase(media, "application/x-protobuf")) {
    return "unsupported Content-Type \"" + std::string(ct) + "\": expected application/x-protobuf";
  }
  while (semi != std::string_view::npos) {
    rest = rest.substr(semi + 1);
    semi = rest.find(';');
    std::string_view param = TrimHeaderSpace(rest.substr(0, semi));
    size_t eq = param.find('=');
    if (eq == std::string_view::npos) continue;
    if (!EqualsIgnoreCase(TrimHeaderSpace(param.substr(0, eq)), "proto")) continue;
    std::string_view proto = TrimHeaderSpace(param.substr(eq + 1));
    if (proto.size() >= 2 && proto.front() == '"' && proto.back() == '"') proto = proto.substr(1, proto.size() - 2);
    if (proto == "prometheus.WriteRequest") continue;
    if (proto == "io.prometheus.write.v2.Request") {
      return "remote write 2.0 (proto=io.prometheus.write.v2.Request) is not supported; "
             "send remote write 1.0 (prometheus.WriteRequest)";
    }
    return "unsupported proto \"" + std::string(proto) + "\" in Content-Type: expected prometheus.WriteRequest";
  }
  return "";
}

void StoreMetadata(const rw::WriteRequestView& req, MetadataStore* store) {
  if (store == nullptr) return;
  for (const rw::RawMetadata& md : req.metadata) {
    if (md.family.empty() || !IsValidUtf8(md.family) || !IsValidUtf8(md.help) || !IsValidUtf8(md.unit)) continue;
    store->Put(std::string(md.family), MetricMetadata{std::string(rw::MetricTypeName(md.type)), std::string(md.help),
                                                      std::string(md.unit)});
  }
}

// Per worker thread: the decoder's buffers and the series cache are reused
// across requests (the handler runs on the fixed worker pool).
struct WorkerState {
  rw::ViewDecoder decoder;
  rw::SeriesRefCache cache;
};
thread_local WorkerState t_worker;

HttpResponse HandleWrite(const HttpRequest& req, ServerContext& ctx, const Metrics& m) {
  static const Limits kDefaultLimits;
  const Limits& limits = ctx.config != nullptr ? ctx.config->limits : kDefaultLimits;

  std::string_view encoding = TrimHeaderSpace(req.Header("content-encoding"));
  if (!encoding.empty() && !EqualsIgnoreCase(encoding, "snappy")) {
    return Reply(m, 415, "unsupported Content-Encoding \"" + std::string(encoding) + "\": expected snappy");
  }
  if (std::string why = CheckContentType(req.Header("content-type")); !why.empty()) {
    return Reply(m, 415, std::move(why));
  }
  m.request_bytes->Observe(static_cast<double>(req.body.size()));
  if (req.body.size() > limits.max_request_body_bytes) {
    return Reply(m, 413, "request body of " + std::to_string(req.body.size()) + " bytes exceeds the limit of " +
                             std::to_string(limits.max_request_body_bytes) + " bytes");
  }

  rw::ViewDecoder& decoder = t_worker.decoder;
  Status st = decoder.Decode(req.body, rw::DecodedLimitFor(limits.max_request_body_bytes));
  if (!st.ok()) {
    decoder.Release();
    return Reply(m, st.code() == StatusCode::kLimitExceeded ? 413 : 400, st.message());
  }
  const rw::WriteRequestView& wr = decoder.view();

  m.metadata->Inc(static_cast<double>(wr.metadata.size()));
  StoreMetadata(wr, ctx.metadata);

  rw::IngestReport report;
  uint64_t written = 0;
  if (!wr.series.empty()) {
    if (ctx.db == nullptr) {
      decoder.Release();
      return Reply(m, 500, "storage is not open");
    }
    rw::ConvertLimits cl{limits.max_labels_per_series, limits.max_label_name_length, limits.max_label_value_length,
                         limits.max_series_per_request};
    t_worker.cache.Bind(m.id, ctx.db, ctx.db->dir());
    std::unique_ptr<Appender> app = ctx.db->NewAppender();
    st = rw::AppendWriteRequest(wr, cl, app.get(), &report, &t_worker.cache);
    decoder.Release();  // the appender holds copies from here on
    if (st.code() == StatusCode::kLimitExceeded) {
      app->Rollback();
      m.rejected[static_cast<size_t>(rw::Reject::kTooManySeries)]->Inc(
          static_cast<double>(report.count(rw::Reject::kTooManySeries)));
      return Reply(m, 400, st.message());
    }
    if (!st.ok()) {
      app->Rollback();
      return Reply(m, 500, "storage error: " + st.message());
    }
    st = app->Commit();
    if (!st.ok()) return Reply(m, 500, "storage error, nothing of this request was stored: " + st.ToString());
    rw::MergeCommitStats(app->stats(), &report);
    written = app->stats().accepted;
    m.ingested->Inc(static_cast<double>(written));
    for (size_t i = 0; i < rw::kNumRejects; ++i) {
      if (report.rejected[i] > 0) m.rejected[i]->Inc(static_cast<double>(report.rejected[i]));
    }
    if (report.exemplars_ignored > 0) m.exemplars_ignored->Inc(static_cast<double>(report.exemplars_ignored));
  } else {
    decoder.Release();
  }

  if (report.total_rejected() > 0) return Reply(m, 400, rw::RejectionMessage(report));
  HttpResponse r = Reply(m, 204, "");
  r.headers.emplace_back("X-Prometheus-Remote-Write-Samples-Written", std::to_string(written));
  return r;
}

}  // namespace

void RegisterRemoteWrite(Router& router, ServerContext& ctx) {
  static MetricsRegistry fallback_registry;  // when no registry is wired (tools, tests)
  auto metrics = std::make_shared<const Metrics>(ctx.metrics != nullptr ? ctx.metrics : &fallback_registry);
  router.Handle({"POST"}, "/api/v1/write",
                [&ctx, metrics](const HttpRequest& req) { return HandleWrite(req, ctx, *metrics); });
}

}  // namespace vigil::server
