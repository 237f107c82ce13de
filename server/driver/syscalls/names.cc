#include "server/driver/syscalls/names.h"

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "server/common/json.h"

namespace saker::syscalls {

#define SAKER_TABLE(name, ...)                               \
  static constexpr NamedValue name##Entries[] = {__VA_ARGS__}; \
  const NameTable name = {name##Entries, sizeof(name##Entries) / sizeof(NamedValue)};

SAKER_TABLE(kOpenFlags, {020000000, "O_TMPFILE"}, {0100, "O_CREAT"}, {0200, "O_EXCL"},
            {0400, "O_NOCTTY"}, {01000, "O_TRUNC"}, {02000, "O_APPEND"},
            {04000, "O_NONBLOCK"}, {010000, "O_DSYNC"}, {020000, "O_ASYNC"},
            {040000, "O_DIRECT"}, {0100000, "O_LARGEFILE"}, {0200000, "O_DIRECTORY"},
            {0400000, "O_NOFOLLOW"}, {01000000, "O_NOATIME"}, {02000000, "O_CLOEXEC"},
            {04000000, "O_SYNC"}, {010000000, "O_PATH"})

SAKER_TABLE(kFdFlags, {0200, "O_NOTIFICATION_PIPE"}, {04000, "O_NONBLOCK"},
            {040000, "O_DIRECT"}, {02000000, "O_CLOEXEC"})

SAKER_TABLE(kCloneFlags, {0x100, "CLONE_VM"}, {0x200, "CLONE_FS"}, {0x400, "CLONE_FILES"},
            {0x800, "CLONE_SIGHAND"}, {0x1000, "CLONE_PIDFD"}, {0x2000, "CLONE_PTRACE"},
            {0x4000, "CLONE_VFORK"}, {0x8000, "CLONE_PARENT"}, {0x10000, "CLONE_THREAD"},
            {0x20000, "CLONE_NEWNS"}, {0x40000, "CLONE_SYSVSEM"}, {0x80000, "CLONE_SETTLS"},
            {0x100000, "CLONE_PARENT_SETTID"}, {0x200000, "CLONE_CHILD_CLEARTID"},
            {0x400000, "CLONE_DETACHED"}, {0x800000, "CLONE_UNTRACED"},
            {0x1000000, "CLONE_CHILD_SETTID"}, {0x2000000, "CLONE_NEWCGROUP"},
            {0x4000000, "CLONE_NEWUTS"}, {0x8000000, "CLONE_NEWIPC"},
            {0x10000000, "CLONE_NEWUSER"}, {0x20000000, "CLONE_NEWPID"},
            {0x40000000, "CLONE_NEWNET"}, {0x80000000, "CLONE_IO"},
            {0x100000000, "CLONE_CLEAR_SIGHAND"}, {0x200000000, "CLONE_INTO_CGROUP"},
            {0x80, "CLONE_NEWTIME"})

SAKER_TABLE(kNsFlags, {0x80, "CLONE_NEWTIME"}, {0x200, "CLONE_FS"}, {0x400, "CLONE_FILES"},
            {0x20000, "CLONE_NEWNS"}, {0x40000, "CLONE_SYSVSEM"},
            {0x2000000, "CLONE_NEWCGROUP"}, {0x4000000, "CLONE_NEWUTS"},
            {0x8000000, "CLONE_NEWIPC"}, {0x10000000, "CLONE_NEWUSER"},
            {0x20000000, "CLONE_NEWPID"}, {0x40000000, "CLONE_NEWNET"})

SAKER_TABLE(kSignals, {1, "SIGHUP"}, {2, "SIGINT"}, {3, "SIGQUIT"}, {4, "SIGILL"},
            {5, "SIGTRAP"}, {6, "SIGABRT"}, {7, "SIGBUS"}, {8, "SIGFPE"}, {9, "SIGKILL"},
            {10, "SIGUSR1"}, {11, "SIGSEGV"}, {12, "SIGUSR2"}, {13, "SIGPIPE"},
            {14, "SIGALRM"}, {15, "SIGTERM"}, {16, "SIGSTKFLT"}, {17, "SIGCHLD"},
            {18, "SIGCONT"}, {19, "SIGSTOP"}, {20, "SIGTSTP"}, {21, "SIGTTIN"},
            {22, "SIGTTOU"}, {23, "SIGURG"}, {24, "SIGXCPU"}, {25, "SIGXFSZ"},
            {26, "SIGVTALRM"}, {27, "SIGPROF"}, {28, "SIGWINCH"}, {29, "SIGIO"},
            {30, "SIGPWR"}, {31, "SIGSYS"})

SAKER_TABLE(kPtraceRequests, {0, "PTRACE_TRACEME"}, {1, "PTRACE_PEEKTEXT"},
            {2, "PTRACE_PEEKDATA"}, {3, "PTRACE_PEEKUSR"}, {4, "PTRACE_POKETEXT"},
            {5, "PTRACE_POKEDATA"}, {6, "PTRACE_POKEUSR"}, {7, "PTRACE_CONT"},
            {8, "PTRACE_KILL"}, {9, "PTRACE_SINGLESTEP"}, {12, "PTRACE_GETREGS"},
            {13, "PTRACE_SETREGS"}, {14, "PTRACE_GETFPREGS"}, {15, "PTRACE_SETFPREGS"},
            {16, "PTRACE_ATTACH"}, {17, "PTRACE_DETACH"}, {18, "PTRACE_GETFPXREGS"},
            {19, "PTRACE_SETFPXREGS"}, {24, "PTRACE_SYSCALL"},
            {25, "PTRACE_GET_THREAD_AREA"}, {26, "PTRACE_SET_THREAD_AREA"},
            {30, "PTRACE_ARCH_PRCTL"}, {31, "PTRACE_SYSEMU"},
            {32, "PTRACE_SYSEMU_SINGLESTEP"}, {33, "PTRACE_SINGLEBLOCK"},
            {0x4200, "PTRACE_SETOPTIONS"}, {0x4201, "PTRACE_GETEVENTMSG"},
            {0x4202, "PTRACE_GETSIGINFO"}, {0x4203, "PTRACE_SETSIGINFO"},
            {0x4204, "PTRACE_GETREGSET"}, {0x4205, "PTRACE_SETREGSET"},
            {0x4206, "PTRACE_SEIZE"}, {0x4207, "PTRACE_INTERRUPT"}, {0x4208, "PTRACE_LISTEN"},
            {0x4209, "PTRACE_PEEKSIGINFO"}, {0x420a, "PTRACE_GETSIGMASK"},
            {0x420b, "PTRACE_SETSIGMASK"}, {0x420c, "PTRACE_SECCOMP_GET_FILTER"},
            {0x420d, "PTRACE_SECCOMP_GET_METADATA"}, {0x420e, "PTRACE_GET_SYSCALL_INFO"})

SAKER_TABLE(kPrctlOptions, {1, "PR_SET_PDEATHSIG"}, {2, "PR_GET_PDEATHSIG"},
            {3, "PR_GET_DUMPABLE"}, {4, "PR_SET_DUMPABLE"}, {7, "PR_GET_KEEPCAPS"},
            {8, "PR_SET_KEEPCAPS"}, {15, "PR_SET_NAME"}, {16, "PR_GET_NAME"},
            {21, "PR_GET_SECCOMP"}, {22, "PR_SET_SECCOMP"}, {23, "PR_CAPBSET_READ"},
            {24, "PR_CAPBSET_DROP"}, {27, "PR_GET_SECUREBITS"}, {28, "PR_SET_SECUREBITS"},
            {35, "PR_SET_MM"}, {36, "PR_SET_CHILD_SUBREAPER"},
            {37, "PR_GET_CHILD_SUBREAPER"}, {38, "PR_SET_NO_NEW_PRIVS"},
            {39, "PR_GET_NO_NEW_PRIVS"}, {41, "PR_SET_THP_DISABLE"},
            {42, "PR_GET_THP_DISABLE"}, {47, "PR_CAP_AMBIENT"},
            {0x59616d61, "PR_SET_PTRACER"})

SAKER_TABLE(kFcntlCmds, {0, "F_DUPFD"}, {1, "F_GETFD"}, {2, "F_SETFD"}, {3, "F_GETFL"},
            {4, "F_SETFL"}, {5, "F_GETLK"}, {6, "F_SETLK"}, {7, "F_SETLKW"}, {8, "F_SETOWN"},
            {9, "F_GETOWN"}, {10, "F_SETSIG"}, {11, "F_GETSIG"}, {15, "F_SETOWN_EX"},
            {16, "F_GETOWN_EX"}, {36, "F_OFD_GETLK"}, {37, "F_OFD_SETLK"},
            {38, "F_OFD_SETLKW"}, {1024, "F_SETLEASE"}, {1025, "F_GETLEASE"},
            {1026, "F_NOTIFY"}, {1030, "F_DUPFD_CLOEXEC"}, {1031, "F_SETPIPE_SZ"},
            {1032, "F_GETPIPE_SZ"}, {1033, "F_ADD_SEALS"}, {1034, "F_GET_SEALS"})

SAKER_TABLE(kMountFlags, {1, "MS_RDONLY"}, {2, "MS_NOSUID"}, {4, "MS_NODEV"},
            {8, "MS_NOEXEC"}, {16, "MS_SYNCHRONOUS"}, {32, "MS_REMOUNT"},
            {64, "MS_MANDLOCK"}, {128, "MS_DIRSYNC"}, {256, "MS_NOSYMFOLLOW"},
            {1024, "MS_NOATIME"}, {2048, "MS_NODIRATIME"}, {4096, "MS_BIND"},
            {8192, "MS_MOVE"}, {16384, "MS_REC"}, {32768, "MS_SILENT"},
            {1 << 16, "MS_POSIXACL"}, {1 << 17, "MS_UNBINDABLE"}, {1 << 18, "MS_PRIVATE"},
            {1 << 19, "MS_SLAVE"}, {1 << 20, "MS_SHARED"}, {1 << 21, "MS_RELATIME"},
            {1 << 22, "MS_KERNMOUNT"}, {1 << 23, "MS_I_VERSION"},
            {1 << 24, "MS_STRICTATIME"}, {1 << 25, "MS_LAZYTIME"})

SAKER_TABLE(kUmountFlags, {1, "MNT_FORCE"}, {2, "MNT_DETACH"}, {4, "MNT_EXPIRE"},
            {8, "UMOUNT_NOFOLLOW"})

SAKER_TABLE(kAtFlags, {0x100, "AT_SYMLINK_NOFOLLOW"}, {0x200, "AT_REMOVEDIR"},
            {0x400, "AT_SYMLINK_FOLLOW"}, {0x800, "AT_NO_AUTOMOUNT"},
            {0x1000, "AT_EMPTY_PATH"})

SAKER_TABLE(kRenameFlags, {1, "RENAME_NOREPLACE"}, {2, "RENAME_EXCHANGE"},
            {4, "RENAME_WHITEOUT"})

SAKER_TABLE(kSocketFamilies, {0, "AF_UNSPEC"}, {1, "AF_UNIX"}, {2, "AF_INET"},
            {3, "AF_AX25"}, {4, "AF_IPX"}, {5, "AF_APPLETALK"}, {9, "AF_X25"},
            {10, "AF_INET6"}, {15, "AF_KEY"}, {16, "AF_NETLINK"}, {17, "AF_PACKET"},
            {29, "AF_CAN"}, {31, "AF_BLUETOOTH"}, {38, "AF_ALG"}, {40, "AF_VSOCK"},
            {44, "AF_XDP"})

SAKER_TABLE(kSocketTypes, {1, "SOCK_STREAM"}, {2, "SOCK_DGRAM"}, {3, "SOCK_RAW"},
            {4, "SOCK_RDM"}, {5, "SOCK_SEQPACKET"}, {6, "SOCK_DCCP"}, {10, "SOCK_PACKET"})

SAKER_TABLE(kSocketTypeFlags, {04000, "SOCK_NONBLOCK"}, {02000000, "SOCK_CLOEXEC"})

SAKER_TABLE(kMsgFlags, {0x1, "MSG_OOB"}, {0x2, "MSG_PEEK"}, {0x4, "MSG_DONTROUTE"},
            {0x8, "MSG_CTRUNC"}, {0x10, "MSG_PROXY"}, {0x20, "MSG_TRUNC"},
            {0x40, "MSG_DONTWAIT"}, {0x80, "MSG_EOR"}, {0x100, "MSG_WAITALL"},
            {0x200, "MSG_FIN"}, {0x400, "MSG_SYN"}, {0x800, "MSG_CONFIRM"},
            {0x1000, "MSG_RST"}, {0x2000, "MSG_ERRQUEUE"}, {0x4000, "MSG_NOSIGNAL"},
            {0x8000, "MSG_MORE"}, {0x10000, "MSG_WAITFORONE"}, {0x40000, "MSG_BATCH"},
            {0x4000000, "MSG_ZEROCOPY"}, {0x20000000, "MSG_FASTOPEN"},
            {0x40000000, "MSG_CMSG_CLOEXEC"})

SAKER_TABLE(kShutdownHow, {0, "SHUT_RD"}, {1, "SHUT_WR"}, {2, "SHUT_RDWR"})

SAKER_TABLE(kBpfCmds, {0, "BPF_MAP_CREATE"}, {1, "BPF_MAP_LOOKUP_ELEM"},
            {2, "BPF_MAP_UPDATE_ELEM"}, {3, "BPF_MAP_DELETE_ELEM"},
            {4, "BPF_MAP_GET_NEXT_KEY"}, {5, "BPF_PROG_LOAD"}, {6, "BPF_OBJ_PIN"},
            {7, "BPF_OBJ_GET"}, {8, "BPF_PROG_ATTACH"}, {9, "BPF_PROG_DETACH"},
            {10, "BPF_PROG_TEST_RUN"}, {11, "BPF_PROG_GET_NEXT_ID"},
            {12, "BPF_MAP_GET_NEXT_ID"}, {13, "BPF_PROG_GET_FD_BY_ID"},
            {14, "BPF_MAP_GET_FD_BY_ID"}, {15, "BPF_OBJ_GET_INFO_BY_FD"},
            {16, "BPF_PROG_QUERY"}, {17, "BPF_RAW_TRACEPOINT_OPEN"}, {18, "BPF_BTF_LOAD"},
            {19, "BPF_BTF_GET_FD_BY_ID"}, {20, "BPF_TASK_FD_QUERY"},
            {21, "BPF_MAP_LOOKUP_AND_DELETE_ELEM"}, {22, "BPF_MAP_FREEZE"},
            {23, "BPF_BTF_GET_NEXT_ID"}, {24, "BPF_MAP_LOOKUP_BATCH"},
            {25, "BPF_MAP_LOOKUP_AND_DELETE_BATCH"}, {26, "BPF_MAP_UPDATE_BATCH"},
            {27, "BPF_MAP_DELETE_BATCH"}, {28, "BPF_LINK_CREATE"}, {29, "BPF_LINK_UPDATE"},
            {30, "BPF_LINK_GET_FD_BY_ID"}, {31, "BPF_LINK_GET_NEXT_ID"},
            {32, "BPF_ENABLE_STATS"}, {33, "BPF_ITER_CREATE"}, {34, "BPF_LINK_DETACH"},
            {35, "BPF_PROG_BIND_MAP"}, {36, "BPF_TOKEN_CREATE"})

SAKER_TABLE(kMemfdFlags, {1, "MFD_CLOEXEC"}, {2, "MFD_ALLOW_SEALING"}, {4, "MFD_HUGETLB"},
            {8, "MFD_NOEXEC_SEAL"}, {0x10, "MFD_EXEC"})

SAKER_TABLE(kUffdFlags, {1, "UFFD_USER_MODE_ONLY"}, {04000, "O_NONBLOCK"},
            {02000000, "O_CLOEXEC"})

SAKER_TABLE(kIoUringSetupFlags, {1, "IORING_SETUP_IOPOLL"}, {2, "IORING_SETUP_SQPOLL"},
            {4, "IORING_SETUP_SQ_AFF"}, {8, "IORING_SETUP_CQSIZE"},
            {16, "IORING_SETUP_CLAMP"}, {32, "IORING_SETUP_ATTACH_WQ"},
            {64, "IORING_SETUP_R_DISABLED"}, {128, "IORING_SETUP_SUBMIT_ALL"},
            {256, "IORING_SETUP_COOP_TASKRUN"}, {512, "IORING_SETUP_TASKRUN_FLAG"},
            {1024, "IORING_SETUP_SQE128"}, {2048, "IORING_SETUP_CQE32"},
            {4096, "IORING_SETUP_SINGLE_ISSUER"}, {8192, "IORING_SETUP_DEFER_TASKRUN"},
            {16384, "IORING_SETUP_NO_MMAP"}, {32768, "IORING_SETUP_REGISTERED_FD_ONLY"},
            {65536, "IORING_SETUP_NO_SQARRAY"})

SAKER_TABLE(kFinitModuleFlags, {1, "MODULE_INIT_IGNORE_MODVERSIONS"},
            {2, "MODULE_INIT_IGNORE_VERMAGIC"}, {4, "MODULE_INIT_COMPRESSED_FILE"})

SAKER_TABLE(kDeleteModuleFlags, {01000, "O_TRUNC"}, {04000, "O_NONBLOCK"})

SAKER_TABLE(kResolveFlags, {1, "RESOLVE_NO_XDEV"}, {2, "RESOLVE_NO_MAGICLINKS"},
            {4, "RESOLVE_NO_SYMLINKS"}, {8, "RESOLVE_BENEATH"}, {16, "RESOLVE_IN_ROOT"},
            {32, "RESOLVE_CACHED"})

SAKER_TABLE(kExeFlags, {1, "EXE_UPPER_LAYER"}, {2, "EXE_FROM_MEMFD"}, {4, "EXE_WRITABLE"})

#undef SAKER_TABLE

namespace {

// errno names by number (x86_64), index = errno.
constexpr const char* kErrnoNames[] = {
    "SUCCESS", "EPERM", "ENOENT", "ESRCH", "EINTR", "EIO", "ENXIO", "E2BIG", "ENOEXEC",
    "EBADF", "ECHILD", "EAGAIN", "ENOMEM", "EACCES", "EFAULT", "ENOTBLK", "EBUSY", "EEXIST",
    "EXDEV", "ENODEV", "ENOTDIR", "EISDIR", "EINVAL", "ENFILE", "EMFILE", "ENOTTY",
    "ETXTBSY", "EFBIG", "ENOSPC", "ESPIPE", "EROFS", "EMLINK", "EPIPE", "EDOM", "ERANGE",
    "EDEADLK", "ENAMETOOLONG", "ENOLCK", "ENOSYS", "ENOTEMPTY", "ELOOP", "",
    "ENOMSG", "EIDRM", "ECHRNG", "EL2NSYNC", "EL3HLT", "EL3RST", "ELNRNG", "EUNATCH",
    "ENOCSI", "EL2HLT", "EBADE", "EBADR", "EXFULL", "ENOANO", "EBADRQC", "EBADSLT", "",
    "EBFONT", "ENOSTR", "ENODATA", "ETIME", "ENOSR", "ENONET", "ENOPKG", "EREMOTE",
    "ENOLINK", "EADV", "ESRMNT", "ECOMM", "EPROTO", "EMULTIHOP", "EDOTDOT", "EBADMSG",
    "EOVERFLOW", "ENOTUNIQ", "EBADFD", "EREMCHG", "ELIBACC", "ELIBBAD", "ELIBSCN",
    "ELIBMAX", "ELIBEXEC", "EILSEQ", "ERESTART", "ESTRPIPE", "EUSERS", "ENOTSOCK",
    "EDESTADDRREQ", "EMSGSIZE", "EPROTOTYPE", "ENOPROTOOPT", "EPROTONOSUPPORT",
    "ESOCKTNOSUPPORT", "EOPNOTSUPP", "EPFNOSUPPORT", "EAFNOSUPPORT", "EADDRINUSE",
    "EADDRNOTAVAIL", "ENETDOWN", "ENETUNREACH", "ENETRESET", "ECONNABORTED",
    "ECONNRESET", "ENOBUFS", "EISCONN", "ENOTCONN", "ESHUTDOWN", "ETOOMANYREFS",
    "ETIMEDOUT", "ECONNREFUSED", "EHOSTDOWN", "EHOSTUNREACH", "EALREADY", "EINPROGRESS",
    "ESTALE", "EUCLEAN", "ENOTNAM", "ENAVAIL", "EISNAM", "EREMOTEIO", "EDQUOT",
    "ENOMEDIUM", "EMEDIUMTYPE", "ECANCELED", "ENOKEY", "EKEYEXPIRED", "EKEYREVOKED",
    "EKEYREJECTED", "EOWNERDEAD", "ENOTRECOVERABLE", "ERFKILL", "EHWPOISON",
};

}  // namespace

absl::string_view EnumName(const NameTable& table, uint64_t value) {
  for (size_t i = 0; i < table.size; ++i) {
    if (table.entries[i].value == value) {
      return table.entries[i].name;
    }
  }
  return "";
}

namespace {

// Appends the names of the bits of `value` found in `table`, joined by '|',
// then any leftover bits in hex. Returns the bits not named.
void AppendFlagNames(const NameTable& table, uint64_t value, bool first, std::string* out) {
  uint64_t left = value;
  for (size_t i = 0; i < table.size; ++i) {
    const NamedValue& e = table.entries[i];
    if (e.value != 0 && (left & e.value) == e.value) {
      if (!first) {
        out->push_back('|');
      }
      out->append(e.name);
      first = false;
      left &= ~e.value;
    }
  }
  if (left != 0) {
    if (!first) {
      out->push_back('|');
    }
    absl::StrAppend(out, "0x", absl::Hex(left));
    first = false;
  }
  if (first) {
    out->push_back('0');
  }
}

}  // namespace

void AppendFlagsJson(const NameTable& table, uint64_t value, std::string* out) {
  out->push_back('"');
  AppendFlagNames(table, value, true, out);
  out->push_back('"');
}

void AppendEnumJson(const NameTable& table, uint64_t value, std::string* out) {
  absl::string_view name = EnumName(table, value);
  if (name.empty()) {
    AppendJsonUint(out, value);
    return;
  }
  AppendJsonString(out, name);
}

void AppendOpenFlagsJson(uint64_t flags, std::string* out) {
  out->push_back('"');
  switch (flags & 3) {
    case 0:
      out->append("O_RDONLY");
      break;
    case 1:
      out->append("O_WRONLY");
      break;
    case 2:
      out->append("O_RDWR");
      break;
    default:
      out->append("O_ACCMODE");
      break;
  }
  uint64_t rest = flags & ~uint64_t{3};
  // O_TMPFILE includes O_DIRECTORY; O_SYNC includes O_DSYNC: name them once.
  if ((rest & 020200000) == 020200000) {
    rest &= ~uint64_t{0200000};
  }
  if ((rest & 04010000) == 04010000) {
    rest &= ~uint64_t{010000};
  }
  if (rest != 0) {
    AppendFlagNames(kOpenFlags, rest, false, out);
  }
  out->push_back('"');
}

void AppendSignalJson(uint64_t sig, std::string* out) {
  absl::string_view name = EnumName(kSignals, sig);
  if (!name.empty()) {
    AppendJsonString(out, name);
  } else if (sig >= 34 && sig <= 64) {
    out->append("\"SIGRTMIN+");
    AppendJsonUint(out, sig - 34);
    out->push_back('"');
  } else {
    AppendJsonUint(out, sig);
  }
}

void AppendModeJson(uint64_t mode, std::string* out) {
  char buf[32];
  int n = snprintf(buf, sizeof(buf), "\"0%llo\"", static_cast<unsigned long long>(mode & 07777));
  out->append(buf, n);
}

void AppendSocketTypeJson(uint64_t type, std::string* out) {
  out->push_back('"');
  absl::string_view base = EnumName(kSocketTypes, type & 0xf);
  if (base.empty()) {
    AppendJsonUint(out, type & 0xf);
  } else {
    out->append(base.data(), base.size());
  }
  if ((type & ~uint64_t{0xf}) != 0) {
    AppendFlagNames(kSocketTypeFlags, type & ~uint64_t{0xf}, false, out);
  }
  out->push_back('"');
}

absl::string_view ErrnoName(int64_t err) {
  constexpr int64_t kCount = sizeof(kErrnoNames) / sizeof(kErrnoNames[0]);
  if (err <= 0 || err >= kCount) {
    return "";
  }
  return kErrnoNames[err];
}

}  // namespace saker::syscalls
