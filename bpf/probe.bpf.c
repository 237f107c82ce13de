// placeholder probe, replaced by the real one
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "saker/wire.h"
char LICENSE[] SEC("license") = "Dual BSD/GPL";
SEC("tp_btf/sys_exit")
int BPF_PROG(sys_exit, struct pt_regs *regs, long ret) { return 0; }
