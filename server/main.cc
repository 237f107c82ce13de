#include "bpf/saker_probe.skel.h"
#include "saker/wire.h"
#include <grpcpp/grpcpp.h>
#include "absl/status/status.h"
#include <cstdio>
int main() { auto* s = saker_probe__open_and_load(); printf("%p %s\n", (void*)s, absl::OkStatus().ToString().c_str()); return 0; }
