// Data on sockets (sys_exit, see common.h): the fd's tuple, and when
// saker_snaplen > 0 the first saker_snaplen bytes of the payload (for the
// msg variants, of the first iovec only). Payload capture is off by
// default: it is sensitive and costly.
#pragma once

#define SAKER_SNAPLEN_MAX 16384

static __always_inline void event__push_payload(struct event *e, __u64 ubuf, long ret,
                                                __u64 iov_len) {
  __u32 snaplen = saker_snaplen;
  if (snaplen == 0 || ret <= 0 || !ubuf) return;
  if (snaplen > SAKER_SNAPLEN_MAX) snaplen = SAKER_SNAPLEN_MAX;
  __u64 n = (__u64)ret < iov_len ? (__u64)ret : iov_len;
  event__push_user_bytes(e, 1, SAKER_BLOB_BYTES, ubuf, n, snaplen);
}

SAKER_PROBE(sendto) {
  struct event e;
  if (!event__begin_sys(&e, sendto, regs, ret)) return 0;
  event__push_fd_tuple(&e, bpf_get_current_task_btf(), event__arg(&e, 0));
  event__push_payload(&e, event__arg(&e, 1), ret, event__arg(&e, 2));
  event__push_sockaddr(&e, 4, event__arg(&e, 4), event__arg(&e, 5));
  return event__submit(&e);
}

SAKER_PROBE(recvfrom) {
  struct event e;
  if (!event__begin_sys(&e, recvfrom, regs, ret)) return 0;
  event__push_fd_tuple(&e, bpf_get_current_task_btf(), event__arg(&e, 0));
  event__push_payload(&e, event__arg(&e, 1), ret, event__arg(&e, 2));
  if (ret >= 0) event__push_sockaddr_lenp(&e, 4, event__arg(&e, 4), event__arg(&e, 5));
  return event__submit(&e);
}

// sendmsg/recvmsg: the address and the first iovec from the caller's msghdr.
static __always_inline int msg__on_exit(struct pt_regs *regs, long ret, __u16 id, int is_recv) {
  struct event e;
  if (!event__begin(&e, id, SAKER_CAT_NETWORK, regs, ret)) return 0;
  event__push_fd_tuple(&e, bpf_get_current_task_btf(), event__arg(&e, 0));
  struct user_msghdr msg;
  __u64 umsg = event__arg(&e, 1);
  if (umsg && bpf_probe_read_user(&msg, sizeof(msg), (const void *)umsg) == 0) {
    if (saker_snaplen && msg.msg_iovlen > 0 && msg.msg_iov) {
      struct iovec iov;
      if (bpf_probe_read_user(&iov, sizeof(iov), msg.msg_iov) == 0) {
        event__push_payload(&e, (__u64)iov.iov_base, ret, iov.iov_len);
      }
    }
    if (!is_recv || ret >= 0) {
      event__push_sockaddr(&e, 2, (__u64)msg.msg_name, msg.msg_namelen);
    }
  }
  return event__submit(&e);
}

SAKER_PROBE(sendmsg) { return msg__on_exit(regs, ret, SAKER_SYS_sendmsg, 0); }
SAKER_PROBE(recvmsg) { return msg__on_exit(regs, ret, SAKER_SYS_recvmsg, 1); }
