// Session: one TCP connection's read → handle → write loop (see session.h).
#include "server/http/session.h"

#include <chrono>
#include <exception>
#include <limits>
#include <string>
#include <utility>

#include "server/http/gzip.h"
#include "server/http/router.h"

namespace vigil::server {

namespace {

using Clock = std::chrono::steady_clock;
using Ms = std::chrono::milliseconds;

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// %XX decoding of a URL path ('+' stays '+' in paths). Bad escapes are kept
// as they are, as Go's lenient path handling does for routing purposes.
std::string DecodePath(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '%' && i + 2 < in.size()) {
      int hi = HexValue(in[i + 1]), lo = HexValue(in[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(in[i]);
  }
  return out;
}

bool IsHttpParseError(const beast::error_code& ec) {
  return ec.category() == bhttp::make_error_code(bhttp::error::end_of_stream).category() &&
         ec != bhttp::error::end_of_stream;
}

// Compresses resp's body when the client accepts gzip and it is worth it.
void MaybeCompress(const HttpServerOptions& o, bool accepts_gzip, HttpResponse* resp) {
  if (resp->status == 204 || resp->status == 304 || resp->status < 200) return;
  if (resp->body.size() < o.gzip_min_bytes) return;
  for (const auto& [k, v] : resp->headers) {
    if (beast::iequals(k, "Content-Encoding")) return;  // the handler encoded it already
  }
  resp->headers.emplace_back("Vary", "Accept-Encoding");
  if (!accepts_gzip) return;
  std::string z;
  if (!GzipCompress(resp->body, o.gzip_level, &z)) return;
  resp->body = std::move(z);
  resp->headers.emplace_back("Content-Encoding", "gzip");
}

}  // namespace

Session::Session(HttpServer::Core* core, tcp::socket socket) : core_(core), stream_(std::move(socket)) {
  beast::error_code ec;
  auto ep = stream_.socket().remote_endpoint(ec);
  if (!ec) remote_ = ep.address().to_string() + ":" + std::to_string(ep.port());
}

Session::~Session() { core_->Unregister(this); }

void Session::Start() {
  net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->WaitRequest(); });
}

void Session::CloseIfIdle() {
  net::post(stream_.get_executor(), [self = shared_from_this()] {
    if (self->state_ == State::kIdle) self->stream_.cancel();
  });
}

void Session::WaitRequest() {
  if (core_->stopping) return Close();
  state_ = State::kIdle;
  const auto& o = core_->options;
  if (buffer_.size() > 0) {  // a pipelined request is already buffered
    header_deadline_ = Clock::now() + Ms(o.header_timeout_ms);
    return ReadHeader();
  }
  if (first_request_) {
    // A new connection must deliver its headers within the header timeout.
    header_deadline_ = Clock::now() + Ms(o.header_timeout_ms);
    stream_.expires_at(header_deadline_);
  } else {
    stream_.expires_after(Ms(o.idle_timeout_ms));
  }
  stream_.async_read_some(buffer_.prepare(8192), beast::bind_front_handler(&Session::OnFirstBytes, shared_from_this()));
}

void Session::OnFirstBytes(beast::error_code ec, size_t n) {
  if (ec) return Close();  // idle timeout, client closed, or shutdown
  buffer_.commit(n);
  if (!first_request_) header_deadline_ = Clock::now() + Ms(core_->options.header_timeout_ms);
  ReadHeader();
}

void Session::ReadHeader() {
  state_ = State::kReading;
  parser_.emplace();
  parser_->header_limit(core_->options.header_limit_bytes);
  // No body limit while reading the header, so that an oversized
  // Content-Length is refused below with the request line known (the
  // parser would fail before the header is complete); set before the body.
  parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
  stream_.expires_at(header_deadline_);
  bhttp::async_read_header(stream_, buffer_, *parser_,
                           [self = shared_from_this()](beast::error_code ec, size_t) { self->OnHeader(ec); });
}

void Session::OnHeader(beast::error_code ec) {
  const auto& o = core_->options;
  if (ec == bhttp::error::header_limit) return Reject(431, "bad_data", "request headers too large");
  if (ec == bhttp::error::body_limit) {
    return Reject(413, "bad_data", "request body too large: limit is " + std::to_string(o.body_limit_bytes) + " bytes");
  }
  if (IsHttpParseError(ec)) return Reject(400, "bad_data", "malformed HTTP request: " + ec.message());
  if (ec) return Close();  // timeout, reset, end of stream
  auto& msg = parser_->get();
  auto len = parser_->content_length();
  if (len && *len > o.body_limit_bytes) {
    return Reject(413, "bad_data", "request body too large: limit is " + std::to_string(o.body_limit_bytes) + " bytes");
  }
  parser_->body_limit(o.body_limit_bytes);  // chunked bodies are checked while read
  if (parser_->is_done()) return Dispatch();
  if (beast::iequals(msg[bhttp::field::expect], "100-continue")) {
    auto cont = std::make_shared<bhttp::response<bhttp::empty_body>>(bhttp::status::continue_, 11);
    stream_.expires_after(Ms(o.write_timeout_ms));
    bhttp::async_write(stream_, *cont, [self = shared_from_this(), cont](beast::error_code wec, size_t) {
      if (wec) return self->Close();
      self->ReadBody();
    });
    return;
  }
  ReadBody();
}

void Session::ReadBody() {
  stream_.expires_after(Ms(core_->options.body_timeout_ms));
  bhttp::async_read(stream_, buffer_, *parser_,
                    [self = shared_from_this()](beast::error_code ec, size_t) { self->OnBody(ec); });
}

void Session::OnBody(beast::error_code ec) {
  if (ec == bhttp::error::body_limit) {
    return Reject(413, "bad_data",
                  "request body too large: limit is " + std::to_string(core_->options.body_limit_bytes) + " bytes");
  }
  if (IsHttpParseError(ec)) return Reject(400, "bad_data", "malformed HTTP request: " + ec.message());
  if (ec) return Close();  // body timeout, reset
  Dispatch();
}

void Session::Dispatch() {
  auto& msg = parser_->get();
  HttpRequest req;
  req.method = std::string(msg.method_string());
  std::string_view target(msg.target().data(), msg.target().size());
  size_t q = target.find('?');
  req.path = DecodePath(target.substr(0, q));
  if (q != std::string_view::npos) req.query = std::string(target.substr(q + 1));
  for (const auto& field : msg) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    req.headers.emplace_back(std::move(name), std::string(field.value()));
  }
  req.body = std::move(msg.body());
  req.remote_address = remote_;
  keep_alive_ = msg.keep_alive();
  is_head_ = req.method == "HEAD";
  parser_.reset();
  state_ = State::kHandling;
  stream_.expires_never();  // the handler's time is bounded by its own limits

  bool gzip = AcceptsGzip(req.Header("accept-encoding"));
  auto self = shared_from_this();
  bool queued = core_->pool->Submit([self, req = std::move(req), gzip]() mutable {
    HttpServer::Core* core = self->core_;
    auto start = Clock::now();
    HttpResponse resp;
    try {
      resp = core->handler(req);
    } catch (const std::exception& e) {  // handlers should not throw; never let one kill a worker
      resp = JsonError(500, "internal", std::string("handler failed: ") + e.what());
    } catch (...) {
      resp = JsonError(500, "internal", "handler failed");
    }
    double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    if (core->options.observer) core->options.observer(req, resp, seconds);
    MaybeCompress(core->options, gzip, &resp);
    net::post(self->stream_.get_executor(),
              [self, resp = std::move(resp)]() mutable { self->Write(std::move(resp)); });
  });
  if (!queued) {
    HttpResponse resp = JsonError(503, "unavailable", "server overloaded: too many requests queued");
    Write(std::move(resp));
  }
}

void Session::Reject(int status, std::string_view error_type, std::string_view message) {
  HttpResponse resp = JsonError(status, error_type, message);
  if (core_->options.observer) {
    HttpRequest req;
    if (parser_ && parser_->is_header_done()) {
      const auto& msg = parser_->get();
      req.method = std::string(msg.method_string());
      std::string_view target(msg.target().data(), msg.target().size());
      req.path = DecodePath(target.substr(0, target.find('?')));
    }
    req.remote_address = remote_;
    core_->options.observer(req, resp, 0);
  }
  parser_.reset();
  is_head_ = false;
  close_after_write_ = true;
  Write(std::move(resp));
}

void Session::Write(HttpResponse resp) {
  state_ = State::kWriting;
  response_ = std::make_unique<bhttp::response<bhttp::string_body>>();
  auto& r = *response_;
  r.version(11);
  r.result(static_cast<unsigned>(resp.status));
  r.set(bhttp::field::server, "vigil");
  if (!resp.content_type.empty()) r.set(bhttp::field::content_type, resp.content_type);
  for (auto& [k, v] : resp.headers) r.insert(k, v);
  // 1xx/204/304 must not carry a body (Beast refuses to frame one).
  if (resp.status < 200 || resp.status == 204 || resp.status == 304) resp.body.clear();
  r.keep_alive(keep_alive_ && !close_after_write_ && !core_->stopping);
  if (is_head_) {
    r.content_length(resp.body.size());
  } else {
    r.body() = std::move(resp.body);
    r.prepare_payload();
  }
  stream_.expires_after(Ms(core_->options.write_timeout_ms));
  bhttp::async_write(stream_, r, [self = shared_from_this()](beast::error_code ec, size_t) { self->OnWrite(ec); });
}

void Session::OnWrite(beast::error_code ec) {
  bool keep = response_ && response_->keep_alive();
  response_.reset();
  if (ec) return Close();
  if (close_after_write_) return LingerClose();
  if (!keep) return Close();
  first_request_ = false;
  WaitRequest();
}

void Session::Close() {
  state_ = State::kWriting;  // not idle: nothing more to cancel
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  stream_.close();
}

void Session::LingerClose() {
  state_ = State::kWriting;
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  linger_buf_.resize(16384);
  stream_.expires_after(Ms(2000));
  struct Drain {
    std::shared_ptr<Session> self;
    size_t total = 0;
    void operator()(beast::error_code ec, size_t n) {
      total += n;
      // Until the client closes, 2 s pass, or 64 MiB were discarded.
      if (ec || total > (64u << 20)) {
        self->stream_.close();
        return;
      }
      auto* s = self.get();
      s->stream_.async_read_some(net::buffer(s->linger_buf_), std::move(*this));
    }
  };
  Drain{shared_from_this()}(beast::error_code{}, 0);
}

}  // namespace vigil::server
