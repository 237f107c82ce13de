// Ways into the kernel (sys_exit, see common.h): modules, BPF, userfaultfd
// and io_uring, each a common first step of kernel exploitation or rootkits.
#pragma once

SAKER_PROBE(init_module) {  // image, len, uargs
  struct event e;
  if (!event__begin_sys(&e, init_module, regs, ret)) return 0;
  event__push_user_str(&e, 2, event__arg(&e, 2), SAKER_MAX_PATH);
  return event__submit(&e);
}

SAKER_PROBE(finit_module) {  // fd, uargs, flags
  struct event e;
  if (!event__begin_sys(&e, finit_module, regs, ret)) return 0;
  event__push_user_str(&e, 1, event__arg(&e, 1), SAKER_MAX_PATH);
  return event__submit(&e);
}

SAKER_PROBE(delete_module) {  // name, flags
  struct event e;
  if (!event__begin_sys(&e, delete_module, regs, ret)) return 0;
  event__push_user_str(&e, 0, event__arg(&e, 0), 64);  // MODULE_NAME_LEN - 1
  return event__submit(&e);
}

SAKER_PROBE_ARGS_ONLY(bpf)          // cmd, attr, size
SAKER_PROBE_ARGS_ONLY(userfaultfd)  // flags

// io_uring_setup (5.1): the setup flags are in the caller's io_uring_params
// (third u32, offset 8), read after the kernel filled it.
SAKER_PROBE(io_uring_setup) {
  struct event e;
  if (!event__begin_sys(&e, io_uring_setup, regs, ret)) return 0;
  __u64 params = event__arg(&e, 1);
  if (params) {
    __u64 flags = 0;
    __u16 bflags = 0;
    if (bpf_probe_read_user(&flags, sizeof(__u32), (const void *)(params + 8))) {
      bflags = SAKER_BLOB_FAULT;
    }
    event__push_flags(&e, 1, SAKER_BLOB_U64, &flags, sizeof(flags), sizeof(flags),
                      READ_KERNEL, bflags);
  }
  return event__submit(&e);
}
