// PostHttp over libcurl's easy interface. curl_global_init runs once, before
// the first transfer; signals are disabled (CURLOPT_NOSIGNAL) because the
// calls run on background threads. Each thread keeps one easy handle.
#include "server/notify/http_client.h"

#include <curl/curl.h>

#include <memory>
#include <mutex>

namespace vigil::notify {

namespace {

constexpr size_t kMaxBodyBytes = 64 * 1024;

void GlobalInitOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

size_t CollectBody(char* data, size_t size, size_t n, void* user) {
  auto* body = static_cast<std::string*>(user);
  size_t bytes = size * n;
  if (body->size() < kMaxBodyBytes) body->append(data, std::min(bytes, kMaxBodyBytes - body->size()));
  return bytes;
}

int AbortIfCanceled(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  const auto* cancel = static_cast<const std::atomic<bool>*>(user);
  return cancel != nullptr && cancel->load(std::memory_order_relaxed) ? 1 : 0;
}

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

}  // namespace

HttpAnswer PostHttp(const HttpPost& post, const std::atomic<bool>* cancel) {
  GlobalInitOnce();
  HttpAnswer answer;
  // One handle per sender thread, reset between requests: its connection
  // cache keeps connections to the thread's target alive (keep-alive, no
  // new TLS handshake per message).
  thread_local std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) {
    answer.transport_error = "curl_easy_init failed";
    return answer;
  }
  curl_easy_reset(curl.get());
  std::unique_ptr<curl_slist, SlistDeleter> headers;
  for (const auto& [name, value] : post.headers) {
    std::string line = name + ": " + value;
    curl_slist* next = curl_slist_append(headers.get(), line.c_str());
    if (next == nullptr) {
      answer.transport_error = "out of memory building headers";
      return answer;
    }
    headers.release();
    headers.reset(next);
  }
  // "Expect: 100-continue" would add a round trip for bodies over 1 KiB.
  headers.reset(curl_slist_append(headers.release(), "Expect:"));

  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, post.url.c_str());
  curl_easy_setopt(c, CURLOPT_POST, 1L);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, post.body.data());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(post.body.size()));
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(post.timeout_ms));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(post.timeout_ms));
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, CollectBody);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &answer.body);
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, AbortIfCanceled);
  curl_easy_setopt(c, CURLOPT_XFERINFODATA, const_cast<std::atomic<bool>*>(cancel));

  CURLcode rc = curl_easy_perform(c);
  if (rc != CURLE_OK) {
    // The generic text only: libcurl's detailed messages may quote the URL,
    // and webhook URLs are secrets.
    answer.transport_error = curl_easy_strerror(rc);
    answer.body.clear();
    return answer;
  }
  long code = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
  answer.status = static_cast<int>(code);
  return answer;
}

}  // namespace vigil::notify
