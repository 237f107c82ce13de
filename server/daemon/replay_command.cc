// `sakerd replay FILE [--json]`: prints a capture file's events exactly as
// the live capture printed them.
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "server/capture/reader.h"
#include "server/daemon/commands.h"
#include "server/daemon/event_output.h"
#include "server/daemon/flags.h"

namespace saker::daemon {

int RunReplay(const std::vector<std::string>& args) {
  bool json = false;
  bool quiet = false;
  FlagSet flags("replay");
  flags.Bool("--json", "print one JSON object per event on stdout", &json);
  flags.Bool("--quiet", "print no events, only the stats", &quiet);
  std::vector<std::string> positional;
  if (auto st = flags.Parse(args, &positional); !st.ok()) {
    std::fprintf(stderr, "sakerd: %s\n", std::string(st.message()).c_str());
    return 2;
  }
  if (positional.size() != 1) {
    std::fprintf(stderr, "sakerd: replay takes one capture file\n%s", flags.Usage().c_str());
    return 2;
  }
  auto source = capture::CaptureSource::Open(positional[0]);
  if (!source.ok()) {
    std::fprintf(stderr, "sakerd: %s\n", std::string(source.status().message()).c_str());
    return 1;
  }
  TeeSink tee;
  CountingSink counter;
  tee.Add(&counter);
  LinePrinter printer(stdout, json, (*source)->boot_time_ns());
  if (!quiet) {
    tee.Add(&printer);
  }
  absl::Status st = (*source)->Run(&tee);
  std::fflush(stdout);
  std::fprintf(stderr, "sakerd stats: {\"events\":%llu}\n",
               static_cast<unsigned long long>(counter.events()));
  if (!st.ok()) {
    std::fprintf(stderr, "sakerd: %s\n", std::string(st.message()).c_str());
    return 1;
  }
  return 0;
}

}  // namespace saker::daemon
