// How the CLI prints alerts, events, gaps, and JSON values.
#pragma once

#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "clients/cpp/types.h"

namespace saker::cli {

// `s` as a JSON string literal, quotes included.
std::string JsonString(std::string_view s);
// RFC 3339 in UTC with nanoseconds: "2024-05-01T10:00:00.123456789Z".
std::string JsonTime(absl::Time t);

// The alert's output without Falco's leading "TIME: Priority " (when present).
std::string_view OutputMessage(std::string_view output, client::Priority p);
// Falco-like text: "TIME: Priority [rule] message" (local time, ns).
std::string AlertText(const client::Alert& a, absl::TimeZone tz);
// One JSON object, Falco's alert keys plus "seq":
// {"hostname","output","output_fields","priority","rule","seq","source","tags","time"}.
std::string AlertJson(const client::Alert& a);

// "TIME type pid=P ppid=P uid=U proc res=R arg=value ...".
std::string EventText(const client::Event& e, absl::TimeZone tz);
// {"seq","time","cpu","type","res","pid","tid","ppid","proc_name","uid","gid",
//  "cgroup_id","args":{...}}.
std::string EventJson(const client::Event& e);

// "saker: 5 alerts lost (sequence 10..14, subscriber overflow)".
std::string GapText(const client::Gap& g, const char* noun);

}  // namespace saker::cli
