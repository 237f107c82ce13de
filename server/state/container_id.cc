#include "server/state/container_id.h"

#include "absl/strings/match.h"
#include "absl/strings/strip.h"

namespace saker::state {
namespace {

constexpr size_t kFullIdLen = 64;

bool IsHexId(absl::string_view s) {
  if (s.size() != kFullIdLen) {
    return false;
  }
  for (char c : s) {
    bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    if (!hex) {
      return false;
    }
  }
  return true;
}

struct Prefix {
  absl::string_view text;
  ContainerRuntime runtime;
};

// "conmon" scopes (crio-conmon-<id>, libpod-conmon-<id>) are the monitor
// process, not the container: their suffix is not a bare id, so they fail
// IsHexId and fall through.
constexpr Prefix kPrefixes[] = {
    {"docker-", ContainerRuntime::kDocker},
    {"cri-containerd-", ContainerRuntime::kContainerd},
    {"crio-", ContainerRuntime::kCrio},
    {"libpod-", ContainerRuntime::kPodman},
};

// A bare 64-hex component: which runtime depends on where it sits.
ContainerRuntime RuntimeOfBareId(absl::string_view path) {
  if (absl::StrContains(path, "/docker/")) {
    return ContainerRuntime::kDocker;
  }
  if (absl::StrContains(path, "/libpod_parent/")) {
    return ContainerRuntime::kPodman;
  }
  return ContainerRuntime::kContainerd;  // /kubepods/..., /<namespace>/<id>
}

bool MatchComponent(absl::string_view path, absl::string_view comp, ContainerRef* out) {
  absl::ConsumeSuffix(&comp, ".scope");
  for (const Prefix& p : kPrefixes) {
    absl::string_view rest = comp;
    if (absl::ConsumePrefix(&rest, p.text) && IsHexId(rest)) {
      out->runtime = p.runtime;
      out->full_id.assign(rest.data(), rest.size());
      return true;
    }
  }
  if (IsHexId(comp)) {
    out->runtime = RuntimeOfBareId(path);
    out->full_id.assign(comp.data(), comp.size());
    return true;
  }
  return false;
}

}  // namespace

absl::string_view ContainerRuntimeName(ContainerRuntime r) {
  switch (r) {
    case ContainerRuntime::kDocker: return "docker";
    case ContainerRuntime::kContainerd: return "containerd";
    case ContainerRuntime::kCrio: return "cri-o";
    case ContainerRuntime::kPodman: return "podman";
    case ContainerRuntime::kNone: break;
  }
  return "host";
}

bool ParseContainerCgroup(absl::string_view path, ContainerRef* out) {
  out->runtime = ContainerRuntime::kNone;
  out->full_id.clear();
  size_t end = path.size();
  while (end > 0) {
    size_t slash = path.rfind('/', end - 1);
    size_t start = slash == absl::string_view::npos ? 0 : slash + 1;
    if (MatchComponent(path, path.substr(start, end - start), out)) {
      return true;
    }
    if (slash == absl::string_view::npos) {
      break;
    }
    end = slash;
  }
  return false;
}

bool FindContainerInCgroups(absl::string_view lines, ContainerRef* out) {
  size_t pos = 0;
  while (pos < lines.size()) {
    size_t nl = lines.find_first_of(absl::string_view("\n\0", 2), pos);
    if (nl == absl::string_view::npos) {
      nl = lines.size();
    }
    absl::string_view line = lines.substr(pos, nl - pos);
    pos = nl + 1;
    // "hierarchy:controllers:path"; the path may itself hold ':'.
    size_t c1 = line.find(':');
    size_t c2 = c1 == absl::string_view::npos ? c1 : line.find(':', c1 + 1);
    absl::string_view path = c2 == absl::string_view::npos ? line : line.substr(c2 + 1);
    if (ParseContainerCgroup(path, out)) {
      return true;
    }
  }
  out->runtime = ContainerRuntime::kNone;
  out->full_id.clear();
  return false;
}

}  // namespace saker::state
