// What every syscall handler shares.
//
// Why sys_exit: the return value (the new fd, the child's pid, the errno)
// and the kernel's view of the result (the socket tuple, the new program of
// an execve) only exist at exit; a single raw tracepoint covers every
// syscall, so one dispatcher plus tail calls replaces ~70 attachments.
// Floor: tp_btf 5.5, ringbuf 5.8, bpf_get_current_task_btf 5.11, tail calls
// mixed with bpf-to-bpf calls on x86_64 5.10. x86_64 only: the syscall
// numbers in the X-macro and the pt_regs fields (di, si, dx, r10, r8, r9)
// are x86_64's.
#pragma once

// SAKER_CATOF_<name>: the category of each syscall, from the X-macro.
enum {
#define SAKER_X_CATOF(id, name, nr, cat) SAKER_CATOF_##name = cat,
  SAKER_SYSCALLS(SAKER_X_CATOF)
#undef SAKER_X_CATOF
};

#define SAKER_PROBE(name) static __always_inline int probe__##name(struct pt_regs *regs, long ret)

#define event__begin_sys(e, name, regs, ret) \
  event__begin((e), SAKER_SYS_##name, SAKER_CATOF_##name, (regs), (ret))

// A syscall whose arguments are all numbers: args[] says everything.
#define SAKER_PROBE_ARGS_ONLY(name)                           \
  SAKER_PROBE(name) {                                         \
    struct event e;                                           \
    if (!event__begin_sys(&e, name, regs, ret)) return 0;     \
    return event__submit(&e);                                 \
  }

// A syscall whose argument `i` is a path.
#define SAKER_PROBE_PATH1(name, i)                            \
  SAKER_PROBE(name) {                                         \
    struct event e;                                           \
    if (!event__begin_sys(&e, name, regs, ret)) return 0;     \
    event__push_user_path(&e, i, event__arg(&e, i));          \
    return event__submit(&e);                                 \
  }

// A syscall whose arguments `i` and `j` are paths.
#define SAKER_PROBE_PATH2(name, i, j)                         \
  SAKER_PROBE(name) {                                         \
    struct event e;                                           \
    if (!event__begin_sys(&e, name, regs, ret)) return 0;     \
    event__push_user_path(&e, i, event__arg(&e, i));          \
    event__push_user_path(&e, j, event__arg(&e, j));          \
    return event__submit(&e);                                 \
  }

// Pushes the two ints the syscall wrote at user address `uptr` on success.
static __always_inline void event__push_fdpair(struct event *e, __u16 param, __u64 uptr,
                                               long ret) {
  if (ret < 0 || !uptr) return;
  event__push_user_bytes(e, param, SAKER_BLOB_FDPAIR, uptr, 2 * sizeof(__s32),
                         2 * sizeof(__s32));
}
