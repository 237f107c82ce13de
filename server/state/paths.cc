#include "server/state/paths.h"

namespace saker::state {
namespace {

// Appends `path`'s components to `*out` (which holds an absolute path).
void AppendComponents(absl::string_view path, std::string* out) {
  size_t i = 0;
  while (i < path.size()) {
    size_t slash = path.find('/', i);
    if (slash == absl::string_view::npos) {
      slash = path.size();
    }
    absl::string_view comp = path.substr(i, slash - i);
    i = slash + 1;
    if (comp.empty() || comp == ".") {
      continue;
    }
    if (comp == "..") {
      size_t last = out->rfind('/');
      out->resize(last == 0 ? 1 : last);
      continue;
    }
    if (out->back() != '/') {
      out->push_back('/');
    }
    out->append(comp.data(), comp.size());
  }
}

}  // namespace

void ResolvePath(absl::string_view base, absl::string_view path, std::string* out) {
  out->assign("/");
  if (path.empty() || path[0] != '/') {
    AppendComponents(base, out);
  }
  AppendComponents(path, out);
}

absl::string_view PathDirectory(absl::string_view path) {
  size_t slash = path.rfind('/');
  if (slash == absl::string_view::npos) {
    return absl::string_view();
  }
  return slash == 0 ? path.substr(0, 1) : path.substr(0, slash);
}

absl::string_view PathFilename(absl::string_view path) {
  size_t slash = path.rfind('/');
  return slash == absl::string_view::npos ? path : path.substr(slash + 1);
}

}  // namespace saker::state
