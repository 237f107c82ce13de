// Deterministic driver for reader_fuzz.cc: seeded mutations of rule files
// (a small synthetic one and, when present, the upstream stable file).
#include <cstdint>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "server/rules/common/shared_dir.h"
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

}  // namespace
}  // namespace saker::rules
