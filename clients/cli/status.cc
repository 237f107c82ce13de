// saker status: the server's version, uptime, driver, rules and subscribers.
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "clients/cli/commands.h"
#include "clients/cli/connect.h"
#include "clients/cli/format.h"

namespace saker::cli {
namespace {

std::string HubJson(const client::HubStatus& h) {
  return absl::StrCat("{\"published\":", h.published, ",\"capacity\":", h.capacity,
                      ",\"oldest_sequence\":", h.oldest_sequence,
                      ",\"newest_sequence\":", h.newest_sequence, "}");
}

std::string StatusJson(const std::string& server, const client::Version& v,
                       const client::Status& s) {
  size_t enabled = 0;
  for (const auto& r : s.rules) {
    enabled += r.enabled ? 1 : 0;
  }
  uint64_t drops = 0;
  std::string kd;
  for (const auto& [k, n] : s.kernel_drops) {
    absl::StrAppend(&kd, kd.empty() ? "" : ",", JsonString(k), ":", n);
    drops += n;
  }
  std::string subs;
  for (const auto& sub : s.subscribers) {
    absl::StrAppend(&subs, subs.empty() ? "" : ",", "{\"id\":", sub.id,
                    ",\"kind\":", JsonString(sub.kind), ",\"peer\":", JsonString(sub.peer),
                    ",\"identity\":", JsonString(sub.identity),
                    ",\"queue_depth\":", sub.queue_depth, ",\"delivered\":", sub.delivered,
                    ",\"dropped\":", sub.dropped, "}");
  }
  return absl::StrCat("{\"server\":", JsonString(server), ",\"version\":", JsonString(v.version),
                      ",\"engine_version\":", JsonString(v.engine_version),
                      ",\"start_time\":", JsonString(JsonTime(s.start_time)),
                      ",\"uptime_seconds\":", absl::ToInt64Seconds(s.uptime),
                      ",\"probe_loaded\":", s.probe_loaded ? "true" : "false",
                      ",\"events_captured\":", s.events_captured, ",\"kernel_drops_total\":", drops,
                      ",\"kernel_drops\":{", kd, "},\"rules_loaded\":", s.rules.size(),
                      ",\"rules_enabled\":", enabled, ",\"alerts\":", HubJson(s.alerts),
                      ",\"events\":", HubJson(s.events), ",\"subscribers\":[", subs, "]}");
}

std::string HubText(const client::HubStatus& h) {
  return absl::StrCat(h.published, " published, history ",
                      h.newest_sequence == 0 ? 0 : h.newest_sequence - h.oldest_sequence + 1, "/",
                      h.capacity, " (sequence ", h.oldest_sequence, "..", h.newest_sequence, ")");
}

void PrintStatusText(FILE* out, const std::string& server, const client::Version& v,
                     const client::Status& s) {
  size_t enabled = 0;
  for (const auto& r : s.rules) {
    enabled += r.enabled ? 1 : 0;
  }
  uint64_t drops = 0;
  std::vector<std::string> parts;
  for (const auto& [k, n] : s.kernel_drops) {
    drops += n;
    parts.push_back(absl::StrCat(k, " ", n));
  }
  auto row = [out](const char* k, const std::string& v) {
    std::fprintf(out, "%-13s %s\n", k, v.c_str());
  };
  row("server", server);
  row("version", absl::StrCat(v.version, " (rules engine ", v.engine_version, ")"));
  row("started",
      absl::StrCat(absl::FormatTime("%Y-%m-%d %H:%M:%S %z", s.start_time, absl::LocalTimeZone()),
                   " (up ", absl::FormatDuration(absl::Trunc(s.uptime, absl::Seconds(1))), ")"));
  row("probe", s.probe_loaded ? "loaded" : "not loaded");
  row("events", absl::StrCat(s.events_captured, " captured"));
  row("drops", absl::StrCat(drops, parts.empty() ? "" : " (", absl::StrJoin(parts, ", "),
                            parts.empty() ? "" : ")"));
  row("rules", absl::StrCat(s.rules.size(), " loaded, ", enabled, " enabled"));
  row("alerts", HubText(s.alerts));
  row("event stream", HubText(s.events));
  row("subscribers", absl::StrCat(s.subscribers.size()));
  if (!s.subscribers.empty()) {
    std::fprintf(out, "  %-5s %-7s %-28s %-16s %8s %10s %8s\n", "ID", "KIND", "PEER", "IDENTITY",
                 "QUEUE", "DELIVERED", "DROPPED");
    for (const auto& sub : s.subscribers) {
      std::fprintf(out, "  %-5llu %-7s %-28s %-16s %8llu %10llu %8llu\n",
                   static_cast<unsigned long long>(sub.id), sub.kind.c_str(), sub.peer.c_str(),
                   sub.identity.empty() ? "-" : sub.identity.c_str(),
                   static_cast<unsigned long long>(sub.queue_depth),
                   static_cast<unsigned long long>(sub.delivered),
                   static_cast<unsigned long long>(sub.dropped));
    }
  }
}

int RunStatus(const Args& args, const Context& ctx) {
  int exit_code = kExitOk;
  auto session = OpenSession(args, ctx, &exit_code);
  if (!session) {
    return exit_code;
  }
  auto version = session->client->GetVersion();
  if (!version.ok()) {
    return Fail(ctx, std::string(Explain(session->target, version.status()).message()));
  }
  auto status = session->client->GetStatus();
  if (!status.ok()) {
    return Fail(ctx, std::string(Explain(session->target, status.status()).message()));
  }
  if (args.Has("json")) {
    std::fprintf(ctx.out, "%s\n",
                 StatusJson(session->target.Describe(), *version, *status).c_str());
  } else {
    PrintStatusText(ctx.out, session->target.Describe(), *version, *status);
  }
  return kExitOk;
}

}  // namespace

Command StatusCommand() {
  return Command{
      "status",
      "the server's version, uptime, driver counters, rules and subscribers",
      "saker status [--json]",
      "Prints the server's version, start time and uptime, whether the probe is loaded,\n"
      "events captured and kernel drops by category, rules loaded and enabled, the alert\n"
      "and event histories, and every subscriber (queue, delivered, dropped).\n",
      {{"json", "", "one JSON object"}},
      RunStatus,
  };
}

}  // namespace saker::cli
