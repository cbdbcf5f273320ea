// Router: maps method + path to a Handler. Exact paths, and prefixes ending
// in '/' for path parameters (e.g. "/api/v1/label/"). Unknown path → 404,
// known path with another method → 405 (Allow header), both with
// Prometheus-style JSON error bodies. Registration happens before serving;
// Dispatch is then thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "server/http/http_types.h"

namespace vigil::server {

class Router {
 public:
  // `methods` e.g. {"GET", "POST"}. A `path` ending in '/' matches every
  // path with that prefix (longest prefix wins); others match exactly.
  void Handle(std::vector<std::string> methods, std::string path, Handler handler);
  HttpResponse Dispatch(const HttpRequest& req) const;

 private:
  struct Route {
    std::vector<std::string> methods;
    std::string path;
    bool prefix;
    Handler handler;
  };
  std::vector<Route> routes_;
};

// {"status":"error","errorType":type,"error":message} with the given code.
HttpResponse JsonError(int status, std::string_view error_type, std::string_view message);

}  // namespace vigil::server
