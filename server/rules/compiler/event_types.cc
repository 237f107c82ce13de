#include "server/rules/compiler/event_types.h"

#include <algorithm>

namespace saker::rules {
namespace {

// Names from the libs event table (driver/event_table.c, ppm_sc names).
constexpr const char* kEventNames[] = {
    "open", "close", "read", "write", "brk", "execve", "clone", "procexit", "socket", "bind",
    "connect", "listen", "accept", "send", "sendto", "recv", "recvfrom", "shutdown",
    "getsockname", "getpeername", "socketpair", "setsockopt", "getsockopt", "sendmsg",
    "sendmmsg", "recvmsg", "recvmmsg", "accept4", "creat", "pipe", "pipe2", "eventfd",
    "eventfd2", "futex", "stat", "lstat", "fstat", "stat64", "lstat64", "fstat64", "newfstatat",
    "statx", "epoll_wait", "epoll_pwait", "epoll_create", "epoll_create1", "epoll_ctl", "poll",
    "ppoll", "select", "pselect6", "lseek", "llseek", "ioctl", "getcwd", "chdir", "fchdir",
    "mkdir", "mkdirat", "rmdir", "openat", "openat2", "open_by_handle_at", "link", "linkat",
    "unlink", "unlinkat", "pread", "pwrite", "readv", "writev", "preadv", "pwritev", "dup",
    "dup2", "dup3", "signalfd", "signalfd4", "kill", "tkill", "tgkill", "nanosleep",
    "timerfd_create", "inotify_init", "inotify_init1", "getrlimit", "setrlimit", "prlimit",
    "fcntl", "switch", "mmap", "mmap2", "munmap", "mprotect", "splice", "ptrace", "rename",
    "renameat", "renameat2", "symlink", "symlinkat", "fork", "vfork", "clone3", "sendfile",
    "quotactl", "setresuid", "setresgid", "setuid", "setgid", "setreuid", "setregid",
    "getuid", "geteuid", "getgid", "getegid", "getresuid", "getresgid", "setpgid", "setsid",
    "getdents", "getdents64", "flock", "semop", "semctl", "semget", "access", "faccessat",
    "faccessat2", "chroot", "setns", "unshare", "mount", "umount", "umount2", "userfaultfd",
    "chmod", "fchmod", "fchmodat", "chown", "lchown", "fchown", "fchownat", "seccomp", "bpf",
    "execveat", "copy_file_range", "io_uring_setup", "io_uring_enter", "io_uring_register",
    "mlock", "munlock", "mlockall", "munlockall", "mlock2", "capset", "fsconfig",
    "init_module", "finit_module", "delete_module", "memfd_create", "pidfd_getfd",
    "pidfd_open", "prctl", "process_vm_readv", "process_vm_writev", "truncate", "ftruncate",
    "utimensat", "umask", "sync", "fsync", "fdatasync", "syncfs", "madvise", "mremap",
    "exit", "exit_group", "wait4", "waitid", "pause", "alarm", "getpid", "gettid", "getppid",
    "socketcall", "sysdigevent", "signaldeliver", "procinfo", "container", "cpu_hotplug",
    "page_fault", "drop", "notification", "infra", "tracer", "mesos", "k8s", "asyncevent",
    "pluginevent", "sched_process_exec", "sched_process_fork", "sched_switch", "signal",
    "fchmodat2", "listxattr", "setxattr", "getxattr", "removexattr", "keyctl", "add_key",
    "request_key", "perf_event_open", "kexec_load", "kexec_file_load", "reboot", "swapon",
    "swapoff", "sethostname", "setdomainname", "iopl", "ioperm", "personality", "modify_ldt",
    "arch_prctl", "timer_create", "clock_settime", "settimeofday", "adjtimex", "acct",
    "pivot_root", "open_tree", "move_mount", "fsopen", "fsmount", "fspick", "name_to_handle_at",
    "landlock_create_ruleset", "landlock_add_rule", "landlock_restrict_self", "mknod",
    "mknodat", "readlink", "readlinkat", "utime", "utimes", "futimesat", "sendfile64",
    "tee", "vmsplice", "shmget", "shmat", "shmdt", "shmctl", "msgget", "msgsnd", "msgrcv",
    "msgctl", "mq_open", "mq_unlink", "epoll_pwait2", "rt_sigaction", "rt_sigprocmask",
    "rt_sigreturn", "sigaltstack", "getitimer", "setitimer", "times", "uname", "sysinfo",
    "getrusage", "getpgid", "getpgrp", "getsid", "getgroups", "setgroups", "setfsuid",
    "setfsgid", "capget", "sched_setaffinity", "sched_getaffinity", "sched_yield",
    "membarrier", "rseq", "getrandom", "close_range", "pidfd_send_signal", "process_madvise",
    "memfd_secret", "set_tid_address", "set_robust_list", "get_robust_list", "futex_waitv",
    "inotify_add_watch", "inotify_rm_watch", "fanotify_init", "fanotify_mark", "timerfd_settime",
    "timerfd_gettime", "mincore", "msync", "remap_file_pages", "fallocate",
    "fadvise64", "readahead", "statfs", "fstatfs", "ustat", "sysfs", "vhangup", "syslog",
    "nfsservctl", "lookup_dcookie", "kcmp",
};

}  // namespace

EventTypeTable::EventTypeTable() {
  for (const char* n : kEventNames) {
    if (codes_.count(n) > 0) {
      continue;
    }
    EventTypeCode c = static_cast<EventTypeCode>(names_.size());
    names_.emplace_back(n);
    codes_.emplace(n, c);
  }
  async_ = codes_.at("asyncevent");
  plugin_ = codes_.at("pluginevent");
  for (size_t i = 0; i < names_.size(); ++i) {
    if (i != plugin_) {
      all_.set(i);
    }
  }
}

EventTypeCode EventTypeTable::Code(absl::string_view name) const {
  auto it = codes_.find(name);
  return it == codes_.end() ? kUnknown : it->second;
}

absl::string_view EventTypeTable::Name(EventTypeCode code) const {
  return code < names_.size() ? absl::string_view(names_[code]) : absl::string_view();
}

std::vector<std::string> EventTypeTable::Names(const EventTypeSet& set) const {
  std::vector<std::string> out;
  for (size_t i = 0; i < names_.size(); ++i) {
    if (set.test(i) && i != async_ && i != plugin_) {
      out.push_back(names_[i]);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace saker::rules
