// Socket addresses as Falco prints them: "127.0.0.1:8080", "::1:8080",
// "/run/x.sock", and tuples "127.0.0.1:40000->127.0.0.1:8080".
#pragma once

#include <string>

#include "absl/strings/string_view.h"

namespace saker::syscalls {

// Appends a struct sockaddr (as the caller passed it) as a JSON string.
void AppendSockaddrJson(absl::string_view sockaddr, std::string* out);

// Appends a struct saker_tuple as a JSON string "local->remote", or
// "remote->local" when `remote_first` (the client->server order of an
// accepted connection). For AF_UNIX, `unix_path` is printed instead.
void AppendTupleJson(absl::string_view tuple, absl::string_view unix_path, bool remote_first,
                     std::string* out);

}  // namespace saker::syscalls
