// The parameters of every syscall in SAKER_SYSCALLS. Blob slots follow
// bpf/probes/*.h: a blob read from argument i has param i; data found
// elsewhere uses the SAKER_PARAM_* slots of wire.h.
#include <array>

#include "saker/wire.h"
#include "server/driver/syscalls/syscall_table.h"

namespace saker::syscalls {
namespace {

#define RET(name, fmt) {name, Source::kRet, 0, Format::fmt}
#define ARG(name, i, fmt) {name, Source::kArg, i, Format::fmt}
#define ARG_IF_FAILED(name, i, fmt) {name, Source::kArgIfFailed, i, Format::fmt}
#define BLOB(name, slot, fmt) {name, Source::kBlob, slot, Format::fmt}
#define HDR(name, field, fmt) {name, Source::kHeader, HeaderField::field, Format::fmt}

// Processes.
constexpr ParamSpec kClone[] = {RET("res", kInt32), ARG("flags", 0, kCloneFlags)};
constexpr ParamSpec kClone3[] = {RET("res", kInt32), BLOB("flags", 0, kCloneFlags),
                                 ARG("size", 1, kUint)};
constexpr ParamSpec kFork[] = {RET("res", kInt32)};
#define EXEC_COMMON                                                                      \
  RET("res", kInt), BLOB("exe", SAKER_PARAM_ARGV, kArgv0),                               \
      BLOB("args", SAKER_PARAM_ARGV, kArgvRest), HDR("tid", kTid, kUint),                \
      HDR("pid", kPid, kUint), HDR("ptid", kPpid, kUint), BLOB("cwd", SAKER_PARAM_CWD, kStr), \
      HDR("comm", kComm, kStr), BLOB("cgroups", SAKER_PARAM_CGROUP, kStr),               \
      BLOB("env", SAKER_PARAM_ENV, kStrList), BLOB("info", SAKER_PARAM_EXEC_INFO, kExecInfo), \
      HDR("uid", kUid, kUint), HDR("gid", kGid, kUint),                                  \
      BLOB("trusted_exepath", SAKER_PARAM_EXEPATH, kStr)
constexpr ParamSpec kExecve[] = {EXEC_COMMON, BLOB("filename", 0, kStr)};
constexpr ParamSpec kExecveat[] = {EXEC_COMMON, ARG_IF_FAILED("dirfd", 0, kInt32),
                                   BLOB("filename", 1, kStr),
                                   ARG_IF_FAILED("flags", 4, kAtFlags)};
#undef EXEC_COMMON
constexpr ParamSpec kSetuid[] = {RET("res", kInt), ARG("uid", 0, kUint32)};
constexpr ParamSpec kSetgid[] = {RET("res", kInt), ARG("gid", 0, kUint32)};
constexpr ParamSpec kSetreuid[] = {RET("res", kInt), ARG("ruid", 0, kUint32),
                                   ARG("euid", 1, kUint32)};
constexpr ParamSpec kSetregid[] = {RET("res", kInt), ARG("rgid", 0, kUint32),
                                   ARG("egid", 1, kUint32)};
constexpr ParamSpec kSetresuid[] = {RET("res", kInt), ARG("ruid", 0, kUint32),
                                    ARG("euid", 1, kUint32), ARG("suid", 2, kUint32)};
constexpr ParamSpec kSetresgid[] = {RET("res", kInt), ARG("rgid", 0, kUint32),
                                    ARG("egid", 1, kUint32), ARG("sgid", 2, kUint32)};
constexpr ParamSpec kCapset[] = {RET("res", kInt),
                                 BLOB("cap_inheritable", SAKER_PARAM_CAP_INHERITABLE, kUint),
                                 BLOB("cap_permitted", SAKER_PARAM_CAP_PERMITTED, kUint),
                                 BLOB("cap_effective", SAKER_PARAM_CAP_EFFECTIVE, kUint)};
constexpr ParamSpec kPrctl[] = {RET("res", kInt), ARG("option", 0, kPrctlOption),
                                BLOB("arg2_str", 1, kStr), ARG("arg2_int", 1, kInt)};
constexpr ParamSpec kPtrace[] = {RET("res", kInt), ARG("request", 0, kPtraceRequest),
                                 ARG("pid", 1, kInt32), ARG("addr", 2, kHex),
                                 ARG("data", 3, kHex)};
constexpr ParamSpec kKill[] = {RET("res", kInt), ARG("pid", 0, kInt32), ARG("sig", 1, kSignal)};
constexpr ParamSpec kTkill[] = {RET("res", kInt), ARG("tid", 0, kInt32),
                                ARG("sig", 1, kSignal)};
constexpr ParamSpec kTgkill[] = {RET("res", kInt), ARG("pid", 0, kInt32), ARG("tid", 1, kInt32),
                                 ARG("sig", 2, kSignal)};
constexpr ParamSpec kUnshare[] = {RET("res", kInt), ARG("flags", 0, kNsFlags)};
constexpr ParamSpec kSetns[] = {RET("res", kInt), ARG("fd", 0, kInt32),
                                ARG("nstype", 1, kNsFlags)};
constexpr ParamSpec kPath0[] = {RET("res", kInt), BLOB("path", 0, kStr)};
constexpr ParamSpec kFchdir[] = {RET("res", kInt), ARG("fd", 0, kInt32)};

// Files.
constexpr ParamSpec kOpen[] = {RET("fd", kInt), BLOB("name", 0, kStr),
                               ARG("flags", 1, kOpenFlags), ARG("mode", 2, kUint)};
constexpr ParamSpec kOpenat[] = {RET("fd", kInt), ARG("dirfd", 0, kInt32), BLOB("name", 1, kStr),
                                 ARG("flags", 2, kOpenFlags), ARG("mode", 3, kUint)};
constexpr ParamSpec kOpenat2[] = {RET("fd", kInt), ARG("dirfd", 0, kInt32),
                                  BLOB("name", 1, kStr), BLOB("how", 2, kOpenHow)};
constexpr ParamSpec kCreat[] = {RET("fd", kInt), BLOB("name", 0, kStr), ARG("mode", 1, kUint)};
constexpr ParamSpec kClose[] = {RET("res", kInt), ARG("fd", 0, kInt32)};
constexpr ParamSpec kDup[] = {RET("res", kInt), ARG("oldfd", 0, kInt32)};
constexpr ParamSpec kDup2[] = {RET("res", kInt), ARG("oldfd", 0, kInt32),
                               ARG("newfd", 1, kInt32)};
constexpr ParamSpec kDup3[] = {RET("res", kInt), ARG("oldfd", 0, kInt32),
                               ARG("newfd", 1, kInt32), ARG("flags", 2, kFdFlags)};
constexpr ParamSpec kFcntl[] = {RET("res", kInt), ARG("fd", 0, kInt32),
                                ARG("cmd", 1, kFcntlCmd)};
constexpr ParamSpec kRename[] = {RET("res", kInt), BLOB("oldpath", 0, kStr),
                                 BLOB("newpath", 1, kStr)};
constexpr ParamSpec kRenameat[] = {RET("res", kInt), ARG("olddirfd", 0, kInt32),
                                   BLOB("oldpath", 1, kStr), ARG("newdirfd", 2, kInt32),
                                   BLOB("newpath", 3, kStr)};
constexpr ParamSpec kRenameat2[] = {RET("res", kInt),         ARG("olddirfd", 0, kInt32),
                                    BLOB("oldpath", 1, kStr), ARG("newdirfd", 2, kInt32),
                                    BLOB("newpath", 3, kStr), ARG("flags", 4, kRenameFlags)};
constexpr ParamSpec kUnlinkat[] = {RET("res", kInt), ARG("dirfd", 0, kInt32),
                                   BLOB("name", 1, kStr), ARG("flags", 2, kAtFlags)};
constexpr ParamSpec kMkdir[] = {RET("res", kInt), BLOB("path", 0, kStr),
                                ARG("mode", 1, kModeOctal)};
constexpr ParamSpec kMkdirat[] = {RET("res", kInt), ARG("dirfd", 0, kInt32),
                                  BLOB("path", 1, kStr), ARG("mode", 2, kModeOctal)};
constexpr ParamSpec kLinkat[] = {RET("res", kInt),         ARG("olddir", 0, kInt32),
                                 BLOB("oldpath", 1, kStr), ARG("newdir", 2, kInt32),
                                 BLOB("newpath", 3, kStr), ARG("flags", 4, kAtFlags)};
constexpr ParamSpec kSymlink[] = {RET("res", kInt), BLOB("target", 0, kStr),
                                  BLOB("linkpath", 1, kStr)};
constexpr ParamSpec kSymlinkat[] = {RET("res", kInt), BLOB("target", 0, kStr),
                                    ARG("linkdirfd", 1, kInt32), BLOB("linkpath", 2, kStr)};
constexpr ParamSpec kChmod[] = {RET("res", kInt), BLOB("filename", 0, kStr),
                                ARG("mode", 1, kModeOctal)};
constexpr ParamSpec kFchmod[] = {RET("res", kInt), ARG("fd", 0, kInt32),
                                 ARG("mode", 1, kModeOctal)};
constexpr ParamSpec kFchmodat[] = {RET("res", kInt), ARG("dirfd", 0, kInt32),
                                   BLOB("filename", 1, kStr), ARG("mode", 2, kModeOctal)};
constexpr ParamSpec kChown[] = {RET("res", kInt), BLOB("path", 0, kStr), ARG("uid", 1, kUint32),
                                ARG("gid", 2, kUint32)};
constexpr ParamSpec kFchown[] = {RET("res", kInt), ARG("fd", 0, kInt32), ARG("uid", 1, kUint32),
                                 ARG("gid", 2, kUint32)};
constexpr ParamSpec kFchownat[] = {RET("res", kInt),          ARG("dirfd", 0, kInt32),
                                   BLOB("pathname", 1, kStr), ARG("uid", 2, kUint32),
                                   ARG("gid", 3, kUint32),    ARG("flags", 4, kAtFlags)};
constexpr ParamSpec kMount[] = {RET("res", kInt), BLOB("dev", 0, kStr), BLOB("dir", 1, kStr),
                                BLOB("type", 2, kStr), ARG("flags", 3, kMountFlags)};
constexpr ParamSpec kUmount2[] = {RET("res", kInt), BLOB("name", 0, kStr),
                                  ARG("flags", 1, kUmountFlags)};
constexpr ParamSpec kMemfdCreate[] = {RET("fd", kInt), BLOB("name", 0, kStr),
                                      ARG("flags", 1, kMemfdFlags)};
constexpr ParamSpec kPipe[] = {RET("res", kInt), BLOB("fd1", 0, kFdPairFirst),
                               BLOB("fd2", 0, kFdPairSecond)};
constexpr ParamSpec kPipe2[] = {RET("res", kInt), BLOB("fd1", 0, kFdPairFirst),
                                BLOB("fd2", 0, kFdPairSecond), ARG("flags", 1, kFdFlags)};
constexpr ParamSpec kTruncate[] = {RET("res", kInt), BLOB("path", 0, kStr),
                                   ARG("length", 1, kInt)};

// Network.
constexpr ParamSpec kSocket[] = {RET("fd", kInt), ARG("domain", 0, kSocketFamily),
                                 ARG("type", 1, kSocketType), ARG("proto", 2, kUint)};
constexpr ParamSpec kSocketpair[] = {RET("res", kInt),           BLOB("fd1", 3, kFdPairFirst),
                                     BLOB("fd2", 3, kFdPairSecond), ARG("domain", 0, kSocketFamily),
                                     ARG("type", 1, kSocketType), ARG("proto", 2, kUint)};
constexpr ParamSpec kConnect[] = {RET("res", kInt), BLOB("tuple", SAKER_PARAM_TUPLE, kTuple),
                                  ARG("fd", 0, kInt32), BLOB("addr", 1, kSockaddr)};
constexpr ParamSpec kAccept[] = {RET("fd", kInt),
                                 BLOB("tuple", SAKER_PARAM_TUPLE, kTupleAccepted)};
constexpr ParamSpec kAccept4[] = {RET("fd", kInt),
                                  BLOB("tuple", SAKER_PARAM_TUPLE, kTupleAccepted),
                                  ARG("flags", 3, kSocketFlags)};
constexpr ParamSpec kBind[] = {RET("res", kInt), BLOB("addr", 1, kSockaddr),
                               ARG("fd", 0, kInt32)};
constexpr ParamSpec kListen[] = {RET("res", kInt), ARG("fd", 0, kInt32),
                                 ARG("backlog", 1, kInt32)};
constexpr ParamSpec kSendto[] = {RET("res", kInt),      BLOB("data", 1, kBytes),
                                 ARG("fd", 0, kInt32),  ARG("size", 2, kUint),
                                 BLOB("tuple", SAKER_PARAM_TUPLE, kTuple),
                                 BLOB("addr", 4, kSockaddr), ARG("flags", 3, kMsgFlags)};
constexpr ParamSpec kSendmsg[] = {RET("res", kInt), BLOB("data", 1, kBytes),
                                  ARG("fd", 0, kInt32), BLOB("tuple", SAKER_PARAM_TUPLE, kTuple),
                                  BLOB("addr", 2, kSockaddr), ARG("flags", 2, kMsgFlags)};
constexpr ParamSpec kRecvfrom[] = {RET("res", kInt),
                                   BLOB("data", 1, kBytes),
                                   BLOB("tuple", SAKER_PARAM_TUPLE, kTuple),
                                   ARG("fd", 0, kInt32),
                                   ARG("size", 2, kUint),
                                   BLOB("addr", 4, kSockaddr),
                                   ARG("flags", 3, kMsgFlags)};
constexpr ParamSpec kRecvmsg[] = {RET("res", kInt), BLOB("data", 1, kBytes),
                                  BLOB("tuple", SAKER_PARAM_TUPLE, kTuple), ARG("fd", 0, kInt32),
                                  BLOB("addr", 2, kSockaddr), ARG("flags", 2, kMsgFlags)};
constexpr ParamSpec kShutdown[] = {RET("res", kInt), ARG("fd", 0, kInt32),
                                   ARG("how", 1, kShutdownHow)};

// Kernel.
constexpr ParamSpec kInitModule[] = {RET("res", kInt), ARG("length", 1, kUint),
                                     BLOB("uargs", 2, kStr)};
constexpr ParamSpec kFinitModule[] = {RET("res", kInt), ARG("fd", 0, kInt32),
                                      BLOB("uargs", 1, kStr), ARG("flags", 2, kFinitModuleFlags)};
constexpr ParamSpec kDeleteModule[] = {RET("res", kInt), BLOB("name", 0, kStr),
                                       ARG("flags", 1, kDeleteModuleFlags)};
constexpr ParamSpec kBpf[] = {RET("fd", kInt), ARG("cmd", 0, kBpfCmd)};
constexpr ParamSpec kUserfaultfd[] = {RET("res", kInt), ARG("flags", 0, kUffdFlags)};
constexpr ParamSpec kIoUringSetup[] = {RET("res", kInt), ARG("entries", 0, kUint),
                                       BLOB("flags", 1, kIoUringFlags)};

#undef RET
#undef ARG
#undef ARG_IF_FAILED
#undef BLOB
#undef HDR

template <size_t N>
constexpr SyscallSpec Spec(uint16_t id, const char* name, uint8_t cat, const ParamSpec (&p)[N]) {
  return SyscallSpec{id, name, cat, p, static_cast<uint8_t>(N)};
}

// Params per syscall, by name. SAKER_SYSCALLS supplies id and category, so
// a syscall added to the X-macro without an entry here fails to compile.
#define SAKER_PARAMS_clone kClone
#define SAKER_PARAMS_clone3 kClone3
#define SAKER_PARAMS_fork kFork
#define SAKER_PARAMS_vfork kFork
#define SAKER_PARAMS_execve kExecve
#define SAKER_PARAMS_execveat kExecveat
#define SAKER_PARAMS_setuid kSetuid
#define SAKER_PARAMS_setgid kSetgid
#define SAKER_PARAMS_setreuid kSetreuid
#define SAKER_PARAMS_setregid kSetregid
#define SAKER_PARAMS_setresuid kSetresuid
#define SAKER_PARAMS_setresgid kSetresgid
#define SAKER_PARAMS_capset kCapset
#define SAKER_PARAMS_prctl kPrctl
#define SAKER_PARAMS_ptrace kPtrace
#define SAKER_PARAMS_kill kKill
#define SAKER_PARAMS_tkill kTkill
#define SAKER_PARAMS_tgkill kTgkill
#define SAKER_PARAMS_unshare kUnshare
#define SAKER_PARAMS_setns kSetns
#define SAKER_PARAMS_chdir kPath0
#define SAKER_PARAMS_fchdir kFchdir
#define SAKER_PARAMS_chroot kPath0
#define SAKER_PARAMS_open kOpen
#define SAKER_PARAMS_openat kOpenat
#define SAKER_PARAMS_openat2 kOpenat2
#define SAKER_PARAMS_creat kCreat
#define SAKER_PARAMS_close kClose
#define SAKER_PARAMS_dup kDup
#define SAKER_PARAMS_dup2 kDup2
#define SAKER_PARAMS_dup3 kDup3
#define SAKER_PARAMS_fcntl kFcntl
#define SAKER_PARAMS_rename kRename
#define SAKER_PARAMS_renameat kRenameat
#define SAKER_PARAMS_renameat2 kRenameat2
#define SAKER_PARAMS_unlink kPath0
#define SAKER_PARAMS_unlinkat kUnlinkat
#define SAKER_PARAMS_rmdir kPath0
#define SAKER_PARAMS_mkdir kMkdir
#define SAKER_PARAMS_mkdirat kMkdirat
#define SAKER_PARAMS_link kRename
#define SAKER_PARAMS_linkat kLinkat
#define SAKER_PARAMS_symlink kSymlink
#define SAKER_PARAMS_symlinkat kSymlinkat
#define SAKER_PARAMS_chmod kChmod
#define SAKER_PARAMS_fchmod kFchmod
#define SAKER_PARAMS_fchmodat kFchmodat
#define SAKER_PARAMS_chown kChown
#define SAKER_PARAMS_fchown kFchown
#define SAKER_PARAMS_fchownat kFchownat
#define SAKER_PARAMS_lchown kChown
#define SAKER_PARAMS_mount kMount
#define SAKER_PARAMS_umount2 kUmount2
#define SAKER_PARAMS_memfd_create kMemfdCreate
#define SAKER_PARAMS_pipe kPipe
#define SAKER_PARAMS_pipe2 kPipe2
#define SAKER_PARAMS_truncate kTruncate
#define SAKER_PARAMS_socket kSocket
#define SAKER_PARAMS_socketpair kSocketpair
#define SAKER_PARAMS_connect kConnect
#define SAKER_PARAMS_accept kAccept
#define SAKER_PARAMS_accept4 kAccept4
#define SAKER_PARAMS_bind kBind
#define SAKER_PARAMS_listen kListen
#define SAKER_PARAMS_sendto kSendto
#define SAKER_PARAMS_sendmsg kSendmsg
#define SAKER_PARAMS_recvfrom kRecvfrom
#define SAKER_PARAMS_recvmsg kRecvmsg
#define SAKER_PARAMS_shutdown kShutdown
#define SAKER_PARAMS_init_module kInitModule
#define SAKER_PARAMS_finit_module kFinitModule
#define SAKER_PARAMS_delete_module kDeleteModule
#define SAKER_PARAMS_bpf kBpf
#define SAKER_PARAMS_userfaultfd kUserfaultfd
#define SAKER_PARAMS_io_uring_setup kIoUringSetup

#define SAKER_X_SPEC(id, name, nr, cat) Spec(id, #name, cat, SAKER_PARAMS_##name),
constexpr SyscallSpec kSpecs[] = {SAKER_SYSCALLS(SAKER_X_SPEC)};
#undef SAKER_X_SPEC

struct ById {
  std::array<const SyscallSpec*, SAKER_SYS__MAX> specs{};
  ById() {
    for (const SyscallSpec& s : kSpecs) {
      specs[s.id] = &s;
    }
  }
};

}  // namespace

const SyscallSpec* FindSyscall(uint16_t id) {
  static const ById* const by_id = new ById();
  return id < SAKER_SYS__MAX ? by_id->specs[id] : nullptr;
}

const SyscallSpec* FindSyscallByName(absl::string_view name) {
  for (const SyscallSpec& s : kSpecs) {
    if (name == s.name) {
      return &s;
    }
  }
  return nullptr;
}

}  // namespace saker::syscalls
