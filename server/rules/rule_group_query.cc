#include "server/rules/rule_group_query.h"

#include <utility>

namespace vigil::rules {

Result<query::Vector> QueryVector(const query::Engine& engine, Queryable& storage, std::string_view expr,
                                  int64_t t_ms) {
  ASSIGN_OR_RETURN(query::QueryResult result, engine.InstantQuery(storage, expr, t_ms));
  switch (result.type) {
    case query::ValueType::kVector:
      return std::move(result.vector);
    case query::ValueType::kScalar: {
      query::Vector v(1);
      v[0].t = result.scalar.t;
      v[0].v = result.scalar.v;
      return v;
    }
    default:
      return Status::Execution("rule result is not a vector or scalar");
  }
}

TemplateQueryFunc MakeTemplateQuery(const query::Engine& engine, Queryable& storage, int64_t t_ms) {
  return [&engine, &storage, t_ms](std::string_view expr) -> Result<std::vector<TemplateQuerySample>> {
    ASSIGN_OR_RETURN(query::Vector v, QueryVector(engine, storage, expr, t_ms));
    std::vector<TemplateQuerySample> out;
    out.reserve(v.size());
    for (auto& s : v) out.push_back({std::move(s.labels), s.v});
    return out;
  };
}

}  // namespace vigil::rules
