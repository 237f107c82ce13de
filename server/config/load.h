// Loading sakerd's configuration: the YAML file, then the `-o` overrides,
// validated in one pass. Every error is reported, each as
// `FILE:LINE:COL: KEY: expected WHAT, got "VALUE"` (or `-o ARG: KEY: ...`,
// `--FLAG: KEY: ...`),
// in one absl::InvalidArgumentError, one error a line.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "server/config/config.h"

namespace saker::config {

// A command-line flag that stands for a key (`--grpc-alert-history N` is
// saker.api.alert_history): applied after the `-o` overrides and checked by
// the same key handler and cross-key checks as the file, so the flag has the
// key's bounds; its errors read `--FLAG: KEY: expected ..., got "VALUE"`.
struct FlagSetting {
  enum class Op {
    kSet,     // the key is `value`
    kList,    // the key is the one-item list [value]
    kAppend,  // `value` is appended to the key's list (created if unset)
  };
  std::string flag;              // "--grpc-alert-history"
  std::vector<std::string> key;  // {"saker", "api", "alert_history"}; a part may hold dots
  std::string value;             // the flag's text, taken as a string (never as YAML)
  Op op = Op::kSet;
};

// Reads `path` (empty = no file: the defaults), applies `overrides` (`-o`
// values, Falco's syntax: `a.b=v`, `a[N]=v`, `a[]=v`), then `flags`.
absl::StatusOr<Config> LoadConfig(const std::string& path,
                                  const std::vector<std::string>& overrides = {},
                                  const std::vector<FlagSetting>& flags = {});

// The same from text; `file_name` is used in messages.
absl::StatusOr<Config> ParseConfig(std::string_view text, std::string_view file_name,
                                   const std::vector<std::string>& overrides = {},
                                   const std::vector<FlagSetting>& flags = {});

}  // namespace saker::config
