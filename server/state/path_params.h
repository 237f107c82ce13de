// Which blobs of a syscall's event hold paths, and which argument holds the
// directory fd each is relative to: for fd names, fs.path.* and resolving
// evt.arg paths. Follows server/driver/syscalls/table.cc.
#pragma once

#include <cstdint>

namespace saker::state {

struct PathParam {
  int8_t blob = -1;   // blob param slot holding the path; -1 = none
  int8_t dirfd = -1;  // argument index of the dirfd; -1 = relative to cwd
  bool present() const { return blob >= 0; }
};

struct PathParams {
  PathParam name;    // single-path syscalls (open, unlink, chmod, ...)
  PathParam source;  // two-path syscalls: rename/link source, symlink target
  PathParam target;  // two-path syscalls: rename/link destination, link path
};

// The path parameters of saker syscall `id` (all absent for most).
const PathParams& PathParamsOf(uint16_t id);

}  // namespace saker::state
