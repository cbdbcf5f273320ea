// HttpPoster: one outbound HTTP POST over libcurl with a total timeout,
// request headers, and the status and body of the answer captured. Used by
// the notifier's sender threads; a call blocks until the answer, the
// timeout or cancellation. Thread-safe: each thread uses its own curl
// handle, kept between calls so connections are reused.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace vigil::notify {

struct HttpPost {
  std::string url;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // e.g. {"Content-Type", "application/json"}
  int64_t timeout_ms = 10'000;
};

struct HttpAnswer {
  // 0 when no HTTP answer arrived (connection refused, timeout, canceled).
  int status = 0;
  std::string body;  // at most 64 KiB of it
  // libcurl's error text when status == 0 (never contains the URL).
  std::string transport_error;
};

// POSTs `post`. `cancel`, when set to true from another thread, aborts the
// transfer within ~100 ms (the answer then has status 0). May be null.
HttpAnswer PostHttp(const HttpPost& post, const std::atomic<bool>* cancel = nullptr);

}  // namespace vigil::notify
