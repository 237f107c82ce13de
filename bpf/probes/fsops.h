// Changes to the file tree (sys_exit, see common.h). Paths are read from the
// caller's memory at exit (TOCTOU, see open.h).
#pragma once

SAKER_PROBE_PATH2(rename, 0, 1)       // oldpath, newpath
SAKER_PROBE_PATH2(renameat, 1, 3)     // olddirfd, oldpath, newdirfd, newpath
SAKER_PROBE_PATH2(renameat2, 1, 3)    // ... flags
SAKER_PROBE_PATH1(unlink, 0)
SAKER_PROBE_PATH1(unlinkat, 1)        // dirfd, name, flags
SAKER_PROBE_PATH1(rmdir, 0)
SAKER_PROBE_PATH1(mkdir, 0)           // path, mode
SAKER_PROBE_PATH1(mkdirat, 1)         // dirfd, path, mode
SAKER_PROBE_PATH2(link, 0, 1)
SAKER_PROBE_PATH2(linkat, 1, 3)       // olddir, oldpath, newdir, newpath, flags
SAKER_PROBE_PATH2(symlink, 0, 1)      // target, linkpath
SAKER_PROBE_PATH2(symlinkat, 0, 2)    // target, linkdirfd, linkpath
SAKER_PROBE_PATH1(truncate, 0)        // path, length

// Permissions and ownership.
SAKER_PROBE_PATH1(chmod, 0)           // filename, mode
SAKER_PROBE_ARGS_ONLY(fchmod)         // fd, mode
SAKER_PROBE_PATH1(fchmodat, 1)        // dirfd, filename, mode
SAKER_PROBE_PATH1(chown, 0)           // path, uid, gid
SAKER_PROBE_ARGS_ONLY(fchown)         // fd, uid, gid
SAKER_PROBE_PATH1(fchownat, 1)        // dirfd, pathname, uid, gid, flags
SAKER_PROBE_PATH1(lchown, 0)

// mount: source, target and fs type are strings (source and type may be
// NULL, e.g. for a remount).
SAKER_PROBE(mount) {
  struct event e;
  if (!event__begin_sys(&e, mount, regs, ret)) return 0;
  __u64 dev = event__arg(&e, 0);
  __u64 type = event__arg(&e, 2);
  if (dev) event__push_user_path(&e, 0, dev);
  event__push_user_path(&e, 1, event__arg(&e, 1));
  if (type) event__push_user_str(&e, 2, type, 64);
  return event__submit(&e);
}

SAKER_PROBE_PATH1(umount2, 0)         // name, flags
