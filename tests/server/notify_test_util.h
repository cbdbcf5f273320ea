// Test helpers for the notifier: a loopback HTTP receiver that records each
// request and answers by a programmable policy, a port that accepts
// connections but never answers, a settable clock, and alert builders.
// Thread-safe where a test shares them with the notifier's threads.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "server/http/http_server.h"
#include "server/rules/alert.h"

namespace vigil::notify::testing {

struct ReceivedRequest {
  std::string path;
  std::string body;
  std::string content_type;
  std::string user_agent;
  std::chrono::steady_clock::time_point at;
  nlohmann::json Json() const { return nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false); }
};

// Answers every POST with policy(n) (n = 0-based request number); the
// default policy is 200 with body "ok".
class RecordingReceiver {
 public:
  using Policy = std::function<server::HttpResponse(size_t n)>;

  explicit RecordingReceiver(Policy policy = nullptr) : policy_(std::move(policy)) {
    server::HttpServerOptions o;
    o.address = "127.0.0.1";
    o.port = 0;
    o.io_threads = 1;
    o.worker_threads = 2;
    o.shutdown_timeout_ms = 2'000;
    server_ = std::make_unique<server::HttpServer>(o, [this](const server::HttpRequest& r) { return Handle(r); });
    Status st = server_->Start();
    EXPECT_TRUE(st.ok()) << st.ToString();
  }
  ~RecordingReceiver() { server_->Shutdown(); }

  std::string Url(const std::string& path = "/hook") const {
    return "http://127.0.0.1:" + std::to_string(server_->port()) + path;
  }
  std::string HostPort() const { return "127.0.0.1:" + std::to_string(server_->port()); }

  // Waits (bounded) until at least n requests arrived; returns all so far.
  std::vector<ReceivedRequest> WaitFor(size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, timeout, [&] { return requests_.size() >= n; });
    return requests_;
  }
  std::vector<ReceivedRequest> requests() const {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }
  size_t count() const { return requests().size(); }

 private:
  server::HttpResponse Handle(const server::HttpRequest& r) {
    ReceivedRequest rec{r.path, r.body, std::string(r.Header("content-type")), std::string(r.Header("user-agent")),
                        std::chrono::steady_clock::now()};
    size_t n;
    {
      std::lock_guard<std::mutex> lock(mu_);
      n = requests_.size();
      requests_.push_back(std::move(rec));
    }
    cv_.notify_all();
    if (policy_) return policy_(n);
    server::HttpResponse res;
    res.content_type = "text/plain";
    res.body = "ok";
    return res;
  }

  Policy policy_;
  std::unique_ptr<server::HttpServer> server_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<ReceivedRequest> requests_;
};

inline server::HttpResponse Answer(int status, std::string body, std::string type = "text/plain") {
  server::HttpResponse res;
  res.status = status;
  res.body = std::move(body);
  res.content_type = std::move(type);
  return res;
}

// A listening socket that is never accept()ed: the kernel completes the
// connections, the request is sent, and no answer ever comes.
class SilentListener {
 public:
  SilentListener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    EXPECT_EQ(::listen(fd_, 64), 0);
    socklen_t len = sizeof(addr);
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
  }
  ~SilentListener() { ::close(fd_); }
  std::string Url(const std::string& path = "/hook") const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  std::string HostPort() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
};

// A clock the test moves by hand (NotifierOptions::now_ms).
class FakeClock {
 public:
  explicit FakeClock(int64_t start_ms) : now_(start_ms) {}
  int64_t Now() const { return now_.load(); }
  void Advance(int64_t ms) { now_ += ms; }
  std::function<int64_t()> Fn() { return [this] { return Now(); }; }

 private:
  std::atomic<int64_t> now_;
};

inline rules::AlertNotice MakeAlert(std::initializer_list<std::pair<std::string_view, std::string_view>> labels,
                                    std::initializer_list<std::pair<std::string_view, std::string_view>> annotations,
                                    int64_t starts_at_ms, bool resolved = false, int64_t ends_at_ms = 0) {
  rules::AlertNotice a;
  a.labels = Labels::FromStrings(labels);
  a.annotations = Labels::FromStrings(annotations);
  a.starts_at_ms = starts_at_ms;
  a.resolved = resolved;
  a.ends_at_ms = ends_at_ms != 0 ? ends_at_ms : starts_at_ms + 4 * 60'000;
  a.generator_url = "http://vigil:9201/graph?g0.expr=up+%3D%3D+0&g0.tab=1";
  return a;
}

}  // namespace vigil::notify::testing
