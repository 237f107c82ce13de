// Least privilege for sakerd: once the probe is loaded and attached, the
// daemon keeps only what it needs to keep reading the system (by default
// CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH) and may switch to an unprivileged
// user. Ring buffers and maps stay usable through the fds already held.
#pragma once

#include <linux/capability.h>

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace saker::daemon {

struct PrivilegeOptions {
  // Capabilities (CAP_* numbers) left in the permitted, effective and
  // bounding sets; everything else goes from every set. The defaults are
  // what reading other processes' /proc entries (fd, exe, environ, cwd...)
  // and the container runtimes' storage needs: ptrace access checks and
  // directory search/read past file modes.
  std::vector<int> keep = {CAP_SYS_PTRACE, CAP_DAC_READ_SEARCH};
  // Switch to this user (name) when not empty: its uid, its primary group
  // (unless `group` is given) and its supplementary groups from /etc/group.
  std::string user;
  // Switch to this group (name) when not empty, as the primary group.
  std::string group;
};

// Drops privileges for the whole process, irreversibly. It must run while
// the process has a single thread (capabilities and ids are per thread;
// threads started later inherit the reduced ones): with more threads it
// changes nothing and returns FailedPrecondition. Sets PR_SET_NO_NEW_PRIVS,
// switches user/group (PR_SET_KEEPCAPS keeps `keep` across the switch),
// empties the bounding set but for `keep`, clears the inheritable and
// ambient sets, and leaves permitted = effective = `keep`. Verifies the
// result before returning. An unknown user or group returns NotFound naming
// it; nothing has changed by then.
absl::Status DropPrivileges(const PrivilegeOptions& o);

// The calling thread's capabilities in libcap's text form, for the log,
// e.g. "cap_dac_read_search,cap_sys_ptrace=ep" ("=" when it has none).
std::string DescribeCapabilities();

// Parses "cap_sys_ptrace,CAP_DAC_READ_SEARCH" (libcap names, any case,
// comma-separated; empty: none) into CAP_* numbers, e.g. for a config key.
absl::StatusOr<std::vector<int>> ParseCapabilities(absl::string_view list);

}  // namespace saker::daemon
