// The alert the daemon formats once and hands to every output.
#pragma once

#include <cstdint>
#include <string>

namespace saker::outputs {

struct Alert {
  std::string rule;
  // Falco numbering: 0 emergency, 1 alert, 2 critical, 3 error, 4 warning,
  // 5 notice, 6 informational, 7 debug.
  int priority = 6;
  std::string source;   // "syscall", or "internal" for saker's own alerts
  int64_t time_ns = 0;  // wall clock
  std::string text;     // Falco's text line ("<time>: <Priority> <output>")
  // Falco's JSON alert: {"hostname","output","output_fields","priority",
  // "rule","source","tags","time"}; what HttpOutput POSTs.
  std::string json;
  // Internal alerts about an output's failure are not sent to that output
  // (its Name()): a dead receiver would otherwise be told about itself,
  // fail again and raise another.
  std::string skip_output;
};

}  // namespace saker::outputs
