// The Saker probe: one CO-RE object, one translation unit.
//
//   saker_sys_exit             tp_btf/sys_exit: dispatcher, tail-calls
//                              handlers[cfg->id] for captured syscalls
//   sys_<name>                 one handler per SAKER_SYSCALLS entry, in
//                              probes/<family>.h; not attached themselves
//   saker_sched_process_exit   tp_btf/sched_process_exit: procexit events
//
// Maps and knobs: lib/maps.h. Event building: lib/event.h. Wire format:
// include/saker/wire.h. x86_64 only; 32-bit compat syscalls are ignored
// (their numbers and register layout differ; see saker_sys_exit).
#include "vmlinux.h"

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "saker/wire.h"

#include "lib/maps.h"
#include "lib/event.h"
#include "lib/task.h"
#include "lib/sock.h"

#include "probes/common.h"
#include "probes/process.h"
#include "probes/exec.h"
#include "probes/open.h"
#include "probes/fd.h"
#include "probes/fsops.h"
#include "probes/socket.h"
#include "probes/sendrecv.h"
#include "probes/kernel.h"
#include "probes/procexit.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define SAKER_TS_COMPAT 0x0002  // thread_info.status: 32-bit syscall active

// Runs on every syscall exit of every task: the miss path is a load of
// orig_ax, a bounds check and an inlined array lookup. regs is a BTF
// pointer, so regs->orig_ax is a direct CO-RE-relocated load rather than a
// bpf_probe_read_kernel() call.
SEC("tp_btf/sys_exit")
int BPF_PROG(saker_sys_exit, struct pt_regs *regs, long ret) {
  __u64 nr = regs->orig_ax;
  if (nr >= SAKER_MAX_SYSCALL_NR) return 0;
  __u32 key = nr;
  struct saker_syscall_cfg *cfg = bpf_map_lookup_elem(&syscall_cfg, &key);
  if (!cfg || !cfg->enabled) return 0;
  struct task_struct *task = bpf_get_current_task_btf();
  if (saker_self_tgid && task->tgid == saker_self_tgid) return 0;
  // A 32-bit task's orig_ax is an i386 number: not what syscall_cfg maps.
  if (task->thread_info.status & SAKER_TS_COMPAT) return 0;
  bpf_tail_call(ctx, &handlers, cfg->id);
  return 0;  // no handler installed for this id
}

// The handlers, generated from the X-macro so that every captured syscall
// has one (a missing probe__<name> is a compile error).
#define SAKER_X_HANDLER(id, name, nr, cat)                        \
  SEC("tp_btf/sys_exit")                                          \
  int BPF_PROG(sys_##name, struct pt_regs *regs, long ret) {      \
    return probe__##name(regs, ret);                              \
  }
SAKER_SYSCALLS(SAKER_X_HANDLER)
#undef SAKER_X_HANDLER

SEC("tp_btf/sched_process_exit")
int BPF_PROG(saker_sched_process_exit, struct task_struct *task) {
  return procexit__on_exit(task);
}
