// Fuzz target for the condition parser and macro expansion: any bytes give
// an AST or a clean error, never a crash.
#include <cstddef>
#include <cstdint>
#include <string>

#include "server/rules/condition/expand.h"
#include "server/rules/condition/parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace saker::rules;
  std::string s(reinterpret_cast<const char*>(data), size);
  SourceText text = SourceText::Synthetic(s, Position{"<fuzz>", 1, 1});
  std::vector<std::string> list_items = {"a", "b c"};
  std::vector<std::string> empty;
  text = SubstituteLists(text, [&](const std::string& n) -> const std::vector<std::string>* {
    if (n == "my_list") return &list_items;
    if (n == "empty_list") return &empty;
    return nullptr;
  });
  Position err;
  auto node = ParseCondition(text, ParseOptions{}, &err);
  if (node.ok()) {
    Node m;
    m.kind = Node::Kind::kCheck;
    m.lhs.name = "proc.name";
    m.op = "exists";
    MacroDef def{"m", &m, 0, 0};
    (void)ExpandMacros(&*node, [&](const std::string& n) { return n == "m" ? &def : nullptr; },
                       SIZE_MAX, &err);
    volatile size_t sink = node->ToString().size();
    (void)sink;
  }
  return 0;
}
