// What Saker knows about a container beyond its id, and where it learns it:
// a ContainerMetadataSource (the seam tests fake), with implementations that
// read the runtimes' own storage (podman's containers.json and OCI config,
// docker's config.v2.json/hostconfig.json) instead of calling their APIs.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/state/container_id.h"

namespace saker::state {

struct ContainerMount {
  std::string source;
  std::string dest;
  std::string mode;
  bool rdwr = true;
  std::string propagation;
};

struct ContainerInfo {
  std::string id;       // 12 hex digits
  std::string full_id;
  ContainerRuntime runtime = ContainerRuntime::kNone;
  std::string name;
  std::string image;             // as the user named it: "docker.io/library/nginx:1.25"
  std::string image_id;
  std::string image_repository;  // "docker.io/library/nginx"
  std::string image_tag;         // "1.25"
  std::string image_digest;      // "sha256:..."
  bool has_privileged = false;   // the runtime said whether it is privileged
  bool privileged = false;
  std::vector<ContainerMount> mounts;
  std::map<std::string, std::string> labels;
};

// Splits `image` into repository, tag and digest ("repo:tag@sha256:...";
// a registry's ":port" is not a tag).
void SplitImage(absl::string_view image, ContainerInfo* info);

class ContainerMetadataSource {
 public:
  virtual ~ContainerMetadataSource() = default;
  // Metadata of the container whose full id starts with `id` (12 or 64 hex
  // digits). NotFound when this source does not know it. May block (file or
  // socket I/O): the registry calls it off the event path.
  virtual absl::StatusOr<ContainerInfo> Lookup(ContainerRuntime runtime, absl::string_view id) = 0;
};

// Podman's storage: <root>/var/lib/containers/storage/overlay-containers/
// containers.json (id, names, image name) and <id>/userdata/config.json (the
// OCI spec: mounts).
class PodmanStorageSource : public ContainerMetadataSource {
 public:
  explicit PodmanStorageSource(std::string root = "/") : root_(std::move(root)) {}
  absl::StatusOr<ContainerInfo> Lookup(ContainerRuntime runtime, absl::string_view id) override;

 private:
  std::string root_;
};

// Docker's storage: <root>/var/lib/docker/containers/<id>/config.v2.json
// (name, image, labels, mounts) and hostconfig.json (privileged).
class DockerStorageSource : public ContainerMetadataSource {
 public:
  explicit DockerStorageSource(std::string root = "/") : root_(std::move(root)) {}
  absl::StatusOr<ContainerInfo> Lookup(ContainerRuntime runtime, absl::string_view id) override;

 private:
  std::string root_;
};

// Tries each source in turn.
class ChainedSource : public ContainerMetadataSource {
 public:
  explicit ChainedSource(std::vector<std::unique_ptr<ContainerMetadataSource>> sources)
      : sources_(std::move(sources)) {}
  absl::StatusOr<ContainerInfo> Lookup(ContainerRuntime runtime, absl::string_view id) override;

 private:
  std::vector<std::unique_ptr<ContainerMetadataSource>> sources_;
};

// Podman then docker storage under `root`.
std::unique_ptr<ContainerMetadataSource> DefaultContainerSources(const std::string& root = "/");

}  // namespace saker::state
