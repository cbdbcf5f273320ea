// The Prometheus-compatible HTTP API v1 (INTERFACES.md §1): query,
// query_range, query_exemplars, format_query, series, labels, label values,
// metadata and status/{buildinfo,runtimeinfo,flags,tsdb}, with Prometheus's
// parameter parsing, error table and JSON encoding.
#pragma once

#include "server/http/router.h"
#include "server/server_context.h"

namespace vigil::server {

// Registers every /api/v1 handler of this module on `router`. The handlers
// borrow `ctx`, which must outlive the router. Call before serving;
// the handlers are then thread-safe.
void RegisterApiHandlers(Router& router, ServerContext& ctx);

}  // namespace vigil::server
