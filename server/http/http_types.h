// Plain HTTP request/response values passed between the Beast session and
// the handlers. Handlers run on the worker pool and never touch sockets.
// Value types; thread-compatible.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vigil::server {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string path;    // URL path, percent-decoded, without the query string
  std::string query;   // raw query string (after '?'), not decoded
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;    // raw bytes as received (no content decoding)
  std::string remote_address;

  // The first header with this (lower-case) name, or "".
  std::string_view Header(std::string_view lower_name) const {
    for (const auto& [k, v] : headers) {
      if (k == lower_name) return v;
    }
    return {};
  }
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

using Handler = std::function<HttpResponse(const HttpRequest&)>;

}  // namespace vigil::server
