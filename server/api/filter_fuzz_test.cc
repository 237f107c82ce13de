// Deterministic driver for filter_fuzz.cc: the committed seed corpus and
// seeded mutations of it must never crash.
#include <cstdint>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "server/rules/testing/corpus.h"
#include "server/rules/testing/mutator.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace saker::api {
namespace {

int Feed(const std::string& input) {
  return LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
}

TEST(FilterFuzz, SeedCorpusAndMutationsDoNotCrash) {
  std::vector<std::string> seeds = rules::testing::ReadCorpus("server/api/fuzz_corpus");
  ASSERT_GE(seeds.size(), 5u) << "the committed corpus is missing";
  for (const std::string& s : seeds) {
    EXPECT_EQ(Feed(s), 0);
  }
  rules::testing::Mutator mut(
      0xf117e,
      {"(",         ")",     " and ",       " or ",        "not ",     "\"", "'", "\\", "\n",
       "\r",        "\t",    "- rule: x\n", "condition: ", "output: ", "#",  "%", ": ", "evt.arg.",
       "proc.name", " in (", ",",           "=",           "[",        "]",  "{", "}"});
  for (int i = 0; i < 2000; ++i) {
    Feed(mut.Mutate(seeds[i % seeds.size()]));
  }
  // Deep nesting is refused, not a stack overflow.
  Feed(std::string(100000, '('));
}

}  // namespace
}  // namespace saker::api
