// Renders the `alerting:` section for display (/api/v1/status/config, logs)
// with every secret replaced by "<secret>": Slack and webhook URLs and
// PagerDuty routing keys. Pure function; thread-safe.
#pragma once

#include <string>

#include "server/notify/notify_config.h"

namespace vigil::notify {

inline constexpr const char* kSecretPlaceholder = "<secret>";

// YAML for the whole section (as `alerting:`'s value, no top-level key),
// Alertmanagers listed by their resolved URLs.
std::string RenderAlertingConfigRedacted(const AlertingConfig& config);

}  // namespace vigil::notify
