// saker tail: alerts as they happen, filtered on the server.
#include "absl/strings/str_cat.h"
#include "clients/cli/commands.h"
#include "clients/cli/connect.h"
#include "clients/cli/format.h"
#include "clients/cli/progress.h"
#include "clients/cli/stream.h"

namespace saker::cli {
namespace {

int RunTail(const Args& args, const Context& ctx) {
  client::AlertSubscribeOptions opts;
  if (args.Has("priority")) {
    auto p = client::ParsePriority(args.Get("priority"));
    if (!p) {
      std::fprintf(ctx.err,
                   "saker: unknown priority \"%s\" (emergency, alert, critical, error, warning, "
                   "notice, informational, debug)\n",
                   args.Get("priority").c_str());
      return kExitUsage;
    }
    opts.filter.min_priority = *p;
  }
  opts.filter.rules = args.GetAll("rule");
  opts.filter.tags = args.GetAll("tag", /*split_commas=*/true);
  opts.filter.sources = args.GetAll("source", /*split_commas=*/true);
  opts.filter.condition = args.Get("filter");
  if (args.Has("history") && args.Has("since-seq")) {
    std::fprintf(ctx.err, "saker: give --history or --since-seq, not both\n");
    return kExitUsage;
  }
  opts.start.from_oldest = args.Has("history");
  StreamSettings settings;
  settings.noun = "alerts";
  for (const char* flag : {"since-seq", "count"}) {
    if (!args.Has(flag)) {
      continue;
    }
    auto n = ParseCount(flag, args.Get(flag));
    if (!n.ok()) {
      std::fprintf(ctx.err, "saker: %s\n", std::string(n.status().message()).c_str());
      return kExitUsage;
    }
    if (std::string(flag) == "count") {
      settings.count = *n;
    } else {
      opts.start.from_sequence = *n;
    }
  }
  settings.progress = ProgressLine::Wanted(args.Has("progress"), args.Has("no-progress"));
  int exit_code = kExitOk;
  auto session = OpenSession(args, ctx, &exit_code);
  if (!session) {
    return exit_code;
  }
  auto sub = session->client->SubscribeAlerts(opts);
  const bool json = args.Has("json");
  const absl::TimeZone tz = absl::LocalTimeZone();
  return RunStream<client::Alert>(
      ctx, session->target, *session->client, *sub, settings,
      [&](const client::Alert& a) { return json ? AlertJson(a) : AlertText(a, tz); });
}

}  // namespace

Command TailCommand() {
  return Command{
      "tail",
      "print alerts as they happen (filtered on the server)",
      "saker tail [--priority P] [--rule NAME]... [--tag T]... [--source S]... [--filter COND]\n"
      "           [--history | --since-seq N] [--count N] [--json] [--progress | --no-progress]",
      "Prints one alert a line, Falco-like (TIME: Priority [rule] output), or with --json one\n"
      "JSON object a line. Follows the server across restarts (notices on stderr); lost\n"
      "alerts are reported on stderr as \"N alerts lost\". Ctrl-C exits with 0.\n"
      "Example: saker tail --priority warning --tag mitre_credential_access\n",
      {
          {"priority", "P", "this priority or more severe (e.g. warning)"},
          {"rule", "NAME", "only this rule (repeat for more)"},
          {"tag", "T", "only rules with any of these tags (repeat, or a,b)"},
          {"source", "S", "only this source, e.g. syscall (repeat, or a,b)"},
          {"filter", "COND",
           "a rules-language condition over the alert's fields, e.g. 'proc.name = cat'"},
          {"history", "", "start with the oldest alert the server still holds"},
          {"since-seq", "N", "start at the alert with sequence number N"},
          {"count", "N", "exit after N alerts"},
          {"json", "", "one JSON object per line"},
          {"progress", "", "show the progress line on stderr even when it is not a terminal"},
          {"no-progress", "", "never show the progress line"},
      },
      RunTail,
  };
}

}  // namespace saker::cli
