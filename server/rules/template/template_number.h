// Number literals of Go templates (parse/node.go newNumber): decimal, hex,
// octal and binary integers with '_' separators, floats, hex floats,
// character constants and imaginary/complex constants, classified the way
// Go does (an integer literal is also a float; 1e3 is also an int).
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "engine/base/status.h"
#include "server/rules/template/template_ast.h"

namespace vigil::rules::tmpl {

enum class NumberLiteralKind { kNumber, kCharConstant, kComplex };

// strconv.ParseFloat(text, 64): decimal or hex ("0x1p-2") with Go's '_'
// rules, "inf"/"infinity"/"nan" in any case. False on a syntax error or
// (with *out_of_range set) an overflow.
bool GoParseFloat(std::string_view text, double* out, bool* out_of_range);

// Fills n's is_* flags and values from n->text. InvalidArgument with Go's
// message ("illegal number syntax: \"1__0\"", "integer overflow: ...",
// "malformed character constant: 'ab'", "invalid syntax") otherwise.
Status ParseNumberLiteral(NumberLiteralKind kind, NumberNode* n);

}  // namespace vigil::rules::tmpl
