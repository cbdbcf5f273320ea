#include "server/http/router.h"

#include <algorithm>

#include "server/http/json_escape.h"

namespace vigil::server {

void Router::Handle(std::vector<std::string> methods, std::string path, Handler handler) {
  bool prefix = !path.empty() && path.back() == '/';
  routes_.push_back(Route{std::move(methods), std::move(path), prefix, std::move(handler)});
}

HttpResponse JsonError(int status, std::string_view error_type, std::string_view message) {
  HttpResponse r;
  r.status = status;
  r.body = "{\"status\":\"error\",\"errorType\":";
  AppendJsonString(&r.body, error_type);
  r.body += ",\"error\":";
  AppendJsonString(&r.body, message);
  r.body += '}';
  return r;
}

HttpResponse Router::Dispatch(const HttpRequest& req) const {
  const Route* best = nullptr;
  for (const Route& r : routes_) {
    bool match = r.prefix ? req.path.starts_with(r.path) : req.path == r.path;
    if (!match) continue;
    if (best == nullptr || r.path.size() > best->path.size()) best = &r;
  }
  if (best == nullptr) return JsonError(404, "not_found", "path " + req.path + " not found");
  // Several routes may share a path with different methods.
  std::vector<std::string> allowed;
  for (const Route& r : routes_) {
    if (r.path != best->path) continue;
    for (const auto& m : r.methods) {
      if (m == req.method) return r.handler(req);
      allowed.push_back(m);
    }
  }
  if (req.method == "OPTIONS") {
    HttpResponse resp;
    resp.status = 204;
    resp.content_type.clear();
    allowed.push_back("OPTIONS");
    std::string allow;
    for (const auto& m : allowed) allow += (allow.empty() ? "" : ", ") + m;
    resp.headers.emplace_back("Allow", allow);
    resp.headers.emplace_back("Access-Control-Allow-Origin", "*");
    resp.headers.emplace_back("Access-Control-Allow-Methods", allow);
    resp.headers.emplace_back("Access-Control-Allow-Headers", "Accept, Authorization, Content-Type, Origin");
    return resp;
  }
  HttpResponse resp = JsonError(405, "method_not_allowed", "method " + req.method + " not allowed for " + req.path);
  std::string allow;
  for (const auto& m : allowed) allow += (allow.empty() ? "" : ", ") + m;
  resp.headers.emplace_back("Allow", allow);
  return resp;
}

}  // namespace vigil::server
