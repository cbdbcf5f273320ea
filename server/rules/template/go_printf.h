// Go's fmt package over template values: Sprint, Sprintln and Sprintf with
// the verbs templates use (%v %s %d %f %F %g %G %e %E %x %X %o %b %c %q %t %U
// %%), flags (+ - # 0 space), width and precision including '*', and Go's
// error forms ("%!d(string=x)", "%!d(MISSING)", "%!(EXTRA int=1)",
// "%!(NOVERB)"). Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "server/rules/template/template_value.h"

namespace vigil::rules::tmpl {

std::string GoSprint(const std::vector<Value>& args);
std::string GoSprintln(const std::vector<Value>& args);
std::string GoSprintf(std::string_view format, const std::vector<Value>& args);

// What an action such as {{ $value }} writes: fmt.Fprint of the value after
// pointer indirection, "<no value>" for an invalid value.
void AppendPrintedValue(const Value& v, std::string* out);

}  // namespace vigil::rules::tmpl
