// Maps and load-time knobs shared by every program of the probe. The loader
// (server/driver) knows these by name: keep names and layouts in step with it.
#pragma once

// Per native syscall number: is it captured, and under which saker id.
// Written by userspace before attach. Array lookups are inlined by the
// verifier, so the dispatcher's miss path is a bounds check and two loads.
struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, SAKER_MAX_SYSCALL_NR);
  __type(key, __u32);
  __type(value, struct saker_syscall_cfg);
} syscall_cfg SEC(".maps");

// saker id -> handler program (sys_<name>); filled by the loader.
struct {
  __uint(type, BPF_MAP_TYPE_PROG_ARRAY);
  __uint(max_entries, SAKER_SYS__MAX);
  __type(key, __u32);
  __type(value, __u32);
} handlers SEC(".maps");

// One ring buffer per CPU. The template's size is replaced by the loader,
// which also resizes the outer array to the possible CPUs and inserts one
// ringbuf per slot after load.
struct saker_ring {
  __uint(type, BPF_MAP_TYPE_RINGBUF);
  __uint(max_entries, 1 << 16);
};

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
  __uint(max_entries, 1);
  __type(key, __u32);
  __array(values, struct saker_ring);
} rings SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, struct saker_counters);
} counters SEC(".maps");

// The event under construction. bpf_ringbuf_reserve() wants a constant size,
// so events are built here and copied out with bpf_ringbuf_output(). 32 KiB is
// both SAKER_MAX_EVENT_SIZE and the largest per-CPU value the kernel allows.
struct saker_scratch {
  __u8 buf[SAKER_MAX_EVENT_SIZE];
};

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, struct saker_scratch);
} scratch SEC(".maps");

// Paths are assembled here (from dentries or kernfs nodes) before becoming a
// blob: the walk goes leaf to root, the text is written root to leaf.
#define SAKER_PATH_DEPTH 32  // a power of two: indexes are masked
#define SAKER_NAME_MAX 256
struct saker_pathbuf {
  __u8 buf[SAKER_MAX_PATH + SAKER_NAME_MAX + 8];
  __u64 names[SAKER_PATH_DEPTH];
  // Loop state lives here, not in registers: values loaded from a map are
  // unknown to the verifier, so loop iterations reach equal states and get
  // pruned instead of multiplying with every branch.
  __u32 n;
  __u32 off;
};

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, struct saker_pathbuf);
} pathbuf SEC(".maps");

// Load-time knobs (rodata), set by the loader between open and load.
const volatile __u32 saker_self_tgid = 0;  // sakerd's own tgid; 0 = none
const volatile __u32 saker_snaplen = 0;    // send/recv payload bytes; 0 = none
const volatile __u32 saker_argv_max = 4096;
const volatile __u32 saker_env_max = 4096;
const volatile __u8 saker_capture_procexit = 0;
