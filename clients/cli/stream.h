// The loop shared by `tail` and `events`: prints each record, reports gaps
// and connection changes on stderr, keeps the progress line, and stops on
// --count, Ctrl-C, or an error the SDK's reconnect cannot fix.
#pragma once

#include <cerrno>
#include <cstdio>
#include <functional>
#include <string>
#include <variant>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "clients/cli/commands.h"
#include "clients/cli/connect.h"
#include "clients/cli/format.h"
#include "clients/cli/progress.h"
#include "clients/cpp/client.h"

namespace saker::cli {

struct StreamSettings {
  const char* noun = "alerts";
  uint64_t count = 0;  // stop after this many records; 0: never
  bool progress = false;
};

template <typename T>
int RunStream(const Context& ctx, const Target& target, const client::Client& client,
              client::Subscription<T>& sub, const StreamSettings& settings,
              const std::function<std::string(const T&)>& render) {
  ProgressLine line(ctx.err, settings.progress);
  RateMeter rate;
  StreamProgress p;
  p.noun = settings.noun;
  bool connected = true;
  auto notice = [&](const std::string& text) {
    line.Clear();
    std::fprintf(ctx.err, "%s\n", text.c_str());
    std::fflush(ctx.err);
  };
  for (;;) {
    if (ctx.interrupt != nullptr && ctx.interrupt->requested()) {
      sub.Cancel();
      return kExitOk;
    }
    const bool up = client.channel()->GetState(false) == GRPC_CHANNEL_READY;
    if (connected && !up) {
      notice(absl::StrCat("saker: connection to ", target.Describe(), " lost; reconnecting"));
    } else if (!connected && up) {
      notice(absl::StrCat("saker: reconnected to ", target.Describe()));
    }
    connected = up;
    std::optional<typename client::Subscription<T>::Item> item = sub.Next(absl::Milliseconds(100));
    if (item) {
      if (const T* record = std::get_if<T>(&*item)) {
        line.Clear();
        std::string text = render(*record);
        text += '\n';
        if (std::fputs(text.c_str(), ctx.out) == EOF || std::fflush(ctx.out) != 0) {
          sub.Cancel();  // the reader went away (EPIPE): a normal end
          return errno == EPIPE ? kExitOk : kExitError;
        }
        ++p.received;
        if (settings.count != 0 && p.received >= settings.count) {
          sub.Cancel();
          return kExitOk;
        }
      } else if (const auto* gap = std::get_if<client::Gap>(&*item)) {
        p.lost += gap->count;
        notice(GapText(*gap, settings.noun));
      } else {
        const absl::Status& s = std::get<client::End>(*item).status;
        if (absl::IsCancelled(s)) {
          return kExitOk;
        }
        line.Clear();
        return Fail(ctx, Explain(target, s).ToString(absl::StatusToStringMode::kWithNoExtraData));
      }
    }
    const absl::Time now = absl::Now();
    rate.Observe(p.received, now);
    p.rate = rate.rate();
    p.state = connected ? "connected" : "reconnecting";
    line.Draw(FormatStreamProgress(p), now);
  }
}

}  // namespace saker::cli
