#include "server/driver/kernel_features.h"

#include <linux/capability.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cstdio>

#include "absl/strings/str_cat.h"

namespace saker::driver {
namespace {

#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif

bool HasCap(const __user_cap_data_struct (&data)[2], int cap) {
  return (data[cap / 32].effective & (1u << (cap % 32))) != 0;
}

absl::Status CheckCapabilities() {
  __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2] = {};
  if (syscall(SYS_capget, &hdr, data) != 0) {
    return absl::InternalError("capget failed: cannot tell this process's capabilities");
  }
  const bool admin = HasCap(data, CAP_SYS_ADMIN);
  const bool bpf = HasCap(data, CAP_BPF) || admin;
  const bool perfmon = HasCap(data, CAP_PERFMON) || admin;
  if (!bpf || !perfmon) {
    return absl::PermissionDeniedError(absl::StrCat(
        "sakerd lacks ", !bpf ? "CAP_BPF " : "", !perfmon ? "CAP_PERFMON " : "",
        "(or CAP_SYS_ADMIN): run it as root, or grant them, e.g. "
        "`setcap cap_bpf,cap_perfmon,cap_sys_resource+ep sakerd`"));
  }
  return absl::OkStatus();
}

}  // namespace

bool ParseKernelRelease(const std::string& release, int* major, int* minor) {
  return std::sscanf(release.c_str(), "%d.%d", major, minor) == 2;
}

absl::Status CheckKernelFeatures(const KernelRequirements& req) {
  utsname uts;
  if (uname(&uts) != 0) {
    return absl::InternalError("uname failed");
  }
  int major = 0;
  int minor = 0;
  if (!ParseKernelRelease(uts.release, &major, &minor)) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot parse the kernel release \"", uts.release, "\""));
  }
  if (major < req.min_major || (major == req.min_major && minor < req.min_minor)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "kernel ", uts.release, " is too old: sakerd needs Linux ", req.min_major, ".",
        req.min_minor, " or newer (BPF ring buffers and BTF tracing programs)"));
  }
  if (access(req.btf_path.c_str(), R_OK) != 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        req.btf_path, " is missing: this kernel was built without BTF. Use a kernel with "
                      "CONFIG_DEBUG_INFO_BTF=y (every major distribution ships one since 2021)"));
  }
  return CheckCapabilities();
}

}  // namespace saker::driver
