// Methods templates can call on values, as Go's reflection finds them: the
// time.Time methods (Unix, UnixMilli, Format, Year, ...) on toTime's result
// and the time.Duration methods (Seconds, Minutes, ...) on toDuration's. The
// executor passes the receiver as args[0]; `params` lists the others.
// Immutable tables; thread-safe.
#pragma once

#include <string_view>

#include "server/rules/template/template_funcs.h"

namespace vigil::rules::tmpl {

// The method `name` of `receiver`'s type, or nullptr.
const TemplateFunc* FindMethod(const Value& receiver, std::string_view name);

}  // namespace vigil::rules::tmpl
