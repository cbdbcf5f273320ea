#include "server/api/json_writer.h"

#include <charconv>
#include <cmath>

#include "server/http/json_escape.h"

namespace vigil::server::api {

void AppendTimestamp(std::string* out, int64_t t_ms) {
  // As jsonutil.MarshalTimestamp: sign, integer seconds, then "." and the
  // 3-digit zero-padded ms only when non-zero. Unsigned math so that
  // INT64_MIN does not overflow.
  uint64_t u = static_cast<uint64_t>(t_ms);
  if (t_ms < 0) {
    out->push_back('-');
    u = ~u + 1;
  }
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, u / 1000);
  out->append(buf, r.ptr);
  unsigned frac = static_cast<unsigned>(u % 1000);
  if (frac != 0) {
    char f[4] = {'.', static_cast<char>('0' + frac / 100), static_cast<char>('0' + frac / 10 % 10),
                 static_cast<char>('0' + frac % 10)};
    out->append(f, 4);
  }
}

void AppendGoFloat(std::string* out, double v) {
  if (std::isnan(v)) {
    out->append("NaN");
    return;
  }
  if (std::isinf(v)) {
    out->append(v > 0 ? "+Inf" : "-Inf");
    return;
  }
  // The shortest round-trip digits come from to_chars' scientific form
  // ("-1.2345e+20"). Go's 'e' form is exactly that; its 'f' form writes the
  // same digits positionally, padding with zeros (libstdc++'s fixed form
  // would print the exact binary value's digits for large numbers instead).
  char buf[40];
  auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  double a = std::fabs(v);
  if (a != 0 && (a < 1e-6 || a >= 1e21)) {
    out->append(buf, r.ptr);
    return;
  }
  const char* p = buf;
  if (*p == '-') out->push_back(*p++);
  char digits[24];
  int n = 0;
  for (; p < r.ptr && *p != 'e'; ++p) {
    if (*p != '.') digits[n++] = *p;
  }
  int exp = 0;
  std::from_chars(p + 1 + (p[1] == '+' ? 1 : 0), r.ptr, exp);  // skips 'e' and a '+'
  if (v == 0) {
    out->push_back('0');
  } else if (exp < 0) {
    out->append("0.");
    out->append(static_cast<size_t>(-exp - 1), '0');
    out->append(digits, static_cast<size_t>(n));
  } else if (exp + 1 >= n) {
    out->append(digits, static_cast<size_t>(n));
    out->append(static_cast<size_t>(exp + 1 - n), '0');
  } else {
    out->append(digits, static_cast<size_t>(exp + 1));
    out->push_back('.');
    out->append(digits + exp + 1, static_cast<size_t>(n - exp - 1));
  }
}

void AppendSampleValue(std::string* out, double v) {
  out->push_back('"');
  AppendGoFloat(out, v);
  out->push_back('"');
}

void AppendLabels(std::string* out, const Labels& labels) {
  out->push_back('{');
  bool first = true;
  for (const LabelView& l : labels) {
    if (!first) out->push_back(',');
    first = false;
    AppendJsonString(out, l.name);
    out->push_back(':');
    AppendJsonString(out, l.value);
  }
  out->push_back('}');
}

void AppendPoint(std::string* out, int64_t t_ms, double v) {
  out->push_back('[');
  AppendTimestamp(out, t_ms);
  out->push_back(',');
  AppendSampleValue(out, v);
  out->push_back(']');
}

void AppendStringArray(std::string* out, const std::vector<std::string>& values) {
  out->push_back('[');
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out->push_back(',');
    AppendJsonString(out, values[i]);
  }
  out->push_back(']');
}

void AppendQueryData(std::string* out, const query::QueryResult& result, size_t limit, bool* truncated) {
  *truncated = false;
  out->append("{\"resultType\":");
  AppendJsonString(out, query::ValueTypeName(result.type));
  out->append(",\"result\":");
  switch (result.type) {
    case query::ValueType::kScalar:
      AppendPoint(out, result.scalar.t, result.scalar.v);
      break;
    case query::ValueType::kString:
      out->push_back('[');
      AppendTimestamp(out, result.string.t);
      out->push_back(',');
      AppendJsonString(out, result.string.v);
      out->push_back(']');
      break;
    case query::ValueType::kVector: {
      size_t n = result.vector.size();
      if (limit > 0 && n > limit) {
        n = limit;
        *truncated = true;
      }
      out->reserve(out->size() + n * 64);
      out->push_back('[');
      for (size_t i = 0; i < n; ++i) {
        const query::VectorSample& s = result.vector[i];
        if (i > 0) out->push_back(',');
        out->append("{\"metric\":");
        AppendLabels(out, s.labels);
        out->append(",\"value\":");
        AppendPoint(out, s.t, s.v);
        out->push_back('}');
      }
      out->push_back(']');
      break;
    }
    case query::ValueType::kMatrix: {
      size_t n = result.matrix.size();
      if (limit > 0 && n > limit) {
        n = limit;
        *truncated = true;
      }
      size_t points = 0;
      for (size_t i = 0; i < n; ++i) points += result.matrix[i].points.size();
      out->reserve(out->size() + n * 64 + points * 24);
      out->push_back('[');
      for (size_t i = 0; i < n; ++i) {
        const query::MatrixSeries& s = result.matrix[i];
        if (i > 0) out->push_back(',');
        out->append("{\"metric\":");
        AppendLabels(out, s.labels);
        if (!s.points.empty()) {
          out->append(",\"values\":[");
          for (size_t j = 0; j < s.points.size(); ++j) {
            if (j > 0) out->push_back(',');
            AppendPoint(out, s.points[j].t, s.points[j].v);
          }
          out->push_back(']');
        }
        out->push_back('}');
      }
      out->push_back(']');
      break;
    }
    case query::ValueType::kNone:
      out->append("null");
      break;
  }
  out->push_back('}');
}

void BeginSuccess(std::string* out) { out->append("{\"status\":\"success\",\"data\":"); }

void EndSuccess(std::string* out, const std::vector<std::string>& warnings) {
  if (!warnings.empty()) {
    out->append(",\"warnings\":");
    AppendStringArray(out, warnings);
  }
  out->push_back('}');
}

std::string SuccessBody(std::string_view data, const std::vector<std::string>& warnings) {
  std::string out;
  out.reserve(data.size() + 48);
  BeginSuccess(&out);
  out.append(data);
  EndSuccess(&out, warnings);
  return out;
}

}  // namespace vigil::server::api
