// File descriptor bookkeeping (sys_exit, see common.h): the state engine
// needs every fd a process gains or loses, so these are numbers only.
#pragma once

SAKER_PROBE_ARGS_ONLY(close)
SAKER_PROBE_ARGS_ONLY(dup)
SAKER_PROBE_ARGS_ONLY(dup2)
SAKER_PROBE_ARGS_ONLY(dup3)
SAKER_PROBE_ARGS_ONLY(fcntl)

// pipe/pipe2: the two new fds are written to the caller's int[2].
SAKER_PROBE(pipe) {
  struct event e;
  if (!event__begin_sys(&e, pipe, regs, ret)) return 0;
  event__push_fdpair(&e, 0, event__arg(&e, 0), ret);
  return event__submit(&e);
}

SAKER_PROBE(pipe2) {
  struct event e;
  if (!event__begin_sys(&e, pipe2, regs, ret)) return 0;
  event__push_fdpair(&e, 0, event__arg(&e, 0), ret);
  return event__submit(&e);
}
