// A bounded, thread-safe cache of parse results keyed by (name, text), so a
// rule's annotations are parsed once instead of on every evaluation. When
// full it is cleared wholesale (rule texts are few and stable; a reload with
// many new texts simply re-parses). Thread-safe.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "engine/base/status.h"
#include "server/rules/template/template_parser.h"

namespace vigil::rules::tmpl {

class TemplateCache {
 public:
  explicit TemplateCache(size_t max_entries) : max_entries_(max_entries) {}

  // The parse of `text` named `name` (a cached parse error is returned again).
  Result<std::shared_ptr<const ParsedTemplate>> Get(std::string_view name, std::string_view text);

  // The process-wide cache used by ExpandTemplate (4096 entries).
  static TemplateCache& Global();

 private:
  const size_t max_entries_;
  std::mutex mu_;
  std::unordered_map<std::string, Result<std::shared_ptr<const ParsedTemplate>>> entries_;
};

}  // namespace vigil::rules::tmpl
