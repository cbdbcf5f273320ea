#include "engine/head/log_record.h"

namespace vigil::engine {

std::string LogRecordWriter::Finish() const {
  std::string out;
  out.reserve(body_.size() + 10);
  PutVarint64(&out, count_);
  out.append(body_);
  return out;
}

}  // namespace vigil::engine
