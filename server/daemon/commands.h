// sakerd's subcommands. Each takes its arguments (after the subcommand
// name) and returns the process exit code; errors go to stderr.
#pragma once

#include <string>
#include <vector>

namespace saker::daemon {

int RunCapture(const std::vector<std::string>& args);
int RunReplay(const std::vector<std::string>& args);
int RunValidate(const std::vector<std::string>& args);
int RunDetect(const std::vector<std::string>& args);

}  // namespace saker::daemon
