// JSON string escaping (RFC 8259; control characters as \u00XX, invalid
// UTF-8 replaced by U+FFFD as Go's encoding/json does). Thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace vigil::server {

// Appends `s` as a quoted JSON string.
void AppendJsonString(std::string* out, std::string_view s);

}  // namespace vigil::server
