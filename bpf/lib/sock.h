// A socket's endpoints read from the kernel (struct sock), which unlike the
// caller's sockaddr also knows the local side and the ephemeral port.
#pragma once

#define SAKER_AF_UNIX 1
#define SAKER_AF_INET 2
#define SAKER_AF_INET6 10

// Fills *t from `sk`: saddr/sport are the local end, daddr/dport the remote.
static __always_inline void sock__tuple(struct sock *sk, struct saker_tuple *t) {
  __builtin_memset(t, 0, sizeof(*t));
  t->family = BPF_CORE_READ(sk, __sk_common.skc_family);
  t->proto = BPF_CORE_READ(sk, sk_protocol);
  t->sport = BPF_CORE_READ(sk, __sk_common.skc_num);
  t->dport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
  // (BPF_CORE_READ_INTO would size the read by *t->saddr: one byte.)
  if (t->family == SAKER_AF_INET) {
    bpf_probe_read_kernel(t->saddr, 4, __builtin_preserve_access_index(&sk->__sk_common.skc_rcv_saddr));
    bpf_probe_read_kernel(t->daddr, 4, __builtin_preserve_access_index(&sk->__sk_common.skc_daddr));
  } else if (t->family == SAKER_AF_INET6) {
    bpf_probe_read_kernel(t->saddr, 16,
                          __builtin_preserve_access_index(&sk->__sk_common.skc_v6_rcv_saddr));
    bpf_probe_read_kernel(t->daddr, 16,
                          __builtin_preserve_access_index(&sk->__sk_common.skc_v6_daddr));
  } else if (t->family == SAKER_AF_UNIX) {
    t->proto = 0;
  }
}

// The path naming an AF_UNIX socket's connection: the peer's bound address
// if it has one (the server side, what a connect() reached), else its own.
static __always_inline struct unix_address *sock__unix_addr(struct sock *sk) {
  struct unix_sock *us = (struct unix_sock *)sk;
  struct unix_sock *peer = (struct unix_sock *)BPF_CORE_READ(us, peer);
  struct unix_address *addr = NULL;
  if (peer) addr = BPF_CORE_READ(peer, addr);
  if (!addr) addr = BPF_CORE_READ(us, addr);
  return addr;
}

// Pushes the TUPLE of the socket at `fd` (and, for AF_UNIX, its path as a
// STR with the same param). Nothing when `fd` is not a socket.
static __always_inline void event__push_fd_tuple(struct event *e, struct task_struct *task,
                                                 __s64 fd) {
  struct sock *sk = task__fd_sock(task, fd);
  if (!sk) return;
  struct saker_tuple t;
  sock__tuple(sk, &t);
  event__push_kernel_bytes(e, SAKER_PARAM_TUPLE, SAKER_BLOB_TUPLE, &t, sizeof(t));
  if (t.family != SAKER_AF_UNIX) return;
  struct unix_address *addr = sock__unix_addr(sk);
  if (!addr) return;
  int len = BPF_CORE_READ(addr, len);
  // sun_path follows the 2-byte family; an abstract name starts with NUL and
  // is kept as bytes up to len, a path is NUL-terminated.
  len -= 2;
  if (len <= 0) return;
  if (len > 108) len = 108;
  const char *path = (const char *)addr + bpf_core_field_offset(struct unix_address, name) + 2;
  char first = 0;
  bpf_probe_read_kernel(&first, 1, path);
  if (first) {
    event__push_kernel_str(e, SAKER_PARAM_TUPLE, path, 108);
  } else {
    event__push_kernel_bytes(e, SAKER_PARAM_TUPLE, SAKER_BLOB_STR, path, len);
  }
}

// Pushes the caller's sockaddr at `uptr` of `len` bytes (capped).
static __always_inline void event__push_sockaddr(struct event *e, __u16 param, __u64 uptr,
                                                 __u64 len) {
  if (!uptr) return;
  if (len > SAKER_MAX_SOCKADDR * 4) len = SAKER_MAX_SOCKADDR * 4;
  event__push_user_bytes(e, param, SAKER_BLOB_SOCKADDR, uptr, len, SAKER_MAX_SOCKADDR);
}

// As above, with the length in a user socklen_t (accept, recvfrom).
static __always_inline void event__push_sockaddr_lenp(struct event *e, __u16 param, __u64 uptr,
                                                      __u64 lenp) {
  if (!uptr || !lenp) return;
  __u32 len = 0;
  if (bpf_probe_read_user(&len, sizeof(len), (const void *)lenp)) return;
  event__push_sockaddr(e, param, uptr, len);
}
