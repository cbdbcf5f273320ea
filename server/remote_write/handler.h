// POST /api/v1/write: the Prometheus remote-write 1.0 receiver
// (INTERFACES.md §2.1-2.2). Content negotiation → snappy block → protobuf
// WriteRequest → label validation → one Appender per request → Commit.
//
// Responses (bodies are text/plain, as Prometheus's http.Error):
//   204  everything stored (also metadata-only requests);
//   400  malformed snappy/protobuf; too many series (nothing stored); or some
//        samples rejected: the valid ones ARE committed first, and the body
//        counts the rest per reason (400 tells the sender not to retry);
//   413  body over limits.max_request_body_bytes, or a decoded size over 8x
//        that;
//   415  Content-Type other than application/x-protobuf (optionally with
//        proto=prometheus.WriteRequest; remote write 2.0 is not supported),
//        or Content-Encoding other than none/snappy;
//   500  storage failure (Commit failed, nothing stored): the sender retries.
// Other methods get 405 from the Router.
#pragma once

#include "server/http/router.h"
#include "server/server_context.h"

namespace vigil::server {

// Registers the route. `ctx` (db, metrics, metadata, config) must outlive
// the router; db must be set before requests arrive.
void RegisterRemoteWrite(Router& router, ServerContext& ctx);

}  // namespace vigil::server
