// ReceiverRoute: a receiver's `match` (equality) and `match_re` (anchored
// RE2) selectors compiled once; an alert goes to the receiver when every
// selector holds (a missing label reads as ""). Immutable; thread-safe.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/base/labels.h"
#include "engine/base/status.h"
#include "server/notify/notify_config.h"

namespace re2 {
class RE2;
}

namespace vigil::notify {

class ReceiverRoute {
 public:
  // InvalidArgument naming the label for a bad regex (config parsing has
  // already checked them; this guards direct construction in tests).
  static Result<ReceiverRoute> Compile(const ReceiverConfig& receiver);

  bool Matches(const Labels& labels) const;

 private:
  std::vector<std::pair<std::string, std::string>> equal_;
  std::vector<std::pair<std::string, std::shared_ptr<const re2::RE2>>> regex_;
};

}  // namespace vigil::notify
