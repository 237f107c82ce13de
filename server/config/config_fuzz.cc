// Fuzz target for the configuration loader: any YAML text and any `-o`
// overrides give a Config or a clean error, never a crash, a hang or a leak.
// The input is the YAML text, then optionally a NUL byte and the overrides,
// one a line (`a.b=v`, `a[N]=v`, `a[]=v`). ci/fuzz runs it under libFuzzer;
// config_fuzz_test drives it deterministically in ordinary test runs.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_split.h"
#include "server/config/load.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string_view yaml = input;
  std::vector<std::string> overrides;
  if (size_t nul = input.find('\0'); nul != std::string_view::npos) {
    yaml = input.substr(0, nul);
    std::string_view rest = input.substr(nul + 1);
    overrides =
        absl::StrSplit(absl::string_view(rest.data(), rest.size()), '\n', absl::SkipEmpty());
  }
  absl::StatusOr<saker::config::Config> config =
      saker::config::ParseConfig(yaml, "<fuzz>", overrides);
  // An error names where it is; a success is a whole Config.
  volatile size_t sink = config.ok() ? 1 : config.status().message().size();
  (void)sink;
  return 0;
}
