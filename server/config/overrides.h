// `-o key=value` overrides with Falco's syntax, applied to the YAML document
// before it is validated: `a.b=v` sets a key (maps are created as needed),
// `a[N]=v` replaces item N of a list, `a[]=v` appends to a list. The value is
// parsed as YAML: a scalar, or a flow list/map such as `[/a.yaml,/b.yaml]`.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "server/config/load.h"
#include "server/config/schema.h"

namespace saker::config::internal {

struct OverrideStep {
  enum class Op { kKey, kIndex, kAppend };
  std::string key;
  Op op = Op::kKey;
  size_t index = 0;
};

struct Override {
  std::string source;  // how messages name it: "-o ARG" or "--flag"
  std::vector<OverrideStep> path;
  YAML::Node value;
};

// Parses one `-o` argument; the error reads `-o ARG: ...`.
absl::StatusOr<Override> ParseOverride(std::string_view arg);

// A command-line flag's setting as an override named after the flag.
Override FlagOverride(const FlagSetting& s);

// Applies `o` to `root` (a map, or null for no file) and tells `origins`
// which nodes it set. The error reads `SOURCE: ...`.
absl::Status ApplyOverride(const Override& o, YAML::Node* root, Origins* origins);

}  // namespace saker::config::internal
