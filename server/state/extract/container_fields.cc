// StateExtractor: container.* and k8s.* fields (the container plugin's).
#include <fnmatch.h>

#include "absl/strings/str_cat.h"
#include "server/state/extract/extractor.h"

namespace saker::state {

using rules::FieldRef;
using rules::FieldValues;

namespace {

bool LabelValue(const ContainerInfo& c, const char* key, FieldValues* out) {
  auto it = c.labels.find(key);
  if (it == c.labels.end()) {
    return false;
  }
  out->AddString(it->second);
  return true;
}

void AppendMount(const ContainerMount& m, std::string* out) {
  absl::StrAppend(out, m.source, ":", m.dest, ":", m.mode, ":", m.rdwr ? "true" : "false", ":",
                  m.propagation);
}

}  // namespace

const ContainerInfo* StateExtractor::ContainerMeta() {
  if (!container_resolved_) {
    container_resolved_ = true;
    const ProcessState* p = ctx_->process;
    if (containers_ != nullptr && p != nullptr && !p->container_id.empty()) {
      container_ = containers_->Find(p->container_id, p->container_runtime);
    }
  }
  return container_.get();
}

bool StateExtractor::Container(Field f, const FieldRef& ref, FieldValues* out) {
  const ProcessState* p = ctx_->process;
  if (p == nullptr) {
    return false;
  }
  const bool host = p->container_id.empty();
  if (f == Field::kContainerId) {
    out->AddString(host ? absl::string_view("host") : absl::string_view(p->container_id));
    return true;
  }
  if (f == Field::kContainerType) {
    out->AddString(ContainerRuntimeName(p->container_runtime));
    return true;
  }
  if (host) {
    // The plugin's "host" container: a name, empty image fields, nothing
    // else.
    switch (f) {
      case Field::kContainerName:
      case Field::kContainerFullId: out->AddString("host"); return true;
      case Field::kContainerImage:
      case Field::kContainerImageId:
      case Field::kContainerImageRepository:
      case Field::kContainerImageTag:
      case Field::kContainerImageDigest: out->AddString(""); return true;
      case Field::kContainerPrivileged: out->AddBool(false); return true;
      default: return false;
    }
  }
  const ContainerInfo* c = ContainerMeta();
  if (c == nullptr) {
    return false;  // not looked up yet, or unknown to every source: <NA>
  }
  switch (f) {
    case Field::kContainerFullId: out->AddString(c->full_id); return true;
    case Field::kContainerName: out->AddString(c->name); return true;
    case Field::kContainerImage: out->AddString(c->image); return true;
    case Field::kContainerImageId: out->AddString(c->image_id); return true;
    case Field::kContainerImageRepository: out->AddString(c->image_repository); return true;
    case Field::kContainerImageTag: out->AddString(c->image_tag); return true;
    case Field::kContainerImageDigest: out->AddString(c->image_digest); return true;
    case Field::kContainerPrivileged:
      if (!c->has_privileged) {
        return false;
      }
      out->AddBool(c->privileged);
      return true;
    case Field::kContainerMounts: {
      std::string* s = out->Scratch();
      for (const ContainerMount& m : c->mounts) {
        if (!s->empty()) {
          s->push_back(',');
        }
        AppendMount(m, s);
      }
      out->AddString(*s);
      return true;
    }
    case Field::kContainerLabel:
      return ref.has_arg && LabelValue(*c, ref.arg.c_str(), out);
    case Field::kContainerLabels: {
      std::string* s = out->Scratch();
      for (const auto& [k, v] : c->labels) {
        absl::StrAppend(s, s->empty() ? "" : ", ", k, v.empty() ? "" : ":", v);
      }
      out->AddString(*s);
      return true;
    }
    case Field::kK8sPodName: return LabelValue(*c, "io.kubernetes.pod.name", out);
    case Field::kK8sNsName: return LabelValue(*c, "io.kubernetes.pod.namespace", out);
    case Field::kK8sPodUid: return LabelValue(*c, "io.kubernetes.pod.uid", out);
    default: return ContainerMountField(f, ref, *c, out);
  }
}

// container.mount*[N] or [source-glob] (mount.source[dest-glob]).
bool StateExtractor::ContainerMountField(Field f, const FieldRef& ref, const ContainerInfo& c,
                                         FieldValues* out) {
  if (!ref.has_arg) {
    return false;
  }
  const ContainerMount* m = nullptr;
  if (ref.arg_index >= 0) {
    if (static_cast<size_t>(ref.arg_index) < c.mounts.size()) {
      m = &c.mounts[static_cast<size_t>(ref.arg_index)];
    }
  } else {
    for (const ContainerMount& cand : c.mounts) {
      const std::string& key = f == Field::kContainerMountSource ? cand.dest : cand.source;
      if (fnmatch(ref.arg.c_str(), key.c_str(), 0) == 0) {
        m = &cand;
        break;
      }
    }
  }
  if (m == nullptr) {
    return false;
  }
  switch (f) {
    case Field::kContainerMount: {
      std::string* s = out->Scratch();
      AppendMount(*m, s);
      out->AddString(*s);
      return true;
    }
    case Field::kContainerMountSource: out->AddString(m->source); return true;
    case Field::kContainerMountDest: out->AddString(m->dest); return true;
    case Field::kContainerMountMode: out->AddString(m->mode); return true;
    case Field::kContainerMountRdwr: out->AddString(m->rdwr ? "true" : "false"); return true;
    case Field::kContainerMountPropagation: out->AddString(m->propagation); return true;
    default: return false;
  }
}

}  // namespace saker::state
