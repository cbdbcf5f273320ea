// HttpServer over loopback (port 0): keep-alive, gzip negotiation, the body
// limit, timeouts for slow and idle clients, Router errors, graceful
// shutdown with a request in flight, and concurrent requests.
#include "server/http/http_server.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <cerrno>

#include <atomic>
#include <chrono>
#include <thread>
#include <utility>  // before Asio (Boost 1.74 + C++20)

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "server/http/gzip.h"
#include "server/http/router.h"
#include "tests/testutil/testutil.h"

namespace vigil::server {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;

// A blocking client on one connection; reads give up after 5 s.
class Client {
 public:
  explicit Client(uint16_t port) : socket_(ioc_) {
    beast::error_code ec;
    socket_.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port), ec);
    connected_ = !ec;
    timeval tv{5, 0};
    setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  }
  bool connected() const { return connected_; }

  bool SendRaw(const std::string& bytes) {
    beast::error_code ec;
    net::write(socket_, net::buffer(bytes), ec);
    return !ec;
  }
  bool Send(bhttp::request<bhttp::string_body> req) {
    req.prepare_payload();
    beast::error_code ec;
    bhttp::write(socket_, req, ec);
    return !ec;
  }
  // One response; false (and *ec) on error or when the server closed.
  bool Read(bhttp::response<bhttp::string_body>* res, beast::error_code* ec_out = nullptr) {
    beast::error_code ec;
    bhttp::read(socket_, buffer_, *res, ec);
    if (ec_out != nullptr) *ec_out = ec;
    return !ec;
  }
  bhttp::response<bhttp::string_body> Get(const std::string& target, std::vector<std::pair<std::string, std::string>> headers = {}) {
    bhttp::request<bhttp::string_body> req(bhttp::verb::get, target, 11);
    req.set(bhttp::field::host, "localhost");
    for (auto& [k, v] : headers) req.set(k, v);
    bhttp::response<bhttp::string_body> res;
    if (!Send(std::move(req)) || !Read(&res)) res.result(bhttp::status::unknown);
    return res;
  }
  // True when the server closes the connection within `within`.
  bool ClosedWithin(std::chrono::milliseconds within) {
    // Plain recv: SO_RCVTIMEO makes it return EAGAIN after 5 s at most
    // (Asio's own sync read would poll forever).
    timeval tv{0, 100'000};
    setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    auto deadline = std::chrono::steady_clock::now() + within;
    char c[512];
    while (std::chrono::steady_clock::now() < deadline) {
      ssize_t n = ::recv(socket_.native_handle(), c, sizeof(c), 0);
      if (n == 0) return true;  // orderly close
      if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) return true;  // reset
    }
    return false;
  }

 private:
  net::io_context ioc_;
  tcp::socket socket_;
  beast::flat_buffer buffer_;
  bool connected_ = false;
};

HttpServerOptions TestOptions() {
  HttpServerOptions o;
  o.address = "127.0.0.1";
  o.port = 0;
  o.io_threads = 2;
  o.worker_threads = 4;
  return o;
}

HttpResponse Echo(const HttpRequest& req) {
  HttpResponse r;
  r.content_type = "text/plain";
  r.body = req.method + " " + req.path + " " + req.remote_address;
  return r;
}

TEST(HttpServerTest, ParseListenAddress) {
  std::string host;
  uint16_t port = 0;
  ASSERT_OK(ParseListenAddress("0.0.0.0:9201", &host, &port));
  EXPECT_EQ(host, "0.0.0.0");
  EXPECT_EQ(port, 9201);
  ASSERT_OK(ParseListenAddress(":80", &host, &port));
  EXPECT_EQ(host, "0.0.0.0");
  ASSERT_OK(ParseListenAddress("[::1]:9090", &host, &port));
  EXPECT_EQ(host, "::1");
  EXPECT_EQ(port, 9090);
  EXPECT_FALSE(ParseListenAddress("localhost", &host, &port).ok());
  EXPECT_FALSE(ParseListenAddress("a:99999", &host, &port).ok());
  EXPECT_EQ(ParseListenAddress("::1:80", &host, &port).message(),
            "invalid listen address \"::1:80\": IPv6 addresses must be in brackets");
}

TEST(HttpServerTest, BindFailureIsAnError) {
  HttpServer a(TestOptions(), Echo);
  ASSERT_OK(a.Start());
  HttpServerOptions o = TestOptions();
  o.port = a.port();
  HttpServer b(o, Echo);
  Status st = b.Start();
  EXPECT_EQ(st.code(), StatusCode::kIOError) << st.ToString();
}

TEST(HttpServerTest, KeepAliveServesTwoRequestsOnOneConnection) {
  HttpServer server(TestOptions(), Echo);
  ASSERT_OK(server.Start());
  ASSERT_NE(server.port(), 0);
  Client c(server.port());
  ASSERT_TRUE(c.connected());
  auto r1 = c.Get("/a%20b?x=1");
  auto r2 = c.Get("/second");
  ASSERT_EQ(r1.result_int(), 200);
  ASSERT_EQ(r2.result_int(), 200);
  EXPECT_TRUE(r1.keep_alive());
  // Same client address and port: the same connection served both.
  std::string addr1 = r1.body().substr(r1.body().rfind(' ') + 1);
  EXPECT_EQ(r1.body(), "GET /a b " + addr1);
  EXPECT_EQ(r2.body(), "GET /second " + addr1);
  EXPECT_EQ(server.connections(), 1u);
}

TEST(HttpServerTest, GzipWhenAcceptedOnly) {
  std::string big;
  for (int i = 0; i < 2000; ++i) big += "metric_" + std::to_string(i) + " ";
  HttpServer server(TestOptions(), [&](const HttpRequest& req) {
    HttpResponse r;
    r.body = req.path == "/small" ? "tiny" : big;
    return r;
  });
  ASSERT_OK(server.Start());
  Client c(server.port());

  auto gz = c.Get("/big", {{"Accept-Encoding", "deflate, gzip;q=0.8"}});
  ASSERT_EQ(gz.result_int(), 200);
  EXPECT_EQ(gz[bhttp::field::content_encoding], "gzip");
  EXPECT_EQ(gz[bhttp::field::vary], "Accept-Encoding");
  EXPECT_LT(gz.body().size(), big.size() / 2);
  std::string plain;
  ASSERT_TRUE(GzipDecompress(gz.body(), 1 << 20, &plain));
  EXPECT_EQ(plain, big);

  auto none = c.Get("/big");
  EXPECT_EQ(none[bhttp::field::content_encoding], "");
  EXPECT_EQ(none.body(), big);
  auto refused = c.Get("/big", {{"Accept-Encoding", "gzip;q=0, *"}});
  EXPECT_EQ(refused[bhttp::field::content_encoding], "");
  EXPECT_EQ(refused.body(), big);
  auto small = c.Get("/small", {{"Accept-Encoding", "gzip"}});
  EXPECT_EQ(small[bhttp::field::content_encoding], "");
  EXPECT_EQ(small.body(), "tiny");
}

TEST(HttpServerTest, AcceptsGzipParsing) {
  EXPECT_TRUE(AcceptsGzip("gzip"));
  EXPECT_TRUE(AcceptsGzip("br, GZIP;q=0.5"));
  EXPECT_TRUE(AcceptsGzip("*"));
  EXPECT_FALSE(AcceptsGzip(""));
  EXPECT_FALSE(AcceptsGzip("deflate, br"));
  EXPECT_FALSE(AcceptsGzip("gzip;q=0"));
  EXPECT_FALSE(AcceptsGzip("gzip;q=0.0, *;q=1"));
}

TEST(HttpServerTest, BodyOverLimitIs413WithJsonError) {
  HttpServerOptions o = TestOptions();
  o.body_limit_bytes = 1024;
  std::atomic<int> handled{0};
  HttpServer server(o, [&](const HttpRequest& req) {
    ++handled;
    return Echo(req);
  });
  ASSERT_OK(server.Start());
  {
    Client c(server.port());
    bhttp::request<bhttp::string_body> req(bhttp::verb::post, "/api/v1/write", 11);
    req.body() = std::string(1024, 'x');  // exactly the limit: accepted
    ASSERT_TRUE(c.Send(req));
    bhttp::response<bhttp::string_body> ok;
    ASSERT_TRUE(c.Read(&ok));
    EXPECT_EQ(ok.result_int(), 200);
    req.body() = std::string(4096, 'x');
    ASSERT_TRUE(c.Send(req));
    bhttp::response<bhttp::string_body> res;
    ASSERT_TRUE(c.Read(&res));
    EXPECT_EQ(res.result_int(), 413);
    EXPECT_EQ(res[bhttp::field::content_type], "application/json");
    EXPECT_EQ(res.body(),
              "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"request body too large: limit is 1024 "
              "bytes\"}");
    EXPECT_FALSE(res.keep_alive());
    EXPECT_TRUE(c.ClosedWithin(3000ms));
  }
  {
    // Chunked, so the size is only known while reading the body.
    Client c(server.port());
    std::string chunk(2000, 'y');
    char size_hex[16];
    std::snprintf(size_hex, sizeof(size_hex), "%zx", chunk.size());
    ASSERT_TRUE(c.SendRaw("POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n" + std::string(size_hex) +
                          "\r\n" + chunk + "\r\n0\r\n\r\n"));
    bhttp::response<bhttp::string_body> res;
    ASSERT_TRUE(c.Read(&res));
    EXPECT_EQ(res.result_int(), 413);
  }
  EXPECT_EQ(handled.load(), 1);
}

TEST(HttpServerTest, SlowHeadersAndIdleClientsAreDisconnected) {
  HttpServerOptions o = TestOptions();
  o.header_timeout_ms = 300;
  o.idle_timeout_ms = 300;
  o.body_timeout_ms = 300;
  HttpServer server(o, Echo);
  ASSERT_OK(server.Start());

  Client silent(server.port());  // connects and sends nothing
  Client slow(server.port());    // starts a request and never finishes its headers
  ASSERT_TRUE(slow.SendRaw("GET / HTTP/1.1\r\nHost: a\r\n"));
  Client slow_body(server.port());  // announces a body and sends half
  ASSERT_TRUE(slow_body.SendRaw("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\nhalf"));
  Client idle(server.port());  // one request, then keeps the connection idle
  EXPECT_EQ(idle.Get("/").result_int(), 200);

  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(silent.ClosedWithin(3000ms));
  EXPECT_TRUE(slow.ClosedWithin(3000ms));
  EXPECT_TRUE(slow_body.ClosedWithin(3000ms));
  EXPECT_TRUE(idle.ClosedWithin(3000ms));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2500ms);
  for (int i = 0; i < 100 && server.connections() > 0; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(server.connections(), 0u);

  // A keep-alive client that keeps talking is not cut off.
  Client busy(server.port());
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(busy.Get("/").result_int(), 200);
    std::this_thread::sleep_for(150ms);
  }
}

TEST(HttpServerTest, RouterErrorsAreJson) {
  Router router;
  router.Handle({"GET"}, "/only-get", Echo);
  HttpServer server(TestOptions(), [&](const HttpRequest& req) { return router.Dispatch(req); });
  ASSERT_OK(server.Start());
  Client c(server.port());
  auto nf = c.Get("/nope");
  EXPECT_EQ(nf.result_int(), 404);
  EXPECT_EQ(nf[bhttp::field::content_type], "application/json");
  EXPECT_EQ(nf.body(), "{\"status\":\"error\",\"errorType\":\"not_found\",\"error\":\"path /nope not found\"}");
  bhttp::request<bhttp::string_body> post(bhttp::verb::post, "/only-get", 11);
  ASSERT_TRUE(c.Send(post));
  bhttp::response<bhttp::string_body> na;
  ASSERT_TRUE(c.Read(&na));
  EXPECT_EQ(na.result_int(), 405);
  EXPECT_EQ(na[bhttp::field::allow], "GET");
  EXPECT_EQ(na.body(),
            "{\"status\":\"error\",\"errorType\":\"method_not_allowed\",\"error\":\"method POST not allowed for "
            "/only-get\"}");
  // Malformed request line → 400 and close.
  Client bad(server.port());
  ASSERT_TRUE(bad.SendRaw("NOT HTTP\r\n\r\n"));
  bhttp::response<bhttp::string_body> br;
  ASSERT_TRUE(bad.Read(&br));
  EXPECT_EQ(br.result_int(), 400);
}

TEST(HttpServerTest, GracefulShutdownFinishesInFlightRequest) {
  std::atomic<bool> entered{false};
  HttpServerOptions o = TestOptions();
  o.idle_timeout_ms = 60'000;  // the idle connection must be closed by Shutdown, not by a timeout
  auto server = std::make_unique<HttpServer>(o, [&](const HttpRequest& req) {
    if (req.path == "/slow") {
      entered = true;
      std::this_thread::sleep_for(700ms);
    }
    return Echo(req);
  });
  ASSERT_OK(server->Start());
  uint16_t port = server->port();

  Client idle(port);
  ASSERT_EQ(idle.Get("/").result_int(), 200);

  bhttp::response<bhttp::string_body> slow_res;
  std::thread slow([&] {
    Client c(port);
    slow_res = c.Get("/slow");
  });
  while (!entered) std::this_thread::sleep_for(5ms);
  auto start = std::chrono::steady_clock::now();
  server->Shutdown();
  auto took = std::chrono::steady_clock::now() - start;
  slow.join();
  EXPECT_EQ(slow_res.result_int(), 200);
  EXPECT_EQ(slow_res.body().substr(0, 10), "GET /slow ");
  EXPECT_FALSE(slow_res.keep_alive());  // "Connection: close" during shutdown
  EXPECT_GE(took, 300ms);               // it waited for the handler...
  EXPECT_LT(took, 5000ms);              // ...but not for the idle connection's timeout
  EXPECT_TRUE(idle.ClosedWithin(1000ms));
  // No longer accepting.
  Client after(port);
  EXPECT_TRUE(!after.connected() || after.Get("/").result_int() != 200);
  server->Shutdown();  // idempotent
}

TEST(HttpServerTest, ConcurrentRequestsRunInParallel) {
  HttpServerOptions o = TestOptions();
  o.worker_threads = 8;
  std::atomic<int> running{0}, peak{0};
  HttpServer server(o, [&](const HttpRequest& req) {
    int now = ++running;
    int p = peak.load();
    while (now > p && !peak.compare_exchange_weak(p, now)) {
    }
    std::this_thread::sleep_for(20ms);
    --running;
    return Echo(req);
  });
  ASSERT_OK(server.Start());
  constexpr int kClients = 16, kEach = 10;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  auto start = std::chrono::steady_clock::now();
  for (int t = 0; t < kClients; ++t) {
    threads.emplace_back([&, t] {
      Client c(server.port());
      for (int i = 0; i < kEach; ++i) {
        auto r = c.Get("/c" + std::to_string(t) + "/" + std::to_string(i));
        if (r.result_int() == 200 && r.body().starts_with("GET /c" + std::to_string(t) + "/" + std::to_string(i) + " ")) {
          ++ok;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(ok.load(), kClients * kEach);
  EXPECT_GT(peak.load(), 1);
  EXPECT_LE(peak.load(), 8);
  EXPECT_LT(took, kClients * kEach * 20ms);  // not serialized
}

TEST(HttpServerTest, ObserverSeesHandledAndRejectedRequests) {
  HttpServerOptions o = TestOptions();
  o.body_limit_bytes = 10;
  std::mutex mu;
  std::vector<std::pair<std::string, int>> seen;
  o.observer = [&](const HttpRequest& req, const HttpResponse& resp, double secs) {
    std::lock_guard<std::mutex> lock(mu);
    seen.emplace_back(req.path, resp.status);
  };
  HttpServer server(o, Echo);
  ASSERT_OK(server.Start());
  {
    Client c(server.port());
    EXPECT_EQ(c.Get("/ok").result_int(), 200);
    bhttp::request<bhttp::string_body> req(bhttp::verb::post, "/big", 11);
    req.body() = std::string(100, 'x');
    ASSERT_TRUE(c.Send(req));
    bhttp::response<bhttp::string_body> res;
    ASSERT_TRUE(c.Read(&res));
    EXPECT_EQ(res.result_int(), 413);
  }
  std::lock_guard<std::mutex> lock(mu);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0], std::make_pair(std::string("/ok"), 200));
  EXPECT_EQ(seen[1], std::make_pair(std::string("/big"), 413));
}

}  // namespace
}  // namespace vigil::server
