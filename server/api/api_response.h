// The Prometheus API's single error table (web/api/v1/api.go
// returnAPIError/respondError): a Status code becomes an errorType and an
// HTTP code, and the body is {"status":"error","errorType":…,"error":…}.
// Success bodies are built by server/api/json_writer.h. Pure functions;
// thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "engine/base/status.h"
#include "server/http/http_types.h"

namespace vigil::server::api {

enum class ErrorType : unsigned char {
  kBadData,      // 400: unparsable parameters, PromQL parse errors
  kExecution,    // 422: evaluation errors, too many samples
  kTimeout,      // 503
  kCanceled,     // 499 (nginx's "client closed request")
  kInternal,     // 500: storage and everything unexpected
  kNotFound,     // 404
};

std::string_view ErrorTypeName(ErrorType t);  // "bad_data", "execution", …
int HttpStatusFor(ErrorType t);
// InvalidArgument → bad_data; Execution and LimitExceeded → execution;
// Timeout → timeout; Canceled → canceled; NotFound → not_found; every other
// code (storage errors, Unavailable, Internal) → internal.
ErrorType ErrorTypeFor(StatusCode code);

HttpResponse ErrorResponse(ErrorType t, std::string_view message);
// The error for a non-OK status: its message, the type from ErrorTypeFor.
HttpResponse ErrorResponse(const Status& s);
// Prometheus's invalidParamError: bad_data `invalid parameter "name": msg`.
HttpResponse InvalidParamResponse(std::string_view param, std::string_view message);
// 200 application/json with the given body.
HttpResponse JsonResponse(std::string body);

// The outcome label for self-metrics from an HTTP status: "success" for
// 2xx, else the errorType name that status stands for.
std::string_view OutcomeForHttpStatus(int status);

}  // namespace vigil::server::api
