// Command-line parsing for the saker CLI: long flags from a table, with
// `--flag value` or `--flag=value`, repeatable flags, and `--` ending flags.
// Unknown flags are errors (exit code 2, with the command's usage).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace saker::cli {

// Exit codes of every command.
inline constexpr int kExitOk = 0;
inline constexpr int kExitError = 1;  // a runtime error: no server, refused, reload failed
inline constexpr int kExitUsage = 2;  // bad command line

struct FlagSpec {
  std::string name;        // without the dashes: "count"
  std::string value_name;  // "N"; empty for a boolean flag
  std::string help;
};

// What a command line said: flag values in order of appearance (a boolean
// flag holds one empty string per use) and the positional arguments.
class Args {
 public:
  bool Has(const std::string& name) const { return values_.count(name) > 0; }
  // The last value of the flag, or `fallback`.
  std::string Get(const std::string& name, const std::string& fallback = "") const;
  // Every value of a repeatable flag; with split_commas, "a,b" counts as two.
  std::vector<std::string> GetAll(const std::string& name, bool split_commas = false) const;
  const std::vector<std::string>& positionals() const { return positionals_; }

  void Add(const std::string& name, std::string value) {
    values_[name].push_back(std::move(value));
  }
  void AddPositional(std::string arg) { positionals_.push_back(std::move(arg)); }
  // Adds `other`'s flags before this one's (so the later, command-level ones win).
  void MergeFlagsFrom(const Args& other);

 private:
  std::map<std::string, std::vector<std::string>> values_;
  std::vector<std::string> positionals_;
};

// Parses `argv` (without the program and command words). With
// stop_at_positional, parsing stops at the first positional argument and the
// rest are returned as positionals untouched (for flags before a command).
absl::StatusOr<Args> ParseArgs(const std::vector<std::string>& argv,
                               const std::vector<FlagSpec>& specs, bool stop_at_positional = false);

// "10s", "500ms", "2m"; a bare number is seconds. Must be positive.
absl::StatusOr<absl::Duration> ParseTimeout(const std::string& text);
// A non-negative decimal integer.
absl::StatusOr<uint64_t> ParseCount(const std::string& flag, const std::string& text);

// One line per flag: "  --count N   exit after N alerts".
std::string FlagsHelp(const std::vector<FlagSpec>& specs);

}  // namespace saker::cli
