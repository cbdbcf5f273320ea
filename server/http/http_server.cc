// HttpServer: listener, IO threads and graceful shutdown. The per-connection
// protocol lives in session.cc.
#include "server/http/http_server.h"

#include <charconv>
#include <chrono>
#include <cstdio>

#include "server/http/session.h"

namespace vigil::server {

Status ParseListenAddress(std::string_view address, std::string* host, uint16_t* port) {
  auto bad = [&](std::string_view why) {
    return Status::InvalidArgument("invalid listen address \"" + std::string(address) + "\": " + std::string(why));
  };
  size_t colon = address.rfind(':');
  if (colon == std::string_view::npos) return bad("missing port");
  std::string_view h = address.substr(0, colon);
  std::string_view p = address.substr(colon + 1);
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') {
    h = h.substr(1, h.size() - 2);
  } else if (h.find(':') != std::string_view::npos) {
    return bad("IPv6 addresses must be in brackets");
  }
  unsigned value = 0;
  auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), value);
  if (p.empty() || ec != std::errc() || end != p.data() + p.size() || value > 65535) return bad("bad port");
  *host = h.empty() ? "0.0.0.0" : std::string(h);
  *port = static_cast<uint16_t>(value);
  return Status::OK();
}

void HttpServer::Core::Register(const std::shared_ptr<Session>& s) {
  std::lock_guard<std::mutex> lock(mu);
  sessions.emplace(s.get(), s);
}

void HttpServer::Core::Unregister(Session* s) {
  std::lock_guard<std::mutex> lock(mu);
  sessions.erase(s);
  if (sessions.empty()) cv.notify_all();
}

void HttpServer::Core::Accept() {
  acceptor->async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    if (stopping) return;  // the socket closes as it goes out of scope
    if (ec) {
      if (ec == net::error::operation_aborted) return;
      // E.g. EMFILE: back off briefly instead of spinning.
      std::fprintf(stderr, "vigil: accept: %s\n", ec.message().c_str());
      accept_retry->expires_after(std::chrono::milliseconds(50));
      accept_retry->async_wait([this](beast::error_code tec) {
        if (!tec && !stopping) Accept();
      });
      return;
    }
    beast::error_code nec;
    socket.set_option(tcp::no_delay(true), nec);
    auto session = std::make_shared<Session>(this, std::move(socket));
    Register(session);
    session->Start();
    Accept();
  });
}

HttpServer::HttpServer(HttpServerOptions options, Handler handler)
    : core_(std::make_unique<Core>(std::move(options), std::move(handler))) {}

HttpServer::~HttpServer() { Shutdown(); }

Status HttpServer::Start() {
  Core& c = *core_;
  const HttpServerOptions& o = c.options;
  std::string where = o.address + ":" + std::to_string(o.port);
  beast::error_code ec;
  tcp::endpoint endpoint;
  auto addr = net::ip::make_address(o.address, ec);
  if (!ec) {
    endpoint = tcp::endpoint(addr, o.port);
  } else {
    tcp::resolver resolver(c.ioc);
    auto results = resolver.resolve(o.address, std::to_string(o.port), ec);
    if (ec || results.empty()) {
      return Status::InvalidArgument("cannot resolve listen address \"" + o.address + "\": " + ec.message());
    }
    endpoint = results.begin()->endpoint();
  }
  c.acceptor.emplace(net::make_strand(c.ioc));
  auto fail = [&](const char* what) {
    c.acceptor.reset();
    return Status::IOError("listen tcp " + where + ": " + what + ": " + ec.message());
  };
  if (c.acceptor->open(endpoint.protocol(), ec)) return fail("socket");
  if (c.acceptor->set_option(net::socket_base::reuse_address(true), ec)) return fail("setsockopt");
  if (c.acceptor->bind(endpoint, ec)) return fail("bind");
  if (c.acceptor->listen(net::socket_base::max_listen_connections, ec)) return fail("listen");
  c.bound_port = c.acceptor->local_endpoint(ec).port();

  size_t cores = std::max(1u, std::thread::hardware_concurrency());
  size_t io = o.io_threads > 0 ? o.io_threads : cores;
  size_t workers = o.worker_threads > 0 ? o.worker_threads : std::max<size_t>(4, 2 * cores);
  c.pool = std::make_unique<WorkerPool>(workers, o.max_queued_requests);
  c.accept_retry.emplace(c.acceptor->get_executor());
  c.work.emplace(c.ioc.get_executor());
  c.Accept();
  for (size_t i = 0; i < io; ++i) {
    c.io_threads.emplace_back([&c] { c.ioc.run(); });
  }
  std::lock_guard<std::mutex> lock(c.mu);
  c.started = true;
  return Status::OK();
}

uint16_t HttpServer::port() const { return core_->bound_port; }

size_t HttpServer::connections() const {
  std::lock_guard<std::mutex> lock(core_->mu);
  return core_->sessions.size();
}

void HttpServer::Shutdown() {
  Core& c = *core_;
  {
    std::lock_guard<std::mutex> lock(c.mu);
    if (!c.started || c.shut_down) return;
    c.shut_down = true;
  }
  c.stopping = true;
  // 1. Stop accepting.
  net::post(c.acceptor->get_executor(), [&c] {
    beast::error_code ec;
    c.acceptor->close(ec);
    c.accept_retry->cancel();
  });
  // 2. Close connections that wait for a request; the others finish their
  //    current request and close (responses carry "Connection: close").
  std::vector<std::shared_ptr<Session>> live;
  {
    std::lock_guard<std::mutex> lock(c.mu);
    for (auto& [ptr, weak] : c.sessions) {
      if (auto s = weak.lock()) live.push_back(std::move(s));
    }
  }
  for (auto& s : live) s->CloseIfIdle();
  live.clear();
  // 3. Wait for in-flight requests, up to the shutdown timeout.
  {
    std::unique_lock<std::mutex> lock(c.mu);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(c.options.shutdown_timeout_ms);
    if (!c.cv.wait_until(lock, deadline, [&c] { return c.sessions.empty(); })) {
      std::fprintf(stderr, "vigil: shutdown timeout: dropping %zu connections\n", c.sessions.size());
    }
  }
  // 4. Stop the IO threads, then the workers (idle by now unless the
  //    deadline passed; queued tasks still run and their replies are dropped).
  c.work.reset();
  c.ioc.stop();
  for (std::thread& t : c.io_threads) {
    if (t.joinable()) t.join();
  }
  c.io_threads.clear();
  c.pool->Shutdown();
}

}  // namespace vigil::server
