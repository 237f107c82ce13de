// saker rules list, saker rules reload.
#include <algorithm>
#include <future>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "clients/cli/commands.h"
#include "clients/cli/connect.h"
#include "clients/cli/format.h"
#include "clients/cli/progress.h"

namespace saker::cli {
namespace {

std::string RuleJson(const client::Rule& r) {
  std::vector<std::string> tags, types;
  for (const auto& t : r.tags) {
    tags.push_back(JsonString(t));
  }
  for (const auto& t : r.event_types) {
    types.push_back(JsonString(t));
  }
  return absl::StrCat("{\"name\":", JsonString(r.name),
                      ",\"priority\":", JsonString(client::PriorityName(r.priority)),
                      ",\"enabled\":", r.enabled ? "true" : "false",
                      ",\"source\":", JsonString(r.source), ",\"tags\":[", absl::StrJoin(tags, ","),
                      "],\"event_types\":[", absl::StrJoin(types, ","),
                      "],\"match_count\":", r.match_count, "}");
}

void PrintRulesTable(FILE* out, const std::vector<client::Rule>& rules) {
  size_t w = 4;
  for (const auto& r : rules) {
    w = std::max(w, r.name.size());
  }
  const std::string fmt = absl::StrCat("%-", w, "s  %-13s %-7s %-8s %7s  %s\n");
  std::fprintf(out, fmt.c_str(), "NAME", "PRIORITY", "ENABLED", "SOURCE", "MATCHES", "TAGS");
  for (const auto& r : rules) {
    std::fprintf(out, fmt.c_str(), r.name.c_str(),
                 std::string(client::PriorityName(r.priority)).c_str(), r.enabled ? "yes" : "no",
                 r.source.c_str(), std::to_string(r.match_count).c_str(),
                 absl::StrJoin(r.tags, ",").c_str());
  }
}

int RunList(const Args& args, const Context& ctx) {
  int exit_code = kExitOk;
  auto session = OpenSession(args, ctx, &exit_code);
  if (!session) {
    return exit_code;
  }
  auto rules = session->client->ListRules();
  if (!rules.ok()) {
    return Fail(ctx, std::string(Explain(session->target, rules.status()).message()));
  }
  if (args.Has("json")) {
    std::vector<std::string> items;
    for (const auto& r : *rules) {
      items.push_back(RuleJson(r));
    }
    std::fprintf(ctx.out, "[%s]\n", absl::StrJoin(items, ",\n ").c_str());
  } else {
    PrintRulesTable(ctx.out, *rules);
  }
  return kExitOk;
}

int RunReload(const Args& args, const Context& ctx) {
  int exit_code = kExitOk;
  auto session = OpenSession(args, ctx, &exit_code);
  if (!session) {
    return exit_code;
  }
  ProgressLine line(ctx.err, ProgressLine::Wanted(args.Has("progress"), args.Has("no-progress")));
  const absl::Time start = absl::Now();
  const client::Client* c = session->client.get();
  auto pending = std::async(std::launch::async, [c] { return c->ReloadRules(); });
  line.Draw(absl::StrCat("reloading rules on ", session->target.Describe(), "... 0.0s"), start,
            true);
  while (pending.wait_for(std::chrono::milliseconds(100)) != std::future_status::ready) {
    const absl::Time now = absl::Now();
    line.Draw(absl::StrFormat("reloading rules on %s... %.1fs", session->target.Describe(),
                              absl::ToDoubleSeconds(now - start)),
              now);
  }
  line.Clear();
  absl::StatusOr<client::ReloadResult> result = pending.get();
  if (!result.ok()) {
    if (absl::IsInvalidArgument(result.status())) {
      std::fprintf(ctx.err, "saker: rules reload failed; the running rules stay:\n");
      for (absl::string_view l : absl::StrSplit(result.status().message(), '\n')) {
        std::fprintf(ctx.err, "  %s\n", std::string(l).c_str());
      }
      return kExitError;
    }
    return Fail(ctx, std::string(Explain(session->target, result.status()).message()));
  }
  for (const std::string& w : result->warnings) {
    std::fprintf(ctx.err, "warning: %s\n", w.c_str());
  }
  std::fprintf(ctx.out, "rules reloaded: %u rules loaded (%.1fs)\n", result->rule_count,
               absl::ToDoubleSeconds(absl::Now() - start));
  return kExitOk;
}

}  // namespace

Command RulesListCommand() {
  return Command{
      "rules list",
      "the loaded rules: name, priority, enabled, source, matches, tags",
      "saker rules list [--json]",
      "Prints a table of the loaded rules in load order, or with --json a JSON array.\n",
      {{"json", "", "a JSON array of rules"}},
      RunList,
  };
}

Command RulesReloadCommand() {
  return Command{
      "rules reload",
      "re-read the server's rule files; a bad file is rejected and the running rules stay",
      "saker rules reload [--progress | --no-progress]",
      "Prints \"rules reloaded: N rules loaded\" (and warnings on stderr), or the errors\n"
      "with file:line:column on stderr and exits 1. While waiting, the elapsed time shows\n"
      "on stderr when it is a terminal (or with --progress).\n",
      {
          {"progress", "", "show the elapsed time on stderr even when it is not a terminal"},
          {"no-progress", "", "never show it"},
      },
      RunReload,
  };
}

}  // namespace saker::cli
