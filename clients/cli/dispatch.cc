#include "clients/cli/dispatch.h"

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "clients/cli/connect.h"

namespace saker::cli {
namespace {

constexpr char kExitCodes[] =
    "Exit codes: 0 ok (also --count reached, Ctrl-C), 1 runtime error (server not running,\n"
    "refused, rules reload failed), 2 usage error.\n";

std::vector<FlagSpec> FlagsOf(const Command& c) {
  std::vector<FlagSpec> flags = c.flags;
  if (c.connects) {
    const auto& conn = ConnectionFlagSpecs();
    flags.insert(flags.end(), conn.begin(), conn.end());
  }
  flags.push_back({"help", "", "show this help"});
  return flags;
}

// The command named by the leading words of `words` ("rules list"), and how
// many words it took; nullptr if none.
const Command* Find(const std::vector<Command>& all, const std::vector<std::string>& words,
                    size_t* used) {
  for (const Command& c : all) {
    if (!words.empty() && c.name == words[0]) {
      *used = 1;
      return &c;
    }
    if (words.size() >= 2 && c.name == absl::StrCat(words[0], " ", words[1])) {
      *used = 2;
      return &c;
    }
  }
  return nullptr;
}

bool IsGroup(const std::vector<Command>& all, const std::string& word) {
  for (const Command& c : all) {
    if (c.name.rfind(word + " ", 0) == 0) {
      return true;
    }
  }
  return false;
}

int Usage(const Context& ctx, const std::string& message, const std::string& help) {
  std::fprintf(ctx.err, "saker: %s\n\n%s", message.c_str(), help.c_str());
  return kExitUsage;
}

std::string GroupHelp(const std::vector<Command>& all, const std::string& group) {
  std::string out = absl::StrCat("Usage: saker ", group, " COMMAND\n\nCommands:\n");
  for (const Command& c : all) {
    if (c.name.rfind(group + " ", 0) == 0) {
      absl::StrAppend(&out, "  ", c.usage, "\n      ", c.summary, "\n");
    }
  }
  return out;
}

}  // namespace

std::string MainHelp() {
  std::string out =
      "saker: the command-line client of sakerd, Saker's runtime-security daemon.\n\n"
      "Usage: saker [CONNECTION FLAGS] COMMAND [FLAGS]\n\nCommands:\n";
  for (const Command& c : AllCommands()) {
    absl::StrAppend(&out, "  ", c.name, std::string(14 - std::min<size_t>(c.name.size(), 13), ' '),
                    c.summary, "\n");
  }
  absl::StrAppend(&out,
                  "  help CMD      help on one command\n"
                  "  version       the version of this client\n\n"
                  "Connection flags (any command):\n",
                  FlagsHelp(ConnectionFlagSpecs()), "\n", kExitCodes,
                  "Run `saker help CMD` for a command's flags.\n");
  return out;
}

std::string CommandHelp(const Command& c) {
  return absl::StrCat("Usage: ", c.usage, "\n\n", c.summary, ".\n", c.details, "\nFlags:\n",
                      FlagsHelp(FlagsOf(c)), "\n", kExitCodes);
}

int Dispatch(const std::vector<std::string>& argv, const Context& ctx) {
  const std::vector<Command> all = AllCommands();
  // Connection flags may come before the command.
  std::vector<FlagSpec> leading = ConnectionFlagSpecs();
  leading.push_back({"help", "", ""});
  leading.push_back({"version", "", ""});
  auto global = ParseArgs(argv, leading, /*stop_at_positional=*/true);
  if (!global.ok()) {
    return Usage(ctx, std::string(global.status().message()), MainHelp());
  }
  const std::vector<std::string>& rest = global->positionals();
  if (rest.empty()) {
    if (global->Has("version")) {
      std::fprintf(ctx.out, "saker %s\n", kCliVersion);
      return kExitOk;
    }
    if (global->Has("help")) {
      std::fputs(MainHelp().c_str(), ctx.out);
      return kExitOk;
    }
    return Usage(ctx, "no command given", MainHelp());
  }
  if (rest[0] == "version") {
    if (rest.size() > 1) {
      return Usage(ctx, "version takes no arguments", MainHelp());
    }
    std::fprintf(ctx.out, "saker %s\n", kCliVersion);
    return kExitOk;
  }
  if (rest[0] == "help") {
    std::vector<std::string> words(rest.begin() + 1, rest.end());
    if (words.empty()) {
      std::fputs(MainHelp().c_str(), ctx.out);
      return kExitOk;
    }
    size_t used = 0;
    const Command* c = Find(all, words, &used);
    if (c != nullptr && used == words.size()) {
      std::fputs(CommandHelp(*c).c_str(), ctx.out);
      return kExitOk;
    }
    if (words.size() == 1 && IsGroup(all, words[0])) {
      std::fputs(GroupHelp(all, words[0]).c_str(), ctx.out);
      return kExitOk;
    }
    return Usage(ctx, absl::StrCat("no such command: ", absl::StrJoin(words, " ")), MainHelp());
  }
  size_t used = 0;
  const Command* c = Find(all, rest, &used);
  if (c == nullptr) {
    if (IsGroup(all, rest[0])) {
      const std::string help = GroupHelp(all, rest[0]);
      if (rest.size() == 1) {
        return Usage(ctx, absl::StrCat(rest[0], " needs a command"), help);
      }
      if (rest[1] == "--help" || rest[1] == "-h") {
        std::fputs(help.c_str(), ctx.out);
        return kExitOk;
      }
      return Usage(ctx, absl::StrCat("unknown command: ", rest[0], " ", rest[1]), help);
    }
    return Usage(ctx, absl::StrCat("unknown command: ", rest[0]), MainHelp());
  }
  std::vector<std::string> tail(rest.begin() + used, rest.end());
  auto args = ParseArgs(tail, FlagsOf(*c));
  if (!args.ok()) {
    return Usage(ctx, std::string(args.status().message()), CommandHelp(*c));
  }
  if (args->Has("help") || global->Has("help")) {
    std::fputs(CommandHelp(*c).c_str(), ctx.out);
    return kExitOk;
  }
  if (global->Has("version")) {
    return Usage(ctx, "--version goes alone: saker --version", MainHelp());
  }
  if (!args->positionals().empty()) {
    return Usage(ctx, absl::StrCat("unexpected argument: ", args->positionals()[0]),
                 CommandHelp(*c));
  }
  args->MergeFlagsFrom(*global);
  return c->run(*args, ctx);
}

std::vector<Command> AllCommands() {
  return {TailCommand(), EventsCommand(), StatusCommand(), RulesListCommand(),
          RulesReloadCommand()};
}

int Fail(const Context& ctx, const std::string& message) {
  std::fprintf(ctx.err, "saker: %s\n", message.c_str());
  return kExitError;
}

std::optional<Session> OpenSession(const Args& args, const Context& ctx, int* exit_code) {
  auto target = ResolveTarget(args);
  if (!target.ok()) {
    std::fprintf(ctx.err, "saker: %s\n", std::string(target.status().message()).c_str());
    *exit_code = kExitUsage;
    return std::nullopt;
  }
  auto client = Connect(*target);
  if (!client.ok()) {
    *exit_code = Fail(ctx, std::string(client.status().message()));
    return std::nullopt;
  }
  return Session{*std::move(target), *std::move(client)};
}

}  // namespace saker::cli
