// Parse-cache lookups: hit under the lock, parse outside it, then insert.
#include "server/rules/template/template_cache.h"

namespace vigil::rules::tmpl {

Result<std::shared_ptr<const ParsedTemplate>> TemplateCache::Get(std::string_view name, std::string_view text) {
  std::string key;
  key.reserve(name.size() + 1 + text.size());
  key.append(name).push_back('\0');
  key.append(text);
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(key);
    if (it != entries_.end()) return it->second;
  }
  auto parsed = ParseTemplate(name, text);  // outside the lock: parsing may be slow
  std::lock_guard<std::mutex> lock(mu_);
  if (entries_.size() >= max_entries_) entries_.clear();
  entries_.emplace(std::move(key), parsed);
  return parsed;
}

TemplateCache& TemplateCache::Global() {
  static TemplateCache* cache = new TemplateCache(4096);  // NOLINT: leaked singleton
  return *cache;
}

}  // namespace vigil::rules::tmpl
