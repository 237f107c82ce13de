// Building one event in the per-CPU scratch buffer and handing it to the
// CPU's ring buffer:
//
//   struct event e;
//   if (!event__begin(&e, SAKER_SYS_openat, SAKER_CAT_FILE, regs, ret))
//     return 0;
//   event__push_user_str(&e, 1, args[1], SAKER_MAX_PATH);
//   return event__submit(&e);
//
// Every loss is counted: ring full (dropped[category]), a blob cut to its cap
// (truncated), a blob cut to fit SAKER_MAX_EVENT_SIZE (oversize), a failed
// read (read_faults).
#pragma once

#define SAKER_HALF (SAKER_MAX_EVENT_SIZE / 2)

struct event {
  __u8 *buf;   // scratch map value, SAKER_MAX_EVENT_SIZE bytes
  __u32 off;   // bytes used so far; always a multiple of 8
  __u16 nblobs;
  __u16 flags;  // enum saker_event_flags
  __u8 cat;     // enum saker_category
};

enum scratch_read_how {
  READ_USER = 0,
  READ_USER_STR = 1,
  READ_KERNEL = 2,
  READ_KERNEL_STR = 3,
};

static __always_inline long scratch__copy(__u8 *dst, __u32 len, const void *src, __u32 how) {
  switch (how) {
    case READ_USER:
      return bpf_probe_read_user(dst, len, src) == 0 ? len : -1;
    case READ_USER_STR:
      return bpf_probe_read_user_str(dst, len, src);
    case READ_KERNEL:
      return bpf_probe_read_kernel(dst, len, src) == 0 ? len : -1;
    default:
      return bpf_probe_read_kernel_str(dst, len, src);
  }
}

// Reads up to `len` bytes into buf[doff..]. The verifier cannot relate doff
// and len, so the buffer is split in tiers: data starting in the first half
// may take a half, in the next quarter a quarter, and so on. A blob starting
// late in a full event may thus be cut shorter than the room left (flagged
// oversize by the caller when the result is shorter than asked). Returns the
// bytes written (for strings, including the NUL) or < 0 on a fault.
static __noinline long scratch__read(__u8 *buf, __u32 doff, __u32 len, const void *src,
                                     __u32 how) {
  if (doff < SAKER_HALF) {
    if (len > SAKER_HALF) len = SAKER_HALF;
    return scratch__copy(buf + (doff & (SAKER_HALF - 1)), len, src, how);
  }
#define SAKER_TIER(start, size)                                                       \
  if (doff < (start) + (size)) {                                                      \
    if (len > (size)) len = (size);                                                   \
    return scratch__copy(buf + (start) + (doff & ((size)-1)), len, src, how);          \
  }
  SAKER_TIER(SAKER_HALF, SAKER_HALF / 2)
  SAKER_TIER(SAKER_HALF + SAKER_HALF / 2, SAKER_HALF / 4)
  SAKER_TIER(SAKER_MAX_EVENT_SIZE - SAKER_HALF / 4, SAKER_HALF / 8)
  SAKER_TIER(SAKER_MAX_EVENT_SIZE - SAKER_HALF / 8, SAKER_HALF / 16)
  SAKER_TIER(SAKER_MAX_EVENT_SIZE - SAKER_HALF / 16, SAKER_HALF / 32)
  SAKER_TIER(SAKER_MAX_EVENT_SIZE - SAKER_HALF / 32, SAKER_HALF / 64)
#undef SAKER_TIER
  return 0;
}

static __always_inline struct saker_counters *counters__get(void) {
  __u32 zero = 0;
  return bpf_map_lookup_elem(&counters, &zero);
}

// Starts an event of `kind` for the current task. Returns 0 when the scratch
// buffer is unavailable (cannot happen for a 1-entry per-CPU array).
static __always_inline int event__begin_kind(struct event *e, __u16 kind, __u16 syscall,
                                             __u8 cat, struct pt_regs *regs, long ret) {
  __u32 zero = 0;
  struct saker_scratch *s = bpf_map_lookup_elem(&scratch, &zero);
  if (!s) return 0;
  struct task_struct *task = bpf_get_current_task_btf();
  struct saker_event *ev = (struct saker_event *)s->buf;

  ev->hdr.kind = kind;
  ev->hdr.version = SAKER_WIRE_VERSION;
  ev->hdr.size = 0;
  ev->hdr.ts_ns = bpf_ktime_get_boot_ns();
  ev->hdr.tid = task->pid;
  ev->hdr.pid = task->tgid;
  // task and regs are BTF pointers: plain member accesses compile to
  // CO-RE-relocated direct loads (the verifier makes them fault-safe),
  // several times cheaper than a bpf_probe_read_kernel() call each.
  ev->hdr.ppid = task->real_parent->tgid;
  ev->hdr.cpu = bpf_get_smp_processor_id();
  const struct cred *cred = task->cred;
  ev->hdr.uid = cred->uid.val;
  ev->hdr.gid = cred->gid.val;
  ev->hdr.euid = cred->euid.val;
  ev->hdr.egid = cred->egid.val;
  // What bpf_get_current_cgroup_id() returns, without the helper call.
  ev->hdr.cgroup_id = task->cgroups->dfl_cgrp->kn->id;
  ev->hdr.ret = ret;
  ev->hdr.syscall = syscall;
  ev->hdr.flags = 0;
  ev->hdr.nblobs = 0;
  ev->hdr.reserved = 0;
  // comm is always NUL-terminated and NUL-padded by the kernel (set_task_comm
  // pads with zeros), so two word loads copy it exactly.
  __u64 *comm = (__u64 *)ev->hdr.comm;
  comm[0] = *(__u64 *)&task->comm[0];
  comm[1] = *(__u64 *)&task->comm[8];
  if (regs) {
    // The registers as the syscall left them. x86_64 passes the fourth
    // argument in r10 (not rcx, which syscall clobbers).
    ev->args[0] = regs->di;
    ev->args[1] = regs->si;
    ev->args[2] = regs->dx;
    ev->args[3] = regs->r10;
    ev->args[4] = regs->r8;
    ev->args[5] = regs->r9;
  } else {
    __builtin_memset(ev->args, 0, sizeof(ev->args));
  }
  e->buf = s->buf;
  e->off = sizeof(struct saker_event);
  e->nblobs = 0;
  e->flags = 0;
  e->cat = cat & (SAKER_CAT__COUNT - 1);
  return 1;
}

static __always_inline int event__begin(struct event *e, __u16 syscall, __u8 cat,
                                        struct pt_regs *regs, long ret) {
  return event__begin_kind(e, SAKER_EVENT_SYSCALL, syscall, cat, regs, ret);
}

static __always_inline struct saker_event *event__hdr(struct event *e) {
  return (struct saker_event *)e->buf;
}

static __always_inline __u64 event__arg(struct event *e, int i) {
  return event__hdr(e)->args[i];
}

// Bytes a blob's data may take when it starts at `doff`: the room left in
// the event, further limited by the tier of scratch__read.
static __always_inline __u32 scratch__room(__u32 doff) {
  __u32 room = SAKER_MAX_EVENT_SIZE - doff;
  __u32 tier;
  if (doff < SAKER_HALF) {
    tier = SAKER_HALF;
  } else if (doff < SAKER_MAX_EVENT_SIZE - SAKER_HALF / 64) {
    // Tier k starts at MAX - HALF/2^(k-1) and is HALF/2^k long.
    tier = SAKER_HALF / 2;
    __u32 left = SAKER_MAX_EVENT_SIZE - doff;
    for (int i = 0; i < 6; i++) {
      if (left > tier) break;
      tier /= 2;
    }
  } else {
    tier = 0;
  }
  return room < tier ? room : tier;
}

// Appends a blob of `type` for `param`: a binary read of `want` bytes capped
// to `cap`, or (how = *_STR) a NUL-terminated string of at most `cap` bytes.
static __always_inline void event__push_flags(struct event *e, __u16 param, __u16 type,
                                              const void *src, __u32 want, __u32 cap,
                                              __u32 how, __u16 bflags) {
  if (e->off > SAKER_MAX_EVENT_SIZE - sizeof(struct saker_blob)) {
    e->flags |= SAKER_EVENT_OVERSIZE | SAKER_EVENT_TRUNCATED;
    return;
  }
  int is_str = how == READ_USER_STR || how == READ_KERNEL_STR;
  // Strings get one byte more than the cap for the NUL the helper writes.
  __u32 ask = is_str ? cap + 1 : (want < cap ? want : cap);
  __u32 doff = e->off + sizeof(struct saker_blob);
  __u32 room = scratch__room(doff);
  int cut = 0;
  if (ask > room) {
    ask = room;
    cut = 1;
  }
  long n = -1;
  if (src && ask > 0) {
    n = scratch__read(e->buf, doff, ask, src, how);
  } else if (src || ask == 0) {
    n = 0;
  }
  __u32 len = 0;
  if (n < 0) {
    bflags |= SAKER_BLOB_FAULT;
    e->flags |= SAKER_EVENT_READ_FAULT;
  } else if (is_str) {
    len = n > 0 ? n - 1 : 0;  // drop the NUL
    if (n >= ask) {
      // The string filled what it was given: cut by the cap or by the room.
      bflags |= SAKER_BLOB_TRUNCATED;
      if (cut) e->flags |= SAKER_EVENT_OVERSIZE;
    }
  } else {
    len = n;
    if (len < want) bflags |= SAKER_BLOB_TRUNCATED;
    if (cut) e->flags |= SAKER_EVENT_OVERSIZE;
  }
  if (bflags & SAKER_BLOB_TRUNCATED) e->flags |= SAKER_EVENT_TRUNCATED;
  len &= SAKER_MAX_EVENT_SIZE - 1;

  // Zero the padding after the data (the scratch holds older events).
  __u32 end = doff + len;
  if (end & 7) {
    __u64 *w = (__u64 *)(e->buf + ((end & ~7u) & (SAKER_MAX_EVENT_SIZE - 8)));
    *w &= (1ULL << ((end & 7) * 8)) - 1;
  }
  struct saker_blob *b =
      (struct saker_blob *)(e->buf + (e->off & (SAKER_MAX_EVENT_SIZE - 8)));
  b->param = param;
  b->type = type;
  b->len = len;
  b->flags = bflags;
  e->off = (doff + len + 7) & ~7u;
  e->nblobs++;
}

static __always_inline void event__push(struct event *e, __u16 param, __u16 type,
                                        const void *src, __u32 want, __u32 cap, __u32 how) {
  event__push_flags(e, param, type, src, want, cap, how, 0);
}

static __always_inline void event__push_user_str(struct event *e, __u16 param, __u64 uptr,
                                                 __u32 cap) {
  event__push(e, param, SAKER_BLOB_STR, (const void *)uptr, 0, cap, READ_USER_STR);
}

// A path argument. Read at syscall exit, so it is what the memory held
// after the kernel used it: a racing thread can change it in between
// (TOCTOU); the value is a report of the argument, not proof of what the
// kernel resolved.
static __always_inline void event__push_user_path(struct event *e, __u16 param, __u64 uptr) {
  event__push_user_str(e, param, uptr, SAKER_MAX_PATH);
}

static __always_inline void event__push_user_bytes(struct event *e, __u16 param, __u16 type,
                                                   __u64 uptr, __u32 len, __u32 cap) {
  event__push(e, param, type, (const void *)uptr, len, cap, READ_USER);
}

static __always_inline void event__push_kernel_bytes(struct event *e, __u16 param, __u16 type,
                                                     const void *src, __u32 len) {
  event__push(e, param, type, src, len, len, READ_KERNEL);
}

static __always_inline void event__push_kernel_str(struct event *e, __u16 param,
                                                   const void *src, __u32 cap) {
  event__push(e, param, SAKER_BLOB_STR, src, 0, cap, READ_KERNEL_STR);
}

// Copies the event to this CPU's ring and counts the outcome.
static __always_inline int event__submit(struct event *e) {
  struct saker_event *ev = event__hdr(e);
  __u32 size = e->off & (SAKER_MAX_EVENT_SIZE * 2 - 1);
  if (size > SAKER_MAX_EVENT_SIZE) size = SAKER_MAX_EVENT_SIZE;
  ev->hdr.size = size;
  ev->hdr.flags = e->flags;
  ev->hdr.nblobs = e->nblobs;

  __u32 cpu = bpf_get_smp_processor_id();
  void *ring = bpf_map_lookup_elem(&rings, &cpu);
  long err = -1;
  if (ring && size >= sizeof(struct saker_event)) {
    err = bpf_ringbuf_output(ring, e->buf, size, 0);
  }
  struct saker_counters *c = counters__get();
  if (!c) return 0;
  __u8 cat = e->cat & (SAKER_CAT__COUNT - 1);
  if (err) {
    __sync_fetch_and_add(&c->dropped[cat], 1);
    return 0;
  }
  __sync_fetch_and_add(&c->sent[cat], 1);
  if (ev->hdr.kind == SAKER_EVENT_PROCEXIT) __sync_fetch_and_add(&c->procexit_sent, 1);
  if (e->flags & SAKER_EVENT_OVERSIZE) __sync_fetch_and_add(&c->oversize, 1);
  if (e->flags & SAKER_EVENT_TRUNCATED) __sync_fetch_and_add(&c->truncated, 1);
  if (e->flags & SAKER_EVENT_READ_FAULT) __sync_fetch_and_add(&c->read_faults, 1);
  return 0;
}
