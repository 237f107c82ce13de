// A small command-line parser for sakerd's subcommands: `--name value`,
// `--name=value`, boolean `--name`, short aliases, repeated flags and
// positional arguments. No global state: each command declares its flags.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace saker::daemon {

class FlagSet {
 public:
  explicit FlagSet(std::string command) : command_(std::move(command)) {}

  // A flag taking a value; `set` validates and stores it.
  void Value(std::string name, std::string alias, std::string help,
             std::function<absl::Status(absl::string_view)> set);
  // A boolean flag.
  void Bool(std::string name, std::string help, bool* out);
  // A flag without a value that runs `action` when given.
  void Action(std::string name, std::string help, std::function<void()> action);
  // A string flag, and a repeatable one that appends each value.
  void String(std::string name, std::string alias, std::string help, std::string* out);
  void Strings(std::string name, std::string alias, std::string help,
               std::vector<std::string>* out);

  // Parses args (without the program and command names). Positional
  // arguments are collected in order. `--help` or `-h` prints the usage on
  // stdout and exits 0.
  absl::Status Parse(const std::vector<std::string>& args, std::vector<std::string>* positional);

  // Parses args that must all be flags.
  absl::Status ParseFlagsOnly(const std::vector<std::string>& args);

  std::string Usage() const;

 private:
  struct Flag {
    std::string name;
    std::string alias;
    std::string help;
    bool takes_value;
    std::function<absl::Status(absl::string_view)> set;
  };
  const Flag* Find(absl::string_view name) const;

  std::string command_;
  std::vector<Flag> flags_;
};

// Common value parsers.
absl::Status ParseUint(absl::string_view flag, absl::string_view v, uint64_t* out);
absl::Status ParseSeconds(absl::string_view flag, absl::string_view v, double* out);

}  // namespace saker::daemon
