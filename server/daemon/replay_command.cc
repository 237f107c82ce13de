// `sakerd replay FILE [--json]`: prints a capture file's events exactly as
// the live capture printed them.
// `sakerd replay FILE -r RULES [-r ...] [--json]`: evaluates the rules over
// the file and prints the alerts, deterministically: the state comes from
// the file's /proc snapshot and its events alone.
// A file without its trailer (cut, or its writer killed) is replayed to its
// last complete block, then reported: a warning naming that offset,
// "truncated":true in the stats line and exit 1, unless --allow-truncated.
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

// The stats line (`extra` is more JSON members), the warning for a file
// that ends before its trailer, and the exit code.
int Finish(const capture::CaptureSource& source, const std::string& path, uint64_t events,
           const std::string& extra, const absl::Status& st, bool allow_truncated) {
  const capture::CaptureReader& r = source.reader();
  const bool truncated = r.truncated();
  // "alerts" stays last: ci/bench reads it up to the closing brace.
  std::fprintf(stderr, "sakerd stats: {\"events\":%llu,\"truncated\":%s%s}\n",
               static_cast<unsigned long long>(events), truncated ? "true" : "false",
               extra.c_str());
  if (!truncated) {
    if (!st.ok()) {
      std::fprintf(stderr, "sakerd: %s\n", std::string(st.message()).c_str());
      return 1;
    }
    return 0;
  }
  // A torn last block is named too: its bytes are all that is left of it.
  const std::string torn =
      st.ok() ? "" : absl::StrCat(", then a partial block (", st.message(), ")");
  std::fprintf(stderr,
               "sakerd: warning: %s: truncated: no trailer after the last complete block, "
               "which ends at offset %llu (event %llu)%s; the capture was cut or its writer "
               "did not finish, later events are missing%s\n",
               path.c_str(), static_cast<unsigned long long>(r.good_end_offset()),
               static_cast<unsigned long long>(r.events_read()), torn.c_str(),
               allow_truncated ? "" : " (--allow-truncated accepts it)");
  return allow_truncated ? 0 : 1;
}

int ReplayAlerts(capture::CaptureSource* source, const std::string& path,
                 const std::vector<std::string>& rule_files, const rules::RuleLimits& limits,
                 bool json, bool allow_truncated) {
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
  return Finish(*source, path, counter.events(), absl::StrCat(",\"alerts\":", printer.alerts()), st,
                allow_truncated);
}

}  // namespace

int RunReplay(const std::vector<std::string>& args) {
  bool json = false;
  bool quiet = false;
  bool builtin_rules = false;
  bool allow_truncated = false;
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
  flags.Bool("--allow-truncated",
             "exit 0 for a file without its trailer (cut, or its writer killed); it is "
             "still reported",
             &allow_truncated);
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
    return ReplayAlerts(source->get(), positional[0], rule_files, *limits, json, allow_truncated);
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
  return Finish(**source, positional[0], counter.events(), "", st, allow_truncated);
}

}  // namespace saker::daemon
