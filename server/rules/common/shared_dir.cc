#include "server/rules/common/shared_dir.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

#include "absl/strings/str_cat.h"

namespace saker::rules {
namespace {

bool IsDir(const std::string& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::string Parent(const std::string& p) {
  size_t slash = p.find_last_of('/');
  if (slash == std::string::npos || slash == 0) {
    return "/";
  }
  return p.substr(0, slash);
}

std::optional<std::string> WalkUp(std::string dir) {
  for (int i = 0; i < 64 && !dir.empty(); ++i) {
    std::string candidate = (dir == "/" ? "" : dir) + "/shared";
    if (IsDir(candidate + "/compat") || IsDir(candidate + "/spec")) {
      return candidate;
    }
    if (dir == "/") {
      break;
    }
    dir = Parent(dir);
  }
  return std::nullopt;
}

// Resolves the real path of the workspace when running under `bazel test`
// (the runfiles tree is a symlink forest; follow a known source file).
std::optional<std::string> WorkspaceFromRunfiles() {
  char buf[4096];
  const char* candidates[] = {"server/rules/common/shared_dir.h", "WORKSPACE"};
  for (const char* c : candidates) {
    char* real = ::realpath(c, buf);
    if (real != nullptr) {
      std::string p(real);
      std::string suffix = std::string("/") + c;
      if (p.size() > suffix.size() && p.compare(p.size() - suffix.size(), suffix.size(),
                                                suffix) == 0) {
        return p.substr(0, p.size() - suffix.size());
      }
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> FindSharedDir() {
  const char* env = std::getenv("SAKER_SHARED");
  if (env != nullptr && *env != '\0') {
    if (IsDir(env)) {
      return std::string(env);
    }
    return std::nullopt;
  }
  std::vector<std::string> starts;
  if (auto ws = WorkspaceFromRunfiles()) {
    starts.push_back(*ws);
  }
  if (const char* bwd = std::getenv("BUILD_WORKSPACE_DIRECTORY")) {
    starts.push_back(bwd);
  }
  char cwd[4096];
  if (::getcwd(cwd, sizeof(cwd)) != nullptr) {
    starts.push_back(cwd);
  }
  for (const std::string& s : starts) {
    if (auto found = WalkUp(s)) {
      return found;
    }
  }
  return std::nullopt;
}

std::optional<std::string> FindFalcoRulesDir() {
  auto shared = FindSharedDir();
  if (!shared) {
    return std::nullopt;
  }
  std::string dir = *shared + "/compat/falco-rules";
  if (!IsDir(dir)) {
    return std::nullopt;
  }
  return dir;
}

absl::StatusOr<std::string> LocateSharedFile(absl::string_view relative) {
  constexpr absl::string_view kHow =
      "set SAKER_SHARED to a directory holding Falco's rule files (compat/falco-rules/) and "
      "the spec data (spec/data/), or place that directory, named shared/, beside the clone";
  std::optional<std::string> shared = FindSharedDir();
  if (!shared) {
    const char* env = std::getenv("SAKER_SHARED");
    std::string where = env != nullptr && *env != '\0'
                            ? absl::StrCat("SAKER_SHARED=", env, " is not a directory")
                            : std::string("no shared/ directory beside the repository");
    return absl::NotFoundError(absl::StrCat(relative, " not found (", where, "): ", kHow));
  }
  std::string path = absl::StrCat(*shared, "/", relative);
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    return absl::NotFoundError(absl::StrCat(path, " not found: ", kHow));
  }
  return path;
}

std::optional<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return std::nullopt;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace saker::rules
