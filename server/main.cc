// sakerd: the Saker daemon. Subcommands:
//   run       live detection: syscalls -> state -> rules -> alerts (default)
//   capture   live capture of syscall events (JSON lines, or a capture file)
//   replay    print a capture file's events, or its alerts with -r
//   validate  load and compile rule files
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "server/daemon/commands.h"

namespace {

constexpr char kUsage[] =
    "usage: sakerd <command> [flags]\n"
    "commands:\n"
    "  run [-c FILE] [-o KEY=VALUE ...] [-r FILE ...] [--json] [--duration SEC]\n"
    "          live detection: alerts to stdout, files, HTTP and the gRPC API, metrics;\n"
    "          the default command (with no flags: built-in rules, API on\n"
    "          unix:///run/saker/saker.sock)\n"
    "  capture [--json] [-w FILE] [--duration SEC] [--syscalls a,b,...]\n"
    "          capture syscall events live\n"
    "  replay FILE [--json] [-r FILE ...]\n"
    "          print a capture file's events as the live capture did, or with -r the alerts\n"
    "  validate -r FILE [-r FILE ...]\n"
    "          load and compile rule files; print counts and warnings\n"
    "Run `sakerd <command> --help` for a command's flags.\n";

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || (args[0].rfind("-", 0) == 0 && args[0] != "-h" && args[0] != "--help")) {
    return saker::daemon::RunDetect(args);  // `sakerd [run flags]`
  }
  const std::string cmd = args[0];
  args.erase(args.begin());
  if (cmd == "run") {
    return saker::daemon::RunDetect(args);
  }
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
