// `sakerd run [-r FILE ...] [--json]`: live detection. Captures syscalls,
// keeps the process state, evaluates the rules and prints the alerts.
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "server/capture/proc_snapshot.h"
#include "server/daemon/commands.h"
#include "server/daemon/deadline.h"
#include "server/daemon/detection.h"
#include "server/daemon/driver_flags.h"
#include "server/daemon/flags.h"
#include "server/daemon/signals.h"
#include "server/daemon/stats.h"
#include "server/driver/driver.h"

namespace saker::daemon {
namespace {

struct RunFlags {
  std::vector<std::string> rules;
  bool json = false;
  double duration = 0;
  driver::DriverOptions driver;
};

absl::Status ParseRunFlags(const std::vector<std::string>& args, RunFlags* f) {
  FlagSet flags("run");
  flags.Value("--rules", "-r", "a rules file to load (repeatable; default: built-in rules)",
              [f](absl::string_view v) {
                f->rules.emplace_back(v);
                return absl::OkStatus();
              });
  flags.Bool("--json", "print Falco's JSON alert, one per line", &f->json);
  AddDriverFlags(&flags, &f->duration, &f->driver);
  std::vector<std::string> positional;
  if (auto st = flags.Parse(args, &positional); !st.ok()) {
    return st;
  }
  if (!positional.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("run: unexpected argument \"", positional[0], "\"\n", flags.Usage()));
  }
  return absl::OkStatus();
}

}  // namespace

int RunDetect(const std::vector<std::string>& args) {
  RunFlags f;
  if (auto st = ParseRunFlags(args, &f); !st.ok()) {
    std::fprintf(stderr, "sakerd: %s\n", std::string(st.message()).c_str());
    return 2;
  }
  rules::EngineOptions eo;
  eo.alerts.hostname = AlertHostname();
  eo.alerts.json_output = f.json;
  rules::Engine engine(eo);
  if (auto st = LoadRules(&engine, f.rules); !st.ok()) {
    std::fprintf(stderr, "sakerd: %s\n", std::string(st.message()).c_str());
    return 1;
  }
  auto drv = driver::Driver::Open(f.driver);
  if (!drv.ok()) {
    std::fprintf(stderr, "sakerd: %s\n", std::string(drv.status().message()).c_str());
    return 1;
  }
  driver::Driver& d = **drv;
  // The probe is attached first, so nothing falls between the snapshot and
  // the first event; events of processes the snapshot already holds are
  // applied on top of it.
  auto snapshot = capture::ReadProcSnapshot();
  if (!snapshot.ok()) {
    std::fprintf(stderr, "sakerd: reading /proc: %s\n",
                 std::string(snapshot.status().message()).c_str());
    return 1;
  }
  AlertPrinter printer(stdout);
  PipelineOptions po;
  po.boot_time_ns = d.boot_time_ns();
  po.json = f.json;
  po.hostname = eo.alerts.hostname;
  Pipeline pipeline(&engine, *snapshot, &printer, po);
  ReloadOnSighup reload;
  pipeline.detector()->SetBeforeEvent([&reload, &engine, &f] {
    if (!reload.TakeRequest()) {
      return;
    }
    // On error the engine keeps the rules it has: detection never stops.
    if (auto st = LoadRules(&engine, f.rules); !st.ok()) {
      std::fprintf(stderr, "sakerd: reload failed, keeping the %zu running rules: %s\n",
                   engine.summary().enabled_rules, std::string(st.message()).c_str());
    } else {
      std::fprintf(stderr, "sakerd: reloaded; %zu rules loaded\n",
                   engine.summary().enabled_rules);
    }
  });
  std::fprintf(stderr, "sakerd: capturing; %zu rules loaded\n", engine.summary().enabled_rules);
  std::fflush(stderr);

  absl::Status st;
  {
    StopOnSignals signals(&d);
    Deadline deadline(&d, f.duration);
    st = d.Run(pipeline.sink());
  }
  d.Detach();
  if (st.ok()) {
    st = d.Drain(pipeline.sink());
  }
  std::fflush(stdout);
  PrintStats(stderr, d.delivered(), d.ReadCounters());
  std::fprintf(stderr, "sakerd: %llu alerts\n", static_cast<unsigned long long>(printer.alerts()));
  if (!st.ok()) {
    std::fprintf(stderr, "sakerd: %s\n", std::string(st.message()).c_str());
    return 1;
  }
  return 0;
}

}  // namespace saker::daemon
