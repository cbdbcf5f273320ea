// HttpServer: HTTP/1.1 over Boost.Beast/Asio. One io_context run by
// `io_threads` threads reads and writes sockets; requests are handed to a
// WorkerPool so that handlers (queries, RocksDB writes) never block an IO
// thread. Keep-alive, a request body limit (413 with a JSON error), gzip
// responses when the client asks (Accept-Encoding), and timeouts for every
// phase so a slow or idle client only costs a socket, never a worker.
//
// Lifecycle: construct, Start(), then Shutdown() (or destroy). Shutdown is
// graceful: it stops accepting, closes idle keep-alive connections, lets
// requests already being read or handled finish (answered with
// "Connection: close"), then stops. Thread-safe; all methods may be called
// from any thread except a handler (Shutdown from a handler deadlocks).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "engine/base/status.h"
#include "server/http/http_types.h"

namespace vigil::server {

struct HttpServerOptions {
  // Interface to bind: an IP literal or a host name resolved at Start().
  std::string address = "0.0.0.0";
  // 0 binds any free port; port() tells which (tests).
  uint16_t port = 9201;
  // IO threads; 0 = std::thread::hardware_concurrency() (one per core).
  size_t io_threads = 0;
  // Handler threads; 0 = max(4, 2 x cores): handlers mostly wait on
  // RocksDB reads and syncs, so more than one per core pays.
  size_t worker_threads = 0;
  // Requests waiting for a worker beyond those running; past it the server
  // answers 503 at once instead of queueing without bound.
  size_t max_queued_requests = 1024;
  // Largest request body accepted (as sent, before any decoding); larger
  // → 413 and the connection is closed. Default 32 MiB (Limits default).
  uint64_t body_limit_bytes = 32ULL << 20;
  // Largest request line + headers; larger → 431. Go's default is 1 MiB.
  uint32_t header_limit_bytes = 1U << 20;
  // From the first byte of a request (or from accept) until its headers are
  // complete. 30 s, as a reverse proxy would allow.
  int64_t header_timeout_ms = 30'000;
  // Reading the body, once the headers are in. 60 s.
  int64_t body_timeout_ms = 60'000;
  // A keep-alive connection waiting for its next request. 2 min: senders
  // such as Prometheus remote write keep connections open between batches.
  int64_t idle_timeout_ms = 120'000;
  // Writing one response. 60 s.
  int64_t write_timeout_ms = 60'000;
  // Shutdown waits this long for in-flight requests, then drops them.
  int64_t shutdown_timeout_ms = 30'000;
  // Responses smaller than this are sent uncompressed even if gzip is
  // accepted: below ~1 KiB gzip saves little and costs CPU.
  size_t gzip_min_bytes = 1024;
  int gzip_level = 6;  // zlib's default trade-off
  // Called on the worker thread after each handled request (and for
  // requests the server answers itself: 413, 431, 503) with the handling
  // time in seconds. Must be thread-safe. Optional.
  std::function<void(const HttpRequest&, const HttpResponse&, double seconds)> observer;
};

// Splits "host:port", "[v6]:port" or ":port" (host "0.0.0.0").
// InvalidArgument naming the address when it cannot be parsed.
Status ParseListenAddress(std::string_view address, std::string* host, uint16_t* port);

class HttpServer {
 public:
  // `handler` is called concurrently from worker threads; it must be
  // thread-safe and must outlive the server.
  HttpServer(HttpServerOptions options, Handler handler);
  // Shutdown().
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds, listens and starts the IO and worker threads. InvalidArgument
  // for an unresolvable address, IOError when binding fails (port in use).
  // REQUIRES: called once.
  Status Start();
  // The bound port (after a successful Start()).
  uint16_t port() const;
  // Graceful stop as described above; blocks until done. Idempotent.
  void Shutdown();
  // Open client connections (for tests and metrics).
  size_t connections() const;

  struct Core;  // shared with the per-connection sessions (session.h)

 private:
  std::unique_ptr<Core> core_;
};

}  // namespace vigil::server
