// The one wire format shared by the eBPF probe (bpf/) and the daemon
// (server/). Both compile this header: the probe with clang -target bpf
// against vmlinux.h, the daemon with the host compiler against <linux/types.h>.
//
// Rules (see bpf/include/saker/ABI.md):
//   * fixed-width fields only, grouped into 8-byte words, explicit padding;
//   * every event starts with saker_event_header, whose `size` covers the
//     whole event and whose `version` is SAKER_WIRE_VERSION;
//   * events grow by appending fields and bumping SAKER_WIRE_VERSION, never
//     by cloning an event kind or a syscall id;
//   * syscall ids (enum saker_syscall) and blob types are append-only.
#pragma once

#if defined(__bpf__)
// vmlinux.h has been included by the probe before this header.
#else
#include <linux/types.h>
#include <stddef.h>  // offsetof, for the static_asserts below
#endif

#define SAKER_WIRE_VERSION 1

// Largest event the probe emits (header + args + blobs). Blobs that would
// not fit are cut and flagged; the event is counted as oversize.
#define SAKER_MAX_EVENT_SIZE 32768
// Per-blob caps. Anything longer is cut and flagged SAKER_BLOB_TRUNCATED.
#define SAKER_MAX_PATH 4096
#define SAKER_MAX_SOCKADDR 128
#define SAKER_MAX_COMM 16

// What an event is.
enum saker_event_kind {
  SAKER_EVENT_UNSPECIFIED = 0,
  SAKER_EVENT_SYSCALL = 1,    // a syscall exit; header.syscall says which
  SAKER_EVENT_PROCEXIT = 2,   // sched_process_exit; args[0] = exit code
};

// Broad category of a syscall: drop counters are kept per category.
enum saker_category {
  SAKER_CAT_PROCESS = 0,
  SAKER_CAT_FILE = 1,
  SAKER_CAT_NETWORK = 2,
  SAKER_CAT_KERNEL = 3,
  SAKER_CAT__COUNT = 4,
};

// The captured syscalls: X(saker id, name, x86_64 number, category).
// Ids are Saker's own and stable across architectures; append only.
// `name` is the evt.type users see.
#define SAKER_SYSCALLS(X)                                  \
  /* processes */                                          \
  X(1, clone, 56, SAKER_CAT_PROCESS)                       \
  X(2, clone3, 435, SAKER_CAT_PROCESS)                     \
  X(3, fork, 57, SAKER_CAT_PROCESS)                        \
  X(4, vfork, 58, SAKER_CAT_PROCESS)                       \
  X(5, execve, 59, SAKER_CAT_PROCESS)                      \
  X(6, execveat, 322, SAKER_CAT_PROCESS)                   \
  X(7, setuid, 105, SAKER_CAT_PROCESS)                     \
  X(8, setgid, 106, SAKER_CAT_PROCESS)                     \
  X(9, setreuid, 113, SAKER_CAT_PROCESS)                   \
  X(10, setregid, 114, SAKER_CAT_PROCESS)                  \
  X(11, setresuid, 117, SAKER_CAT_PROCESS)                 \
  X(12, setresgid, 119, SAKER_CAT_PROCESS)                 \
  X(13, capset, 126, SAKER_CAT_PROCESS)                    \
  X(14, prctl, 157, SAKER_CAT_PROCESS)                     \
  X(15, ptrace, 101, SAKER_CAT_PROCESS)                    \
  X(16, kill, 62, SAKER_CAT_PROCESS)                       \
  X(17, tkill, 200, SAKER_CAT_PROCESS)                     \
  X(18, tgkill, 234, SAKER_CAT_PROCESS)                    \
  X(19, unshare, 272, SAKER_CAT_PROCESS)                   \
  X(20, setns, 308, SAKER_CAT_PROCESS)                     \
  X(21, chdir, 80, SAKER_CAT_PROCESS)                      \
  X(22, fchdir, 81, SAKER_CAT_PROCESS)                     \
  X(23, chroot, 161, SAKER_CAT_PROCESS)                    \
  /* files */                                              \
  X(30, open, 2, SAKER_CAT_FILE)                           \
  X(31, openat, 257, SAKER_CAT_FILE)                       \
  X(32, openat2, 437, SAKER_CAT_FILE)                      \
  X(33, creat, 85, SAKER_CAT_FILE)                         \
  X(34, close, 3, SAKER_CAT_FILE)                          \
  X(35, dup, 32, SAKER_CAT_FILE)                           \
  X(36, dup2, 33, SAKER_CAT_FILE)                          \
  X(37, dup3, 292, SAKER_CAT_FILE)                         \
  X(38, fcntl, 72, SAKER_CAT_FILE)                         \
  X(39, rename, 82, SAKER_CAT_FILE)                        \
  X(40, renameat, 264, SAKER_CAT_FILE)                     \
  X(41, renameat2, 316, SAKER_CAT_FILE)                    \
  X(42, unlink, 87, SAKER_CAT_FILE)                        \
  X(43, unlinkat, 263, SAKER_CAT_FILE)                     \
  X(44, rmdir, 84, SAKER_CAT_FILE)                         \
  X(45, mkdir, 83, SAKER_CAT_FILE)                         \
  X(46, mkdirat, 258, SAKER_CAT_FILE)                      \
  X(47, link, 86, SAKER_CAT_FILE)                          \
  X(48, linkat, 265, SAKER_CAT_FILE)                       \
  X(49, symlink, 88, SAKER_CAT_FILE)                       \
  X(50, symlinkat, 266, SAKER_CAT_FILE)                    \
  X(51, chmod, 90, SAKER_CAT_FILE)                         \
  X(52, fchmod, 91, SAKER_CAT_FILE)                        \
  X(53, fchmodat, 268, SAKER_CAT_FILE)                     \
  X(54, chown, 92, SAKER_CAT_FILE)                         \
  X(55, fchown, 93, SAKER_CAT_FILE)                        \
  X(56, fchownat, 260, SAKER_CAT_FILE)                     \
  X(57, lchown, 94, SAKER_CAT_FILE)                        \
  X(58, mount, 165, SAKER_CAT_FILE)                        \
  X(59, umount2, 166, SAKER_CAT_FILE)                      \
  X(60, memfd_create, 319, SAKER_CAT_FILE)                 \
  X(61, pipe, 22, SAKER_CAT_FILE)                          \
  X(62, pipe2, 293, SAKER_CAT_FILE)                        \
  X(63, truncate, 76, SAKER_CAT_FILE)                      \
  /* network */                                            \
  X(70, socket, 41, SAKER_CAT_NETWORK)                     \
  X(71, socketpair, 53, SAKER_CAT_NETWORK)                 \
  X(72, connect, 42, SAKER_CAT_NETWORK)                    \
  X(73, accept, 43, SAKER_CAT_NETWORK)                     \
  X(74, accept4, 288, SAKER_CAT_NETWORK)                   \
  X(75, bind, 49, SAKER_CAT_NETWORK)                       \
  X(76, listen, 50, SAKER_CAT_NETWORK)                     \
  X(77, sendto, 44, SAKER_CAT_NETWORK)                     \
  X(78, sendmsg, 46, SAKER_CAT_NETWORK)                    \
  X(79, recvfrom, 45, SAKER_CAT_NETWORK)                   \
  X(80, recvmsg, 47, SAKER_CAT_NETWORK)                    \
  X(81, shutdown, 48, SAKER_CAT_NETWORK)                   \
  /* kernel */                                             \
  X(90, init_module, 175, SAKER_CAT_KERNEL)                \
  X(91, finit_module, 313, SAKER_CAT_KERNEL)               \
  X(92, delete_module, 176, SAKER_CAT_KERNEL)              \
  X(93, bpf, 321, SAKER_CAT_KERNEL)                        \
  X(94, userfaultfd, 323, SAKER_CAT_KERNEL)                \
  X(95, io_uring_setup, 425, SAKER_CAT_KERNEL)

enum saker_syscall {
  SAKER_SYS_UNSPECIFIED = 0,
#define SAKER_X_ENUM(id, name, nr, cat) SAKER_SYS_##name = id,
  SAKER_SYSCALLS(SAKER_X_ENUM)
#undef SAKER_X_ENUM
  SAKER_SYS__MAX = 128,  // size of id-indexed tables (prog array, names)
};

// Native syscall numbers are below this (x86_64 tops out near 460).
#define SAKER_MAX_SYSCALL_NR 512

// header.flags
enum saker_event_flags {
  SAKER_EVENT_TRUNCATED = 1 << 0,  // at least one blob was cut
  SAKER_EVENT_OVERSIZE = 1 << 1,   // a blob was cut to fit SAKER_MAX_EVENT_SIZE
  SAKER_EVENT_READ_FAULT = 1 << 2, // a user/kernel read failed; a blob is empty
  SAKER_EVENT_COMPAT = 1 << 3,     // reserved: 32-bit compat task
};

// Common header of every event. 88 bytes, 11 words.
struct saker_event_header {
  __u16 kind;       // enum saker_event_kind
  __u16 version;    // SAKER_WIRE_VERSION
  __u32 size;       // whole event in bytes, header included
  __u64 ts_ns;      // CLOCK_BOOTTIME at syscall exit
  __u32 tid;        // kernel pid of the thread
  __u32 pid;        // kernel tgid
  __u32 ppid;       // tgid of real_parent
  __u32 cpu;        // CPU that produced the event
  __u32 uid;
  __u32 gid;
  __u32 euid;
  __u32 egid;
  __u64 cgroup_id;  // bpf_get_current_cgroup_id()
  __s64 ret;        // syscall return value (negative errno on failure)
  __u16 syscall;    // enum saker_syscall (0 for non-syscall kinds)
  __u16 flags;      // enum saker_event_flags
  __u16 nblobs;     // number of saker_blob records after args[]
  __u16 reserved;
  char comm[SAKER_MAX_COMM];
};

// Every event: header, then the six raw syscall arguments as they were in
// the registers at exit, then `nblobs` blobs.
struct saker_event {
  struct saker_event_header hdr;
  __u64 args[6];
};

// A variable-length datum read at exit (a path, a sockaddr, argv, ...),
// followed by `len` bytes of data, padded with zeros to 8 bytes.
struct saker_blob {
  __u16 param;  // which parameter of the syscall this fills (see the table)
  __u16 type;   // enum saker_blob_type
  __u16 len;    // bytes of data that follow (unpadded)
  __u16 flags;  // enum saker_blob_flags
};

enum saker_blob_type {
  SAKER_BLOB_UNSPECIFIED = 0,
  SAKER_BLOB_STR = 1,        // a NUL-free string (path, name), no terminator
  SAKER_BLOB_BYTES = 2,      // opaque bytes (payloads, module args)
  SAKER_BLOB_STRLIST = 3,    // NUL-separated strings (argv, env)
  SAKER_BLOB_SOCKADDR = 4,   // a struct sockaddr as passed by the caller
  SAKER_BLOB_TUPLE = 5,      // struct saker_tuple, from the kernel socket
  SAKER_BLOB_EXEC = 6,       // struct saker_exec_info
  SAKER_BLOB_FDPAIR = 7,     // two __s32 fds (pipe, pipe2, socketpair)
  SAKER_BLOB_U64 = 8,        // one __u64 read from user memory (clone3 args...)
};

enum saker_blob_flags {
  SAKER_BLOB_TRUNCATED = 1 << 0,
  SAKER_BLOB_FAULT = 1 << 1,  // the read failed; len is 0
};

// A socket's endpoints, as the kernel holds them. Addresses are in network
// order; IPv4 uses the first 4 bytes. For AF_UNIX the path follows in a
// separate SAKER_BLOB_STR with the same param.
struct saker_tuple {
  __u16 family;  // AF_INET, AF_INET6, AF_UNIX
  __u16 sport;   // host order
  __u16 dport;   // host order
  __u16 proto;   // IPPROTO_TCP / IPPROTO_UDP / 0
  __u8 saddr[16];
  __u8 daddr[16];
};

// What execve/execveat learn about the new program.
struct saker_exec_info {
  __u64 cap_inheritable;
  __u64 cap_permitted;
  __u64 cap_effective;
  __u64 exe_ino;
  __u64 exe_ctime_ns;  // CLOCK_REALTIME
  __u64 exe_mtime_ns;  // CLOCK_REALTIME
  __u32 tty;           // tty device number, 0 if none
  __u32 loginuid;
  __u32 exe_flags;     // enum saker_exe_flags
  __u32 pgid;
  __u32 sid;
  __u32 reserved;
};

enum saker_exe_flags {
  SAKER_EXE_UPPER_LAYER = 1 << 0,  // exe on an overlayfs upper layer
  SAKER_EXE_MEMFD = 1 << 1,        // exe is a memfd
  SAKER_EXE_WRITABLE = 1 << 2,     // exe is writable by the caller
};

// Per-syscall configuration, written by userspace into an array indexed by
// the native syscall number.
struct saker_syscall_cfg {
  __u16 id;        // enum saker_syscall; 0 = not captured
  __u8 enabled;
  __u8 category;   // enum saker_category
  __u32 reserved;
};

// Per-CPU counters the probe keeps; summed by userspace.
struct saker_counters {
  __u64 sent[SAKER_CAT__COUNT];     // events written to the ring buffer
  __u64 dropped[SAKER_CAT__COUNT];  // ring buffer full: event lost
  __u64 oversize;                   // events cut to fit SAKER_MAX_EVENT_SIZE
  __u64 truncated;                  // events with a truncated blob
  __u64 read_faults;                // events with a failed read
  __u64 procexit_sent;              // counted under SAKER_CAT_PROCESS too
};

// saker_blob.param: which parameter a blob fills. A blob read from a
// syscall argument uses that argument's index (0..5); data the probe finds
// elsewhere (the kernel socket, the new program's mm) uses the slots below.
// Append only.
enum saker_blob_param {
  SAKER_PARAM_ARG0 = 0,
  SAKER_PARAM_ARG5 = 5,
  SAKER_PARAM_TUPLE = 8,        // TUPLE (+ STR for AF_UNIX) of the fd's socket
  SAKER_PARAM_EXEPATH = 9,      // STR: path of mm->exe_file (execve success)
  SAKER_PARAM_ARGV = 10,        // STRLIST: argv from mm->arg_start
  SAKER_PARAM_ENV = 11,         // STRLIST: environment from mm->env_start
  SAKER_PARAM_CWD = 12,         // STR: fs->pwd
  SAKER_PARAM_CGROUP = 13,      // STR: cgroup v2 path of the task
  SAKER_PARAM_EXEC_INFO = 14,   // EXEC: struct saker_exec_info
  SAKER_PARAM_CAP_INHERITABLE = 15,  // U64 from the task's creds (capset)
  SAKER_PARAM_CAP_PERMITTED = 16,
  SAKER_PARAM_CAP_EFFECTIVE = 17,
};

#if defined(__cplusplus)
static_assert(sizeof(struct saker_event_header) == 88, "header is 11 words");
static_assert(offsetof(struct saker_event_header, ts_ns) == 8, "");
static_assert(offsetof(struct saker_event_header, cgroup_id) == 48, "");
static_assert(offsetof(struct saker_event_header, ret) == 56, "");
static_assert(offsetof(struct saker_event_header, comm) == 72, "");
static_assert(sizeof(struct saker_event) == 136, "");
static_assert(sizeof(struct saker_blob) == 8, "");
static_assert(sizeof(struct saker_tuple) == 40, "");
static_assert(sizeof(struct saker_exec_info) == 72, "");
static_assert(sizeof(struct saker_syscall_cfg) == 8, "");
static_assert(sizeof(struct saker_counters) == 96, "");
#else
_Static_assert(sizeof(struct saker_event_header) == 88, "header is 11 words");
_Static_assert(sizeof(struct saker_event) == 136, "");
_Static_assert(sizeof(struct saker_blob) == 8, "");
_Static_assert(sizeof(struct saker_tuple) == 40, "");
_Static_assert(sizeof(struct saker_exec_info) == 72, "");
#endif
