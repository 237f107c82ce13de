// Socket endpoints by inode, from one network namespace's /proc/net tables.
#pragma once

#include <cstdint>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "server/capture/proc_snapshot.h"

namespace saker::capture {

using SocketTable = absl::flat_hash_map<uint64_t, SocketTuple>;

// Reads tcp, tcp6, udp, udp6 and unix under `net_dir` (e.g. "/proc/42/net").
// Missing or unreadable tables are skipped.
SocketTable ReadSocketTable(const std::string& net_dir);

// Parses the text of /proc/net/{tcp,tcp6,udp,udp6}. `family` is AF_INET or
// AF_INET6; `proto` IPPROTO_TCP or IPPROTO_UDP. Malformed lines are skipped.
void ParseInetTable(absl::string_view text, uint16_t family, uint16_t proto, SocketTable* out);

// Parses the text of /proc/net/unix.
void ParseUnixTable(absl::string_view text, SocketTable* out);

}  // namespace saker::capture
