#include "server/notify/delivery.h"

namespace vigil::notify {

namespace {

// The start of the answer's body, single-line, for the log.
std::string BodySnippet(const std::string& body) {
  std::string s = body.substr(0, 200);
  for (char& c : s) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return s;
}

}  // namespace

Verdict ClassifyAnswer(TargetKind kind, const HttpAnswer& answer) {
  if (answer.status == 0) return {Outcome::kRetry, "transport error: " + answer.transport_error};
  const int code = answer.status;
  const std::string what = "HTTP " + std::to_string(code) + ": " + BodySnippet(answer.body);
  switch (kind) {
    case TargetKind::kSlack:
      if (code == 200) {
        if (answer.body == "ok") return {Outcome::kDelivered, ""};
        return {Outcome::kFailed, what};
      }
      if (code == 429 || code >= 500) return {Outcome::kRetry, what};
      return {Outcome::kFailed, what};
    case TargetKind::kPagerDuty:
      if (code >= 200 && code < 300) return {Outcome::kDelivered, ""};
      if (code == 429 || code >= 500) return {Outcome::kRetry, what};
      return {Outcome::kFailed, what};
    case TargetKind::kAlertmanager:
    case TargetKind::kWebhook:
      break;
  }
  if (code >= 200 && code < 300) return {Outcome::kDelivered, ""};
  if (code >= 500) return {Outcome::kRetry, what};
  return {Outcome::kFailed, what};
}

}  // namespace vigil::notify
