// Opening files (sys_exit, see common.h): the fd is the return value, the
// name is read from the caller's memory at exit (TOCTOU: a racing thread may
// have changed it after the kernel resolved it).
#pragma once

SAKER_PROBE_PATH1(open, 0)      // name, flags, mode
SAKER_PROBE_PATH1(openat, 1)    // dirfd, name, flags, mode
SAKER_PROBE_PATH1(creat, 0)     // name, mode

// openat2 (5.6): flags, mode and resolve are in the caller's struct open_how.
SAKER_PROBE(openat2) {
  struct event e;
  if (!event__begin_sys(&e, openat2, regs, ret)) return 0;
  event__push_user_path(&e, 1, event__arg(&e, 1));
  __u64 how = event__arg(&e, 2);
  __u64 size = event__arg(&e, 3);
  if (how) {
    event__push_user_bytes(&e, 2, SAKER_BLOB_BYTES, how, size < 24 ? size : 24, 24);
  }
  return event__submit(&e);
}

// memfd_create (3.17): the anonymous file a fileless exec starts from.
SAKER_PROBE(memfd_create) {
  struct event e;
  if (!event__begin_sys(&e, memfd_create, regs, ret)) return 0;
  event__push_user_str(&e, 0, event__arg(&e, 0), 249);  // MFD_NAME_MAX_LEN
  return event__submit(&e);
}
