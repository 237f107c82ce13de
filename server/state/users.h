// Users and groups by id, from a root directory's /etc/passwd and
// /etc/group: the host's, and a container's own (/proc/PID/root/etc/...)
// for processes that run in one. Tables are loaded on first use and
// reloaded on a miss at most once per refresh interval.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace saker::state {

struct UserInfo {
  std::string name;
  std::string homedir;
  std::string shell;
};

struct UserDbOptions {
  // The host's root ("/"), or a fake one in tests.
  std::string host_root = "/";
  // /proc, for container roots (PROC/PID/root); a fake one in tests.
  std::string proc_root = "/proc";
  // Read a container's own /etc/passwd; off = host tables for everyone.
  bool container_tables = true;
  // A miss reloads the files at most this often.
  absl::Duration refresh_interval = absl::Seconds(10);
  // Time source for the rate limit (absl::Now when empty).
  std::function<absl::Time()> clock;
};

class UserDb {
 public:
  explicit UserDb(UserDbOptions options = {});

  // The user `uid` as seen by process `pid` of container `container_id`
  // ("" = host), or nullptr. A container without a readable /etc/passwd
  // uses the host's table.
  const UserInfo* FindUser(uint32_t uid, absl::string_view container_id = "", uint32_t pid = 0);
  // The group name, or nullptr.
  const std::string* FindGroup(uint32_t gid, absl::string_view container_id = "",
                               uint32_t pid = 0);

  // Loads (parses) files; exposed for tests.
  static void ParsePasswd(absl::string_view text, absl::flat_hash_map<uint32_t, UserInfo>* out);
  static void ParseGroup(absl::string_view text, absl::flat_hash_map<uint32_t, std::string>* out);

 private:
  struct Tables {
    bool loaded = false;
    bool has_passwd = false;  // the root had a readable /etc/passwd
    bool has_group = false;
    absl::Time loaded_at = absl::InfinitePast();
    absl::flat_hash_map<uint32_t, UserInfo> users;
    absl::flat_hash_map<uint32_t, std::string> groups;
  };

  Tables* TablesFor(absl::string_view container_id, uint32_t pid);
  void Load(const std::string& root, Tables* t);
  // Reloads `t` if the rate limit allows; true when it did.
  bool MaybeReload(absl::string_view container_id, uint32_t pid, Tables* t);
  std::string RootOf(absl::string_view container_id, uint32_t pid) const;
  absl::Time Now() const { return options_.clock ? options_.clock() : absl::Now(); }

  UserDbOptions options_;
  Tables host_;
  absl::flat_hash_map<std::string, Tables> containers_;
};

}  // namespace saker::state
