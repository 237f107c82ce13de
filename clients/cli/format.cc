#include "clients/cli/format.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "server/common/json.h"

namespace saker::cli {

std::string JsonString(std::string_view s) {
  std::string out;
  AppendJsonString(&out, absl::string_view(s.data(), s.size()));
  return out;
}

std::string JsonTime(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E9SZ", t, absl::UTCTimeZone());
}

namespace {

// Falco's text capitalization: "Warning", "Informational".
std::string TitleCase(std::string_view upper) {
  std::string s = absl::AsciiStrToLower(std::string(upper));
  if (!s.empty()) {
    s[0] = absl::ascii_toupper(s[0]);
  }
  return s;
}

std::string TextTime(absl::Time t, absl::TimeZone tz) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E9S%z", t, tz);
}

}  // namespace

std::string_view OutputMessage(std::string_view output, client::Priority p) {
  // Falco's output line starts "11:39:51.805558299: Warning "; the CLI
  // prints its own time and priority.
  size_t colon = output.find(": ");
  if (colon == std::string_view::npos || colon == 0 || !absl::ascii_isdigit(output[0]) ||
      output.substr(0, colon).find(':') == std::string_view::npos) {
    return output;
  }
  std::string_view rest = output.substr(colon + 2);
  const std::string prio = TitleCase(client::PriorityName(p));
  for (const std::string& name : {prio, std::string(client::PriorityName(p))}) {
    if (rest.size() > name.size() && rest.substr(0, name.size()) == name &&
        rest[name.size()] == ' ') {
      return rest.substr(name.size() + 1);
    }
  }
  return output;
}

std::string AlertText(const client::Alert& a, absl::TimeZone tz) {
  return absl::StrCat(TextTime(a.time, tz), ": ", TitleCase(client::PriorityName(a.priority)), " [",
                      a.rule, "] ", std::string(OutputMessage(a.output, a.priority)));
}

std::string AlertJson(const client::Alert& a) {
  std::string out = absl::StrCat("{\"hostname\":", JsonString(a.hostname),
                                 ",\"output\":", JsonString(a.output), ",\"output_fields\":{");
  bool first = true;
  for (const auto& [k, v] : a.output_fields) {
    absl::StrAppend(&out, first ? "" : ",", JsonString(k), ":", JsonString(v));
    first = false;
  }
  absl::StrAppend(&out, "},\"priority\":", JsonString(client::PriorityName(a.priority)),
                  ",\"rule\":", JsonString(a.rule), ",\"seq\":", a.sequence,
                  ",\"source\":", JsonString(a.source), ",\"tags\":[");
  for (size_t i = 0; i < a.tags.size(); ++i) {
    absl::StrAppend(&out, i == 0 ? "" : ",", JsonString(a.tags[i]));
  }
  absl::StrAppend(&out, "],\"time\":", JsonString(JsonTime(a.time)), "}");
  return out;
}

std::string EventText(const client::Event& e, absl::TimeZone tz) {
  std::string out =
      absl::StrCat(TextTime(e.time, tz), " ", e.type, " pid=", e.pid, " ppid=", e.ppid,
                   " uid=", e.uid, " ", e.proc_name, " res=", e.res);
  for (const auto& [k, v] : e.args) {
    absl::StrAppend(&out, " ", k, "=", v);
  }
  return out;
}

std::string EventJson(const client::Event& e) {
  std::string out = absl::StrCat(
      "{\"seq\":", e.sequence, ",\"time\":", JsonString(JsonTime(e.time)), ",\"cpu\":", e.cpu,
      ",\"type\":", JsonString(e.type), ",\"res\":", e.res, ",\"pid\":", e.pid, ",\"tid\":", e.tid,
      ",\"ppid\":", e.ppid, ",\"proc_name\":", JsonString(e.proc_name), ",\"uid\":", e.uid,
      ",\"gid\":", e.gid, ",\"cgroup_id\":", e.cgroup_id, ",\"args\":{");
  for (size_t i = 0; i < e.args.size(); ++i) {
    absl::StrAppend(&out, i == 0 ? "" : ",", JsonString(e.args[i].first), ":",
                    JsonString(e.args[i].second));
  }
  out += "}}";
  return out;
}

std::string GapText(const client::Gap& g, const char* noun) {
  std::string reason = std::string(client::GapReasonName(g.reason));
  for (char& c : reason) {
    if (c == '_') {
      c = ' ';
    }
  }
  return absl::StrCat("saker: ", g.count, " ", noun, " lost (sequence ", g.from_sequence, "..",
                      g.to_sequence, ", ", reason, ")");
}

}  // namespace saker::cli
