// Semantic versions for required_engine_version / required_plugin_versions.
#pragma once

#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace saker::rules {

struct Version {
  int major = 0;
  int minor = 0;
  int patch = 0;

  // "1.2.3" (a leading "v" and a "-pre"/"+build" suffix are tolerated).
  static std::optional<Version> Parse(absl::string_view s);
  std::string ToString() const;
  // sinsp_version::compatible_with: same major and this >= required.
  bool CompatibleWith(const Version& required) const;
  bool operator<(const Version& o) const;
  bool operator==(const Version& o) const {
    return major == o.major && minor == o.minor && patch == o.patch;
  }
};

}  // namespace saker::rules
