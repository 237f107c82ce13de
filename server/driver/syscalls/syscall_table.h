// What each captured syscall's event means: its evt.type name, category and
// parameters (Falco's names where Falco has the syscall), where each value
// comes from (the return value, a raw argument, a blob) and how it prints.
//
//   EventTypeName(ev)       "openat", "procexit"
//   AppendArgsJson(ev, &s)  {"fd":3,"dirfd":-100,"name":"/etc/hosts",
//                            "flags":"O_RDONLY|O_CLOEXEC","mode":0}
//   ResultName(ret)         "SUCCESS", "ENOENT"
//
// Blob-backed parameters are left out when the probe sent no blob (e.g. a
// NULL pointer, or the exec details of a failed execve); a blob whose read
// faulted prints null; a truncated blob adds "<name>_truncated":true.
#pragma once

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "server/driver/event_view.h"

namespace saker {

absl::string_view EventTypeName(const EventView& ev);
void AppendArgsJson(const EventView& ev, std::string* out);
absl::string_view ResultName(int64_t ret);

namespace syscalls {

enum class Source : uint8_t {
  kRet,           // header.ret
  kArg,           // args[index]
  kArgIfFailed,   // args[index], only when ret != 0 (execve resets registers)
  kBlob,          // the blob whose param is `index`
  kHeader,        // a header field, see HeaderField
};

enum HeaderField : uint8_t { kTid, kPid, kPpid, kUid, kGid, kComm };

enum class Format : uint8_t {
  kInt,            // signed 64-bit number
  kInt32,          // signed 32-bit number (fds, pids)
  kUint,           // unsigned number
  kUint32,         // unsigned 32-bit number (uids: -1 prints 4294967295)
  kHex,            // "0x7ffd..." (addresses)
  kStr,            // a STR blob as a JSON string
  kBytes,          // a payload blob as a JSON string
  kStrList,        // a STRLIST blob as a JSON array
  kArgv0,          // argv[0] of a STRLIST blob
  kArgvRest,       // argv[1..] of a STRLIST blob, as a JSON array
  kSockaddr,       // a SOCKADDR blob: "1.2.3.4:80", "/path"
  kTuple,          // a TUPLE blob, "local->remote"
  kTupleAccepted,  // a TUPLE blob, "remote->local" (client->server)
  kFdPairFirst,    // first fd of a FDPAIR blob
  kFdPairSecond,   // second fd of a FDPAIR blob
  kOpenHow,        // openat2's struct open_how: expands to flags, mode, resolve
  kExecInfo,       // struct saker_exec_info: expands to several keys
  kOpenFlags,
  kFdFlags,
  kModeOctal,      // "0644"
  kCloneFlags,
  kNsFlags,
  kSignal,
  kPtraceRequest,
  kPrctlOption,
  kFcntlCmd,
  kMountFlags,
  kUmountFlags,
  kAtFlags,
  kRenameFlags,
  kSocketFamily,
  kSocketType,
  kSocketFlags,
  kMsgFlags,
  kShutdownHow,
  kBpfCmd,
  kMemfdFlags,
  kUffdFlags,
  kIoUringFlags,
  kFinitModuleFlags,
  kDeleteModuleFlags,
};

struct ParamSpec {
  const char* name;
  Source source;
  uint8_t index;
  Format format;
};

struct SyscallSpec {
  uint16_t id;  // enum saker_syscall
  const char* name;
  uint8_t category;  // enum saker_category
  const ParamSpec* params;
  uint8_t num_params;
};

// The spec of saker syscall `id`, or nullptr.
const SyscallSpec* FindSyscall(uint16_t id);
// The spec for an evt.type name, or nullptr.
const SyscallSpec* FindSyscallByName(absl::string_view name);

}  // namespace syscalls
}  // namespace saker
