// Deterministic driver for reader_fuzz.cc: the committed seed corpus, then
// seeded mutations of rule files (the corpus, a small synthetic one and, when
// present, the upstream stable file).
#include <cstdint>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "server/rules/common/shared_dir.h"
#include "server/rules/reader/reader.h"
#include "server/rules/testing/corpus.h"
#include "server/rules/testing/mutator.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace saker::rules {
namespace {

TEST(ReaderFuzz, SeededMutationsDoNotCrash) {
  std::vector<std::string> seeds = {
      "- list: a\n  items: [x, \"y z\"]\n- macro: m\n  condition: proc.name in (a)\n"
      "- rule: r\n  desc: d\n  condition: >\n    m and\n    evt.type = open\n"
      "  output: \"%proc.name\"\n  priority: WARNING\n  tags: [t]\n"
      "  exceptions:\n    - name: e\n      fields: [proc.name]\n      values: [[x]]\n"
      "- rule: r\n  override:\n    condition: append\n  condition: or x\n",
      "- required_engine_version: 0.57.0\n- required_plugin_versions:\n  - name: container\n"
      "    version: 0.4.0\n---\n- rule: r\n  enabled: false\n",
  };
  std::vector<std::string> corpus = testing::ReadCorpus("server/rules/reader/fuzz_corpus");
  ASSERT_GE(corpus.size(), 3u) << "the committed corpus is missing";
  for (const std::string& s : corpus) {
    EXPECT_EQ(LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(s.data()), s.size()), 0);
  }
  seeds.insert(seeds.end(), corpus.begin(), corpus.end());
  if (auto dir = FindFalcoRulesDir()) {
    if (auto text = ReadWholeFile(*dir + "/falco_rules.yaml")) {
      seeds.push_back(text->substr(0, 6000));
    }
  }
  testing::Mutator mut(0xfa1c0, {"- ", ": ", "\n", "  ", "[", "]", "{", "}", "&a", "*a", "!!",
                                 ">\n", "|\n", "'", "\"", "rule", "macro", "list", "items",
                                 "condition", "override", "append", "---\n", "? "});
  for (int i = 0; i < 20000; ++i) {
    std::string input = mut.Mutate(seeds[i % seeds.size()]);
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
  }
}

// yaml-cpp 0.7's LoadAll never returns on these (found by reader_fuzzer): the
// parser stops consuming input and empty documents pile up until memory runs
// out. Each must be a parse error at the stuck token.
TEST(ReaderFuzz, StalledYamlParserIsAnError) {
  struct Case {
    const char* text;
    int line;
    int column;
  };
  for (const Case& c :
       {Case{"&a,|\n", 1, 3}, Case{"&a ,\n", 1, 4}, Case{"- rule: r\n---\n&x ,\n", 3, 4}}) {
    Diagnostic err;
    auto file = ReadRulesFile(c.text, "stall.yaml", &err);
    ASSERT_FALSE(file.ok()) << c.text;
    EXPECT_EQ(err.code, "LOAD_ERR_YAML_PARSE") << c.text;
    EXPECT_EQ(err.pos.line, c.line) << c.text << ": " << err.message;
    EXPECT_EQ(err.pos.column, c.column) << c.text << ": " << err.message;
  }
}

}  // namespace
}  // namespace saker::rules
