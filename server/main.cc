// sakerd: the Saker daemon. Subcommands:
//   capture   live capture of syscall events (JSON lines, or a capture file)
//   replay    print a capture file's events
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "server/daemon/commands.h"

namespace {

constexpr char kUsage[] =
    "usage: sakerd <command> [flags]\n"
    "commands:\n"
    "  capture [--json] [-w FILE] [--duration SEC] [--syscalls a,b,...]\n"
    "          capture syscall events live (default with no command: text lines)\n"
    "  replay FILE [--json]\n"
    "          print the events of a capture file as the live capture did\n"
    "  validate -r FILE [-r FILE ...]\n"
    "          load and compile rule files; print counts and warnings\n"
    "Run `sakerd <command> --help` for a command's flags.\n";

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    return saker::daemon::RunCapture({});
  }
  const std::string cmd = args[0];
  args.erase(args.begin());
  if (cmd == "capture") {
    return saker::daemon::RunCapture(args);
  }
  if (cmd == "replay") {
    return saker::daemon::RunReplay(args);
  }
  if (cmd == "validate") {
    return saker::daemon::RunValidate(args);
  }
  if (cmd == "help" || cmd == "--help" || cmd == "-h") {
    std::fputs(kUsage, stdout);
    return 0;
  }
  std::fprintf(stderr, "sakerd: unknown command \"%s\"\n%s", cmd.c_str(), kUsage);
  return 2;
}
