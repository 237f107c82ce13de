// The saker subcommands: a table main dispatches on, one file per command.
#pragma once

#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "clients/cli/args.h"
#include "clients/cli/connect.h"
#include "clients/cli/interrupt.h"

namespace saker::cli {

inline constexpr char kCliVersion[] = "0.1.0";

// What a command runs with.
struct Context {
  FILE* out = stdout;
  FILE* err = stderr;
  const Interrupt* interrupt = nullptr;
};

struct Command {
  std::string name;             // "tail", "rules list"
  std::string summary;          // one line for `saker --help`
  std::string usage;            // "saker tail [FLAGS]"
  std::string details;          // what it prints, examples
  std::vector<FlagSpec> flags;  // the command's own (connection flags are added)
  int (*run)(const Args& args, const Context& ctx) = nullptr;
  bool connects = true;  // takes the connection flags
};

Command TailCommand();
Command EventsCommand();
Command StatusCommand();
Command RulesListCommand();
Command RulesReloadCommand();

// Every command, in help order.
std::vector<Command> AllCommands();

// Prints "saker: MESSAGE" on ctx.err and returns kExitError.
int Fail(const Context& ctx, const std::string& message);

// A connected client and where it is connected.
struct Session {
  Target target;
  std::unique_ptr<client::Client> client;
};

// Resolves the target (flags, then environment) and connects. On failure
// prints why and sets *exit_code (kExitUsage for a bad target, kExitError
// when the server cannot be reached).
std::optional<Session> OpenSession(const Args& args, const Context& ctx, int* exit_code);

}  // namespace saker::cli
