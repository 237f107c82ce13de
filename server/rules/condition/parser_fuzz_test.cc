// Deterministic driver for parser_fuzz.cc: the committed seed corpus and
// seeded mutations of realistic conditions must never crash.
#include <cstdint>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "server/rules/testing/corpus.h"
#include "server/rules/testing/mutator.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace saker::rules {
namespace {

TEST(ParserFuzz, SeededMutationsDoNotCrash) {
  std::vector<std::string> seeds = {
      "evt.type in (open, openat) and fd.name startswith /etc and not proc.name in (my_list)",
      "(proc.aname[2]=sshd or proc.args contains \"-x\") and not not m",
      "tolower(proc.name) = val(proc.pname) and len(proc.args) > 3",
      "fd.net != \"127.0.0.0/8\" and fd.snet in (empty_list, a) or evt.rawres >= 0x10",
      "proc.name startswith anyof ('a', \"b\\x41\") and fd.name pmatch (/var/run)",
      "join(',', proc.args) = 'a,b' and concat(proc.name, \"x\") glob '*x'",
      "not(evt.arg.flags contains O_CREAT) and evt.buffer bcontains cafebabe",
  };
  std::vector<std::string> corpus = testing::ReadCorpus("server/rules/condition/fuzz_corpus");
  ASSERT_GE(corpus.size(), 5u) << "the committed corpus is missing";
  for (const std::string& s : corpus) {
    EXPECT_EQ(LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(s.data()), s.size()), 0);
  }
  seeds.insert(seeds.end(), corpus.begin(), corpus.end());
  testing::Mutator mut(0x5a4e3, {"(", ")", " and ", " or ", "not ", "not(", "\"", "'", "\\",
                                 "[", "]", "in", " exists", "val(", "tolower(", ",", "=",
                                 "my_list", "empty_list", " m "});
  for (int i = 0; i < 20000; ++i) {
    std::string input = mut.Mutate(seeds[i % seeds.size()]);
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
  }
  // Deep nesting must be rejected, not overflow the stack.
  std::string deep(100000, '(');
  LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(deep.data()), deep.size());
  std::string nots;
  for (int i = 0; i < 50000; ++i) nots += "not ";
  nots += "a";
  LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(nots.data()), nots.size());
}

}  // namespace
}  // namespace saker::rules
