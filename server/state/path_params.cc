#include "server/state/path_params.h"

#include <array>

#include "saker/wire.h"

namespace saker::state {
namespace {

struct Table {
  std::array<PathParams, SAKER_SYS__MAX> by_id{};

  void Name(uint16_t id, int8_t blob, int8_t dirfd = -1) { by_id[id].name = {blob, dirfd}; }
  void Two(uint16_t id, PathParam src, PathParam dst) {
    by_id[id].source = src;
    by_id[id].target = dst;
  }

  Table() {
    Name(SAKER_SYS_open, 0);
    Name(SAKER_SYS_creat, 0);
    Name(SAKER_SYS_openat, 1, 0);
    Name(SAKER_SYS_openat2, 1, 0);
    Name(SAKER_SYS_execve, 0);
    Name(SAKER_SYS_execveat, 1, 0);
    Name(SAKER_SYS_chdir, 0);
    Name(SAKER_SYS_chroot, 0);
    Name(SAKER_SYS_unlink, 0);
    Name(SAKER_SYS_unlinkat, 1, 0);
    Name(SAKER_SYS_rmdir, 0);
    Name(SAKER_SYS_mkdir, 0);
    Name(SAKER_SYS_mkdirat, 1, 0);
    Name(SAKER_SYS_chmod, 0);
    Name(SAKER_SYS_fchmodat, 1, 0);
    Name(SAKER_SYS_chown, 0);
    Name(SAKER_SYS_lchown, 0);
    Name(SAKER_SYS_fchownat, 1, 0);
    Name(SAKER_SYS_truncate, 0);
    Name(SAKER_SYS_umount2, 0);
    Name(SAKER_SYS_mount, 1);
    Two(SAKER_SYS_rename, {0, -1}, {1, -1});
    Two(SAKER_SYS_link, {0, -1}, {1, -1});
    Two(SAKER_SYS_renameat, {1, 0}, {3, 2});
    Two(SAKER_SYS_renameat2, {1, 0}, {3, 2});
    Two(SAKER_SYS_linkat, {1, 0}, {3, 2});
    Two(SAKER_SYS_symlink, {0, -1}, {1, -1});
    Two(SAKER_SYS_symlinkat, {0, -1}, {2, 1});
  }
};

}  // namespace

const PathParams& PathParamsOf(uint16_t id) {
  static const Table* const kTable = new Table();
  static const PathParams kNone;
  return id < SAKER_SYS__MAX ? kTable->by_id[id] : kNone;
}

}  // namespace saker::state
