// The query function of rule evaluation (Prometheus rules.EngineQueryFunc):
// an instant query whose vector is returned as is and whose scalar becomes
// one sample without labels; any other type is an error. Thread-safe.
#pragma once

#include <cstdint>
#include <string_view>

#include "engine/base/status.h"
#include "query/engine.h"
#include "query/value.h"
#include "server/rules/template/template_expander.h"

namespace vigil::rules {

Result<query::Vector> QueryVector(const query::Engine& engine, Queryable& storage, std::string_view expr,
                                  int64_t t_ms);

// A template `query` function running at `t_ms` over the same storage.
TemplateQueryFunc MakeTemplateQuery(const query::Engine& engine, Queryable& storage, int64_t t_ms);

}  // namespace vigil::rules
