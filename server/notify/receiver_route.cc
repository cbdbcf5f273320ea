#include "server/notify/receiver_route.h"

#include <re2/re2.h>

namespace vigil::notify {

Result<ReceiverRoute> ReceiverRoute::Compile(const ReceiverConfig& receiver) {
  ReceiverRoute route;
  route.equal_ = receiver.match;
  for (const auto& [name, pattern] : receiver.match_re) {
    auto re = std::make_shared<const re2::RE2>("^(?:" + pattern + ")$", re2::RE2::Quiet);
    if (!re->ok()) {
      return Status::InvalidArgument("receiver " + receiver.name + ": match_re." + name + ": " + re->error());
    }
    route.regex_.emplace_back(name, std::move(re));
  }
  return route;
}

bool ReceiverRoute::Matches(const Labels& labels) const {
  for (const auto& [name, value] : equal_) {
    if (labels.Get(name) != value) return false;
  }
  for (const auto& [name, re] : regex_) {
    std::string_view v = labels.Get(name);
    if (!re2::RE2::FullMatch(re2::StringPiece(v.data(), v.size()), *re)) return false;
  }
  return true;
}

}  // namespace vigil::notify
