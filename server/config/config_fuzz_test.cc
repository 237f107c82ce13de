// Deterministic driver for config_fuzz.cc: the committed seed corpus, the
// example configurations and seeded mutations of them must never crash.
#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "server/rules/testing/corpus.h"
#include "server/rules/testing/mutator.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace saker::config {
namespace {

int Feed(const std::string& input) {
  return LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

TEST(ConfigFuzz, SeedCorpusAndMutationsDoNotCrash) {
  std::vector<std::string> seeds = rules::testing::ReadCorpus("server/config/fuzz_corpus");
  ASSERT_GE(seeds.size(), 5u) << "the committed corpus is missing";
  for (const char* path : {"testdata/config/falco.yaml", "testdata/config/saker.yaml"}) {
    seeds.push_back(ReadFile(path));
    ASSERT_FALSE(seeds.back().empty()) << path;
  }
  for (const std::string& s : seeds) {
    EXPECT_EQ(Feed(s), 0);
  }
  rules::testing::Mutator mut(
      0xc0f16,
      {": ",    "\n",   "  ",     "- ",   "[",      "]",       "{",           "}",
       "&a",    "*a",   "!!",     "? ",   "\"",     "'",       "0x",          "-1",
       "1e309", "true", "saker:", "api:", "binds:", "driver:", "rate_limit:", std::string(1, '\0'),
       "[]=",   ".",    "=",      "[0]="});
  for (int i = 0; i < 5000; ++i) {
    Feed(mut.Mutate(seeds[i % seeds.size()]));
  }
  // Deep nesting is refused, not a stack overflow.
  Feed(std::string(100000, '['));
  Feed(std::string(100000, '{'));
  std::string nested;
  for (int i = 0; i < 5000; ++i) {
    nested += std::string(static_cast<size_t>(i % 40), ' ') + "- \n";
  }
  Feed(nested);
}

}  // namespace
}  // namespace saker::config
