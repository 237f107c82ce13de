#include "server/daemon/driver_flags.h"

#include "absl/strings/str_split.h"

namespace saker::daemon {

void AddDriverFlags(FlagSet* flags, double* duration, driver::DriverOptions* o) {
  flags->Value("--duration", "", "stop after this many seconds (default: until SIGINT)",
               [duration](absl::string_view v) { return ParseSeconds("--duration", v, duration); });
  flags->Value("--syscalls", "", "comma-separated evt.types to capture (default: all)",
               [o](absl::string_view v) {
                 for (absl::string_view s : absl::StrSplit(v, ',', absl::SkipEmpty())) {
                   o->syscalls.emplace_back(s);
                 }
                 return absl::OkStatus();
               });
  flags->Value("--ring-bytes", "", "ring buffer bytes per CPU (power of two)",
               [o](absl::string_view v) {
                 uint64_t n = 0;
                 auto st = ParseUint("--ring-bytes", v, &n);
                 o->ring_bytes_per_cpu = static_cast<uint32_t>(n);
                 return st;
               });
  flags->Value("--coalesce-us", "",
               "after a wakeup, let events gather this long before draining (default 500; "
               "0 drains at once: lower latency, more wakeups)",
               [o](absl::string_view v) {
                 uint64_t n = 0;
                 auto st = ParseUint("--coalesce-us", v, &n);
                 o->coalesce_us = static_cast<uint32_t>(n);
                 return st;
               });
  flags->Value("--snaplen", "", "bytes of send/recv payload to capture (default 0)",
               [o](absl::string_view v) {
                 uint64_t n = 0;
                 auto st = ParseUint("--snaplen", v, &n);
                 o->snaplen = static_cast<uint32_t>(n);
                 return st;
               });
}

}  // namespace saker::daemon
