#include "server/driver/libbpf_status.h"

#include <bpf/libbpf.h>

#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace saker::driver {
namespace {

int PrintLibbpf(enum libbpf_print_level level, const char* fmt, va_list args) {
  static const bool debug = std::getenv("SAKER_LIBBPF_DEBUG") != nullptr;
  if (level == LIBBPF_DEBUG && !debug) {
    return 0;
  }
  std::fputs("libbpf: ", stderr);
  return std::vfprintf(stderr, fmt, args);
}

}  // namespace

absl::Status LibbpfError(int err, absl::string_view what) {
  const int e = err < 0 ? -err : err;
  std::string msg = absl::StrCat(what, ": ", std::strerror(e), " (errno ", e, ")");
  switch (e) {
    case EPERM:
    case EACCES:
      absl::StrAppend(&msg,
                      "; sakerd needs CAP_BPF and CAP_PERFMON (or CAP_SYS_ADMIN): run it as root");
      return absl::PermissionDeniedError(msg);
    case ENOENT:
      return absl::NotFoundError(msg);
    case EINVAL:
      return absl::InvalidArgumentError(msg);
    case ENOMEM:
      return absl::ResourceExhaustedError(msg);
    case EOPNOTSUPP:
    case ENOSYS:
      return absl::UnimplementedError(msg);
    default:
      return absl::InternalError(msg);
  }
}

void InstallLibbpfLogger() { libbpf_set_print(PrintLibbpf); }

}  // namespace saker::driver
