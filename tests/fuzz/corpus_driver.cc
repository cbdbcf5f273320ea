// Runs a libFuzzer-style target without libFuzzer (plain g++ builds):
// feeds it every file in the corpus directory given as argv[1], then
// deterministic pseudo-random mutations of them (bit flips, byte writes,
// truncations, insertions, erasures, splices). The count defaults to 2000 and
// can be set with VIGIL_FUZZ_MUTATIONS; mutation stops early after ~5 s.
// Prints "<N> inputs ok" and returns 0; a crash or abort() fails the test.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

uint64_t NextRandom(uint64_t& s) {  // splitmix64
  uint64_t z = (s += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

void Run(const std::vector<uint8_t>& input) {
  // A copy of exactly the input's size, so that reads past the end are
  // caught by sanitizers and valgrind.
  std::vector<uint8_t> copy(input);
  LLVMFuzzerTestOneInput(copy.empty() ? nullptr : copy.data(), copy.size());
}

void Mutate(std::vector<uint8_t>& d, const std::vector<std::vector<uint8_t>>& corpus, uint64_t& rng) {
  int ops = 1 + static_cast<int>(NextRandom(rng) % 4);
  for (int i = 0; i < ops; ++i) {
    uint64_t r = NextRandom(rng);
    size_t pos = d.empty() ? 0 : static_cast<size_t>((r >> 8) % d.size());
    switch (r % 6) {
      case 0:  // flip a bit
        if (!d.empty()) d[pos] ^= static_cast<uint8_t>(1u << ((r >> 40) % 8));
        break;
      case 1:  // overwrite a byte
        if (!d.empty()) d[pos] = static_cast<uint8_t>(r >> 48);
        break;
      case 2:  // truncate
        d.resize(pos);
        break;
      case 3: {  // insert random bytes
        size_t n = 1 + (r >> 40) % 8;
        std::vector<uint8_t> bytes;
        for (size_t k = 0; k < n; ++k) bytes.push_back(static_cast<uint8_t>(NextRandom(rng)));
        d.insert(d.begin() + static_cast<ptrdiff_t>(std::min(pos, d.size())), bytes.begin(), bytes.end());
        break;
      }
      case 4: {  // erase a range
        size_t n = std::min<size_t>(1 + (r >> 40) % 16, d.size() - std::min(pos, d.size()));
        d.erase(d.begin() + static_cast<ptrdiff_t>(pos), d.begin() + static_cast<ptrdiff_t>(pos + n));
        break;
      }
      default: {  // splice in the tail of another input
        const auto& other = corpus[(r >> 32) % corpus.size()];
        if (other.empty()) break;
        size_t from = static_cast<size_t>((r >> 16) % other.size());
        d.resize(std::min(pos, d.size()));
        d.insert(d.end(), other.begin() + static_cast<ptrdiff_t>(from), other.end());
        break;
      }
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s <corpus dir>\n", argv[0]);
    return 2;
  }
  std::error_code ec;
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(argv[1], ec)) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  if (ec) {
    std::fprintf(stderr, "cannot read corpus dir %s: %s\n", argv[1], ec.message().c_str());
    return 2;
  }
  std::sort(files.begin(), files.end());
  std::vector<std::vector<uint8_t>> corpus;
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    corpus.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  if (corpus.empty()) corpus.emplace_back();
  size_t runs = 0;
  for (const auto& input : corpus) Run(input), ++runs;

  long mutations = 2000;
  if (const char* env = std::getenv("VIGIL_FUZZ_MUTATIONS")) mutations = std::strtol(env, nullptr, 10);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  uint64_t rng = 0x5eed;
  for (long i = 0; i < mutations; ++i) {
    if (std::chrono::steady_clock::now() > deadline) break;
    std::vector<uint8_t> d = corpus[NextRandom(rng) % corpus.size()];
    Mutate(d, corpus, rng);
    Run(d);
    ++runs;
  }
  std::printf("%zu inputs ok\n", runs);
  return 0;
}
