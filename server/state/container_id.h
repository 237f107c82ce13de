// Container ids from cgroup paths, the way Falco's container plugin finds
// them: the innermost path component that names a container of a known
// runtime. container.id is the first 12 hex digits, "host" outside.
#pragma once

#include <string>

#include "absl/strings/string_view.h"

namespace saker::state {

enum class ContainerRuntime : uint8_t {
  kNone = 0,
  kDocker,      // /docker/<id>, docker-<id>.scope
  kContainerd,  // cri-containerd-<id>.scope, /kubepods/.../<id>, /<ns>/<id>
  kCrio,        // crio-<id>.scope
  kPodman,      // libpod-<id>.scope, /libpod_parent/libpod-<id>
};

absl::string_view ContainerRuntimeName(ContainerRuntime r);  // "docker", "containerd"...

struct ContainerRef {
  ContainerRuntime runtime = ContainerRuntime::kNone;
  std::string full_id;  // 64 hex digits; empty on the host

  bool in_container() const { return runtime != ContainerRuntime::kNone; }
  absl::string_view short_id() const { return absl::string_view(full_id).substr(0, 12); }
};

// Parses one cgroup path ("/system.slice/docker-<id>.scope"). False (and
// `out` reset) when it names no container.
bool ParseContainerCgroup(absl::string_view path, ContainerRef* out);

// Parses /proc/PID/cgroup content ("hier:controllers:path" lines separated
// by '\n' or '\0'): the first line naming a container wins.
bool FindContainerInCgroups(absl::string_view lines, ContainerRef* out);

}  // namespace saker::state
