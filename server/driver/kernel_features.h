// Checks, before anything is loaded, that this kernel and this process can
// run the probe, so that a missing feature fails with a message that names
// the fix instead of a verifier log.
#pragma once

#include <string>

#include "absl/status/status.h"

namespace saker::driver {

struct KernelRequirements {
  // Ring buffers (5.8), tp_btf (5.5), bounded loops (5.3): 5.8 is the floor.
  int min_major = 5;
  int min_minor = 8;
  std::string btf_path = "/sys/kernel/btf/vmlinux";
};

// Parses "6.1.0-18-amd64" into major/minor. False if it cannot.
bool ParseKernelRelease(const std::string& release, int* major, int* minor);

// OK, or FailedPrecondition/PermissionDenied naming what is missing.
absl::Status CheckKernelFeatures(const KernelRequirements& req = {});

}  // namespace saker::driver
