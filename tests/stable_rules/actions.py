#!/usr/bin/env python3
"""Small real behaviours that need more than one command (stdlib only).

Run as `python3 actions.py ACTION ARGS...`; the last argument is usually a
marker that only serves to put a unique word in this process's command line,
so that the runner can tell its alert from any other. Some actions are run
through a symlink to python3 named like a server (nginx, sshd), so that the
process name is the one a rule looks for.

Actions:
  wait-read MARKER            read paths from stdin, one per line, and open
                              each for reading; answer "ok" or "err" per line
  read PATH MARKER            open PATH for reading once
  spawn [--uid N] ARGV...     run ARGV as a child (optionally as uid N) and
                              wait; exit with its status
  ptrace-attach MARKER        PTRACE_ATTACH to a child, then detach
  ptrace-peek MARKER          PTRACE_PEEKDATA on a child that is not traced
                              (fails with ESRCH: a request no rule watches)
  ptrace-traceme MARKER       a forked child calls PTRACE_TRACEME
  memfd-exec PATH MARKER      copy the binary PATH into a memfd and execve
                              /proc/self/fd/N (argv: true MARKER)
  ssh-port PORT MARKER        inside a fresh network namespace (run under
                              `unshare -n`), listen on ADDR:PORT and run the
                              real ssh client against it
"""
import ctypes
import os
import signal
import socket
import subprocess
import sys
import threading

PTRACE_TRACEME = 0
PTRACE_PEEKDATA = 2
PTRACE_ATTACH = 16
PTRACE_DETACH = 17

# TEST-NET-2 (RFC 5737): not private, not loopback, never routed.
SSH_TEST_ADDR = "198.51.100.7"

_libc = ctypes.CDLL(None, use_errno=True)
_libc.ptrace.restype = ctypes.c_long
_libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p]


def ptrace(request, pid):
    ctypes.set_errno(0)
    res = _libc.ptrace(request, pid, None, None)
    return res, ctypes.get_errno()


def sleeping_child():
    pid = os.fork()
    if pid == 0:
        signal.pause()
        os._exit(0)
    return pid


def reap(pid):
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    os.waitpid(pid, 0)


def wait_read(_marker):
    for line in sys.stdin:
        path = line.strip()
        if not path:
            continue
        try:
            with open(path, "rb") as f:
                f.read(1)
            print("ok", flush=True)
        except OSError as e:
            print("err %s" % e, flush=True)


def read(path, _marker):
    with open(path, "rb") as f:
        f.read(1)


def spawn(args):
    uid = None
    if args[:1] == ["--uid"]:
        uid, args = int(args[1]), args[2:]
    # preexec-free: subprocess drops privileges itself in the child.
    kwargs = {}
    if uid is not None:
        kwargs = {"user": uid, "group": uid, "extra_groups": []}
    return subprocess.call(args, **kwargs)


def ptrace_attach(_marker):
    child = sleeping_child()
    try:
        res, err = ptrace(PTRACE_ATTACH, child)
        if res != 0:
            sys.exit("PTRACE_ATTACH failed: %s" % os.strerror(err))
        os.waitpid(child, 0)  # the attach stop
        ptrace(PTRACE_DETACH, child)
    finally:
        reap(child)


def ptrace_peek(_marker):
    child = sleeping_child()
    try:
        res, err = ptrace(PTRACE_PEEKDATA, child)
        if err == 0:
            sys.exit("PTRACE_PEEKDATA unexpectedly succeeded")
    finally:
        reap(child)


def ptrace_traceme(_marker):
    pid = os.fork()
    if pid == 0:
        res, err = ptrace(PTRACE_TRACEME, 0)
        os._exit(0 if res == 0 else 1)
    _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit("PTRACE_TRACEME failed")


def memfd_exec(path, marker):
    fd = os.memfd_create("saker-" + marker, 0)
    with open(path, "rb") as src:
        os.write(fd, src.read())
    sys.stdout.flush()
    os.execve("/proc/self/fd/%d" % fd, ["true", marker], dict(os.environ))


def ssh_port(port, marker):
    """Needs its own network namespace: adds SSH_TEST_ADDR to lo."""
    subprocess.check_call(["ip", "link", "set", "lo", "up"])
    subprocess.check_call(["ip", "addr", "add", SSH_TEST_ADDR + "/32", "dev", "lo"])
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((SSH_TEST_ADDR, int(port)))
    srv.listen(4)

    def serve():
        while True:
            try:
                conn, _ = srv.accept()
            except OSError:
                return
            conn.close()  # no banner: the client gives up at once

    threading.Thread(target=serve, daemon=True).start()
    devnull = subprocess.DEVNULL
    subprocess.call(
        ["ssh", "-p", str(port), "-o", "BatchMode=yes", "-o", "ConnectTimeout=2",
         "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
         "-F", "/dev/null", "-l", marker, SSH_TEST_ADDR, "true"],
        stdin=devnull, stdout=devnull, stderr=devnull, timeout=10)
    srv.close()


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    action, args = argv[1], argv[2:]
    if action == "wait-read":
        wait_read(*args)
    elif action == "read":
        read(*args)
    elif action == "spawn":
        sys.exit(spawn(args))
    elif action == "ptrace-attach":
        ptrace_attach(*args)
    elif action == "ptrace-peek":
        ptrace_peek(*args)
    elif action == "ptrace-traceme":
        ptrace_traceme(*args)
    elif action == "memfd-exec":
        memfd_exec(*args)
    elif action == "ssh-port":
        ssh_port(*args)
    else:
        sys.exit("unknown action %r\n%s" % (action, __doc__))


if __name__ == "__main__":
    main(sys.argv)
