// Internal to the HTTP server: the state shared by the listener and the
// per-connection Sessions (HttpServer::Core), and the Session itself, one
// per TCP connection, driving Beast's read → handle → write loop on its own
// strand. Not part of the server's API; include only from server/http/*.cc.
#pragma once

#include <atomic>
#include <chrono>
#include <utility>  // before Asio: Boost 1.74's awaitable.hpp misses it under C++20

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include "server/http/http_server.h"
#include "server/http/worker_pool.h"

namespace vigil::server {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = boost::asio::ip::tcp;

class Session;

struct HttpServer::Core {
  explicit Core(HttpServerOptions o, Handler h) : options(std::move(o)), handler(std::move(h)) {}

  void Register(const std::shared_ptr<Session>& s);
  void Unregister(Session* s);
  void Accept();

  HttpServerOptions options;
  Handler handler;
  std::atomic<bool> stopping{false};
  bool started = false;
  bool shut_down = false;
  uint16_t bound_port = 0;
  std::unique_ptr<WorkerPool> pool;

  // Live sessions; Shutdown waits for this to empty.
  mutable std::mutex mu;
  std::condition_variable cv;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions;

  // Declared last: destroyed first, while the members above still exist
  // (destroying unrun handlers destroys Sessions, which Unregister).
  net::io_context ioc;
  // Keeps run() going while a request is only on the worker pool (no
  // pending socket operation); reset by Shutdown.
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
  std::optional<tcp::acceptor> acceptor;
  std::optional<net::steady_timer> accept_retry;
  std::vector<std::thread> io_threads;
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(HttpServer::Core* core, tcp::socket socket);
  ~Session();
  void Start();
  // Posted by Shutdown: closes the connection if it waits for a request.
  void CloseIfIdle();

 private:
  enum class State { kIdle, kReading, kHandling, kWriting };

  void WaitRequest();
  void OnFirstBytes(beast::error_code ec, size_t n);
  void ReadHeader();
  void OnHeader(beast::error_code ec);
  void ReadBody();
  void OnBody(beast::error_code ec);
  void Dispatch();
  // Answers without a handler (413, 431, 400) and closes afterwards.
  void Reject(int status, std::string_view error_type, std::string_view message);
  void Write(HttpResponse resp);
  void OnWrite(beast::error_code ec);
  void Close();
  // Half-closes, then discards what the client still sends for a moment so
  // the kernel does not reset the connection before our answer is read.
  void LingerClose();

  HttpServer::Core* core_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::unique_ptr<bhttp::response<bhttp::string_body>> response_;
  std::string remote_;
  State state_ = State::kIdle;
  bool first_request_ = true;
  bool keep_alive_ = false;
  bool is_head_ = false;  // HEAD: headers as for GET, no body
  bool close_after_write_ = false;
  std::string linger_buf_;
  std::chrono::steady_clock::time_point header_deadline_;
};

}  // namespace vigil::server
