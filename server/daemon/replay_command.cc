// `sakerd replay FILE [--json]`: prints a capture file's events exactly as
// the live capture printed them.
// `sakerd replay FILE -r RULES [-r ...] [--json]`: evaluates the rules over
// the file and prints the alerts, deterministically: the state comes from
// the file's /proc snapshot and its events alone.
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "server/capture/reader.h"
#include "server/daemon/commands.h"
#include "server/daemon/detection.h"
#include "server/daemon/event_output.h"
#include "server/daemon/flags.h"
#include "server/daemon/run_config.h"

namespace saker::daemon {
namespace {

int ReplayAlerts(capture::CaptureSource* source, const std::vector<std::string>& rule_files,
                 const rules::RuleLimits& limits, bool json) {
  rules::EngineOptions eo;
  eo.limits = limits;
  // The capture's machine, not this one: replays print the same alerts
  // wherever they run.
  eo.alerts.hostname = source->header().hostname;
  eo.alerts.json_output = json;
  eo.alerts.time_zone = absl::UTCTimeZone();
  RulesHandle rules(eo, rule_files);
  if (auto st = rules.Load(); !st.ok()) {
    std::fprintf(stderr, "sakerd: %s\n", std::string(st.message()).c_str());
    return 1;
  }
  AlertPrinter printer(stdout, json);
  PipelineOptions po;
  po.boot_time_ns = source->boot_time_ns();
  po.live = false;
  po.hostname = eo.alerts.hostname;
  Pipeline pipeline(&rules, source->header().snapshot, {&printer}, po);
  CountingSink counter;
  TeeSink tee;
  tee.Add(&counter);
  tee.Add(pipeline.sink());
  absl::Status st = source->Run(&tee);
  std::fflush(stdout);
  std::fprintf(stderr, "sakerd stats: {\"events\":%llu,\"alerts\":%llu}\n",
               static_cast<unsigned long long>(counter.events()),
               static_cast<unsigned long long>(printer.alerts()));
  if (!st.ok()) {
    std::fprintf(stderr, "sakerd: %s\n", std::string(st.message()).c_str());
    return 1;
  }
  return 0;
}

}  // namespace

int RunReplay(const std::vector<std::string>& args) {
  bool json = false;
  bool quiet = false;
  bool builtin_rules = false;
  std::vector<std::string> rule_files;
  FlagSet flags("replay");
  flags.Strings("--rules", "-r", "evaluate these rules and print alerts (repeatable)", &rule_files);
  flags.Bool("--builtin-rules", "evaluate Saker's built-in rules and print alerts", &builtin_rules);
  std::string config_path;
  std::vector<std::string> overrides;
  flags.String("--config", "-c", "a configuration file: its saker.rules.limits apply to -r",
               &config_path);
  flags.Strings("--option", "-o", "override one configuration key: KEY=VALUE (repeatable)",
                &overrides);
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
  if (!rule_files.empty() || builtin_rules) {
    auto limits = RuleLimitsOf(config_path, overrides);
    if (!limits.ok()) {
      std::fprintf(stderr, "sakerd: %s\n", std::string(limits.status().message()).c_str());
      return 2;
    }
    return ReplayAlerts(source->get(), rule_files, *limits, json);
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
