// Symbolic names for the numbers syscalls take: flag sets, enums, errnos.
// Every formatter appends to the caller's string; nothing allocates beyond
// that string's growth.
#pragma once

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace saker::syscalls {

struct NamedValue {
  uint64_t value;
  const char* name;
};

// A set of named values, e.g. the O_* flags.
struct NameTable {
  const NamedValue* entries;
  size_t size;
};

// The flag and enum tables (Linux x86_64 values).
extern const NameTable kOpenFlags;      // O_* without the access mode
extern const NameTable kFdFlags;        // O_CLOEXEC, O_NONBLOCK, O_DIRECT
extern const NameTable kCloneFlags;     // CLONE_* (without the exit signal)
extern const NameTable kNsFlags;        // CLONE_NEW* (and unshare's others)
extern const NameTable kSignals;
extern const NameTable kPtraceRequests;
extern const NameTable kPrctlOptions;
extern const NameTable kFcntlCmds;
extern const NameTable kMountFlags;
extern const NameTable kUmountFlags;
extern const NameTable kAtFlags;
extern const NameTable kRenameFlags;
extern const NameTable kSocketFamilies;
extern const NameTable kSocketTypes;
extern const NameTable kSocketTypeFlags;  // SOCK_NONBLOCK, SOCK_CLOEXEC
extern const NameTable kMsgFlags;
extern const NameTable kShutdownHow;
extern const NameTable kBpfCmds;
extern const NameTable kMemfdFlags;
extern const NameTable kUffdFlags;
extern const NameTable kIoUringSetupFlags;
extern const NameTable kFinitModuleFlags;
extern const NameTable kDeleteModuleFlags;
extern const NameTable kResolveFlags;
extern const NameTable kExeFlags;

// The name of `value` in an enum table, or "" if it has none.
absl::string_view EnumName(const NameTable& table, uint64_t value);

// Appends `value` as a quoted JSON string of names joined by '|'
// ("O_CREAT|O_CLOEXEC"); leftover bits are appended in hex, no bits as "0".
void AppendFlagsJson(const NameTable& table, uint64_t value, std::string* out);
// Appends an enum's name as a JSON string, or its number when unnamed.
void AppendEnumJson(const NameTable& table, uint64_t value, std::string* out);

// open()'s flags: the access mode (O_RDONLY, O_WRONLY, O_RDWR) then the rest.
void AppendOpenFlagsJson(uint64_t flags, std::string* out);
// A signal number as "SIGKILL" ("SIGRTMIN+3", or the number when unknown).
void AppendSignalJson(uint64_t sig, std::string* out);
// A file mode in octal as a JSON string: "0644".
void AppendModeJson(uint64_t mode, std::string* out);
// socket()'s type: "SOCK_STREAM|SOCK_CLOEXEC".
void AppendSocketTypeJson(uint64_t type, std::string* out);

// "ENOENT" for 2; "" when unknown.
absl::string_view ErrnoName(int64_t err);

}  // namespace saker::syscalls
