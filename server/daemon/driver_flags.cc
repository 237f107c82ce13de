#include "server/daemon/driver_flags.h"

#include "absl/strings/str_split.h"

namespace saker::daemon {

absl::StatusOr<config::Config> ConfigSources::Load() const {
  return config::LoadConfig(path, overrides, flags);
}

void AddConfigFlags(FlagSet* flags, ConfigSources* out) {
  flags->String("--config", "-c", "the YAML configuration file (see the README's keys)",
                &out->path);
  flags->Strings("--option", "-o",
                 "override one configuration key: KEY=VALUE, a.b=v, list[N]=v, list[]=v "
                 "(repeatable)",
                 &out->overrides);
}

void AddKeyFlag(FlagSet* flags, std::string name, std::string help, std::string key,
                ConfigSources* out) {
  std::vector<std::string> parts = absl::StrSplit(key, '.');
  flags->Value(name, "", std::move(help), [name, parts, out](absl::string_view v) {
    out->flags.push_back({name, parts, std::string(v), config::FlagSetting::Op::kSet});
    return absl::OkStatus();
  });
}

void AddListFlag(FlagSet* flags, std::string name, std::string alias, std::string help,
                 std::string key, bool comma_list, ConfigSources* out) {
  std::vector<std::string> parts = absl::StrSplit(key, '.');
  flags->Value(name, std::move(alias), std::move(help),
               [name, parts, comma_list, out](absl::string_view v) {
                 std::vector<absl::string_view> items = {v};
                 if (comma_list) {
                   items = absl::StrSplit(v, ',', absl::SkipEmpty());
                 }
                 for (absl::string_view item : items) {
                   const bool first = out->lists_started.insert(name).second;
                   out->flags.push_back(
                       {name, parts, std::string(item),
                        first ? config::FlagSetting::Op::kList : config::FlagSetting::Op::kAppend});
                 }
                 return absl::OkStatus();
               });
}

void AddDriverFlags(FlagSet* flags, double* duration, ConfigSources* out) {
  flags->Value("--duration", "", "stop after this many seconds (default: until SIGINT)",
               [duration](absl::string_view v) { return ParseSeconds("--duration", v, duration); });
  AddListFlag(flags, "--syscalls", "",
              "comma-separated evt.types to capture (repeatable; default: all; "
              "saker.driver.syscalls)",
              "saker.driver.syscalls", true, out);
  AddKeyFlag(flags, "--ring-bytes",
             "ring buffer bytes per CPU, a power of two (saker.driver.ring_bytes)",
             "saker.driver.ring_bytes", out);
  AddKeyFlag(flags, "--coalesce-us",
             "after a wakeup, let events gather this long before draining (default 500; "
             "0 drains at once: lower latency, more wakeups; saker.driver.coalesce_us)",
             "saker.driver.coalesce_us", out);
  AddKeyFlag(flags, "--snaplen",
             "bytes of send/recv payload to capture (default 0; saker.driver.snaplen)",
             "saker.driver.snaplen", out);
}

driver::DriverOptions DriverOptionsOf(const config::Config& c) {
  driver::DriverOptions o;
  const config::Driver& d = c.saker.driver;
  o.ring_bytes_per_cpu = d.ring_bytes;
  o.coalesce_us = d.coalesce_us;
  o.snaplen = d.snaplen;
  o.syscalls = d.syscalls;
  return o;
}

}  // namespace saker::daemon
