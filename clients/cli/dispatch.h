// `saker` argument dispatch: help, version, and the subcommand table.
#pragma once

#include <string>
#include <vector>

#include "clients/cli/commands.h"

namespace saker::cli {

// Runs `saker ARGS...` (argv without the program name); returns the exit code.
int Dispatch(const std::vector<std::string>& argv, const Context& ctx);

// The text of `saker --help`.
std::string MainHelp();
// The text of `saker help CMD`.
std::string CommandHelp(const Command& c);

}  // namespace saker::cli
