// Thread exit: tp_btf/sched_process_exit (floor 5.5), fired in do_exit()
// for every thread after exit_code is set and signal->live is decremented.
// Emitted per thread (tid/pid set); args[0] = task->exit_code (wait status
// encoding), args[1] = 1 when the thread group is dead (signal->live == 0).
#pragma once

static __always_inline int procexit__on_exit(struct task_struct *task) {
  if (!saker_capture_procexit) return 0;
  if (saker_self_tgid && (bpf_get_current_pid_tgid() >> 32) == saker_self_tgid) return 0;
  struct event e;
  if (!event__begin_kind(&e, SAKER_EVENT_PROCEXIT, 0, SAKER_CAT_PROCESS, NULL, 0)) return 0;
  struct saker_event *ev = event__hdr(&e);
  ev->args[0] = (__u32)BPF_CORE_READ(task, exit_code);
  ev->args[1] = BPF_CORE_READ(task, signal, live.counter) == 0;
  return event__submit(&e);
}
