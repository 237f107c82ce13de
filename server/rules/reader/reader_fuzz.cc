// Fuzz target for the rules-file reader: any bytes give an AST or a clean
// error, never a crash.
#include <cstddef>
#include <cstdint>
#include <string>

#include "server/rules/reader/reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string content(reinterpret_cast<const char*>(data), size);
  saker::rules::Diagnostic err;
  auto file = saker::rules::ReadRulesFile(content, "<fuzz>", &err);
  if (file.ok()) {
    size_t n = 0;
    for (const auto& item : file->items) {
      n += item.condition.size() + item.name.size();
      if (!item.condition.empty()) {
        n += static_cast<size_t>(item.condition.Locate(item.condition.size() / 2).line);
      }
    }
    volatile size_t sink = n;
    (void)sink;
  }
  return 0;
}
