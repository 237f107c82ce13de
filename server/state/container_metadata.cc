#include "server/state/container_metadata.h"

#include <dirent.h>

#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "server/state/json_scan.h"

namespace saker::state {
namespace {

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(absl::StrCat("cannot read ", path));
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Str(absl::string_view raw) {
  std::string s;
  JsonUnescape(raw, &s);
  return s;
}

void FillIds(ContainerRuntime runtime, absl::string_view full_id, ContainerInfo* info) {
  info->runtime = runtime;
  info->full_id = std::string(full_id);
  info->id = std::string(full_id.substr(0, 12));
}

// OCI runtime spec mounts: [{"destination","type","source","options":[]}].
void ParseOciMounts(absl::string_view spec, ContainerInfo* info) {
  JsonForEachItem(JsonMember(spec, "mounts"), [&](absl::string_view m) {
    ContainerMount mount;
    mount.source = Str(JsonMember(m, "source"));
    mount.dest = Str(JsonMember(m, "destination"));
    JsonForEachItem(JsonMember(m, "options"), [&](absl::string_view o) {
      std::string opt = Str(o);
      if (opt == "ro") {
        mount.rdwr = false;
      } else if (absl::StrContains(opt, "private") || absl::StrContains(opt, "shared") ||
                 absl::StrContains(opt, "slave")) {
        mount.propagation = opt;
      }
      return true;
    });
    info->mounts.push_back(std::move(mount));
    return true;
  });
}

}  // namespace

void SplitImage(absl::string_view image, ContainerInfo* info) {
  absl::string_view rest = image;
  size_t at = rest.find('@');
  if (at != absl::string_view::npos) {
    info->image_digest = std::string(rest.substr(at + 1));
    rest = rest.substr(0, at);
  }
  size_t slash = rest.rfind('/');
  size_t colon = rest.rfind(':');
  if (colon != absl::string_view::npos && (slash == absl::string_view::npos || colon > slash)) {
    info->image_tag = std::string(rest.substr(colon + 1));
    rest = rest.substr(0, colon);
  }
  info->image_repository = std::string(rest);
}

absl::StatusOr<ContainerInfo> PodmanStorageSource::Lookup(ContainerRuntime runtime,
                                                          absl::string_view id) {
  if (runtime != ContainerRuntime::kPodman && runtime != ContainerRuntime::kNone) {
    return absl::NotFoundError("not a podman container");
  }
  std::string dir = absl::StrCat(root_, "/var/lib/containers/storage/overlay-containers");
  absl::StatusOr<std::string> list = ReadFile(dir + "/containers.json");
  if (!list.ok()) {
    return list.status();
  }
  ContainerInfo info;
  bool found = false;
  JsonForEachItem(*list, [&](absl::string_view c) {
    std::string full = Str(JsonMember(c, "id"));
    if (!absl::StartsWith(full, id)) {
      return true;
    }
    found = true;
    FillIds(ContainerRuntime::kPodman, full, &info);
    JsonForEachItem(JsonMember(c, "names"), [&](absl::string_view n) {
      info.name = Str(n);
      return false;
    });
    info.image_id = Str(JsonMember(c, "image"));
    // "metadata" is a JSON document inside a JSON string.
    std::string meta = Str(JsonMember(c, "metadata"));
    info.image = Str(JsonMember(meta, "image-name"));
    if (info.name.empty()) {
      info.name = Str(JsonMember(meta, "name"));
    }
    return false;
  });
  if (!found) {
    return absl::NotFoundError(absl::StrCat("no podman container ", id));
  }
  SplitImage(info.image, &info);
  absl::StatusOr<std::string> spec = ReadFile(dir + "/" + info.full_id + "/userdata/config.json");
  if (spec.ok()) {
    ParseOciMounts(*spec, &info);
    // podman records --privileged as an annotation of the OCI spec.
    std::string priv = Str(JsonMember(JsonMember(*spec, "annotations"),
                                      "io.podman.annotations.privileged"));
    if (!priv.empty()) {
      info.has_privileged = true;
      info.privileged = absl::AsciiStrToLower(priv) == "true";
    }
  }
  return info;
}

absl::StatusOr<ContainerInfo> DockerStorageSource::Lookup(ContainerRuntime runtime,
                                                          absl::string_view id) {
  if (runtime != ContainerRuntime::kDocker && runtime != ContainerRuntime::kNone) {
    return absl::NotFoundError("not a docker container");
  }
  std::string base = absl::StrCat(root_, "/var/lib/docker/containers");
  std::string full;
  if (DIR* d = opendir(base.c_str()); d != nullptr) {
    while (dirent* e = readdir(d)) {
      if (absl::StartsWith(e->d_name, id) && e->d_name[0] != '.') {
        full = e->d_name;
        break;
      }
    }
    closedir(d);
  }
  if (full.empty()) {
    return absl::NotFoundError(absl::StrCat("no docker container ", id));
  }
  absl::StatusOr<std::string> cfg = ReadFile(absl::StrCat(base, "/", full, "/config.v2.json"));
  if (!cfg.ok()) {
    return cfg.status();
  }
  ContainerInfo info;
  FillIds(ContainerRuntime::kDocker, full, &info);
  info.name = Str(JsonMember(*cfg, "Name"));
  if (absl::StartsWith(info.name, "/")) {
    info.name.erase(0, 1);
  }
  absl::string_view config = JsonMember(*cfg, "Config");
  info.image = Str(JsonMember(config, "Image"));
  info.image_id = Str(JsonMember(*cfg, "Image"));
  JsonForEachMember(JsonMember(config, "Labels"), [&](absl::string_view k, absl::string_view v) {
    info.labels[std::string(k)] = Str(v);
    return true;
  });
  JsonForEachMember(JsonMember(*cfg, "MountPoints"), [&](absl::string_view, absl::string_view m) {
    ContainerMount mount;
    mount.source = Str(JsonMember(m, "Source"));
    mount.dest = Str(JsonMember(m, "Destination"));
    mount.mode = Str(JsonMember(m, "Mode"));
    mount.rdwr = JsonMember(m, "RW") == "true";
    mount.propagation = Str(JsonMember(m, "Propagation"));
    info.mounts.push_back(std::move(mount));
    return true;
  });
  SplitImage(info.image, &info);
  absl::StatusOr<std::string> host = ReadFile(absl::StrCat(base, "/", full, "/hostconfig.json"));
  if (host.ok()) {
    absl::string_view priv = JsonMember(*host, "Privileged");
    info.has_privileged = !priv.empty();
    info.privileged = priv == "true";
  }
  return info;
}

absl::StatusOr<ContainerInfo> ChainedSource::Lookup(ContainerRuntime runtime,
                                                    absl::string_view id) {
  absl::Status last = absl::NotFoundError("no metadata source");
  for (auto& s : sources_) {
    absl::StatusOr<ContainerInfo> info = s->Lookup(runtime, id);
    if (info.ok()) {
      return info;
    }
    last = info.status();
  }
  return last;
}

std::unique_ptr<ContainerMetadataSource> DefaultContainerSources(const std::string& root) {
  std::vector<std::unique_ptr<ContainerMetadataSource>> v;
  v.push_back(std::make_unique<PodmanStorageSource>(root));
  v.push_back(std::make_unique<DockerStorageSource>(root));
  return std::make_unique<ChainedSource>(std::move(v));
}

}  // namespace saker::state
