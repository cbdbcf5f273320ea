#include "server/api/api_response.h"

#include "server/http/router.h"

namespace vigil::server::api {

std::string_view ErrorTypeName(ErrorType t) {
  switch (t) {
    case ErrorType::kBadData: return "bad_data";
    case ErrorType::kExecution: return "execution";
    case ErrorType::kTimeout: return "timeout";
    case ErrorType::kCanceled: return "canceled";
    case ErrorType::kInternal: return "internal";
    case ErrorType::kNotFound: return "not_found";
  }
  return "internal";
}

int HttpStatusFor(ErrorType t) {
  switch (t) {
    case ErrorType::kBadData: return 400;
    case ErrorType::kExecution: return 422;
    case ErrorType::kTimeout: return 503;
    case ErrorType::kCanceled: return 499;
    case ErrorType::kInternal: return 500;
    case ErrorType::kNotFound: return 404;
  }
  return 500;
}

ErrorType ErrorTypeFor(StatusCode code) {
  switch (code) {
    case StatusCode::kInvalidArgument: return ErrorType::kBadData;
    case StatusCode::kExecution:
    case StatusCode::kLimitExceeded: return ErrorType::kExecution;
    case StatusCode::kTimeout: return ErrorType::kTimeout;
    case StatusCode::kCanceled: return ErrorType::kCanceled;
    case StatusCode::kNotFound: return ErrorType::kNotFound;
    default: return ErrorType::kInternal;
  }
}

HttpResponse ErrorResponse(ErrorType t, std::string_view message) {
  return JsonError(HttpStatusFor(t), ErrorTypeName(t), message);
}

HttpResponse ErrorResponse(const Status& s) { return ErrorResponse(ErrorTypeFor(s.code()), s.message()); }

HttpResponse InvalidParamResponse(std::string_view param, std::string_view message) {
  std::string m = "invalid parameter \"";
  m.append(param);
  m.append("\": ");
  m.append(message);
  return ErrorResponse(ErrorType::kBadData, m);
}

HttpResponse JsonResponse(std::string body) {
  HttpResponse r;
  r.status = 200;
  r.content_type = "application/json";
  r.body = std::move(body);
  return r;
}

std::string_view OutcomeForHttpStatus(int status) {
  if (status >= 200 && status < 300) return "success";
  switch (status) {
    case 400: return "bad_data";
    case 422: return "execution";
    case 503: return "timeout";
    case 499: return "canceled";
    case 404: return "not_found";
    default: return "internal";
  }
}

}  // namespace vigil::server::api
