#include "server/rules/common/version.h"

#include <tuple>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace saker::rules {

std::optional<Version> Version::Parse(absl::string_view s) {
  if (!s.empty() && (s[0] == 'v' || s[0] == 'V')) {
    s.remove_prefix(1);
  }
  size_t cut = s.find_first_of("-+");
  if (cut != absl::string_view::npos) {
    s = s.substr(0, cut);
  }
  std::vector<absl::string_view> parts = absl::StrSplit(s, '.');
  if (parts.size() != 3) {
    return std::nullopt;
  }
  Version v;
  int* dst[] = {&v.major, &v.minor, &v.patch};
  for (int i = 0; i < 3; ++i) {
    if (parts[i].empty() || !absl::SimpleAtoi(parts[i], dst[i]) || *dst[i] < 0) {
      return std::nullopt;
    }
  }
  return v;
}

std::string Version::ToString() const { return absl::StrCat(major, ".", minor, ".", patch); }

bool Version::operator<(const Version& o) const {
  return std::tie(major, minor, patch) < std::tie(o.major, o.minor, o.patch);
}

bool Version::CompatibleWith(const Version& required) const {
  return major == required.major && !(*this < required);
}

}  // namespace saker::rules
