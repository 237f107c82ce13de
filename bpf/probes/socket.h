// Sockets (sys_exit, see common.h). The tuple comes from the kernel socket
// behind the fd (task->files->fdt->fd[fd]->private_data->sk), which knows
// the local address and the ephemeral port the caller's sockaddr lacks.
#pragma once

SAKER_PROBE_ARGS_ONLY(socket)  // domain, type, protocol; fd = ret

// socketpair: the two fds are written to the caller's int[2] (args[3]).
SAKER_PROBE(socketpair) {
  struct event e;
  if (!event__begin_sys(&e, socketpair, regs, ret)) return 0;
  event__push_fdpair(&e, 3, event__arg(&e, 3), ret);
  return event__submit(&e);
}

// connect: also on failure (EINPROGRESS for non-blocking, ECONNREFUSED).
SAKER_PROBE(connect) {
  struct event e;
  if (!event__begin_sys(&e, connect, regs, ret)) return 0;
  struct task_struct *task = bpf_get_current_task_btf();
  event__push_fd_tuple(&e, task, event__arg(&e, 0));
  event__push_sockaddr(&e, 1, event__arg(&e, 1), event__arg(&e, 2));
  return event__submit(&e);
}

// accept/accept4: the tuple of the new socket (fd = ret); the peer address
// the kernel wrote to the caller's buffer, if one was given.
static __always_inline int accept__on_exit(struct pt_regs *regs, long ret, __u16 id) {
  struct event e;
  if (!event__begin(&e, id, SAKER_CAT_NETWORK, regs, ret)) return 0;
  if (ret >= 0) {
    event__push_fd_tuple(&e, bpf_get_current_task_btf(), ret);
    event__push_sockaddr_lenp(&e, 1, event__arg(&e, 1), event__arg(&e, 2));
  }
  return event__submit(&e);
}

SAKER_PROBE(accept) { return accept__on_exit(regs, ret, SAKER_SYS_accept); }
SAKER_PROBE(accept4) { return accept__on_exit(regs, ret, SAKER_SYS_accept4); }

SAKER_PROBE(bind) {
  struct event e;
  if (!event__begin_sys(&e, bind, regs, ret)) return 0;
  event__push_sockaddr(&e, 1, event__arg(&e, 1), event__arg(&e, 2));
  event__push_fd_tuple(&e, bpf_get_current_task_btf(), event__arg(&e, 0));
  return event__submit(&e);
}

SAKER_PROBE_ARGS_ONLY(listen)    // fd, backlog
SAKER_PROBE_ARGS_ONLY(shutdown)  // fd, how
