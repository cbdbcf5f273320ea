// rw_loadgen: the remote-write load generator of the macro benchmark
// (bench/macro/run.sh).
//
//   rw_loadgen encode --series N [--hours 6] [--interval-s 15] [--end-ms MS|now]
//                     [--batch 2000] [--seed 1] --out FILE
//       Pre-encodes the whole workload of bench/series_gen.h (counters, gauges,
//       classic histogram buckets; churn and counter resets) as snappy-block
//       compressed remote-write 1.0 WriteRequests of <= --batch samples, round
//       by round (timestamp order), one sample per TimeSeries entry like
//       Prometheus sends them. The data ends at --end-ms (default: now).
//   rw_loadgen info --in FILE
//       Prints the file's header as JSON (start/end ms, samples, requests).
//   rw_loadgen push --in FILE --url http://127.0.0.1:PORT/api/v1/write
//                   [--inflight 4] [--null]
//       Loads the file into memory, then pushes every request with --inflight
//       requests in flight over keep-alive HTTP/1.1 connections (one per
//       in-flight slot). Request j is sent only after request j - P (P =
//       requests per round) was answered, so every series stays in time order
//       (what Prometheus' sharded sender guarantees). 429/5xx and connection
//       errors are retried (bounded); other answers count as failed. Prints one
//       JSON line: acknowledged (2xx) samples, wall time, samples/s. --null
//       skips the network (encode-free loop ceiling).
//   rw_loadgen sink [--port 0]
//       A null remote-write sink: reads each request and answers 204. Prints
//       "port N" on stdout when listening. For the loadgen's own ceiling.
//
// Protobuf is encoded by hand (no dependency on server/remote_write/proto):
// WriteRequest{1: TimeSeries{1: Label{1 name, 2 value}, 2: Sample{1 double, 2 int64}}}.
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <snappy.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "bench/series_gen.h"

namespace {

[[noreturn]] void Die(const std::string& msg) {
  std::fprintf(stderr, "rw_loadgen: %s\n", msg.c_str());
  std::exit(2);
}

using Args = std::map<std::string, std::string>;
Args ParseArgs(int argc, char** argv, int first) {
  Args a;
  for (int i = first; i < argc; ++i) {
    std::string k = argv[i];
    if (k.rfind("--", 0) != 0) Die("unexpected argument " + k);
    k = k.substr(2);
    if (k == "null") { a[k] = "1"; continue; }
    if (i + 1 >= argc) Die("missing value for --" + k);
    a[k] = argv[++i];
  }
  return a;
}
std::string Get(const Args& a, const std::string& k, const std::string& def) {
  auto it = a.find(k);
  return it == a.end() ? def : it->second;
}
std::string Need(const Args& a, const std::string& k) {
  auto it = a.find(k);
  if (it == a.end()) Die("--" + k + " is required");
  return it->second;
}
int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch()).count();
}
double Mono() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// ---- protobuf wire format -------------------------------------------------
inline void PutVarint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}
inline size_t VarintLen(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) { v >>= 7; ++n; }
  return n;
}
inline void PutLenDelim(std::string& out, uint8_t tag, std::string_view s) {
  out.push_back(static_cast<char>(tag));
  PutVarint(out, s.size());
  out.append(s);
}
inline void PutFixed64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
}
// Encoded repeated Label fields (TimeSeries field 1) of one series.
std::string EncodeLabels(const vigil::gen::LabelPairs& labels) {
  std::string out, lab;
  for (const auto& [name, value] : labels) {
    lab.clear();
    PutLenDelim(lab, 0x0a, name);
    PutLenDelim(lab, 0x12, value);
    PutLenDelim(out, 0x0a, lab);
  }
  return out;
}
// Appends WriteRequest.timeseries (field 1) = {labels, Sample{value, ts}}.
void AppendSeries(std::string& out, const std::string& enc_labels, double value, int64_t ts) {
  std::string sample;
  sample.push_back(0x09);
  uint64_t bits;
  std::memcpy(&bits, &value, 8);
  PutFixed64(sample, bits);
  sample.push_back(0x10);
  PutVarint(sample, static_cast<uint64_t>(ts));
  size_t ts_len = enc_labels.size() + 1 + VarintLen(sample.size()) + sample.size();
  out.push_back(0x0a);
  PutVarint(out, ts_len);
  out.append(enc_labels);
  PutLenDelim(out, 0x12, sample);
}

// ---- workload file ---------------------------------------------------------
struct Header {
  char magic[8] = {'V', 'R', 'W', 'L', '0', '0', '0', '1'};
  uint64_t requests = 0;
  uint64_t samples = 0;
  int64_t min_ts = INT64_MAX;
  int64_t max_ts = INT64_MIN;
  uint64_t series = 0;
  uint64_t requests_per_round = 0;
  uint64_t rounds = 0;
  int64_t interval_ms = 0;
  uint64_t compressed_bytes = 0;
  uint64_t raw_bytes = 0;
};

void PrintHeader(const Header& h) {
  std::printf(
      "{\"requests\":%llu,\"samples\":%llu,\"min_ts\":%lld,\"max_ts\":%lld,\"series\":%llu,"
      "\"requests_per_round\":%llu,\"rounds\":%llu,\"interval_ms\":%lld,\"compressed_bytes\":%llu,"
      "\"raw_bytes\":%llu}\n",
      (unsigned long long)h.requests, (unsigned long long)h.samples, (long long)h.min_ts,
      (long long)h.max_ts, (unsigned long long)h.series, (unsigned long long)h.requests_per_round,
      (unsigned long long)h.rounds, (long long)h.interval_ms, (unsigned long long)h.compressed_bytes,
      (unsigned long long)h.raw_bytes);
}

int Encode(const Args& a) {
  const size_t series = std::stoull(Need(a, "series"));
  const double hours = std::stod(Get(a, "hours", "6"));
  const int64_t interval_ms = static_cast<int64_t>(std::stod(Get(a, "interval-s", "15")) * 1000);
  const size_t batch = std::stoull(Get(a, "batch", "2000"));
  const std::string end_s = Get(a, "end-ms", "now");
  const int64_t end_ms = end_s == "now" ? NowMs() : std::stoll(end_s);
  const std::string out_path = Need(a, "out");
  const int64_t rounds = static_cast<int64_t>(hours * 3600000.0 / interval_ms);

  vigil::gen::GenOptions o;
  o.num_series = series;
  o.interval_ms = interval_ms;
  o.seed = std::stoull(Get(a, "seed", "1"));
  // Timestamp = start + offset[0, interval) + round * interval + jitter: the
  // last round's samples end before end_ms.
  o.start_ms = end_ms - rounds * interval_ms - o.jitter_ms - 1;
  vigil::gen::SeriesGenerator gen(o);

  FILE* f = std::fopen(out_path.c_str(), "wb");
  if (!f) Die("cannot open " + out_path);
  Header h;
  h.series = series;
  h.rounds = static_cast<uint64_t>(rounds);
  h.interval_ms = interval_ms;
  h.requests_per_round = (series + batch - 1) / batch;
  std::fwrite(&h, sizeof h, 1, f);

  std::vector<std::string> enc(series);
  std::vector<uint64_t> enc_id(series, UINT64_MAX);
  std::string raw, comp;
  uint32_t in_batch = 0;
  auto flush = [&] {
    if (in_batch == 0) return;
    snappy::Compress(raw.data(), raw.size(), &comp);
    uint32_t len = static_cast<uint32_t>(comp.size());
    std::fwrite(&len, 4, 1, f);
    std::fwrite(&in_batch, 4, 1, f);
    std::fwrite(comp.data(), 1, comp.size(), f);
    h.requests++;
    h.compressed_bytes += comp.size();
    h.raw_bytes += raw.size();
    raw.clear();
    in_batch = 0;
  };
  double t0 = Mono();
  for (int64_t r = 0; r < rounds; ++r) {
    size_t slot = 0;
    gen.ForEachSampleInRound(r, [&](const vigil::gen::GenSeries& s, vigil::Sample smp) {
      if (enc_id[slot] != s.id) {
        enc[slot] = EncodeLabels(s.labels);
        enc_id[slot] = s.id;
      }
      AppendSeries(raw, enc[slot], smp.v, smp.t);
      h.min_ts = std::min(h.min_ts, smp.t);
      h.max_ts = std::max(h.max_ts, smp.t);
      ++slot;
      if (++in_batch == batch) flush();
    });
    flush();  // requests never span rounds
  }
  h.samples = static_cast<uint64_t>(rounds) * series;
  std::fseek(f, 0, SEEK_SET);
  std::fwrite(&h, sizeof h, 1, f);
  if (std::fclose(f) != 0) Die("write failed: " + out_path);
  std::fprintf(stderr, "encoded in %.1f s\n", Mono() - t0);
  PrintHeader(h);
  return 0;
}

struct Workload {
  Header h;
  std::vector<char> data;
  std::vector<std::string_view> reqs;
  std::vector<uint32_t> samples;
};
Workload Load(const std::string& path) {
  Workload w;
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) Die("cannot open " + path);
  if (std::fread(&w.h, sizeof w.h, 1, f) != 1 || std::memcmp(w.h.magic, "VRWL0001", 8) != 0)
    Die("bad workload file " + path);
  std::fseek(f, 0, SEEK_END);
  long size = std::ftell(f);
  std::fseek(f, sizeof w.h, SEEK_SET);
  w.data.resize(static_cast<size_t>(size) - sizeof w.h);
  if (std::fread(w.data.data(), 1, w.data.size(), f) != w.data.size()) Die("short read " + path);
  std::fclose(f);
  size_t off = 0;
  while (off < w.data.size()) {
    uint32_t len, n;
    std::memcpy(&len, &w.data[off], 4);
    std::memcpy(&n, &w.data[off + 4], 4);
    w.reqs.emplace_back(&w.data[off + 8], len);
    w.samples.push_back(n);
    off += 8 + len;
  }
  if (w.reqs.size() != w.h.requests) Die("request count mismatch in " + path);
  return w;
}

// ---- HTTP/1.1 client -------------------------------------------------------
struct Url {
  std::string host, port, path;
};
Url ParseUrl(const std::string& u) {
  const std::string p = "http://";
  if (u.rfind(p, 0) != 0) Die("only http:// URLs: " + u);
  std::string rest = u.substr(p.size());
  size_t slash = rest.find('/');
  std::string hp = slash == std::string::npos ? rest : rest.substr(0, slash);
  Url url;
  url.path = slash == std::string::npos ? "/" : rest.substr(slash);
  size_t colon = hp.rfind(':');
  url.host = colon == std::string::npos ? hp : hp.substr(0, colon);
  url.port = colon == std::string::npos ? "80" : hp.substr(colon + 1);
  return url;
}

class Conn {
 public:
  explicit Conn(const Url& u) : url_(u) {}
  ~Conn() { Close(); }
  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    buf_.clear();
  }
  // Returns the HTTP status, or -1 on a connection error. body gets the body.
  int Post(std::string_view payload, std::string* body) {
    if (fd_ < 0 && !Connect()) return -1;
    char head[512];
    int hl = std::snprintf(head, sizeof head,
                           "POST %s HTTP/1.1\r\nHost: %s:%s\r\nUser-Agent: vigil-rw-loadgen/1\r\n"
                           "Content-Type: application/x-protobuf\r\nContent-Encoding: snappy\r\n"
                           "X-Prometheus-Remote-Write-Version: 0.1.0\r\nContent-Length: %zu\r\n\r\n",
                           url_.path.c_str(), url_.host.c_str(), url_.port.c_str(), payload.size());
    if (!SendAll(head, static_cast<size_t>(hl), payload)) { Close(); return -1; }
    return ReadResponse(body);
  }

 private:
  bool Connect() {
    addrinfo hints{}, *res = nullptr;
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(url_.host.c_str(), url_.port.c_str(), &hints, &res) != 0) return false;
    for (addrinfo* ai = res; ai; ai = ai->ai_next) {
      int fd = ::socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
      if (fd < 0) continue;
      if (::connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        fd_ = fd;
        break;
      }
      ::close(fd);
    }
    freeaddrinfo(res);
    return fd_ >= 0;
  }
  bool SendAll(const char* head, size_t hl, std::string_view payload) {
    iovec iov[2] = {{const_cast<char*>(head), hl},
                    {const_cast<char*>(payload.data()), payload.size()}};
    int idx = 0;
    while (idx < 2) {
      ssize_t n = ::writev(fd_, iov + idx, 2 - idx);
      if (n < 0) {
        if (errno == EINTR) continue;
        return false;
      }
      size_t left = static_cast<size_t>(n);
      while (idx < 2 && left >= iov[idx].iov_len) { left -= iov[idx].iov_len; ++idx; }
      if (idx < 2) {
        iov[idx].iov_base = static_cast<char*>(iov[idx].iov_base) + left;
        iov[idx].iov_len -= left;
      }
    }
    return true;
  }
  bool Fill() {
    char tmp[65536];
    ssize_t n;
    do { n = ::recv(fd_, tmp, sizeof tmp, 0); } while (n < 0 && errno == EINTR);
    if (n <= 0) return false;
    buf_.append(tmp, static_cast<size_t>(n));
    return true;
  }
  int ReadResponse(std::string* body) {
    size_t hend;
    while ((hend = buf_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill()) { Close(); return -1; }
    }
    std::string head = buf_.substr(0, hend);
    buf_.erase(0, hend + 4);
    int status = 0;
    if (std::sscanf(head.c_str(), "HTTP/1.%*d %d", &status) != 1) { Close(); return -1; }
    std::string lower = head;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    bool close_after = lower.find("\r\nconnection: close") != std::string::npos;
    body->clear();
    size_t cl = lower.find("\r\ncontent-length:");
    if (lower.find("\r\ntransfer-encoding: chunked") != std::string::npos) {
      for (;;) {
        size_t eol;
        while ((eol = buf_.find("\r\n")) == std::string::npos) if (!Fill()) { Close(); return -1; }
        size_t len = std::strtoull(buf_.substr(0, eol).c_str(), nullptr, 16);
        while (buf_.size() < eol + 2 + len + 2) if (!Fill()) { Close(); return -1; }
        body->append(buf_, eol + 2, len);
        buf_.erase(0, eol + 2 + len + 2);
        if (len == 0) break;  // (trailers are not supported)
      }
    } else if (cl != std::string::npos) {
      size_t len = std::strtoull(lower.c_str() + cl + 17, nullptr, 10);
      while (buf_.size() < len) if (!Fill()) { Close(); return -1; }
      body->assign(buf_, 0, len);
      buf_.erase(0, len);
    } else if (status != 204 && status != 304 && status >= 200) {
      while (Fill()) {}
      *body = buf_;
      close_after = true;
    }
    if (close_after) Close();
    return status;
  }

  Url url_;
  int fd_ = -1;
  std::string buf_;
};

int Push(const Args& a) {
  Workload w = Load(Need(a, "in"));
  const bool null_send = a.count("null") > 0;
  const Url url = ParseUrl(null_send ? Get(a, "url", "http://127.0.0.1:1/") : Need(a, "url"));
  const int inflight = std::stoi(Get(a, "inflight", "4"));
  const int max_retries = std::stoi(Get(a, "max-retries", "20"));
  const size_t n = w.reqs.size();
  const size_t P = std::max<uint64_t>(1, w.h.requests_per_round);

  std::vector<uint8_t> done(n, 0);
  std::mutex mu;
  std::condition_variable cv;
  std::atomic<size_t> next{0};
  std::atomic<uint64_t> acked{0}, failed{0}, retries{0}, failed_reqs{0};
  std::string first_error;
  std::atomic<uint64_t> checksum{0};

  double t0 = Mono();
  std::vector<std::thread> threads;
  for (int t = 0; t < inflight; ++t) {
    threads.emplace_back([&] {
      Conn conn(url);
      std::string body;
      for (;;) {
        size_t j = next.fetch_add(1);
        if (j >= n) break;
        if (j >= P) {  // keep each series in time order
          std::unique_lock<std::mutex> lk(mu);
          cv.wait(lk, [&] { return done[j - P] != 0; });
        }
        int status = -1;
        if (null_send) {
          checksum += static_cast<uint8_t>(w.reqs[j][w.reqs[j].size() / 2]);
          status = 204;
        } else {
          for (int attempt = 0;; ++attempt) {
            status = conn.Post(w.reqs[j], &body);
            bool retry = status < 0 || status == 429 || status >= 500;
            if (!retry || attempt >= max_retries) break;
            ++retries;
            std::this_thread::sleep_for(std::chrono::milliseconds(std::min(2000, 50 << std::min(attempt, 6))));
          }
        }
        if (status >= 200 && status < 300) {
          acked += w.samples[j];
        } else {
          failed += w.samples[j];
          ++failed_reqs;
          std::lock_guard<std::mutex> lk(mu);
          if (first_error.empty()) {
            first_error = "status " + std::to_string(status) + ": " + body.substr(0, 200);
          }
        }
        {
          std::lock_guard<std::mutex> lk(mu);
          done[j] = 1;
        }
        cv.notify_all();
      }
    });
  }
  for (auto& th : threads) th.join();
  double wall = Mono() - t0;
  for (char& c : first_error) if (c == '"' || c == '\\' || c < 0x20) c = ' ';
  std::printf(
      "{\"requests\":%zu,\"samples_total\":%llu,\"samples_acked\":%llu,\"samples_failed\":%llu,"
      "\"failed_requests\":%llu,\"retries\":%llu,\"wall_s\":%.3f,\"samples_per_s\":%.0f,"
      "\"inflight\":%d,\"null\":%s,\"min_ts\":%lld,\"max_ts\":%lld,\"first_error\":\"%s\"}\n",
      n, (unsigned long long)w.h.samples, (unsigned long long)acked.load(),
      (unsigned long long)failed.load(), (unsigned long long)failed_reqs.load(),
      (unsigned long long)retries.load(), wall, acked.load() / wall, inflight,
      null_send ? "true" : "false", (long long)w.h.min_ts, (long long)w.h.max_ts, first_error.c_str());
  return failed.load() == 0 ? 0 : 1;
}

// ---- null sink ---------------------------------------------------------------
void ServeConn(int fd) {
  std::string buf;
  char tmp[65536];
  for (;;) {
    size_t hend;
    while ((hend = buf.find("\r\n\r\n")) == std::string::npos) {
      ssize_t k = ::recv(fd, tmp, sizeof tmp, 0);
      if (k <= 0) { ::close(fd); return; }
      buf.append(tmp, static_cast<size_t>(k));
    }
    std::string lower = buf.substr(0, hend);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    size_t cl = lower.find("\r\ncontent-length:");
    size_t len = cl == std::string::npos ? 0 : std::strtoull(lower.c_str() + cl + 17, nullptr, 10);
    size_t need = hend + 4 + len;
    while (buf.size() < need) {
      ssize_t k = ::recv(fd, tmp, sizeof tmp, 0);
      if (k <= 0) { ::close(fd); return; }
      buf.append(tmp, static_cast<size_t>(k));
    }
    buf.erase(0, need);
    static const char kResp[] = "HTTP/1.1 204 No Content\r\n\r\n";
    if (::send(fd, kResp, sizeof kResp - 1, MSG_NOSIGNAL) < 0) { ::close(fd); return; }
  }
}

int Sink(const Args& a) {
  int port = std::stoi(Get(a, "port", "0"));
  int lfd = ::socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (::bind(lfd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) Die("bind failed");
  if (::listen(lfd, 64) != 0) Die("listen failed");
  socklen_t alen = sizeof addr;
  getsockname(lfd, reinterpret_cast<sockaddr*>(&addr), &alen);
  std::printf("port %d\n", ntohs(addr.sin_port));
  std::fflush(stdout);
  for (;;) {
    int fd = ::accept(lfd, nullptr, nullptr);
    if (fd < 0) continue;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    std::thread(ServeConn, fd).detach();
  }
}

}  // namespace

int main(int argc, char** argv) {
  signal(SIGPIPE, SIG_IGN);
  if (argc < 2) {
    std::fprintf(stderr, "usage: rw_loadgen encode|info|push|sink [--flags]\n");
    return 2;
  }
  std::string cmd = argv[1];
  Args a = ParseArgs(argc, argv, 2);
  if (cmd == "encode") return Encode(a);
  if (cmd == "info") {
    Header h;
    FILE* f = std::fopen(Need(a, "in").c_str(), "rb");
    if (!f || std::fread(&h, sizeof h, 1, f) != 1 || std::memcmp(h.magic, "VRWL0001", 8) != 0)
      Die("bad workload file");
    std::fclose(f);
    PrintHeader(h);
    return 0;
  }
  if (cmd == "push") return Push(a);
  if (cmd == "sink") return Sink(a);
  Die("unknown command " + cmd);
}
