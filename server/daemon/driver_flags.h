// The flags every live command shares: where the configuration comes from
// (-c, -o), how long to run, which syscalls, and the probe's knobs. A flag
// that stands for a configuration key is applied as an override of that key
// (config::FlagSetting): the key's schema checks it, with the key's bounds
// and messages, before anything is loaded.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "server/config/config.h"
#include "server/config/load.h"
#include "server/daemon/flags.h"
#include "server/driver/driver.h"

namespace saker::daemon {

// -c FILE, the -o overrides and the key flags, in command-line order.
struct ConfigSources {
  std::string path;
  std::vector<std::string> overrides;
  std::vector<config::FlagSetting> flags;
  std::set<std::string, std::less<>> lists_started;  // list flags already given once

  // Loads the file and applies -o, then the flags; every error at once.
  absl::StatusOr<config::Config> Load() const;
};

// -c/--config and -o/--option.
void AddConfigFlags(FlagSet* flags, ConfigSources* out);
// `name VALUE` sets `key` (dotted) to VALUE.
void AddKeyFlag(FlagSet* flags, std::string name, std::string help, std::string key,
                ConfigSources* out);
// `name VALUE`, repeatable: the first use replaces the list `key`, later
// uses append to it. With `comma_list`, VALUE is split at commas.
void AddListFlag(FlagSet* flags, std::string name, std::string alias, std::string help,
                 std::string key, bool comma_list, ConfigSources* out);
// --duration, --syscalls, --ring-bytes, --coalesce-us and --snaplen.
void AddDriverFlags(FlagSet* flags, double* duration, ConfigSources* out);

// The probe's options from saker.driver.
driver::DriverOptions DriverOptionsOf(const config::Config& c);

}  // namespace saker::daemon
