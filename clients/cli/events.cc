// saker events: raw syscall events, filtered on the server.
#include "clients/cli/commands.h"
#include "clients/cli/connect.h"
#include "clients/cli/format.h"
#include "clients/cli/progress.h"
#include "clients/cli/stream.h"

namespace saker::cli {
namespace {

int RunEvents(const Args& args, const Context& ctx) {
  client::EventSubscribeOptions opts;
  opts.types = args.GetAll("type", /*split_commas=*/true);
  opts.condition = args.Get("filter");
  StreamSettings settings;
  settings.noun = "events";
  if (args.Has("count")) {
    auto n = ParseCount("count", args.Get("count"));
    if (!n.ok()) {
      std::fprintf(ctx.err, "saker: %s\n", std::string(n.status().message()).c_str());
      return kExitUsage;
    }
    settings.count = *n;
  }
  settings.progress = ProgressLine::Wanted(args.Has("progress"), args.Has("no-progress"));
  int exit_code = kExitOk;
  auto session = OpenSession(args, ctx, &exit_code);
  if (!session) {
    return exit_code;
  }
  auto sub = session->client->SubscribeEvents(opts);
  const bool json = args.Has("json");
  const absl::TimeZone tz = absl::LocalTimeZone();
  return RunStream<client::Event>(
      ctx, session->target, *session->client, *sub, settings,
      [&](const client::Event& e) { return json ? EventJson(e) : EventText(e, tz); });
}

}  // namespace

Command EventsCommand() {
  return Command{
      "events",
      "print raw syscall events (filtered on the server)",
      "saker events [--filter COND] [--type T]... [--count N] [--json] [--progress | "
      "--no-progress]",
      "Prints one event a line (TIME type pid= ppid= uid= process res= args...), or with\n"
      "--json one JSON object a line. Without a filter this is every syscall: use one.\n"
      "Example: saker events --filter 'evt.type = openat and proc.name = cat' --count 5\n",
      {
          {"filter", "COND", "a rules-language condition, e.g. 'evt.type in (execve, connect)'"},
          {"type", "T", "only these event types (repeat, or a,b)"},
          {"count", "N", "exit after N events"},
          {"json", "", "one JSON object per line"},
          {"progress", "", "show the progress line on stderr even when it is not a terminal"},
          {"no-progress", "", "never show the progress line"},
      },
      RunEvents,
  };
}

}  // namespace saker::cli
