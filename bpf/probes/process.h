// Process lifecycle, credentials, signals, namespaces, working directory.
// All on sys_exit (see common.h). The child of clone/fork/vfork also
// returns through sys_exit (ret 0), so both sides of a fork are reported.
#pragma once

SAKER_PROBE_ARGS_ONLY(clone)  // flags, stack, parent_tid, child_tid, tls
SAKER_PROBE_ARGS_ONLY(fork)
SAKER_PROBE_ARGS_ONLY(vfork)

// clone3 (5.3): the flags live in the caller's struct clone_args.
SAKER_PROBE(clone3) {
  struct event e;
  if (!event__begin_sys(&e, clone3, regs, ret)) return 0;
  __u64 uargs = event__arg(&e, 0);
  if (uargs) event__push_user_bytes(&e, 0, SAKER_BLOB_U64, uargs, 8, 8);
  return event__submit(&e);
}

SAKER_PROBE_ARGS_ONLY(setuid)
SAKER_PROBE_ARGS_ONLY(setgid)
SAKER_PROBE_ARGS_ONLY(setreuid)
SAKER_PROBE_ARGS_ONLY(setregid)
SAKER_PROBE_ARGS_ONLY(setresuid)
SAKER_PROBE_ARGS_ONLY(setresgid)

static __always_inline void event__push_cap(struct event *e, __u16 param,
                                            const kernel_cap_t *cap) {
  // kernel_cap_t is one u64 since 6.3 and two u32 (low first) before: the
  // same 8 bytes on little-endian x86_64.
  __u64 v = 0;
  bpf_probe_read_kernel(&v, sizeof(v), cap);
  event__push_kernel_bytes(e, param, SAKER_BLOB_U64, &v, sizeof(v));
}

// capset: the sets the task holds after the call, from its new creds.
SAKER_PROBE(capset) {
  struct event e;
  if (!event__begin_sys(&e, capset, regs, ret)) return 0;
  if (ret == 0) {
    const struct cred *cred = BPF_CORE_READ(bpf_get_current_task_btf(), cred);
    event__push_cap(&e, SAKER_PARAM_CAP_INHERITABLE, __builtin_preserve_access_index(&cred->cap_inheritable));
    event__push_cap(&e, SAKER_PARAM_CAP_PERMITTED, __builtin_preserve_access_index(&cred->cap_permitted));
    event__push_cap(&e, SAKER_PARAM_CAP_EFFECTIVE, __builtin_preserve_access_index(&cred->cap_effective));
  }
  return event__submit(&e);
}

#define SAKER_PR_SET_NAME 15
#define SAKER_PR_GET_NAME 16

// prctl: PR_SET_NAME/PR_GET_NAME carry a string in arg2.
SAKER_PROBE(prctl) {
  struct event e;
  if (!event__begin_sys(&e, prctl, regs, ret)) return 0;
  __u64 option = event__arg(&e, 0);
  if ((option == SAKER_PR_SET_NAME || option == SAKER_PR_GET_NAME) && ret == 0) {
    event__push_user_str(&e, 1, event__arg(&e, 1), SAKER_MAX_COMM);
  }
  return event__submit(&e);
}

SAKER_PROBE_ARGS_ONLY(ptrace)  // request, pid, addr, data
SAKER_PROBE_ARGS_ONLY(kill)
SAKER_PROBE_ARGS_ONLY(tkill)
SAKER_PROBE_ARGS_ONLY(tgkill)
SAKER_PROBE_ARGS_ONLY(unshare)
SAKER_PROBE_ARGS_ONLY(setns)
SAKER_PROBE_PATH1(chdir, 0)
SAKER_PROBE_ARGS_ONLY(fchdir)
SAKER_PROBE_PATH1(chroot, 0)
